package io.fsctx.io;

/**
 * Bit and value constants of the I/O path with their real Windows values: access rights, share
 * access, create dispositions and options ({@code ZwCreateFile}), the {@code SL_*} flags of a
 * create's stack location, IRP flags, and the {@code Information} values a create completes with.
 *
 * <p>Thread safety: constants only.
 */
public final class IoConstants {
  private IoConstants() {}

  // ---- ACCESS_MASK ----
  /** {@code FILE_READ_DATA}. */
  public static final int FILE_READ_DATA = 0x0001;
  /** {@code FILE_WRITE_DATA}. */
  public static final int FILE_WRITE_DATA = 0x0002;
  /** {@code FILE_APPEND_DATA}. */
  public static final int FILE_APPEND_DATA = 0x0004;
  /** {@code FILE_READ_EA}. */
  public static final int FILE_READ_EA = 0x0008;
  /** {@code FILE_WRITE_EA}. */
  public static final int FILE_WRITE_EA = 0x0010;
  /** {@code FILE_EXECUTE}. */
  public static final int FILE_EXECUTE = 0x0020;
  /** {@code FILE_READ_ATTRIBUTES}. */
  public static final int FILE_READ_ATTRIBUTES = 0x0080;
  /** {@code FILE_WRITE_ATTRIBUTES}. */
  public static final int FILE_WRITE_ATTRIBUTES = 0x0100;
  /** {@code DELETE}. */
  public static final int DELETE = 0x00010000;
  /** {@code READ_CONTROL}. */
  public static final int READ_CONTROL = 0x00020000;
  /** {@code WRITE_DAC}. */
  public static final int WRITE_DAC = 0x00040000;
  /** {@code WRITE_OWNER}. */
  public static final int WRITE_OWNER = 0x00080000;
  /** {@code SYNCHRONIZE}. */
  public static final int SYNCHRONIZE = 0x00100000;
  /** {@code ACCESS_SYSTEM_SECURITY}. */
  public static final int ACCESS_SYSTEM_SECURITY = 0x01000000;
  /** {@code MAXIMUM_ALLOWED}. */
  public static final int MAXIMUM_ALLOWED = 0x02000000;
  /** {@code GENERIC_ALL}. */
  public static final int GENERIC_ALL = 0x10000000;
  /** {@code GENERIC_EXECUTE}. */
  public static final int GENERIC_EXECUTE = 0x20000000;
  /** {@code GENERIC_WRITE}. */
  public static final int GENERIC_WRITE = 0x40000000;
  /** {@code GENERIC_READ}. */
  public static final int GENERIC_READ = 0x80000000;

  /**
   * Whether an access mask asks for write access to the data ({@code FILE_WRITE_DATA}, {@code
   * FILE_APPEND_DATA}, or a generic right that maps to them), as {@code IoSetShareAccess} computes
   * {@code FILE_OBJECT.WriteAccess}.
   *
   * @param desiredAccess an {@code ACCESS_MASK}
   * @return whether it writes data
   */
  public static boolean writesData(int desiredAccess) {
    return (desiredAccess & (FILE_WRITE_DATA | FILE_APPEND_DATA | GENERIC_WRITE | GENERIC_ALL | MAXIMUM_ALLOWED)) != 0;
  }

  /**
   * Whether an access mask asks for read or execute access to the data ({@code
   * FILE_OBJECT.ReadAccess}).
   *
   * @param desiredAccess an {@code ACCESS_MASK}
   * @return whether it reads data
   */
  public static boolean readsData(int desiredAccess) {
    return (desiredAccess & (FILE_READ_DATA | FILE_EXECUTE | GENERIC_READ | GENERIC_EXECUTE | GENERIC_ALL | MAXIMUM_ALLOWED)) != 0;
  }

  /**
   * Whether an access mask asks for {@code DELETE} ({@code FILE_OBJECT.DeleteAccess}).
   *
   * @param desiredAccess an {@code ACCESS_MASK}
   * @return whether it may delete
   */
  public static boolean deletes(int desiredAccess) {
    return (desiredAccess & (DELETE | GENERIC_ALL | MAXIMUM_ALLOWED)) != 0;
  }

  // ---- File attributes ----
  /** {@code FILE_ATTRIBUTE_READONLY}. */
  public static final int FILE_ATTRIBUTE_READONLY = 0x00000001;
  /** {@code FILE_ATTRIBUTE_HIDDEN}. */
  public static final int FILE_ATTRIBUTE_HIDDEN = 0x00000002;
  /** {@code FILE_ATTRIBUTE_SYSTEM}. */
  public static final int FILE_ATTRIBUTE_SYSTEM = 0x00000004;
  /** {@code FILE_ATTRIBUTE_DIRECTORY}. */
  public static final int FILE_ATTRIBUTE_DIRECTORY = 0x00000010;
  /** {@code FILE_ATTRIBUTE_ARCHIVE}. */
  public static final int FILE_ATTRIBUTE_ARCHIVE = 0x00000020;
  /** {@code FILE_ATTRIBUTE_NORMAL}: no other attribute. */
  public static final int FILE_ATTRIBUTE_NORMAL = 0x00000080;

  // ---- Share access ----
  /** {@code FILE_SHARE_READ}. */
  public static final int FILE_SHARE_READ = 0x1;
  /** {@code FILE_SHARE_WRITE}. */
  public static final int FILE_SHARE_WRITE = 0x2;
  /** {@code FILE_SHARE_DELETE}. */
  public static final int FILE_SHARE_DELETE = 0x4;
  /** All three share bits. */
  public static final int FILE_SHARE_ALL = FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE;

