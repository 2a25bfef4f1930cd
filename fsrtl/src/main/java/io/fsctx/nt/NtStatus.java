package io.fsctx.nt;

import com.google.common.collect.ImmutableMap;
import com.google.errorprone.annotations.Immutable;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An NTSTATUS value: a 32-bit code with the {@code NT_SUCCESS} semantics of {@code ntstatus.h}
 * (severity bits 00 and 01, success and informational, count as success, so {@code
 * STATUS_REPARSE} and {@code STATUS_PENDING} are successes).
 *
 * <p>Known codes are interned constants with their {@code ntstatus.h} names; unknown codes are
 * representable through {@link #of(int)} and print as bare hex. Values print as {@code
 * STATUS_NOT_FOUND (0xC0000225)}. Equality is by code.
 *
 * <p>Thread safety: immutable.
 */
@Immutable
public final class NtStatus {
  private final int code;
  private final String name;

  private NtStatus(int code, String name) {
    this.code = code;
    this.name = name;
  }

  // Success and informational codes.
  public static final NtStatus STATUS_SUCCESS = known(0x00000000, "STATUS_SUCCESS");
  public static final NtStatus STATUS_PENDING = known(0x00000103, "STATUS_PENDING");
  public static final NtStatus STATUS_REPARSE = known(0x00000104, "STATUS_REPARSE");
  public static final NtStatus STATUS_MORE_ENTRIES = known(0x00000105, "STATUS_MORE_ENTRIES");
  public static final NtStatus STATUS_NOTIFY_ENUM_DIR = known(0x0000010C, "STATUS_NOTIFY_ENUM_DIR");
  public static final NtStatus STATUS_OPLOCK_BREAK_IN_PROGRESS =
      known(0x00000108, "STATUS_OPLOCK_BREAK_IN_PROGRESS");
  public static final NtStatus STATUS_FLT_DISALLOW_FAST_IO = known(0x001C0004, "STATUS_FLT_DISALLOW_FAST_IO");

  // Warnings.
  public static final NtStatus STATUS_BUFFER_OVERFLOW = known(0x80000005, "STATUS_BUFFER_OVERFLOW");
  public static final NtStatus STATUS_NO_MORE_FILES = known(0x80000006, "STATUS_NO_MORE_FILES");
  public static final NtStatus STATUS_NO_MORE_ENTRIES = known(0x8000001A, "STATUS_NO_MORE_ENTRIES");

