package io.fsctx.io;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The storage a volume is mounted on, as the volume manager and the mount manager describe it:
 * the device's type and characteristics, its sector size, whether it can be written ({@code
 * IOCTL_DISK_IS_WRITABLE}), and the volume's unique name ({@code \??\Volume{GUID}}), which the
 * mount manager assigns and {@code FltGetVolumeGuidName} returns. File systems read it through
 * {@link Volume#storage()}; Filter Manager's volume queries report it.
 *
 * <p>Thread safety: immutable.
 *
 * @param deviceType the storage device's {@code DEVICE_TYPE}, such as {@link #FILE_DEVICE_DISK}
 * @param characteristics {@code FILE_*} device characteristics, such as {@link #FILE_READ_ONLY_DEVICE}
 * @param sectorSize bytes per sector: 512, 1024, 2048 or 4096
 * @param writable whether writes may reach the medium
 * @param volumeGuid the GUID of the volume's unique name
 */
public record StorageDevice(int deviceType, int characteristics, int sectorSize, boolean writable, UUID volumeGuid) {
  /** {@code FILE_DEVICE_CD_ROM}. */
  public static final int FILE_DEVICE_CD_ROM = 0x00000002;
  /** {@code FILE_DEVICE_DISK}. */
  public static final int FILE_DEVICE_DISK = 0x00000007;
  /** {@code FILE_DEVICE_NETWORK}: a network redirector's device. */
  public static final int FILE_DEVICE_NETWORK = 0x00000012;
  /** {@code FILE_DEVICE_DISK_FILE_SYSTEM}: the type of a local disk file system's volume device. */
  public static final int FILE_DEVICE_DISK_FILE_SYSTEM = 0x00000008;
  /** {@code FILE_DEVICE_NETWORK_FILE_SYSTEM}. */
  public static final int FILE_DEVICE_NETWORK_FILE_SYSTEM = 0x00000014;
  /** {@code FILE_REMOVABLE_MEDIA}. */
  public static final int FILE_REMOVABLE_MEDIA = 0x00000001;
  /** {@code FILE_READ_ONLY_DEVICE}. */
  public static final int FILE_READ_ONLY_DEVICE = 0x00000002;

  /** Checks the sector size. */
  public StorageDevice {
    checkArgument(sectorSize == 512 || sectorSize == 1024 || sectorSize == 2048 || sectorSize == 4096,
        "sectorSize must be 512, 1024, 2048 or 4096, got %s", sectorSize);
    checkNotNull(volumeGuid, "volumeGuid");
  }

  /**
   * A fixed, writable disk with 512-byte sectors whose volume GUID is derived from the volume's NT
   * device name, so that runs are reproducible.
   *
   * @param ntDeviceName the volume's NT device name
   * @return the description
   */
  public static StorageDevice disk(String ntDeviceName) {
    return new StorageDevice(FILE_DEVICE_DISK, 0, 512, true,
        UUID.nameUUIDFromBytes(("fsctx volume " + ntDeviceName).getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * A network share as a redirector presents it: its volume's device type is {@code
   * FILE_DEVICE_NETWORK_FILE_SYSTEM}, which filters see in {@code InstanceSetup}.
   *
   * @param ntDeviceName the volume's NT device name
   * @return the description
   */
  public static StorageDevice network(String ntDeviceName) {
    return new StorageDevice(FILE_DEVICE_NETWORK, 0, 512, true,
        UUID.nameUUIDFromBytes(("fsctx volume " + ntDeviceName).getBytes(StandardCharsets.UTF_8)));
  }

  /** A copy that cannot be written (a write-protected medium, {@code FILE_READ_ONLY_DEVICE}). */
  public StorageDevice readOnly() {
    return new StorageDevice(deviceType, characteristics | FILE_READ_ONLY_DEVICE, sectorSize, false, volumeGuid);
  }

  /** A copy with another sector size. */
  public StorageDevice withSectorSize(int bytes) {
    return new StorageDevice(deviceType, characteristics, bytes, writable, volumeGuid);
  }

  /** The volume's unique name as the mount manager spells it: {@code \??\Volume{guid}}. */
  public String volumeGuidName() {
    return "\\??\\Volume{" + volumeGuid + "}";
  }
}
