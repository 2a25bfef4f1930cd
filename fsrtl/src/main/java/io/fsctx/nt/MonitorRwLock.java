package io.fsctx.nt;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
  /** One waiting exclusive acquirer, in {@link #counts}' bits 0 to 9. */
  private static final int EXCLUSIVE_WAITER = 1;
  /** One waiting shared acquirer, in {@link #counts}' bits 10 to 19. */
  private static final int SHARED_WAITER = 1 << 10;
  /**
   * One shared holder, in {@link #counts}' bits 20 to 30; while a thread holds the lock exclusive
   * (and so no thread holds it shared), one of the owner's recursive holds ({@link
   * #addOwnerDepth}).
   */
  private static final int SHARED_HOLDER = 1 << 20;
  /** The most waiters of one kind {@link #counts} can hold. */
  private static final int MAX_WAITERS = SHARED_WAITER - 1;
  /** The most shared holders, or owner holds, {@link #counts} can hold. */
  private static final int MAX_HOLDERS = (1 << 11) - 1;
  /** The waiter bits of {@link #counts}. */
  private static final int WAITERS = SHARED_HOLDER - 1;
  /** The holder bits of {@link #counts}. */
  private static final int HOLDERS = MAX_HOLDERS << 20;
  /** Bit 31 of {@link #counts}: the lock was deleted ({@link #markDeleted}); set once. */
  private static final int DELETED = 1 << 31;
  private static final VarHandle COUNTS =
      FieldHandles.of(MethodHandles.lookup(), MonitorRwLock.class, "counts", int.class);

  private volatile @Nullable Thread exclusiveOwner;
  /**
   * The deleted mark (bit 31), the shared holders or, while the lock is held exclusive, the
   * owner's holds beyond the first (bits 20 to 30), the threads waiting for a shared hold (bits 10 to 19) and those
   * waiting for the exclusive one (bits 0 to 9), in one int. One field rather than four keeps the
   * header locks and {@link EResource} at 24 bytes: two or three locks per FCB header, two
   * resources per file under CTX (issue 14). It bounds a lock at 2,047 shared holders (or 2,048
   * exclusive holds by its owner) and 1,023 waiters of each kind, far beyond the threads a model run
   * starts; going past a bound throws rather than wrapping. Every change is an atomic add or or,
   * since the owner changes its holds without the monitor; the waiter and holder counts change
   * under the monitor. A release notifies only when someone waits: an uncontended release (nearly
   * all of them) then skips {@code notifyAll}, which cost a measurable share of the filtered I/O
   * path (issue 14).
   */
  private volatile int counts;

  /** Creates an unheld lock. */
  protected MonitorRwLock() {}

  /** The thread that holds it exclusive, or null. */
  protected final @Nullable Thread exclusiveOwner() {
    return exclusiveOwner;
  }

  /** Waits until no thread holds it exclusive and none waits to, then holds it shared. */
  protected final synchronized void lockShared() {
    if (exclusiveOwner != null || exclusiveWaiters() > 0) {
      if (((counts & WAITERS) >>> 10) == MAX_WAITERS) {
        throw tooMany(MAX_WAITERS + " threads already wait for a shared hold");
      }
      COUNTS.getAndAdd(this, SHARED_WAITER);
      try {
        Monitors.awaitUninterruptibly(this, () -> exclusiveOwner == null && exclusiveWaiters() == 0);
      } finally {
        COUNTS.getAndAdd(this, -SHARED_WAITER);
      }
    }
    if (sharedHolders() == MAX_HOLDERS) {
      throw tooMany(MAX_HOLDERS + " threads already hold it shared");
    }
    COUNTS.getAndAdd(this, SHARED_HOLDER);
  }

  /** Exclusive acquirers waiting; read with the monitor held. */
  private int exclusiveWaiters() {
    return counts & MAX_WAITERS;
  }

  /** Shared holders, or the owner's holds while it is held exclusive. */
  private int sharedHolders() {
    return (counts & HOLDERS) >>> 20;
  }

  /**
   * For the exclusive owner: adds {@code delta} to its holds beyond the first, kept in the holder
   * bits, which no shared holder uses while the lock is held exclusive. The first hold is the
   * ownership itself, so an owner that never recurses changes no count (no atomic instruction on
   * the common path); the owner must take its extra holds back to 0 before {@link
   * #unlockExclusive}.
   *
   * @return the owner's holds beyond the first after the change
   * @throws IllegalStateException past 2,047 holds beyond the first
   */
  protected final int addOwnerDepth(int delta) {
    int before = ownerDepth();
    if (before + delta > MAX_HOLDERS || before + delta < 0) {
      throw tooMany("2048 holds of one lock by its owner");
    }
    return (((int) COUNTS.getAndAdd(this, delta * SHARED_HOLDER) & HOLDERS) >>> 20) + delta;
  }

  /** The exclusive owner's holds beyond the first ({@link #addOwnerDepth}); meaningful to the owner only. */
  protected final int ownerDepth() {
    return sharedHolders();
  }

  /** Marks the lock deleted; call with the monitor held, once {@link #isLocked} is false. */
  protected final void markDeleted() {
    COUNTS.getAndBitwiseOr(this, DELETED);
  }

  /** Whether {@link #markDeleted} ran. */
  protected final boolean isDeleted() {
    return (counts & DELETED) != 0;
  }

  private static IllegalStateException tooMany(String what) {
    return new IllegalStateException(what + ": the model's bound for one lock");
  }

  /** Gives back one shared hold taken with {@link #lockShared}. */
  protected final synchronized void unlockShared() {
    if (sharedHolders() > 0) {
      COUNTS.getAndAdd(this, -SHARED_HOLDER);
      if (sharedHolders() == 0 && exclusiveWaiters() > 0) {
        notifyAll();
      }
    }
  }

  /** Waits until no thread holds it, then holds it exclusive for the calling thread. */
  protected final synchronized void lockExclusive() {
    if (exclusiveOwner != null || sharedHolders() > 0) {
      if (exclusiveWaiters() == MAX_WAITERS) {
        throw tooMany(MAX_WAITERS + " threads already wait for the exclusive hold");
      }
      COUNTS.getAndAdd(this, EXCLUSIVE_WAITER);
      boolean acquired = false;
      try {
        Monitors.awaitUninterruptibly(this, () -> exclusiveOwner == null && sharedHolders() == 0);
        acquired = true;
      } finally {
        COUNTS.getAndAdd(this, -EXCLUSIVE_WAITER);
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
    if ((counts & WAITERS) != 0) {
      notifyAll();
    }
  }

  /** Whether any thread holds it, shared or exclusive (a snapshot). */
  protected final synchronized boolean isLocked() {
    return exclusiveOwner != null || sharedHolders() > 0;
  }
}
