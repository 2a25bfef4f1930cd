package io.fsctx.tools.replay;

import java.util.Locale;

/**
 * The {@code IRP_MJ_*} major function codes of {@code wdm.h}, and the Filter Manager's pseudo
 * major function for {@code QueryOpen}, as plain ints so that the I/O path can use them directly.
 * The codes are those of {@link io.fsctx.io.IrpMajorFunction} (a test checks every one).
 *
 * <p>Thread safety: immutable (constants only).
 */
public final class IrpMajor {
  private IrpMajor() {}

  /** {@code IRP_MJ_CREATE}. */
  public static final int CREATE = 0x00;
  /** {@code IRP_MJ_CREATE_NAMED_PIPE}. */
  public static final int CREATE_NAMED_PIPE = 0x01;
  /** {@code IRP_MJ_CLOSE}. */
  public static final int CLOSE = 0x02;
  /** {@code IRP_MJ_READ}. */
  public static final int READ = 0x03;
  /** {@code IRP_MJ_WRITE}. */
  public static final int WRITE = 0x04;
  /** {@code IRP_MJ_QUERY_INFORMATION}. */
  public static final int QUERY_INFORMATION = 0x05;
  /** {@code IRP_MJ_SET_INFORMATION}. */
  public static final int SET_INFORMATION = 0x06;
  /** {@code IRP_MJ_QUERY_EA}. */
  public static final int QUERY_EA = 0x07;
  /** {@code IRP_MJ_SET_EA}. */
  public static final int SET_EA = 0x08;
  /** {@code IRP_MJ_FLUSH_BUFFERS}. */
  public static final int FLUSH_BUFFERS = 0x09;
  /** {@code IRP_MJ_QUERY_VOLUME_INFORMATION}. */
  public static final int QUERY_VOLUME_INFORMATION = 0x0A;
  /** {@code IRP_MJ_SET_VOLUME_INFORMATION}. */
  public static final int SET_VOLUME_INFORMATION = 0x0B;
  /** {@code IRP_MJ_DIRECTORY_CONTROL}. */
  public static final int DIRECTORY_CONTROL = 0x0C;
  /** {@code IRP_MJ_FILE_SYSTEM_CONTROL}. */
  public static final int FILE_SYSTEM_CONTROL = 0x0D;
  /** {@code IRP_MJ_DEVICE_CONTROL}. */
  public static final int DEVICE_CONTROL = 0x0E;
  /** {@code IRP_MJ_INTERNAL_DEVICE_CONTROL}. */
  public static final int INTERNAL_DEVICE_CONTROL = 0x0F;
  /** {@code IRP_MJ_SHUTDOWN}. */
  public static final int SHUTDOWN = 0x10;
  /** {@code IRP_MJ_LOCK_CONTROL}. */
  public static final int LOCK_CONTROL = 0x11;
  /** {@code IRP_MJ_CLEANUP}. */
  public static final int CLEANUP = 0x12;
  /** {@code IRP_MJ_CREATE_MAILSLOT}. */
  public static final int CREATE_MAILSLOT = 0x13;
  /** {@code IRP_MJ_QUERY_SECURITY}. */
  public static final int QUERY_SECURITY = 0x14;
  /** {@code IRP_MJ_SET_SECURITY}. */
  public static final int SET_SECURITY = 0x15;
  /** {@code IRP_MJ_POWER}. */
  public static final int POWER = 0x16;
  /** {@code IRP_MJ_SYSTEM_CONTROL}. */
  public static final int SYSTEM_CONTROL = 0x17;
  /** {@code IRP_MJ_DEVICE_CHANGE}. */
  public static final int DEVICE_CHANGE = 0x18;
  /** {@code IRP_MJ_QUERY_QUOTA}. */
  public static final int QUERY_QUOTA = 0x19;
  /** {@code IRP_MJ_SET_QUOTA}. */
  public static final int SET_QUOTA = 0x1A;
  /** {@code IRP_MJ_PNP}. */
  public static final int PNP = 0x1B;
  /**
   * {@code IRP_MJ_NETWORK_QUERY_OPEN}, the Filter Manager's pseudo major {@code (UCHAR)-14} =
   * {@code 0xF2} in {@code fltKernel.h}; the same code as {@link
   * io.fsctx.io.IrpMajorFunction#NETWORK_QUERY_OPEN}, which is the source of truth.
   */
  public static final int NETWORK_QUERY_OPEN = 0xF2;

  /**
   * Not a Windows code: the major function of a Process Monitor operation whose name this model
   * does not know (Process Monitor's own {@code <Unknown>} included). Such a row is still judged
   * like any request (it needs an open file object) and handed to the target, which decides what
   * to send.
   */
  public static final int UNKNOWN = -1;

  private static final String[] NAMES = {
    "CREATE", "CREATE_NAMED_PIPE", "CLOSE", "READ", "WRITE", "QUERY_INFORMATION",
    "SET_INFORMATION", "QUERY_EA", "SET_EA", "FLUSH_BUFFERS", "QUERY_VOLUME_INFORMATION",
    "SET_VOLUME_INFORMATION", "DIRECTORY_CONTROL", "FILE_SYSTEM_CONTROL", "DEVICE_CONTROL",
    "INTERNAL_DEVICE_CONTROL", "SHUTDOWN", "LOCK_CONTROL", "CLEANUP", "CREATE_MAILSLOT",
    "QUERY_SECURITY", "SET_SECURITY", "POWER", "SYSTEM_CONTROL", "DEVICE_CHANGE", "QUERY_QUOTA",
    "SET_QUOTA", "PNP"
  };

  /**
   * The {@code wdm.h} name of a major function code, such as {@code IRP_MJ_READ}.
   *
   * @param major a code from this class
   * @return its name, or {@code IRP_MJ_0xNN} for a code this class does not define
   */
  public static String name(int major) {
    if (major >= 0 && major < NAMES.length) {
      return "IRP_MJ_" + NAMES[major];
    }
    if (major == NETWORK_QUERY_OPEN) {
      return "IRP_MJ_NETWORK_QUERY_OPEN";
    }
    if (major == UNKNOWN) {
      return "IRP_MJ_UNKNOWN";
    }
    return String.format(Locale.ROOT, "IRP_MJ_0x%02X", major);
  }
}