  // Errors.
  public static final NtStatus STATUS_UNSUCCESSFUL = known(0xC0000001, "STATUS_UNSUCCESSFUL");
  public static final NtStatus STATUS_NOT_IMPLEMENTED = known(0xC0000002, "STATUS_NOT_IMPLEMENTED");
  public static final NtStatus STATUS_INVALID_INFO_CLASS = known(0xC0000003, "STATUS_INVALID_INFO_CLASS");
  public static final NtStatus STATUS_INFO_LENGTH_MISMATCH = known(0xC0000004, "STATUS_INFO_LENGTH_MISMATCH");
  public static final NtStatus STATUS_INVALID_HANDLE = known(0xC0000008, "STATUS_INVALID_HANDLE");
  public static final NtStatus STATUS_INVALID_PARAMETER = known(0xC000000D, "STATUS_INVALID_PARAMETER");
  public static final NtStatus STATUS_NO_SUCH_DEVICE = known(0xC000000E, "STATUS_NO_SUCH_DEVICE");
  public static final NtStatus STATUS_NO_SUCH_FILE = known(0xC000000F, "STATUS_NO_SUCH_FILE");
  public static final NtStatus STATUS_INVALID_DEVICE_REQUEST =
      known(0xC0000010, "STATUS_INVALID_DEVICE_REQUEST");
  public static final NtStatus STATUS_END_OF_FILE = known(0xC0000011, "STATUS_END_OF_FILE");
  public static final NtStatus STATUS_NO_MEMORY = known(0xC0000017, "STATUS_NO_MEMORY");
  public static final NtStatus STATUS_ACCESS_DENIED = known(0xC0000022, "STATUS_ACCESS_DENIED");
  public static final NtStatus STATUS_BUFFER_TOO_SMALL = known(0xC0000023, "STATUS_BUFFER_TOO_SMALL");
  public static final NtStatus STATUS_OBJECT_NAME_INVALID = known(0xC0000033, "STATUS_OBJECT_NAME_INVALID");
  public static final NtStatus STATUS_OBJECT_NAME_NOT_FOUND =
      known(0xC0000034, "STATUS_OBJECT_NAME_NOT_FOUND");
  public static final NtStatus STATUS_OBJECT_NAME_COLLISION =
      known(0xC0000035, "STATUS_OBJECT_NAME_COLLISION");
  public static final NtStatus STATUS_OBJECT_PATH_INVALID = known(0xC0000039, "STATUS_OBJECT_PATH_INVALID");
  public static final NtStatus STATUS_OBJECT_PATH_NOT_FOUND =
      known(0xC000003A, "STATUS_OBJECT_PATH_NOT_FOUND");
  public static final NtStatus STATUS_OBJECT_PATH_SYNTAX_BAD =
      known(0xC000003B, "STATUS_OBJECT_PATH_SYNTAX_BAD");
  public static final NtStatus STATUS_SHARING_VIOLATION = known(0xC0000043, "STATUS_SHARING_VIOLATION");
  public static final NtStatus STATUS_FILE_LOCK_CONFLICT = known(0xC0000054, "STATUS_FILE_LOCK_CONFLICT");
  public static final NtStatus STATUS_LOCK_NOT_GRANTED = known(0xC0000055, "STATUS_LOCK_NOT_GRANTED");
  public static final NtStatus STATUS_DELETE_PENDING = known(0xC0000056, "STATUS_DELETE_PENDING");
  public static final NtStatus STATUS_PRIVILEGE_NOT_HELD = known(0xC0000061, "STATUS_PRIVILEGE_NOT_HELD");
  public static final NtStatus STATUS_DISK_FULL = known(0xC000007F, "STATUS_DISK_FULL");
  public static final NtStatus STATUS_MEDIA_WRITE_PROTECTED = known(0xC00000A2, "STATUS_MEDIA_WRITE_PROTECTED");
  public static final NtStatus STATUS_INSUFFICIENT_RESOURCES =
      known(0xC000009A, "STATUS_INSUFFICIENT_RESOURCES");
  public static final NtStatus STATUS_FILE_IS_A_DIRECTORY = known(0xC00000BA, "STATUS_FILE_IS_A_DIRECTORY");
  public static final NtStatus STATUS_NOT_SUPPORTED = known(0xC00000BB, "STATUS_NOT_SUPPORTED");
  public static final NtStatus STATUS_BAD_NETWORK_PATH = known(0xC00000BE, "STATUS_BAD_NETWORK_PATH");
  public static final NtStatus STATUS_BAD_NETWORK_NAME = known(0xC00000CC, "STATUS_BAD_NETWORK_NAME");
  public static final NtStatus STATUS_INVALID_PARAMETER_4 = known(0xC00000F2, "STATUS_INVALID_PARAMETER_4");
  public static final NtStatus STATUS_INVALID_PARAMETER_8 = known(0xC00000F6, "STATUS_INVALID_PARAMETER_8");
  public static final NtStatus STATUS_INVALID_PARAMETER_9 = known(0xC00000F7, "STATUS_INVALID_PARAMETER_9");
  public static final NtStatus STATUS_DIRECTORY_NOT_EMPTY = known(0xC0000101, "STATUS_DIRECTORY_NOT_EMPTY");
  public static final NtStatus STATUS_NOT_A_DIRECTORY = known(0xC0000103, "STATUS_NOT_A_DIRECTORY");
  public static final NtStatus STATUS_CANCELLED = known(0xC0000120, "STATUS_CANCELLED");
  public static final NtStatus STATUS_CANNOT_DELETE = known(0xC0000121, "STATUS_CANNOT_DELETE");
  public static final NtStatus STATUS_FILE_DELETED = known(0xC0000123, "STATUS_FILE_DELETED");
  public static final NtStatus STATUS_FILE_CLOSED = known(0xC0000128, "STATUS_FILE_CLOSED");
  public static final NtStatus STATUS_TRANSACTION_ABORTED = known(0xC000020F, "STATUS_TRANSACTION_ABORTED");
  public static final NtStatus STATUS_INVALID_BUFFER_SIZE = known(0xC0000206, "STATUS_INVALID_BUFFER_SIZE");
  public static final NtStatus STATUS_NOT_FOUND = known(0xC0000225, "STATUS_NOT_FOUND");
  public static final NtStatus STATUS_OBJECTID_NOT_FOUND = known(0xC00002F0, "STATUS_OBJECTID_NOT_FOUND");
  public static final NtStatus STATUS_NOT_A_REPARSE_POINT = known(0xC0000275, "STATUS_NOT_A_REPARSE_POINT");
  public static final NtStatus STATUS_VOLUME_DISMOUNTED = known(0xC000026E, "STATUS_VOLUME_DISMOUNTED");
  public static final NtStatus STATUS_FILE_LOCKED_WITH_ONLY_READERS =
      known(0x0000012A, "STATUS_FILE_LOCKED_WITH_ONLY_READERS");
  public static final NtStatus STATUS_INVALID_DEVICE_OBJECT_PARAMETER =
      known(0xC0000369, "STATUS_INVALID_DEVICE_OBJECT_PARAMETER");

