package io.fsctx.io;

/**
 * {@code FS_INFORMATION_CLASS}: what an {@code IRP_MJ_QUERY_VOLUME_INFORMATION} asks for, with the
 * {@code wdm.h} values and the size of each structure's fixed part ({@code sizeof} on x64), which
 * the model file systems compare the caller's buffer length against.
 *
 * <p>Thread safety: immutable.
 */
public enum FsInformationClass {
  /** {@code FileFsVolumeInformation}: {@code FILE_FS_VOLUME_INFORMATION} plus the label. */
  FILE_FS_VOLUME_INFORMATION(1, 24),
  /** {@code FileFsLabelInformation}. */
  FILE_FS_LABEL_INFORMATION(2, 8),
  /** {@code FileFsSizeInformation}. */
  FILE_FS_SIZE_INFORMATION(3, 24),
  /** {@code FileFsDeviceInformation}. */
  FILE_FS_DEVICE_INFORMATION(4, 8),
  /** {@code FileFsAttributeInformation}: {@code FILE_FS_ATTRIBUTE_INFORMATION} plus the name. */
  FILE_FS_ATTRIBUTE_INFORMATION(5, 16),
  /** {@code FileFsControlInformation}. */
  FILE_FS_CONTROL_INFORMATION(6, 48),
  /** {@code FileFsFullSizeInformation}. */
  FILE_FS_FULL_SIZE_INFORMATION(7, 32),
  /** {@code FileFsObjectIdInformation}. */
  FILE_FS_OBJECT_ID_INFORMATION(8, 64),
  /** {@code FileFsDriverPathInformation}. */
  FILE_FS_DRIVER_PATH_INFORMATION(9, 12),
  /** {@code FileFsVolumeFlagsInformation}. */
  FILE_FS_VOLUME_FLAGS_INFORMATION(10, 4),
  /** {@code FileFsSectorSizeInformation}. */
  FILE_FS_SECTOR_SIZE_INFORMATION(11, 28),
  /** Any class the model does not name; its value is reported as 0. */
  OTHER(0, 0);

  private final int value;
  private final int size;

  /** The constants, copied once: {@code values()} copies its array on every call (every query). */
  private static final FsInformationClass[] ALL = values();

  FsInformationClass(int value, int size) {
    this.value = value;
    this.size = size;
  }

  /** The numeric {@code FS_INFORMATION_CLASS} value (0 for {@link #OTHER}). */
  public int value() {
    return value;
  }

  /** {@code sizeof} the structure's fixed part on x64, in bytes. */
  public int size() {
    return size;
  }

  /**
   * The class with a numeric value.
   *
   * @param value an {@code FS_INFORMATION_CLASS} value
   * @return the named constant, or {@link #OTHER}
   */
  public static FsInformationClass fromValue(int value) {
    for (FsInformationClass c : ALL) {
      if (c.value == value && c != OTHER) {
        return c;
      }
    }
    return OTHER;
  }
}
