package io.fsctx.io;

/**
 * {@code FSCTL_*} codes of {@code IRP_MJ_FILE_SYSTEM_CONTROL} / {@code IRP_MN_USER_FS_REQUEST} that
 * the model file systems or the sample ports use, with their {@code winioctl.h} values ({@code
 * CTL_CODE(FILE_DEVICE_FILE_SYSTEM, function, method, access)}).
 *
 * <p>Thread safety: constants only.
 */
public final class FsControlCodes {
  private FsControlCodes() {}

  /** {@code FSCTL_SET_OBJECT_ID}: function 38, buffered, special access. */
  public static final int FSCTL_SET_OBJECT_ID = 0x00090098;
  /** {@code FSCTL_GET_OBJECT_ID}: function 39. */
  public static final int FSCTL_GET_OBJECT_ID = 0x0009009C;
  /** {@code FSCTL_DELETE_OBJECT_ID}: function 40. */
  public static final int FSCTL_DELETE_OBJECT_ID = 0x000900A0;
  /** {@code FSCTL_CREATE_OR_GET_OBJECT_ID}: function 48. */
  public static final int FSCTL_CREATE_OR_GET_OBJECT_ID = 0x000900C0;
  /** {@code FSCTL_SET_ZERO_DATA}: function 50, write access. */
  public static final int FSCTL_SET_ZERO_DATA = 0x000980C8;
  /** {@code FSCTL_WRITE_RAW_ENCRYPTED}: function 79, neither. */
  public static final int FSCTL_WRITE_RAW_ENCRYPTED = 0x0009013F;
  /** {@code FSCTL_TXFS_SAVEPOINT_INFORMATION}: function 94, write access. */
  public static final int FSCTL_TXFS_SAVEPOINT_INFORMATION = 0x00098178;
  /** {@code FSCTL_OFFLOAD_WRITE}: function 154, write access. */
  public static final int FSCTL_OFFLOAD_WRITE = 0x00098268;
}
