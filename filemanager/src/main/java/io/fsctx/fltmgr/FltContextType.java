package io.fsctx.fltmgr;

import org.jspecify.annotations.Nullable;

/**
 * {@code FLT_CONTEXT_TYPE}: the kinds of object a minifilter can attach a context to, with their
 * {@code fltKernel.h} values (fltmgr.md 1.1). {@code FLT_SECTION_CONTEXT} is listed for
 * registration checks; section contexts are attached only by {@code FltCreateSectionForDataScan}
 * ({@code DataScan}, issue 13).
 *
 * <p>Thread safety: immutable.
 */
public enum FltContextType {
  /** {@code FLT_VOLUME_CONTEXT}: one per (volume, filter). */
  VOLUME(0x0001, WindowsVersion.XP_SP2),
  /** {@code FLT_INSTANCE_CONTEXT}: one per instance. */
  INSTANCE(0x0002, WindowsVersion.XP_SP2),
  /** {@code FLT_FILE_CONTEXT}: one per (file, instance); Vista+. */
  FILE(0x0004, WindowsVersion.VISTA),
  /** {@code FLT_STREAM_CONTEXT}: one per (stream, instance). */
  STREAM(0x0008, WindowsVersion.XP_SP2),
  /** {@code FLT_STREAMHANDLE_CONTEXT}: one per (file object, instance). */
  STREAMHANDLE(0x0010, WindowsVersion.XP_SP2),
  /** {@code FLT_TRANSACTION_CONTEXT}: one per (transaction, instance); Vista+. */
  TRANSACTION(0x0020, WindowsVersion.VISTA),
  /** {@code FLT_SECTION_CONTEXT}: Windows 8+; attached by {@code FltCreateSectionForDataScan}. */
  SECTION(0x0040, WindowsVersion.WIN8);

  /** {@code FLT_CONTEXT_END}: terminates a context registration array. */
  public static final int FLT_CONTEXT_END = 0xFFFF;

  private static final FltContextType[] VALUES = values();

  private final int code;
  private final WindowsVersion since;

  FltContextType(int code, WindowsVersion since) {
    this.code = code;
    this.since = since;
  }

  /** The {@code FLT_*_CONTEXT} value. */
  public int code() {
    return code;
  }

  /** The first Windows version that has this context type. */
  public WindowsVersion since() {
    return since;
  }

  /**
   * The type with this exact value, or null for anything else (unknown bits, several bits, 0).
   *
   * @param code a {@code FLT_CONTEXT_TYPE} value
   */
  public static @Nullable FltContextType of(int code) {
    // Each value is one bit and the constants are declared in bit order, so the bit's position
    // is the index (FltAllocateContext calls this for every context).
    if (Integer.bitCount(code) != 1) {
      return null;
    }
    int i = Integer.numberOfTrailingZeros(code);
    return i < VALUES.length ? VALUES[i] : null;
  }

  /**
   * {@code FLT_ALL_CONTEXTS} as the headers of that Windows version define it: 0x7F with the
   * section context (Windows 8+), 0x3F before.
   */
  public static int allContexts(WindowsVersion version) {
    return version.atLeast(WindowsVersion.WIN8) ? 0x7F : 0x3F;
  }
}
