package io.fsctx.io;

import static com.google.common.base.Preconditions.checkArgument;

import io.fsctx.nt.NtStatus;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A volume's device stack: the file system's volume device at the bottom and any filter devices
 * attached above it. Requests enter at {@link #top()}.
 *
 * <p>Attach and detach may run while requests are travelling through the stack: a request that
 * already entered a device keeps going down through the links it finds, a new request starts at
 * the current top, and a detached device keeps its own lower link so that requests inside it can
 * finish.
 *
 * <p>Thread safety: safe for concurrent use. Attach and detach are serialised by the stack's
 * monitor, a leaf lock never held while a request is dispatched; {@link #top()} is a volatile read.
 */
public final class DeviceStack {
  private final DeviceObject bottom;
  private volatile DeviceObject top;

  /**
   * Creates a stack holding only the file system's volume device.
   *
   * @param bottom the volume device
   */
  DeviceStack(DeviceObject bottom) {
    this.bottom = bottom;
    this.top = bottom;
  }

  /** The file system's volume device. */
  public DeviceObject bottom() {
    return bottom;
  }

  /** The highest attached device, where requests enter ({@code IoGetAttachedDevice}). */
  public DeviceObject top() {
    return top;
  }

  /**
   * {@code IoAttachDeviceToDeviceStackSafe}: puts {@code filter} on top of the stack; it passes
   * requests to the device that was on top before.
   *
   * @param filter a device not on this stack (a device detached earlier may be attached again)
   * @return the device {@code filter} now forwards to
   * @throws IllegalStateException when {@code filter} is already on this stack
   */
  public synchronized DeviceObject attach(DeviceObject filter) {
    if (filter == bottom || contains(filter)) {
      throw new IllegalStateException(filter + " is already on a device stack");
    }
    DeviceObject below = top;
    filter.setLowerDevice(below);
    top = filter;
    return below;
  }

  /**
   * {@code IoDetachDevice}: removes {@code filter} from the stack. The device above it (if any)
   * now forwards past it; requests already inside {@code filter} still reach its old lower device.
   *
   * @param filter an attached filter device
   * @throws IllegalArgumentException when {@code filter} is not on this stack or is the bottom
   */
  public synchronized void detach(DeviceObject filter) {
    checkArgument(filter != bottom && contains(filter), "%s is not a filter device on this stack", filter);
    DeviceObject below = filter.lowerDevice();
    if (top == filter) {
      top = below == null ? bottom : below;
      return;
    }
    for (DeviceObject d = top; d != null; d = d.lowerDevice()) {
      if (d.lowerDevice() == filter) {
        d.setLowerDevice(below);
        return;
      }
    }
  }

  /** The devices from top to bottom (a snapshot). */
  public synchronized List<DeviceObject> devices() {
    List<DeviceObject> out = new ArrayList<>();
    for (@Nullable DeviceObject d = top; d != null; d = d.lowerDevice()) {
      out.add(d);
    }
    return out;
  }

  private boolean contains(DeviceObject device) {
    for (@Nullable DeviceObject d = top; d != null; d = d.lowerDevice()) {
      if (d == device) {
        return true;
      }
    }
    return false;
  }

  /**
   * Sends a request in at the top of the stack ({@code IoCallDriver} on the attached device).
   *
   * @param irp the request
   * @return the final status
   */
  public NtStatus send(Irp irp) {
    return DeviceObject.callDriver(top, irp);
  }
}