  // ---- Create disposition ----
  /** {@code FILE_SUPERSEDE}. */
  public static final int FILE_SUPERSEDE = 0;
  /** {@code FILE_OPEN}: open an existing file, fail if it does not exist. */
  public static final int FILE_OPEN = 1;
  /** {@code FILE_CREATE}: create a new file, fail if it exists. */
  public static final int FILE_CREATE = 2;
  /** {@code FILE_OPEN_IF}: open or create. */
  public static final int FILE_OPEN_IF = 3;
  /** {@code FILE_OVERWRITE}: open and truncate, fail if it does not exist. */
  public static final int FILE_OVERWRITE = 4;
  /** {@code FILE_OVERWRITE_IF}: open and truncate, or create. */
  public static final int FILE_OVERWRITE_IF = 5;

  // ---- Create options ----
  /** {@code FILE_DIRECTORY_FILE}. */
  public static final int FILE_DIRECTORY_FILE = 0x00000001;
  /** {@code FILE_WRITE_THROUGH}. */
  public static final int FILE_WRITE_THROUGH = 0x00000002;
  /** {@code FILE_SEQUENTIAL_ONLY}. */
  public static final int FILE_SEQUENTIAL_ONLY = 0x00000004;
  /** {@code FILE_NO_INTERMEDIATE_BUFFERING}. */
  public static final int FILE_NO_INTERMEDIATE_BUFFERING = 0x00000008;
  /** {@code FILE_SYNCHRONOUS_IO_NONALERT}. */
  public static final int FILE_SYNCHRONOUS_IO_NONALERT = 0x00000020;
  /** {@code FILE_NON_DIRECTORY_FILE}. */
  public static final int FILE_NON_DIRECTORY_FILE = 0x00000040;
  /** {@code FILE_DELETE_ON_CLOSE}. */
  public static final int FILE_DELETE_ON_CLOSE = 0x00001000;
  /** {@code FILE_OPEN_BY_FILE_ID}. */
  public static final int FILE_OPEN_BY_FILE_ID = 0x00002000;
  /** {@code FILE_OPEN_REPARSE_POINT}. */
  public static final int FILE_OPEN_REPARSE_POINT = 0x00200000;

  // ---- IO_STACK_LOCATION.Flags for IRP_MJ_CREATE ----
  /** {@code SL_FORCE_ACCESS_CHECK}. */
  public static final int SL_FORCE_ACCESS_CHECK = 0x01;
  /** {@code SL_OPEN_PAGING_FILE}: the create opens a paging file. */
  public static final int SL_OPEN_PAGING_FILE = 0x02;
  /** {@code SL_OPEN_TARGET_DIRECTORY}: open the parent directory of the named file (renames). */
  public static final int SL_OPEN_TARGET_DIRECTORY = 0x04;
  /** {@code SL_STOP_ON_SYMLINK}. */
  public static final int SL_STOP_ON_SYMLINK = 0x08;
  /** {@code SL_CASE_SENSITIVE}. */
  public static final int SL_CASE_SENSITIVE = 0x80;

  // ---- IRP.Flags ----
  /** {@code IRP_NOCACHE}. */
  public static final int IRP_NOCACHE = 0x00000001;
  /** {@code IRP_PAGING_IO}. */
  public static final int IRP_PAGING_IO = 0x00000002;
  /** {@code IRP_SYNCHRONOUS_API}. */
  public static final int IRP_SYNCHRONOUS_API = 0x00000004;
  /** {@code IRP_SYNCHRONOUS_PAGING_IO}. */
  public static final int IRP_SYNCHRONOUS_PAGING_IO = 0x00000040;

  // ---- IoStatus.Information of a create ----
  /** {@code FILE_SUPERSEDED}. */
  public static final long FILE_SUPERSEDED = 0;
  /** {@code FILE_OPENED}. */
  public static final long FILE_OPENED = 1;
  /** {@code FILE_CREATED}. */
  public static final long FILE_CREATED = 2;
  /** {@code FILE_OVERWRITTEN}. */
  public static final long FILE_OVERWRITTEN = 3;
  /** {@code FILE_EXISTS} (an {@code SL_OPEN_TARGET_DIRECTORY} create whose target exists). */
  public static final long FILE_EXISTS = 4;
  /** {@code FILE_DOES_NOT_EXIST}. */
  public static final long FILE_DOES_NOT_EXIST = 5;
  /** {@code IO_REPARSE}: the {@code Information} of a create completed with {@code STATUS_REPARSE} (a reparse tag follows in real systems). */
  public static final long IO_REPARSE = 0;

  // ---- Minor functions ----
  /** {@code IRP_MN_QUERY_DIRECTORY}. */
  public static final int IRP_MN_QUERY_DIRECTORY = 0x01;
  /** {@code IRP_MN_NOTIFY_CHANGE_DIRECTORY}. */
  public static final int IRP_MN_NOTIFY_CHANGE_DIRECTORY = 0x02;
  /** {@code IRP_MN_LOCK}. */
  public static final int IRP_MN_LOCK = 0x01;
  /** {@code IRP_MN_UNLOCK_SINGLE}. */
  public static final int IRP_MN_UNLOCK_SINGLE = 0x02;
  /** {@code IRP_MN_UNLOCK_ALL}. */
  public static final int IRP_MN_UNLOCK_ALL = 0x03;
  /** {@code IRP_MN_USER_FS_REQUEST}. */
  public static final int IRP_MN_USER_FS_REQUEST = 0x00;
}
