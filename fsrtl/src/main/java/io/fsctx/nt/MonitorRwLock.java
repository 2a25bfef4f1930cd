package io.fsctx.nt;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.jspecify.annotations.Nullable;

/**
 * The state of a kernel reader-writer lock kept in the lock object itself: whether it is held
 * exclusive and by whom, how many threads hold it shared, and how many wait. The models of {@code
 * ERESOURCE} ({@link EResource}), {@code FAST_MUTEX} and {@code EX_PUSH_LOCK} build on it.
 *
 * <p>Why not a {@code java.util.concurrent} lock: every FCB header owns two or three locks and
 * every CTX context an {@code ERESOURCE}, so a lock object of their own (a {@code StampedLock},
 * 48 bytes) was about a twentieth of the heap per open file (issue 14).
 *
 * <p>Design. The state is one int, {@link #counts}, changed only by atomic instructions. An
 * acquire or release that finds no one waiting is one compare-and-set on it, as the kernel's fast
 * mutex and push lock are one interlocked instruction when uncontended; a thread that has to wait
 * does so on the lock's monitor, after counting itself as a waiter in {@link #counts}, and a
 * release that finds waiters counted takes the monitor to wake them. A waiter counts itself and
 * tests the lock with the monitor held, and a release notifies with the monitor held, so no
 * wake-up is lost between the test and the wait. Until this design the state was guarded by the
 * monitor alone, and every uncontended acquire and release entered and left it: about a tenth of
 * the filtered I/O path, which takes a dozen header locks and resources per create (issue 14).
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
   * One shared holder, in {@link #counts}' bits 20 to 29; while the lock is held exclusive (and
   * so no thread holds it shared), one of the owner's holds beyond the first ({@link
   * #addOwnerDepth}).
   */
  private static final int HOLDER = 1 << 20;
  /** Bit 30 of {@link #counts}: held exclusive. */
  private static final int EXCLUSIVE = 1 << 30;
  /** Bit 31 of {@link #counts}: the lock was deleted ({@link #markDeletedUnlessLocked}); set once. */
  private static final int DELETED = 1 << 31;
  /** The most waiters of one kind {@link #counts} can hold. */
  private static final int MAX_WAITERS = SHARED_WAITER - 1;
  /** The most shared holders, or owner holds beyond the first, {@link #counts} can hold. */
  private static final int MAX_HOLDERS = (1 << 10) - 1;
  /** The waiter bits of {@link #counts}, both kinds. */
  private static final int WAITERS = HOLDER - 1;
  /** The exclusive waiter bits of {@link #counts}. */
  private static final int EXCLUSIVE_WAITERS = MAX_WAITERS;
  /** The holder bits of {@link #counts}. */
  private static final int HOLDERS = MAX_HOLDERS << 20;

  private static final VarHandle COUNTS;
  private static final VarHandle OWNER;

  static {
    MethodHandles.Lookup l = MethodHandles.lookup();
    COUNTS = FieldHandles.of(l, MonitorRwLock.class, "counts", int.class);
    OWNER = FieldHandles.of(l, MonitorRwLock.class, "exclusiveOwner", Thread.class);
  }

  /**
   * The thread that holds it exclusive, written by that thread after it took the lock and before
   * it gives it back (release stores: only the owner acts on the value, to recognise itself).
   */
  private volatile @Nullable Thread exclusiveOwner;
  /**
   * The deleted mark (bit 31), the exclusive hold (bit 30), the shared holders or, while the lock
   * is held exclusive, the owner's holds beyond the first (bits 20 to 29), the threads waiting for
   * a shared hold (bits 10 to 19) and those waiting for the exclusive one (bits 0 to 9). One field
   * keeps the header locks and {@link EResource} at 24 bytes: two or three locks per FCB header,
   * two resources per file under CTX (issue 14). It bounds a lock at 1,023 shared holders, 1,024
   * exclusive holds by its owner and 1,023 waiters of each kind, far beyond the threads a model
   * run starts; going past a bound throws rather than wrapping. Changed only by atomic
   * instructions; waiters are counted with the monitor held.
   */
  private volatile int counts;

  /** Creates an unheld lock. */
  protected MonitorRwLock() {}

  /** The thread that holds it exclusive, or null; reliable for the calling thread itself. */
  protected final @Nullable Thread exclusiveOwner() {
    return exclusiveOwner;
  }

  private static IllegalStateException tooMany(String what) {
    return new IllegalStateException(what + ": the model's bound for one lock");
  }

  /** Whether a new shared hold may be taken now: not held exclusive, no exclusive waiter. */
  private static boolean sharedMayEnter(int c) {
    return (c & (EXCLUSIVE | EXCLUSIVE_WAITERS)) == 0;
  }

  /** Whether the exclusive hold may be taken now: not held exclusive, no shared holder. */
  private static boolean exclusiveMayEnter(int c) {
    return (c & (EXCLUSIVE | HOLDERS)) == 0;
  }

  /** Takes a shared hold if one may be taken now; false otherwise. */
  private boolean tryShared() {
    while (true) {
      int c = counts;
      if (!sharedMayEnter(c)) {
        return false;
      }
      if ((c & HOLDERS) == HOLDERS) {
        throw tooMany(MAX_HOLDERS + " threads already hold it shared");
      }
      if (COUNTS.weakCompareAndSet(this, c, c + HOLDER)) {
        return true;
      }
    }
  }

  /** Waits until no thread holds it exclusive and none waits to, then holds it shared. */
  protected final void lockShared() {
    if (!tryShared()) {
      lockSharedSlow();
    }
  }

  private synchronized void lockSharedSlow() {
    if (tryShared()) {
      return;
    }
    if (((counts & WAITERS) >>> 10) == MAX_WAITERS) {
      throw tooMany(MAX_WAITERS + " threads already wait for a shared hold");
    }
    COUNTS.getAndAdd(this, SHARED_WAITER);
    boolean counted = true;
    try {
      while (true) {
        Monitors.awaitUninterruptibly(this, () -> sharedMayEnter(counts));
        int c = counts;
        if (sharedMayEnter(c)) {
          if ((c & HOLDERS) == HOLDERS) {
            throw tooMany(MAX_HOLDERS + " threads already hold it shared");
          }
          // From waiter to holder in one step, so a release never sees neither.
          if (COUNTS.compareAndSet(this, c, c - SHARED_WAITER + HOLDER)) {
            counted = false;
            return;
          }
        }
      }
    } finally {
      if (counted) {
        COUNTS.getAndAdd(this, -SHARED_WAITER);
      }
    }
  }

  /** Gives back one shared hold taken with {@link #lockShared}. */
  protected final void unlockShared() {
    while (true) {
      int c = counts;
      if ((c & HOLDERS) == 0 || (c & EXCLUSIVE) != 0) {
        return; // nothing held shared (the callers check ownership first)
      }
      int after = c - HOLDER;
      if (COUNTS.weakCompareAndSet(this, c, after)) {
        if ((after & HOLDERS) == 0 && (after & EXCLUSIVE_WAITERS) != 0) {
          wakeWaiters();
        }
        return;
      }
    }
  }

  /** Waits until no thread holds it, then holds it exclusive for the calling thread. */
  protected final void lockExclusive() {
    if (!COUNTS.compareAndSet(this, 0, EXCLUSIVE)) {
      lockExclusiveSlow();
    }
    OWNER.setRelease(this, Thread.currentThread());
  }

  /** Takes the exclusive hold if it may be taken now; false otherwise. */
  private boolean tryExclusive() {
    while (true) {
      int c = counts;
      if (!exclusiveMayEnter(c)) {
        return false;
      }
      if (COUNTS.weakCompareAndSet(this, c, c | EXCLUSIVE)) {
        return true;
      }
    }
  }

  private synchronized void lockExclusiveSlow() {
    if (tryExclusive()) {
      return;
    }
    if ((counts & EXCLUSIVE_WAITERS) == MAX_WAITERS) {
      throw tooMany(MAX_WAITERS + " threads already wait for the exclusive hold");
    }
    COUNTS.getAndAdd(this, EXCLUSIVE_WAITER);
    boolean counted = true;
    try {
      while (true) {
        Monitors.awaitUninterruptibly(this, () -> exclusiveMayEnter(counts));
        int c = counts;
        // From waiter to owner in one step, so a release never sees neither.
        if (exclusiveMayEnter(c) && COUNTS.compareAndSet(this, c, (c - EXCLUSIVE_WAITER) | EXCLUSIVE)) {
          counted = false;
          return;
        }
      }
    } finally {
      if (counted) {
        // The wait ended by an Error: shared waiters it held back may go.
        if (((int) COUNTS.getAndAdd(this, -EXCLUSIVE_WAITER) & EXCLUSIVE_WAITERS) == 1) {
          notifyAll();
        }
      }
    }
  }

  /** Gives back the exclusive hold; the caller has checked it is the owner and its depth is 0. */
  protected final void unlockExclusive() {
    OWNER.setRelease(this, null);
    while (true) {
      int c = counts;
      int after = c & ~EXCLUSIVE;
      if (COUNTS.weakCompareAndSet(this, c, after)) {
        if ((after & WAITERS) != 0) {
          wakeWaiters();
        }
        return;
      }
    }
  }

  /**
   * Wakes the waiting threads. A waiter counts itself and tests the lock with the monitor held,
   * and waits in the same critical section, so taking the monitor here means it is either waiting
   * or will see the change that led here.
   */
  private synchronized void wakeWaiters() {
    notifyAll();
  }

  /**
   * For the exclusive owner: adds {@code delta} to its holds beyond the first, kept in the holder
   * bits, which no shared holder uses while the lock is held exclusive. The first hold is the
   * ownership itself, so an owner that never recurses changes no count; the owner must take its
   * extra holds back to 0 before {@link #unlockExclusive}.
   *
   * @return the owner's holds beyond the first after the change
   * @throws IllegalStateException past 1,023 holds beyond the first
   */
  protected final int addOwnerDepth(int delta) {
    int before = ownerDepth();
    if (before + delta > MAX_HOLDERS || before + delta < 0) {
      throw tooMany("1024 holds of one lock by its owner");
    }
    return (((int) COUNTS.getAndAdd(this, delta * HOLDER) & HOLDERS) >>> 20) + delta;
  }

  /** The exclusive owner's holds beyond the first ({@link #addOwnerDepth}); meaningful to the owner only. */
  protected final int ownerDepth() {
    return (counts & HOLDERS) >>> 20;
  }

  /**
   * Marks the lock deleted unless a thread holds it; a later acquisition must check {@link
   * #isDeleted} once it holds the lock.
   *
   * @return whether the lock is now marked deleted (false: it was held)
   */
  protected final boolean markDeletedUnlessLocked() {
    while (true) {
      int c = counts;
      if ((c & (EXCLUSIVE | HOLDERS)) != 0) {
        return false;
      }
      if (COUNTS.weakCompareAndSet(this, c, c | DELETED)) {
        return true;
      }
    }
  }

  /** Whether {@link #markDeletedUnlessLocked} marked it. */
  protected final boolean isDeleted() {
    return (counts & DELETED) != 0;
  }

  /** Whether any thread holds it, shared or exclusive (a snapshot). */
  protected final boolean isLocked() {
    return (counts & (EXCLUSIVE | HOLDERS)) != 0;
  }
}
