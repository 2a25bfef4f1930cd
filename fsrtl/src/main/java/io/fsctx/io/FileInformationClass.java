package io.fsctx.io;

/**
 * {@code FILE_INFORMATION_CLASS}: what an {@code IRP_MJ_QUERY_INFORMATION} or {@code
 * IRP_MJ_SET_INFORMATION} is about, with the real numeric values from {@code wdm.h}/{@code
 * ntifs.h}. Classes the model does not name map to {@link #OTHER}.
 *
 * <p>Thread safety: immutable.
 */
public enum FileInformationClass {
  /** {@code FileDirectoryInformation}. */
  FILE_DIRECTORY_INFORMATION(1),
  /** {@code FileFullDirectoryInformation}. */
  FILE_FULL_DIRECTORY_INFORMATION(2),
  /** {@code FileBothDirectoryInformation}. */
  FILE_BOTH_DIRECTORY_INFORMATION(3),
  /** {@code FileBasicInformation}. */
  FILE_BASIC_INFORMATION(4),
  /** {@code FileStandardInformation}. */
  FILE_STANDARD_INFORMATION(5),
  /** {@code FileInternalInformation}. */
  FILE_INTERNAL_INFORMATION(6),
  /** {@code FileEaInformation}. */
  FILE_EA_INFORMATION(7),
  /** {@code FileAccessInformation}. */
  FILE_ACCESS_INFORMATION(8),
  /** {@code FileNameInformation}. */
  FILE_NAME_INFORMATION(9),
  /** {@code FileRenameInformation}. */
  FILE_RENAME_INFORMATION(10),
  /** {@code FileLinkInformation}. */
  FILE_LINK_INFORMATION(11),
  /** {@code FileNamesInformation}. */
  FILE_NAMES_INFORMATION(12),
  /** {@code FileDispositionInformation}. */
  FILE_DISPOSITION_INFORMATION(13),
  /** {@code FilePositionInformation}. */
  FILE_POSITION_INFORMATION(14),
  /** {@code FileAllInformation}. */
  FILE_ALL_INFORMATION(18),
  /** {@code FileAllocationInformation}. */
  FILE_ALLOCATION_INFORMATION(19),
  /** {@code FileEndOfFileInformation}. */
  FILE_END_OF_FILE_INFORMATION(20),
  /** {@code FileStreamInformation}. */
  FILE_STREAM_INFORMATION(22),
  /** {@code FileNetworkOpenInformation}. */
  FILE_NETWORK_OPEN_INFORMATION(34),
  /** {@code FileAttributeTagInformation}. */
  FILE_ATTRIBUTE_TAG_INFORMATION(35),
  /** {@code FileIdBothDirectoryInformation}. */
  FILE_ID_BOTH_DIRECTORY_INFORMATION(37),
  /** {@code FileNormalizedNameInformation}. */
  FILE_NORMALIZED_NAME_INFORMATION(48),
  /** {@code FileIdInformation}. */
  FILE_ID_INFORMATION(59),
  /** {@code FileDispositionInformationEx} (Windows 10 RS1+). */
  FILE_DISPOSITION_INFORMATION_EX(64),
  /** {@code FileRenameInformationEx} (Windows 10 RS1+). */
  FILE_RENAME_INFORMATION_EX(65),
  /** {@code FileStatInformation}. */
  FILE_STAT_INFORMATION(68),
  /** {@code FileLinkInformationEx} (Windows 10 RS5+). */
  FILE_LINK_INFORMATION_EX(72),
  /** Any class the model does not name; its value is reported as 0. */
  OTHER(0);

  private final int value;

  /** The constants, copied once: {@code values()} copies its array on every call (every query). */
  private static final FileInformationClass[] ALL = values();

  FileInformationClass(int value) {
    this.value = value;
  }

  /**
   * {@code sizeof} the class's structure on x64 for the fixed-size classes the model file systems
   * answer or take, in bytes; 0 for variable-size and unmodelled classes. A query whose buffer is
   * shorter fails with {@code STATUS_INFO_LENGTH_MISMATCH}.
   */
  public int fixedSize() {
    return switch (this) {
      case FILE_BASIC_INFORMATION -> 40;
      case FILE_STANDARD_INFORMATION -> 24;
      case FILE_INTERNAL_INFORMATION, FILE_POSITION_INFORMATION, FILE_END_OF_FILE_INFORMATION,
          FILE_ALLOCATION_INFORMATION, FILE_ATTRIBUTE_TAG_INFORMATION -> 8;
      case FILE_EA_INFORMATION, FILE_ACCESS_INFORMATION, FILE_DISPOSITION_INFORMATION_EX -> 4;
      case FILE_DISPOSITION_INFORMATION -> 1;
      case FILE_ID_INFORMATION -> 24;
      case FILE_NETWORK_OPEN_INFORMATION -> 56;
      default -> 0;
    };
  }

  /** The numeric {@code FILE_INFORMATION_CLASS} value (0 for {@link #OTHER}). */
  public int value() {
    return value;
  }

  /**
   * The class with a numeric value.
   *
   * @param value a {@code FILE_INFORMATION_CLASS} value
   * @return the named constant, or {@link #OTHER}
   */
  public static FileInformationClass fromValue(int value) {
    for (FileInformationClass c : ALL) {
      if (c.value == value && c != OTHER) {
        return c;
      }
    }
    return OTHER;
  }
}
