package io.fsctx.io;

import org.jspecify.annotations.Nullable;

/**
 * A mounted volume: its NT device name ({@code \Device\HarddiskVolume1}), an optional drive
 * letter, the file system mounted on it and its {@link DeviceStack}. Created by {@link
 * IoManager#mount}; it stays a valid object after {@link IoManager#dismount}, but the file system
 * then fails new requests with {@code STATUS_VOLUME_DISMOUNTED}.
 *
 * <p>Thread safety: immutable apart from the dismounted flag, which is volatile.
 */
public final class Volume {
  private final String id;
  private final IoManager ioManager;
  private final String ntDeviceName;
  private final @Nullable Character driveLetter;
  private final FileSystemDriver fileSystem;
  private final DeviceStack deviceStack;
  private final StorageDevice storage;
  private volatile boolean dismounted;

  Volume(
      String id,
      IoManager ioManager,
      String ntDeviceName,
      @Nullable Character driveLetter,
      FileSystemDriver fileSystem,
      DeviceObject volumeDevice,
      StorageDevice storage) {
    this.id = id;
    this.ioManager = ioManager;
    this.ntDeviceName = ntDeviceName;
    this.driveLetter = driveLetter;
    this.fileSystem = fileSystem;
    this.deviceStack = new DeviceStack(volumeDevice);
    this.storage = storage;
  }

  /** The identity for messages, such as {@code Volume#1}. */
  public String id() {
    return id;
  }

  /** The I/O manager the volume is mounted in. */
  public IoManager ioManager() {
    return ioManager;
  }

  /** The NT device name, such as {@code \Device\HarddiskVolume1}. */
  public String ntDeviceName() {
    return ntDeviceName;
  }

  /** The drive letter (upper case), or null when it has none. */
  public @Nullable Character driveLetter() {
    return driveLetter;
  }

  /** The DOS name, {@code C:}, or the NT device name when there is no drive letter. */
  public String dosName() {
    return driveLetter == null ? ntDeviceName : driveLetter + ":";
  }

  /**
   * The pool the file system allocates its structures from: the I/O manager's, so the
   * file-system verifier sees every FCB of every volume.
   */
  public io.fsctx.nt.Pool pool() {
    return ioManager.pool();
  }

  /** The file system mounted on the volume (its VCB, in Windows terms). */
  public FileSystemDriver fileSystem() {
    return fileSystem;
  }

  /**
   * The storage the volume is mounted on: its sector size, writability and unique name ({@code
   * \??\Volume{GUID}}).
   */
  public StorageDevice storage() {
    return storage;
  }

  /** The device stack; filter devices attach here. */
  public DeviceStack deviceStack() {
    return deviceStack;
  }

  /** Whether {@link IoManager#dismount} has run. */
  public boolean isDismounted() {
    return dismounted;
  }

  void markDismounted() {
    dismounted = true;
  }

  @Override
  public String toString() {
    return id + "(" + dosName() + ")";
  }
}
