package io.fsctx.fltmgr;

/**
 * {@code FLT_VOLUME_PROPERTIES}, as {@code FltGetVolumeProperties} returns it. After {@code
 * STATUS_BUFFER_OVERFLOW} only the fixed part is filled and the three names are empty.
 *
 * <p>Thread safety: immutable.
 *
 * @param deviceType the storage device's type ({@code FILE_DEVICE_DISK} …)
 * @param deviceCharacteristics the storage device's characteristics
 * @param deviceObjectFlags the volume device object's flags (0 in the model)
 * @param alignmentRequirement the buffer alignment the device needs ({@code FILE_*_ALIGNMENT}, 0:
 *     byte)
 * @param sectorSize the sector size in bytes
 * @param flags {@code VOL_PROP_FL_*} (0: no DAX volumes in the model)
 * @param fileSystemDriverName the file system's service name, such as {@code Ntfs}
 * @param fileSystemDeviceName the file system's device name, such as {@code \Ntfs}
 * @param realDeviceName the storage device's name, such as {@code \Device\HarddiskVolume1}
 */
public record FltVolumeProperties(
    int deviceType,
    int deviceCharacteristics,
    int deviceObjectFlags,
    int alignmentRequirement,
    int sectorSize,
    int flags,
    String fileSystemDriverName,
    String fileSystemDeviceName,
    String realDeviceName) {

  /** {@code sizeof(FLT_VOLUME_PROPERTIES)} on x64: the fixed part the names follow. */
  public static final int SIZEOF_FLT_VOLUME_PROPERTIES = 72;

  /** The bytes the structure and its three names need. */
  public int requiredLength() {
    return SIZEOF_FLT_VOLUME_PROPERTIES
        + 2 * (fileSystemDriverName.length() + fileSystemDeviceName.length() + realDeviceName.length());
  }

  /** The fixed part only (names empty), as returned with {@code STATUS_BUFFER_OVERFLOW}. */
  FltVolumeProperties fixedPart() {
    return new FltVolumeProperties(deviceType, deviceCharacteristics, deviceObjectFlags, alignmentRequirement,
        sectorSize, flags, "", "", "");
  }
}
