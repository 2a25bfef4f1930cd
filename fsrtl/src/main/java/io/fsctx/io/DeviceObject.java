package io.fsctx.io;

import io.fsctx.nt.NtStatus;
import org.jspecify.annotations.Nullable;

/**
 * {@code DEVICE_OBJECT}: one layer of a volume's device stack. At the bottom is the file system's
 * volume device ({@link FileSystemDriver#volumeDevice()}); filter devices, such as a Filter
 * Manager frame, are attached above it with {@link DeviceStack#attach} and pass requests on with
 * {@link #callLowerDriver}. Every request is synchronous: {@link #dispatch} returns the final
 * status.
 *
 * <p>Thread safety: subclasses must make {@link #dispatch} safe for concurrent calls; requests
 * from many threads run through the same devices at once. The link to the lower device is
 * volatile and changed only by {@link DeviceStack} under its lock.
 */
public abstract class DeviceObject {
  private final String id;
  private volatile @Nullable DeviceObject lowerDevice;

  /**
   * Creates a device that is not on any stack yet.
   *
   * @param id a stable identity such as {@code Device#2}
   */
  protected DeviceObject(String id) {
    this.id = id;
  }

  /** The identity for messages. */
  public final String id() {
    return id;
  }

  /**
   * The device's dispatch routine ({@code DriverObject->MajorFunction[...]}): handles the request
   * or passes it down, and returns its final status.
   *
   * @param irp the request, owned by the sender
   * @return the completion status
   */
  public abstract NtStatus dispatch(Irp irp);

  /**
   * The device this one was attached to ({@code IoGetLowerDeviceObject}, without the reference),
   * or null for the bottom of a stack or an unattached device. A detached device keeps its lower
   * device so that requests already inside it can still be passed down.
   */
  public final @Nullable DeviceObject lowerDevice() {
    return lowerDevice;
  }

  final void setLowerDevice(@Nullable DeviceObject device) {
    lowerDevice = device;
  }

  /**
   * Passes a request to the next lower device ({@code IoSkipCurrentIrpStackLocation} plus {@code
   * IoCallDriver}).
   *
   * @param irp the request
   * @return the lower driver's status
   * @throws IllegalStateException when this device has no lower device
   */
  protected final NtStatus callLowerDriver(Irp irp) {
    DeviceObject lower = lowerDevice;
    if (lower == null) {
      throw new IllegalStateException(id + " is not attached to a device stack; cannot pass " + irp + " down");
    }
    return callDriver(lower, irp);
  }

  /**
   * {@code IoCallDriver}: sends a request to a device's dispatch routine. If the dispatch routine
   * returned without completing the request, it is completed with the returned status.
   *
   * @param device the target
   * @param irp the request
   * @return the status the device returned
   */
  public static NtStatus callDriver(DeviceObject device, Irp irp) {
    NtStatus status = device.dispatch(irp);
    if (irp.ioStatus() == null) {
      irp.complete(status, 0);
    }
    return status;
  }

  @Override
  public String toString() {
    return id;
  }
}
