package io.fsctx.tools.replay;

/**
 * The {@code FILE_INFORMATION_CLASS} and {@code FS_INFORMATION_CLASS} values of {@code wdm.h} /
 * {@code ntifs.h} that the replay attaches to query and set requests. {@link #NONE} marks a
 * request that carries no class.
 *
 * <p>Thread safety: immutable (constants only).
 */
public final class InfoClass {
  private InfoClass() {}

  /** The request carries no information class. */
  public static final int NONE = 0;

  // FILE_INFORMATION_CLASS
  /** {@code FileDirectoryInformation}. */
  public static final int FILE_DIRECTORY = 1;
  /** {@code FileBasicInformation}. */
  public static final int FILE_BASIC = 4;
  /** {@code FileStandardInformation}. */
  public static final int FILE_STANDARD = 5;
  /** {@code FileInternalInformation}. */
  public static final int FILE_INTERNAL = 6;
  /** {@code FileEaInformation}. */
  public static final int FILE_EA = 7;
  /** {@code FileNameInformation}. */
  public static final int FILE_NAME = 9;
  /** {@code FileRenameInformation}. */
  public static final int FILE_RENAME = 10;
  /** {@code FileLinkInformation}. */
  public static final int FILE_LINK = 11;
  /** {@code FileDispositionInformation}. */
  public static final int FILE_DISPOSITION = 13;
  /** {@code FilePositionInformation}. */
  public static final int FILE_POSITION = 14;
  /** {@code FileModeInformation}. */
  public static final int FILE_MODE = 16;
  /** {@code FileAlignmentInformation}. */
  public static final int FILE_ALIGNMENT = 17;
  /** {@code FileAllInformation}. */
  public static final int FILE_ALL = 18;
  /** {@code FileAllocationInformation}. */
  public static final int FILE_ALLOCATION = 19;
  /** {@code FileEndOfFileInformation}. */
  public static final int FILE_END_OF_FILE = 20;
  /** {@code FileAlternateNameInformation}. */
  public static final int FILE_ALTERNATE_NAME = 21;
  /** {@code FileStreamInformation}. */
  public static final int FILE_STREAM = 22;
  /** {@code FilePipeInformation}. */
  public static final int FILE_PIPE = 23;
  /** {@code FileCompressionInformation}. */
  public static final int FILE_COMPRESSION = 28;
  /** {@code FileObjectIdInformation}. */
  public static final int FILE_OBJECT_ID = 29;
  /** {@code FileMoveClusterInformation}. */
  public static final int FILE_MOVE_CLUSTER = 31;
  /** {@code FileNetworkOpenInformation}. */
  public static final int FILE_NETWORK_OPEN = 34;
  /** {@code FileAttributeTagInformation}. */
  public static final int FILE_ATTRIBUTE_TAG = 35;
  /** {@code FileIdBothDirectoryInformation}. */
  public static final int FILE_ID_BOTH_DIRECTORY = 37;
  /** {@code FileValidDataLengthInformation}. */
  public static final int FILE_VALID_DATA_LENGTH = 39;
  /** {@code FileShortNameInformation}. */
  public static final int FILE_SHORT_NAME = 40;
  /** {@code FileIoPriorityHintInformation}. */
  public static final int FILE_IO_PRIORITY_HINT = 43;
  /** {@code FileHardLinkInformation}. */
  public static final int FILE_HARD_LINK = 46;
  /** {@code FileNormalizedNameInformation}. */
  public static final int FILE_NORMALIZED_NAME = 48;
  /** {@code FileNetworkPhysicalNameInformation}. */
  public static final int FILE_NETWORK_PHYSICAL_NAME = 49;
  /** {@code FileIsRemoteDeviceInformation}. */
  public static final int FILE_IS_REMOTE_DEVICE = 51;
  /** {@code FileNumaNodeInformation}. */
  public static final int FILE_NUMA_NODE = 53;
  /** {@code FileStandardLinkInformation}. */
  public static final int FILE_STANDARD_LINK = 54;
  /** {@code FileRemoteProtocolInformation}. */
  public static final int FILE_REMOTE_PROTOCOL = 55;
  /** {@code FileVolumeNameInformation}. */
  public static final int FILE_VOLUME_NAME = 58;
  /** {@code FileIdInformation}. */
  public static final int FILE_ID = 59;
  /** {@code FileIdExtdDirectoryInformation}. */
  public static final int FILE_ID_EXTD_DIRECTORY = 60;
  /** {@code FileReplaceCompletionInformation}. */
  public static final int FILE_REPLACE_COMPLETION = 61;
  /** {@code FileHardLinkFullIdInformation}. */
  public static final int FILE_HARD_LINK_FULL_ID = 62;
  /** {@code FileDispositionInformationEx}. */
  public static final int FILE_DISPOSITION_EX = 64;
  /** {@code FileRenameInformationEx}. */
  public static final int FILE_RENAME_EX = 65;
  /** {@code FileRenameInformationExBypassAccessCheck}. */
  public static final int FILE_RENAME_EX_BYPASS_ACCESS_CHECK = 66;
  /** {@code FileDesiredStorageClassInformation}. */
  public static final int FILE_DESIRED_STORAGE_CLASS = 67;
  /** {@code FileStatInformation}. */
  public static final int FILE_STAT = 68;
  /** {@code FileStatLxInformation}. */
  public static final int FILE_STAT_LX = 70;
  /** {@code FileCaseSensitiveInformation}. */
  public static final int FILE_CASE_SENSITIVE = 71;
  /** {@code FileLinkInformationEx}. */
  public static final int FILE_LINK_EX = 72;
  /** {@code FileStorageReserveIdInformation}. */
  public static final int FILE_STORAGE_RESERVE_ID = 74;

  // FS_INFORMATION_CLASS
  /** {@code FileFsVolumeInformation}. */
  public static final int FS_VOLUME = 1;
  /** {@code FileFsLabelInformation}. */
  public static final int FS_LABEL = 2;
  /** {@code FileFsSizeInformation}. */
  public static final int FS_SIZE = 3;
  /** {@code FileFsDeviceInformation}. */
  public static final int FS_DEVICE = 4;
  /** {@code FileFsAttributeInformation}. */
  public static final int FS_ATTRIBUTE = 5;
  /** {@code FileFsControlInformation}. */
  public static final int FS_CONTROL = 6;
  /** {@code FileFsFullSizeInformation}. */
  public static final int FS_FULL_SIZE = 7;
  /** {@code FileFsObjectIdInformation}. */
  public static final int FS_OBJECT_ID = 8;
  /** {@code FileFsSectorSizeInformation}. */
  public static final int FS_SECTOR_SIZE = 11;
}