  // Kernel transaction manager (facility 0x19).
  public static final NtStatus STATUS_TRANSACTIONAL_CONFLICT = known(0xC0190001, "STATUS_TRANSACTIONAL_CONFLICT");
  public static final NtStatus STATUS_INVALID_TRANSACTION = known(0xC0190002, "STATUS_INVALID_TRANSACTION");
  public static final NtStatus STATUS_TRANSACTION_NOT_ACTIVE = known(0xC0190003, "STATUS_TRANSACTION_NOT_ACTIVE");
  public static final NtStatus STATUS_TRANSACTION_REQUEST_NOT_VALID =
      known(0xC0190013, "STATUS_TRANSACTION_REQUEST_NOT_VALID");
  public static final NtStatus STATUS_TRANSACTION_ALREADY_ABORTED =
      known(0xC0190015, "STATUS_TRANSACTION_ALREADY_ABORTED");
  public static final NtStatus STATUS_TRANSACTION_ALREADY_COMMITTED =
      known(0xC0190016, "STATUS_TRANSACTION_ALREADY_COMMITTED");
  public static final NtStatus STATUS_TRANSACTIONAL_OPEN_NOT_ALLOWED =
      known(0xC019003F, "STATUS_TRANSACTIONAL_OPEN_NOT_ALLOWED");

  public static final NtStatus STATUS_INVALID_DEVICE_STATE = known(0xC0000184, "STATUS_INVALID_DEVICE_STATE");

  // Filter Manager (facility 0x1C).
  public static final NtStatus STATUS_FLT_NO_HANDLER_DEFINED = known(0xC01C0001, "STATUS_FLT_NO_HANDLER_DEFINED");
  public static final NtStatus STATUS_FLT_CONTEXT_ALREADY_DEFINED =
      known(0xC01C0002, "STATUS_FLT_CONTEXT_ALREADY_DEFINED");
  public static final NtStatus STATUS_FLT_INVALID_ASYNCHRONOUS_REQUEST =
      known(0xC01C0003, "STATUS_FLT_INVALID_ASYNCHRONOUS_REQUEST");
  public static final NtStatus STATUS_FLT_INVALID_NAME_REQUEST =
      known(0xC01C0005, "STATUS_FLT_INVALID_NAME_REQUEST");
  public static final NtStatus STATUS_FLT_NOT_SAFE_TO_POST_OPERATION =
      known(0xC01C0006, "STATUS_FLT_NOT_SAFE_TO_POST_OPERATION");
  public static final NtStatus STATUS_FLT_NOT_INITIALIZED = known(0xC01C0007, "STATUS_FLT_NOT_INITIALIZED");
  public static final NtStatus STATUS_FLT_FILTER_NOT_READY = known(0xC01C0008, "STATUS_FLT_FILTER_NOT_READY");
  public static final NtStatus STATUS_FLT_POST_OPERATION_CLEANUP =
      known(0xC01C0009, "STATUS_FLT_POST_OPERATION_CLEANUP");
  public static final NtStatus STATUS_FLT_INTERNAL_ERROR = known(0xC01C000A, "STATUS_FLT_INTERNAL_ERROR");
  public static final NtStatus STATUS_FLT_DELETING_OBJECT = known(0xC01C000B, "STATUS_FLT_DELETING_OBJECT");
  public static final NtStatus STATUS_FLT_MUST_BE_NONPAGED_POOL =
      known(0xC01C000C, "STATUS_FLT_MUST_BE_NONPAGED_POOL");
  public static final NtStatus STATUS_FLT_DUPLICATE_ENTRY = known(0xC01C000D, "STATUS_FLT_DUPLICATE_ENTRY");
  public static final NtStatus STATUS_FLT_CBDQ_DISABLED = known(0xC01C000E, "STATUS_FLT_CBDQ_DISABLED");
  public static final NtStatus STATUS_FLT_DO_NOT_ATTACH = known(0xC01C000F, "STATUS_FLT_DO_NOT_ATTACH");
  public static final NtStatus STATUS_FLT_DO_NOT_DETACH = known(0xC01C0010, "STATUS_FLT_DO_NOT_DETACH");
  public static final NtStatus STATUS_FLT_INSTANCE_ALTITUDE_COLLISION =
      known(0xC01C0011, "STATUS_FLT_INSTANCE_ALTITUDE_COLLISION");
  public static final NtStatus STATUS_FLT_INSTANCE_NAME_COLLISION =
      known(0xC01C0012, "STATUS_FLT_INSTANCE_NAME_COLLISION");
  public static final NtStatus STATUS_FLT_FILTER_NOT_FOUND = known(0xC01C0013, "STATUS_FLT_FILTER_NOT_FOUND");
  public static final NtStatus STATUS_FLT_VOLUME_NOT_FOUND = known(0xC01C0014, "STATUS_FLT_VOLUME_NOT_FOUND");
  public static final NtStatus STATUS_FLT_INSTANCE_NOT_FOUND =
      known(0xC01C0015, "STATUS_FLT_INSTANCE_NOT_FOUND");
  public static final NtStatus STATUS_FLT_CONTEXT_ALLOCATION_NOT_FOUND =
      known(0xC01C0016, "STATUS_FLT_CONTEXT_ALLOCATION_NOT_FOUND");
  public static final NtStatus STATUS_FLT_INVALID_CONTEXT_REGISTRATION =
      known(0xC01C0017, "STATUS_FLT_INVALID_CONTEXT_REGISTRATION");
  public static final NtStatus STATUS_FLT_NAME_CACHE_MISS = known(0xC01C0018, "STATUS_FLT_NAME_CACHE_MISS");
  public static final NtStatus STATUS_FLT_NO_DEVICE_OBJECT = known(0xC01C0019, "STATUS_FLT_NO_DEVICE_OBJECT");
  public static final NtStatus STATUS_FLT_VOLUME_ALREADY_MOUNTED =
      known(0xC01C001A, "STATUS_FLT_VOLUME_ALREADY_MOUNTED");
  public static final NtStatus STATUS_FLT_ALREADY_ENLISTED = known(0xC01C001B, "STATUS_FLT_ALREADY_ENLISTED");
  public static final NtStatus STATUS_FLT_CONTEXT_ALREADY_LINKED =
      known(0xC01C001C, "STATUS_FLT_CONTEXT_ALREADY_LINKED");
  public static final NtStatus STATUS_FLT_NO_WAITER_FOR_REPLY =
      known(0xC01C0020, "STATUS_FLT_NO_WAITER_FOR_REPLY");

