package io.fsctx.io;

import java.util.UUID;

/**
 * The buffer an {@code IRP_MJ_QUERY_VOLUME_INFORMATION} returns: one record per {@link
 * FsInformationClass} the model file systems answer. Members a file system does not support are
 * zero, as the documentation of {@code FltQueryVolumeInformation} says.
 *
 * <p>Thread safety: immutable.
 */
public sealed interface FsInformation {
  /** {@code FILE_CASE_SENSITIVE_SEARCH}. */
  int FILE_CASE_SENSITIVE_SEARCH = 0x00000001;
  /** {@code FILE_CASE_PRESERVED_NAMES}. */
  int FILE_CASE_PRESERVED_NAMES = 0x00000002;
  /** {@code FILE_UNICODE_ON_DISK}. */
  int FILE_UNICODE_ON_DISK = 0x00000004;
  /** {@code FILE_PERSISTENT_ACLS}. */
  int FILE_PERSISTENT_ACLS = 0x00000008;
  /** {@code FILE_SUPPORTS_OBJECT_IDS}. */
  int FILE_SUPPORTS_OBJECT_IDS = 0x00010000;
  /** {@code FILE_NAMED_STREAMS}. */
  int FILE_NAMED_STREAMS = 0x00040000;
  /** {@code FILE_READ_ONLY_VOLUME}. */
  int FILE_READ_ONLY_VOLUME = 0x00080000;
  /** {@code FILE_SUPPORTS_TRANSACTIONS}. */
  int FILE_SUPPORTS_TRANSACTIONS = 0x00200000;
  /** {@code FILE_SUPPORTS_HARD_LINKS}. */
  int FILE_SUPPORTS_HARD_LINKS = 0x00400000;
  /** {@code FILE_SUPPORTS_OPEN_BY_FILE_ID}. */
  int FILE_SUPPORTS_OPEN_BY_FILE_ID = 0x01000000;

  /** The class this record answers. */
  FsInformationClass informationClass();

  /**
   * {@code FILE_FS_VOLUME_INFORMATION}.
   *
   * @param volumeCreationTime the creation time (0: unknown)
   * @param volumeSerialNumber the serial number
   * @param volumeLabel the label
   * @param supportsObjects whether the file system supports object IDs
   */
  record Volume(long volumeCreationTime, int volumeSerialNumber, String volumeLabel, boolean supportsObjects)
      implements FsInformation {
    @Override
    public FsInformationClass informationClass() {
      return FsInformationClass.FILE_FS_VOLUME_INFORMATION;
    }
  }

  /**
   * {@code FILE_FS_SIZE_INFORMATION}.
   *
   * @param totalAllocationUnits clusters on the volume
   * @param availableAllocationUnits free clusters
   * @param sectorsPerAllocationUnit sectors per cluster
   * @param bytesPerSector the sector size
   */
  record Size(long totalAllocationUnits, long availableAllocationUnits, int sectorsPerAllocationUnit, int bytesPerSector)
      implements FsInformation {
    @Override
    public FsInformationClass informationClass() {
      return FsInformationClass.FILE_FS_SIZE_INFORMATION;
    }
  }

  /**
   * {@code FILE_FS_FULL_SIZE_INFORMATION}.
   *
   * @param totalAllocationUnits clusters on the volume
   * @param callerAvailableAllocationUnits free clusters the caller may use
   * @param actualAvailableAllocationUnits free clusters
   * @param sectorsPerAllocationUnit sectors per cluster
   * @param bytesPerSector the sector size
   */
  record FullSize(
      long totalAllocationUnits,
      long callerAvailableAllocationUnits,
      long actualAvailableAllocationUnits,
      int sectorsPerAllocationUnit,
      int bytesPerSector)
      implements FsInformation {
    @Override
    public FsInformationClass informationClass() {
      return FsInformationClass.FILE_FS_FULL_SIZE_INFORMATION;
    }
  }

  /**
   * {@code FILE_FS_DEVICE_INFORMATION}.
   *
   * @param deviceType the storage device's type ({@code FILE_DEVICE_DISK} …)
   * @param characteristics {@code FILE_*} device characteristics
   */
  record Device(int deviceType, int characteristics) implements FsInformation {
    @Override
    public FsInformationClass informationClass() {
      return FsInformationClass.FILE_FS_DEVICE_INFORMATION;
    }
  }

  /**
   * {@code FILE_FS_ATTRIBUTE_INFORMATION}.
   *
   * @param fileSystemAttributes {@code FILE_*} attribute flags (the constants above)
   * @param maximumComponentNameLength the longest name component, in characters
   * @param fileSystemName such as {@code NTFS} or {@code FAT}
   */
  record Attribute(int fileSystemAttributes, int maximumComponentNameLength, String fileSystemName)
      implements FsInformation {
    @Override
    public FsInformationClass informationClass() {
      return FsInformationClass.FILE_FS_ATTRIBUTE_INFORMATION;
    }

    /** Whether every bit of {@code flags} is set. */
    public boolean has(int flags) {
      return (fileSystemAttributes & flags) == flags;
    }
  }

  /**
   * {@code FILE_FS_OBJECTID_INFORMATION}: the volume's object ID.
   *
   * @param objectId the volume's object ID
   */
  record ObjectId(UUID objectId) implements FsInformation {
    @Override
    public FsInformationClass informationClass() {
      return FsInformationClass.FILE_FS_OBJECT_ID_INFORMATION;
    }
  }

  /**
   * {@code FILE_FS_SECTOR_SIZE_INFORMATION} (the members the model fills).
   *
   * @param logicalBytesPerSector the logical sector size
   * @param physicalBytesPerSectorForAtomicity the physical sector size for atomic writes
   * @param physicalBytesPerSectorForPerformance the physical sector size for performance
   */
  record SectorSize(int logicalBytesPerSector, int physicalBytesPerSectorForAtomicity, int physicalBytesPerSectorForPerformance)
      implements FsInformation {
    @Override
    public FsInformationClass informationClass() {
      return FsInformationClass.FILE_FS_SECTOR_SIZE_INFORMATION;
    }
  }
}
