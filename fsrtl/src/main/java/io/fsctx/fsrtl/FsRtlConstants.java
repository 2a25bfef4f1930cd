package io.fsctx.fsrtl;

/**
 * Constants of {@code ntifs.h} for FCB headers: header versions, {@code Flags} and {@code Flags2}
 * bits and the {@code FAST_IO_POSSIBLE} values (fsrtl.md section 1).
 *
 * <p>Thread safety: constants only.
 */
public final class FsRtlConstants {
  private FsRtlConstants() {}

  /** Header version before Vista: no push lock, no per-file slot. */
  public static final int FSRTL_FCB_HEADER_V0 = 0;
  /** Vista: {@code PushLock} and {@code FileContextSupportPointer}. */
  public static final int FSRTL_FCB_HEADER_V1 = 1;
  /** Windows 8: {@code Oplock}. */
  public static final int FSRTL_FCB_HEADER_V2 = 2;
  /** Windows 10 20H2: {@code AePushLock} (Windows 8.1 to 1803 used the slot as ReservedContext). */
  public static final int FSRTL_FCB_HEADER_V3 = 3;
  /** Windows 11: {@code BypassIoOpenCount}. */
  public static final int FSRTL_FCB_HEADER_V4 = 4;
  /** Windows 11 22H2: {@code ReservedContext}. */
  public static final int FSRTL_FCB_HEADER_V5 = 5;

  public static final int FSRTL_FLAG_FILE_MODIFIED = 0x01;
  public static final int FSRTL_FLAG_FILE_LENGTH_CHANGED = 0x02;
  public static final int FSRTL_FLAG_LIMIT_MODIFIED_PAGES = 0x04;
  public static final int FSRTL_FLAG_ACQUIRE_MAIN_RSRC_EX = 0x08;
  public static final int FSRTL_FLAG_ACQUIRE_MAIN_RSRC_SH = 0x10;
  public static final int FSRTL_FLAG_USER_MAPPED_FILE = 0x20;
  /** The file system uses {@code FSRTL_ADVANCED_FCB_HEADER}; set by the setup macros. */
  public static final int FSRTL_FLAG_ADVANCED_HEADER = 0x40;
  public static final int FSRTL_FLAG_EOF_ADVANCE_ACTIVE = 0x80;

  public static final int FSRTL_FLAG2_DO_MODIFIED_WRITE = 0x01;
  /** Filter contexts are supported on this stream; may be cleared only for paging files. */
  public static final int FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS = 0x02;
  public static final int FSRTL_FLAG2_PURGE_WHEN_MAPPED = 0x04;
  /** This header belongs to a paging file. */
  public static final int FSRTL_FLAG2_IS_PAGING_FILE = 0x08;
  public static final int FSRTL_FLAG2_WRITABLE_USER_MAPPED_FILE = 0x10;
  public static final int FSRTL_FLAG2_BYPASSIO_STREAM_PAUSED = 0x20;

  /** {@code FastIoIsNotPossible}. */
  public static final int FAST_IO_IS_NOT_POSSIBLE = 0;
  /** {@code FastIoIsPossible}. */
  public static final int FAST_IO_IS_POSSIBLE = 1;
  /** {@code FastIoIsQuestionable}. */
  public static final int FAST_IO_IS_QUESTIONABLE = 2;
}