  private static final ImmutableMap<Integer, NtStatus> KNOWN = Registry.build();

  private static NtStatus known(int code, String name) {
    return new NtStatus(code, name);
  }

  /**
   * Returns the status with this code: the named constant when {@code ntstatus.h} names it here,
   * otherwise a new unnamed value.
   *
   * @param code the 32-bit NTSTATUS code
   * @return the status; never null
   */
  public static NtStatus of(int code) {
    NtStatus s = KNOWN.get(code);
    return s != null ? s : new NtStatus(code, "");
  }

  /**
   * Looks a status up by its {@code ntstatus.h} name, such as {@code STATUS_NOT_FOUND}.
   *
   * @param name the constant's name
   * @return the status, or empty when the name is not known here
   */
  public static Optional<NtStatus> byName(String name) {
    for (NtStatus s : KNOWN.values()) {
      if (s.name.equals(name)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /** Returns every named status, keyed by code. */
  public static Map<Integer, NtStatus> knownStatuses() {
    return KNOWN;
  }

  /** The 32-bit code. */
  public int code() {
    return code;
  }

  /** The {@code ntstatus.h} name, or the empty string for an unknown code. */
  public String name() {
    return name;
  }

  /** Whether {@code ntstatus.h} names this code here. */
  public boolean isKnown() {
    return !name.isEmpty();
  }

  /** {@code NT_SUCCESS}: true for success and informational codes (code &gt;= 0 as a signed int). */
  public boolean isSuccess() {
    return code >= 0;
  }

  /** {@code NT_INFORMATION}: severity 01. */
  public boolean isInformational() {
    return (code >>> 30) == 1;
  }

  /** {@code NT_WARNING}: severity 10. */
  public boolean isWarning() {
    return (code >>> 30) == 2;
  }

  /** {@code NT_ERROR}: severity 11. */
  public boolean isError() {
    return (code >>> 30) == 3;
  }

  /** The code as {@code 0xC0000225}. */
  public String hex() {
    return String.format(Locale.ROOT, "0x%08X", code);
  }

  /** Prints as {@code STATUS_NOT_FOUND (0xC0000225)}, or the bare hex code when unknown. */
  @Override
  public String toString() {
    return name.isEmpty() ? hex() : name + " (" + hex() + ")";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NtStatus other && other.code == code;
  }

  @Override
  public int hashCode() {
    return code;
  }

  /** Collects the constants by reflection so that adding one cannot forget the lookup table. */
  private static final class Registry {
    static ImmutableMap<Integer, NtStatus> build() {
      ImmutableMap.Builder<Integer, NtStatus> b = ImmutableMap.builder();
      for (java.lang.reflect.Field f : NtStatus.class.getDeclaredFields()) {
        if (f.getType() == NtStatus.class && java.lang.reflect.Modifier.isStatic(f.getModifiers())) {
          try {
            NtStatus s = (NtStatus) f.get(null);
            b.put(s.code, s);
          } catch (IllegalAccessException e) {
            throw new AssertionError(e);
          }
        }
      }
      return b.buildOrThrow();
    }
  }
}
