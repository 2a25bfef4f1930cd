package io.fsctx.fsrtl;

import io.fsctx.nt.KeThread;
import io.fsctx.nt.MonitorRwLock;
import io.fsctx.nt.PoolBlock;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.jspecify.annotations.Nullable;

/**
 * Shared implementation of the header locks: a read-write lock that refuses recursion, because
 * fast mutexes and push locks deadlock on recursive acquisition in the kernel.
 *
 * <p>Design note. Every FCB header owns two or three of these, so the lock keeps its state in
 * itself ({@link MonitorRwLock}: the owner, and one int of holders and waiters changed by
 * compare-and-set, waiting on the lock's monitor; no lock object of its own); which threads hold
 * it shared is kept on the threads ({@link
 * KeThread#addSharedHold}), not here. A {@code ReentrantReadWriteLock} cost about 120 bytes per
 * lock and a thread-local hold counter per reader, a {@code StampedLock} 48 bytes.
 */
abstract class AbstractHeaderLock extends MonitorRwLock implements HeaderLock {
  // A field updater rather than a counter object: every FCB header owns two or three locks.
  private static final AtomicIntegerFieldUpdater<AbstractHeaderLock> ACQUISITIONS =
      AtomicIntegerFieldUpdater.newUpdater(AbstractHeaderLock.class, "acquisitions");
  /**
   * Acquisitions, unsigned, modulo 2^32: an int rather than a long keeps the lock at 24 bytes with
   * compressed references (issue 14). A test compares counts a few acquisitions apart; wrapping
   * needs four billion acquisitions of one lock.
   */
  private volatile int acquisitions;
  // No field for the lock's kind: the class says it (kind()), and the four bytes of a name field
  // made each of the two or three locks per FCB header eight bytes bigger (issue 14). No field for
  // its pool block either: only a lock a file system builds in a block keeps one (FastMutex, the
  // auto-expand push lock); a header's own push lock and FsRtl's per-file tracking block never
  // have one, and the field made each of them eight bytes bigger (issue 14).

  AbstractHeaderLock() {}

  /**
   * The pool block the lock lives in (fastfat keeps the header's fast mutex in the FCB's nonpaged
   * part), or null when it was built outside any allocation.
   */
  public abstract @Nullable PoolBlock memory();

  /** Checks that a lock being built in {@code memory} is not built in freed memory. */
  static void checkBuiltIn(@Nullable PoolBlock memory, Object lock) {
    if (memory != null) {
      memory.checkNotFreed(lock); // not a listed member: the lock keeps its block itself
    }
  }

  /** The lock's kind for messages: {@code FastMutex}, {@code PushLock} or {@code AePushLock}. */
  abstract String kind();

  /** Whether shared acquisitions really are shared; a fast mutex is always exclusive. */
  abstract boolean sharedIsShared();

  @Override
  public final void acquireShared() {
    if (!sharedIsShared()) {
      acquireExclusive();
      return;
    }
    KeThread.State thread = KeThread.current();
    checkNotHeld(thread);
    lockShared();
    thread.addSharedHold(this);
    ACQUISITIONS.incrementAndGet(this);
  }

  @Override
  public final void releaseShared() {
    if (!sharedIsShared()) {
      releaseExclusive();
      return;
    }
    if (KeThread.removeSharedHold(this) < 0) {
      throw new IllegalMonitorStateException(kind() + " released shared by a thread that does not hold it shared");
    }
    unlockShared();
  }

  @Override
  public final void acquireExclusive() {
    // The recursion check is isHeldByCurrentThread's: for a fast mutex, never held shared, it
    // reads no thread-local (every acquisition of the I/O path's commonest lock).
    if (isHeldByCurrentThread()) {
      throw recursive();
    }
    lockExclusive();
    // No atomic add: the exclusive holder is the only thread that can be counting now (shared
    // holders count while they hold, which excludes this hold), and the lock's hand-off orders
    // the increments. A release store rather than a volatile one: no fence on every acquisition
    // of the I/O path's commonest lock, and a reader that saw the lock released sees the count.
    ACQUISITIONS.lazySet(this, acquisitions + 1);
  }

  @Override
  public final void releaseExclusive() {
    if (exclusiveOwner() != Thread.currentThread()) {
      throw new IllegalMonitorStateException(kind() + " released by a thread that does not own it");
    }
    unlockExclusive();
  }

  @Override
  public final boolean isHeldByCurrentThread() {
    return exclusiveOwner() == Thread.currentThread() || (sharedIsShared() && KeThread.sharedHolds(this) > 0);
  }

  @Override
  public final long acquisitionCount() {
    return Integer.toUnsignedLong(acquisitions);
  }

  private void checkNotHeld(KeThread.State thread) {
    if (exclusiveOwner() == Thread.currentThread() || thread.sharedHolds(this) > 0) {
      throw recursive();
    }
  }

  private IllegalStateException recursive() {
    return new IllegalStateException(kind() + " acquired recursively: the kernel would deadlock here");
  }

  @Override
  public String toString() {
    return kind();
  }
}
