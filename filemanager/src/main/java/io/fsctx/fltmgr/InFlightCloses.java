package io.fsctx.fltmgr;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The IRP_MJ_CLOSE requests passing through one volume's frame, in two epochs, so that the
 * dismount check can wait for every close that was already under way without waiting for closes
 * that start later (issue 18.3).
 *
 * <p>A close {@linkplain #enter enters} the current epoch (one read and one atomic increment) and
 * {@linkplain #exit exits} it when the frame has finished with it, which includes the file
 * system's teardown of the stream it freed. {@link #awaitClosesInFlight()} switches the epoch and
 * waits until the previous epoch is empty. A close that read the previous epoch just before the
 * switch but counted itself just after the wait found it empty began after the check it would
 * matter to, so missing it is harmless.
 *
 * <p>Thread safety: safe for concurrent use. The monitor is a leaf.
 */
final class InFlightCloses {
  private final AtomicInteger[] counts = {new AtomicInteger(), new AtomicInteger()};
  private volatile int epoch;
  /** Threads in {@link #awaitClosesInFlight()}; written under the monitor, read by exits. */
  @GuardedBy("this")
  private volatile int waiters;

  /** Counts a close in; returns the epoch to pass to {@link #exit}. */
  int enter() {
    int e = epoch;
    counts[e].incrementAndGet();
    return e;
  }

  /** Counts a close out. */
  @SuppressWarnings("GuardedBy") // a volatile read: a waiter re-checks its count under the monitor
  void exit(int e) {
    if (counts[e].decrementAndGet() == 0 && waiters != 0) {
      synchronized (this) {
        notifyAll();
      }
    }
  }

  /**
   * Waits until every close that entered before this call has exited. An interrupt does not end
   * the wait; it is restored afterwards.
   */
  synchronized void awaitClosesInFlight() {
    int old = epoch;
    epoch = old ^ 1;
    waiters++;
    try {
      Monitors.awaitUninterruptibly(this, () -> counts[old].get() == 0);
    } finally {
      waiters--;
    }
  }
}
