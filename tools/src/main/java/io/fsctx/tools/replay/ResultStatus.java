package io.fsctx.tools.replay;

import com.google.common.collect.ImmutableMap;
import io.fsctx.nt.NtStatus;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Maps Process Monitor's {@code Result} text to the NTSTATUS the model file system completes the
 * request with.
 *
 * <p>Process Monitor prints a status as its {@code ntstatus.h} name without the {@code STATUS_}
 * prefix and with spaces for underscores ({@code NAME NOT FOUND} for {@code
 * STATUS_OBJECT_NAME_NOT_FOUND}), and a code it cannot name as hex ({@code 0xc0001234}). The
 * mapping, in order:
 *
 * <ol>
 *   <li>the explicit table below (every text of the shared capture and the common ones);
 *   <li>hex text {@code 0x} followed by one to eight hex digits: that code, through {@link
 *       NtStatus#of(int)};
 *   <li>the text is the name of a status {@link NtStatus} knows, after {@code STATUS_} and
 *       underscores are added ({@code DISK FULL} → {@code STATUS_DISK_FULL});
 *   <li><b>fallback</b>: anything else is {@link #FALLBACK}, {@code STATUS_UNSUCCESSFUL}
 *       ({@code 0xC0000001}), the generic failure. An unrecognised text is always a failure,
 *       because a replay that invented a success would open file objects the capture never had.
 * </ol>
 *
 * <p>Matching ignores case and surrounding blanks. Which rows open, reparse or fail is decided by
 * the literal texts {@code SUCCESS} and {@code REPARSE} as the contract says, not by this mapping.
 *
 * <p>Thread safety: immutable (static functions only).
 */
public final class ResultStatus {
  private ResultStatus() {}

  /** What an unrecognised result text maps to: {@code STATUS_UNSUCCESSFUL}. */
  public static final NtStatus FALLBACK = NtStatus.STATUS_UNSUCCESSFUL;

  private static final ImmutableMap<String, Integer> TABLE =
      ImmutableMap.<String, Integer>builder()
          .put("SUCCESS", 0x00000000)
          .put("PENDING", 0x00000103)
          .put("REPARSE", 0x00000104)
          .put("MORE ENTRIES", 0x00000105)
          .put("OPLOCK BREAK IN PROGRESS", 0x00000108)
          .put("NOTIFY CLEANUP", 0x0000010B)
          .put("NOTIFY ENUM DIR", 0x0000010C)
          .put("FILE LOCKED WITH ONLY READERS", 0x0000012A)
          .put("FILE LOCKED WITH WRITERS", 0x0000012B)
          .put("OPLOCK SWITCHED TO NEW HANDLE", 0x00000215)
          .put("OPLOCK HANDLE CLOSED", 0x00000216)
          .put("BUFFER OVERFLOW", 0x80000005)
          .put("NO MORE FILES", 0x80000006)
          .put("NO MORE ENTRIES", 0x8000001A)
          .put("UNSUCCESSFUL", 0xC0000001)
          .put("NOT IMPLEMENTED", 0xC0000002)
          .put("INVALID INFO CLASS", 0xC0000003)
          .put("INFO LENGTH MISMATCH", 0xC0000004)
          .put("INVALID HANDLE", 0xC0000008)
          .put("INVALID PARAMETER", 0xC000000D)
          .put("NO SUCH DEVICE", 0xC000000E)
          .put("NO SUCH FILE", 0xC000000F)
          .put("INVALID DEVICE REQUEST", 0xC0000010)
          .put("END OF FILE", 0xC0000011)
          .put("NO MEMORY", 0xC0000017)
          .put("ACCESS DENIED", 0xC0000022)
          .put("BUFFER TOO SMALL", 0xC0000023)
          .put("OBJECT TYPE MISMATCH", 0xC0000024)
          .put("NAME INVALID", 0xC0000033)
          .put("OBJECT NAME INVALID", 0xC0000033)
          .put("NAME NOT FOUND", 0xC0000034)
          .put("OBJECT NAME NOT FOUND", 0xC0000034)
          .put("NAME COLLISION", 0xC0000035)
          .put("OBJECT NAME COLLISION", 0xC0000035)
          .put("PATH INVALID", 0xC0000039)
          .put("OBJECT PATH INVALID", 0xC0000039)
          .put("PATH NOT FOUND", 0xC000003A)
          .put("OBJECT PATH NOT FOUND", 0xC000003A)
          .put("PATH SYNTAX BAD", 0xC000003B)
          .put("SHARING VIOLATION", 0xC0000043)
          .put("EAS NOT SUPPORTED", 0xC000004F)
          .put("NO EAS ON FILE", 0xC0000052)
          .put("FILE LOCK CONFLICT", 0xC0000054)
          .put("LOCK NOT GRANTED", 0xC0000055)
          .put("DELETE PENDING", 0xC0000056)
          .put("PRIVILEGE NOT HELD", 0xC0000061)
          .put("DISK FULL", 0xC000007F)
          .put("INSUFFICIENT RESOURCES", 0xC000009A)
          .put("MEDIA WRITE PROTECTED", 0xC00000A2)
          .put("IS DIRECTORY", 0xC00000BA)
          .put("FILE IS A DIRECTORY", 0xC00000BA)
          .put("NOT SUPPORTED", 0xC00000BB)
          .put("BAD NETWORK PATH", 0xC00000BE)
          .put("BAD NETWORK NAME", 0xC00000CC)
          .put("NOT SAME DEVICE", 0xC00000D4)
          .put("OPLOCK NOT GRANTED", 0xC00000E2)
          .put("INVALID OPLOCK PROTOCOL", 0xC00000E3)
          .put("DIRECTORY NOT EMPTY", 0xC0000101)
          .put("NOT A DIRECTORY", 0xC0000103)
          .put("CANCELLED", 0xC0000120)
          .put("CANNOT DELETE", 0xC0000121)
          .put("FILE DELETED", 0xC0000123)
          .put("FILE CLOSED", 0xC0000128)
          .put("INVALID DEVICE STATE", 0xC0000184)
          .put("INVALID BUFFER SIZE", 0xC0000206)
          .put("NOT FOUND", 0xC0000225)
          .put("VOLUME DISMOUNTED", 0xC000026E)
          .put("NOT REPARSE POINT", 0xC0000275)
          .put("NOT A REPARSE POINT", 0xC0000275)
          .put("OBJECTID NOT FOUND", 0xC00002F0)
          .put("FAST IO DISALLOWED", 0xC01C0004)
          .buildOrThrow();

  /**
   * The status a {@code Result} text stands for.
   *
   * @param result the {@code Result} column as written
   * @return the status; {@link #FALLBACK} when the text is not recognised; never null
   */
  public static NtStatus of(String result) {
    NtStatus s = lookup(result);
    return s != null ? s : FALLBACK;
  }

  /**
   * Whether {@link #of(String)} recognises the text rather than falling back.
   *
   * @param result the {@code Result} column as written
   * @return true when the text is in the table, hex, or an {@code NtStatus} name
   */
  public static boolean isRecognised(String result) {
    return lookup(result) != null;
  }

  private static @Nullable NtStatus lookup(String result) {
    String text = result.strip().toUpperCase(Locale.ROOT);
    Integer code = TABLE.get(text);
    if (code != null) {
      return NtStatus.of(code);
    }
    if (text.startsWith("0X") && text.length() > 2 && text.length() <= 10) {
      try {
        return NtStatus.of(Integer.parseUnsignedInt(text.substring(2), 16));
      } catch (NumberFormatException e) {
        return null;
      }
    }
    if (!text.isEmpty()) {
      return NtStatus.byName("STATUS_" + text.replace(' ', '_')).orElse(null);
    }
    return null;
  }
}
