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
  private volatile @Nullable Thread exclusiveOwner;
  private int sharedHolders;
  private int exclusiveWaiters;

  /** Creates an unheld lock. */
  protected MonitorRwLock() {}

  /** The thread that holds it exclusive, or null. */
  protected final @Nullable Thread exclusiveOwner() {
    return exclusiveOwner;
  }

  /** Waits until no thread holds it exclusive and none waits to, then holds it shared. */
  protected final synchronized void lockShared() {
    if (exclusiveOwner != null || exclusiveWaiters > 0) {
      Monitors.awaitUninterruptibly(this, () -> exclusiveOwner == null && exclusiveWaiters == 0);
    }
    sharedHolders++;
  }

  /** Gives back one shared hold taken with {@link #lockShared}. */
  protected final synchronized void unlockShared() {
    if (sharedHolders > 0 && --sharedHolders == 0 && exclusiveWaiters > 0) {
      notifyAll();
    }
  }

  /** Waits until no thread holds it, then holds it exclusive for the calling thread. */
  protected final synchronized void lockExclusive() {
    exclusiveWaiters++;
    boolean acquired = false;
    try {
      if (exclusiveOwner != null || sharedHolders > 0) {
        Monitors.awaitUninterruptibly(this, () -> exclusiveOwner == null && sharedHolders == 0);
      }
      exclusiveOwner = Thread.currentThread();
      acquired = true;
    } finally {
      exclusiveWaiters--;
      if (!acquired && exclusiveWaiters == 0) {
        notifyAll(); // the wait ended by an Error: shared waiters held back by it may go
      }
    }
  }

  /** Gives back the exclusive hold; the caller has checked it is the owner. */
  protected final synchronized void unlockExclusive() {
    exclusiveOwner = null;
    notifyAll();
  }

  /** Whether any thread holds it, shared or exclusive (a snapshot). */
  protected final synchronized boolean isLocked() {
    return exclusiveOwner != null || sharedHolders > 0;
  }
}
