package io.fsctx.fltmgr;

import java.util.function.BooleanSupplier;

/**
 * Waiting on a monitor for a lifecycle step that cannot be abandoned halfway (a teardown waiting
 * for a setup or for operations in flight, a dismount waiting for closes): an interrupt does not
 * end the wait; it is restored once the wait is over.
 *
 * <p>Thread safety: stateless.
 */
final class Monitors {
  private Monitors() {}

  /**
   * Waits on {@code monitor}, which the caller must hold, until {@code done} is true. {@code done}
   * is evaluated with the monitor held and may throw to refuse a wait that could never end.
   */
  static void awaitUninterruptibly(Object monitor, BooleanSupplier done) {
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
