package io.fsctx.nt;

import java.util.function.BooleanSupplier;

/**
 * Waiting on a monitor for a step that cannot be abandoned halfway (a teardown waiting for a setup
 * or for operations in flight, a dismount waiting for closes, a kernel lock's acquire, which
 * {@code KeWaitForSingleObject} in a non-alertable wait does not give up): an interrupt does not
 * end the wait; it is restored once the wait is over.
 *
 * <p>Thread safety: stateless.
 */
public final class Monitors {
  private Monitors() {}

  /**
   * Waits on {@code monitor}, which the caller must hold, until {@code done} is true. {@code done}
   * is evaluated with the monitor held and may throw to refuse a wait that could never end.
   *
   * @param monitor the object whose monitor the caller holds and whose notifications end waits
   * @param done the condition to wait for
   */
  public static void awaitUninterruptibly(Object monitor, BooleanSupplier done) {
    boolean interrupted = false;
    while (!done.getAsBoolean()) {
      try {
        monitor.wait();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
