package io.fsctx.nt;

import org.jspecify.annotations.Nullable;

/**
 * The state of a kernel reader-writer lock kept in the lock object itself and guarded by its own
 * monitor: the exclusive owner, how many threads hold it shared, and how many wait for it
 * exclusive. The models of {@code ERESOURCE} ({@link EResource}), {@code FAST_MUTEX} and {@code
 * EX_PUSH_LOCK} build on it.
 *
 * <p>Why not a {@code java.util.concurrent} lock: every FCB header owns two or three locks and
 * every CTX context an {@code ERESOURCE}, so a lock object of their own (a {@code StampedLock},
 * 48 bytes) was about a twentieth of the heap per open file (issue 14). A monitor stays a header
 * word until threads contend, and then the JVM inflates it outside the heap.
 *
 * <p>Policy: a thread waiting for exclusive access holds back threads asking for a new shared
 * hold, as {@code ExAcquireResourceSharedLite} waits while exclusive waiters are queued (the
 * lock's users keep a thread's recursive shared holds off the lock, so a holder never waits
 * behind a writer). Waits are not interruptible, as the kernel's are not; an interrupt is kept
 * for the caller. Which thread holds it shared is not kept here but on the threads ({@link
 * KeThread#addSharedHold}).
 *
 * <p>Thread safety: safe for concurrent use; the subclass's other state may share the monitor,
 * since a waiter gives it up while it waits.
 */
public abstract class MonitorRwLock {
  /** One waiting exclusive acquirer, in {@link #waiters}' low half. */
  private static final int EXCLUSIVE_WAITER = 1;
  /** One waiting shared acquirer, in {@link #waiters}' high half. */
  private static final int SHARED_WAITER = 1 << 16;

  private volatile @Nullable Thread exclusiveOwner;
  private int sharedHolders;
  /**
   * Threads waiting: exclusive acquirers in the low 16 bits, shared ones above, in one int so the
   * lock object stays the size it was (which bounds each kind at 65,535 waiting threads, far
   * beyond what a model run starts). A release notifies only when someone waits: an uncontended
   * release (nearly all of them) then skips {@code notifyAll}, which cost a measurable share of
   * the filtered I/O path (issue 14).
   */
  private int waiters;

  /** Creates an unheld lock. */
  protected MonitorRwLock() {}

  /** The thread that holds it exclusive, or null. */
  protected final @Nullable Thread exclusiveOwner() {
    return exclusiveOwner;
  }

  /** Waits until no thread holds it exclusive and none waits to, then holds it shared. */
  protected final synchronized void lockShared() {
    if (exclusiveOwner != null || exclusiveWaiters() > 0) {
      waiters += SHARED_WAITER;
      try {
        Monitors.awaitUninterruptibly(this, () -> exclusiveOwner == null && exclusiveWaiters() == 0);
      } finally {
        waiters -= SHARED_WAITER;
      }
    }
    sharedHolders++;
  }

  /** Exclusive acquirers waiting; read with the monitor held. */
  private int exclusiveWaiters() {
    return waiters & (SHARED_WAITER - 1);
  }

  /** Gives back one shared hold taken with {@link #lockShared}. */
  protected final synchronized void unlockShared() {
    if (sharedHolders > 0 && --sharedHolders == 0 && exclusiveWaiters() > 0) {
      notifyAll();
    }
  }

  /** Waits until no thread holds it, then holds it exclusive for the calling thread. */
  protected final synchronized void lockExclusive() {
    if (exclusiveOwner != null || sharedHolders > 0) {
      waiters += EXCLUSIVE_WAITER;
      boolean acquired = false;
      try {
        Monitors.awaitUninterruptibly(this, () -> exclusiveOwner == null && sharedHolders == 0);
        acquired = true;
      } finally {
        waiters -= EXCLUSIVE_WAITER;
        if (!acquired && exclusiveWaiters() == 0) {
          notifyAll(); // the wait ended by an Error: shared waiters held back by it may go
        }
      }
    }
    exclusiveOwner = Thread.currentThread();
  }

  /** Gives back the exclusive hold; the caller has checked it is the owner. */
  protected final synchronized void unlockExclusive() {
    exclusiveOwner = null;
    if (waiters != 0) {
      notifyAll();
    }
  }

  /** Whether any thread holds it, shared or exclusive (a snapshot). */
  protected final synchronized boolean isLocked() {
    return exclusiveOwner != null || sharedHolders > 0;
  }
}
