package io.fsctx.io;

import org.jspecify.annotations.Nullable;

/**
 * The major function codes of an I/O request ({@code IRP_MJ_*} in {@code wdm.h}), plus the
 * Filter Manager's pseudo major functions ({@code fltKernel.h}), which are negative {@code UCHAR}
 * values and describe operations that are not IRPs on Windows (fast I/O, FsFilter callbacks). In
 * this model {@link #NETWORK_QUERY_OPEN} travels down the device stack like an IRP so that a
 * filter frame sees it as just another major function.
 *
 * <p>Thread safety: immutable.
 */
public enum IrpMajorFunction {
  /** {@code IRP_MJ_CREATE}. */
  CREATE(0x00),
  /** {@code IRP_MJ_CREATE_NAMED_PIPE}. */
  CREATE_NAMED_PIPE(0x01),
  /** {@code IRP_MJ_CLOSE}: the last reference to the file object went away. */
  CLOSE(0x02),
  /** {@code IRP_MJ_READ}. */
  READ(0x03),
  /** {@code IRP_MJ_WRITE}. */
  WRITE(0x04),
  /** {@code IRP_MJ_QUERY_INFORMATION}. */
  QUERY_INFORMATION(0x05),
  /** {@code IRP_MJ_SET_INFORMATION}. */
  SET_INFORMATION(0x06),
  /** {@code IRP_MJ_QUERY_EA}. */
  QUERY_EA(0x07),
  /** {@code IRP_MJ_SET_EA}. */
  SET_EA(0x08),
  /** {@code IRP_MJ_FLUSH_BUFFERS}. */
  FLUSH_BUFFERS(0x09),
  /** {@code IRP_MJ_QUERY_VOLUME_INFORMATION}. */
  QUERY_VOLUME_INFORMATION(0x0A),
  /** {@code IRP_MJ_SET_VOLUME_INFORMATION}. */
  SET_VOLUME_INFORMATION(0x0B),
  /** {@code IRP_MJ_DIRECTORY_CONTROL}. */
  DIRECTORY_CONTROL(0x0C),
  /** {@code IRP_MJ_FILE_SYSTEM_CONTROL}. */
  FILE_SYSTEM_CONTROL(0x0D),
  /** {@code IRP_MJ_DEVICE_CONTROL}. */
  DEVICE_CONTROL(0x0E),
  /** {@code IRP_MJ_INTERNAL_DEVICE_CONTROL}. */
  INTERNAL_DEVICE_CONTROL(0x0F),
  /** {@code IRP_MJ_SHUTDOWN}. */
  SHUTDOWN(0x10),
  /** {@code IRP_MJ_LOCK_CONTROL}. */
  LOCK_CONTROL(0x11),
  /** {@code IRP_MJ_CLEANUP}: the last handle to the file object was closed. */
  CLEANUP(0x12),
  /** {@code IRP_MJ_CREATE_MAILSLOT}. */
  CREATE_MAILSLOT(0x13),
  /** {@code IRP_MJ_QUERY_SECURITY}. */
  QUERY_SECURITY(0x14),
  /** {@code IRP_MJ_SET_SECURITY}. */
  SET_SECURITY(0x15),
  /** {@code IRP_MJ_POWER}. */
  POWER(0x16),
  /** {@code IRP_MJ_SYSTEM_CONTROL}. */
  SYSTEM_CONTROL(0x17),
  /** {@code IRP_MJ_DEVICE_CHANGE}. */
  DEVICE_CHANGE(0x18),
  /** {@code IRP_MJ_QUERY_QUOTA}. */
  QUERY_QUOTA(0x19),
  /** {@code IRP_MJ_SET_QUOTA}. */
  SET_QUOTA(0x1A),
  /** {@code IRP_MJ_PNP}. */
  PNP(0x1B),
  /** {@code IRP_MJ_ACQUIRE_FOR_SECTION_SYNCHRONIZATION}, {@code (UCHAR)-1}. */
  ACQUIRE_FOR_SECTION_SYNCHRONIZATION(0xFF),
  /** {@code IRP_MJ_RELEASE_FOR_SECTION_SYNCHRONIZATION}, {@code (UCHAR)-2}. */
  RELEASE_FOR_SECTION_SYNCHRONIZATION(0xFE),
  /** {@code IRP_MJ_ACQUIRE_FOR_MOD_WRITE}, {@code (UCHAR)-3}. */
  ACQUIRE_FOR_MOD_WRITE(0xFD),
  /** {@code IRP_MJ_RELEASE_FOR_MOD_WRITE}, {@code (UCHAR)-4}. */
  RELEASE_FOR_MOD_WRITE(0xFC),
  /** {@code IRP_MJ_ACQUIRE_FOR_CC_FLUSH}, {@code (UCHAR)-5}. */
  ACQUIRE_FOR_CC_FLUSH(0xFB),
  /** {@code IRP_MJ_RELEASE_FOR_CC_FLUSH}, {@code (UCHAR)-6}. */
  RELEASE_FOR_CC_FLUSH(0xFA),
  /** {@code IRP_MJ_QUERY_OPEN} (Windows 10 1903+), {@code (UCHAR)-7}. */
  QUERY_OPEN(0xF9),
  /** {@code IRP_MJ_FAST_IO_CHECK_IF_POSSIBLE}, {@code (UCHAR)-13}. */
  FAST_IO_CHECK_IF_POSSIBLE(0xF3),
  /**
   * {@code IRP_MJ_NETWORK_QUERY_OPEN}, {@code (UCHAR)-14} = {@code 0xF2} in {@code fltKernel.h}:
   * a query of a file's network-open attributes without opening it. It has no opened file object,
   * so no file, stream or stream-handle context is available for it.
   */
  NETWORK_QUERY_OPEN(0xF2),
  /** {@code IRP_MJ_MDL_READ}, {@code (UCHAR)-15}. */
  MDL_READ(0xF1),
  /** {@code IRP_MJ_MDL_READ_COMPLETE}, {@code (UCHAR)-16}. */
  MDL_READ_COMPLETE(0xF0),
  /** {@code IRP_MJ_PREPARE_MDL_WRITE}, {@code (UCHAR)-17}. */
  PREPARE_MDL_WRITE(0xEF),
  /** {@code IRP_MJ_MDL_WRITE_COMPLETE}, {@code (UCHAR)-18}. */
  MDL_WRITE_COMPLETE(0xEE),
  /** {@code IRP_MJ_VOLUME_MOUNT}, {@code (UCHAR)-19}. */
  VOLUME_MOUNT(0xED),
  /** {@code IRP_MJ_VOLUME_DISMOUNT}, {@code (UCHAR)-20}. */
  VOLUME_DISMOUNT(0xEC);

  private final int code;

  IrpMajorFunction(int code) {
    this.code = code;
  }

  /** The {@code UCHAR} code, 0 to 255. */
  public int code() {
    return code;
  }

  /** Whether this is one of Filter Manager's pseudo major functions (code above {@code IRP_MJ_MAXIMUM_FUNCTION}). */
  public boolean isFilterManagerPseudoOperation() {
    return code > PNP.code;
  }

  /**
   * The major function with a given code.
   *
   * @param code a {@code UCHAR} value
   * @return the constant, or null when the code is unknown
   */
  public static @Nullable IrpMajorFunction fromCode(int code) {
    return ByCode.TABLE[code & 0xFF];
  }

  /** The constants by code (the first with a code wins, as the linear search did). */
  private static final class ByCode {
    static final IrpMajorFunction[] TABLE = new IrpMajorFunction[256];

    static {
      for (IrpMajorFunction f : values()) {
        if (f.code >= 0 && f.code < 256 && TABLE[f.code] == null) {
          TABLE[f.code] = f;
        }
      }
    }
  }

  /** The WDK name, such as {@code IRP_MJ_CREATE}. */
  @Override
  public String toString() {
    return "IRP_MJ_" + name();
  }
}
