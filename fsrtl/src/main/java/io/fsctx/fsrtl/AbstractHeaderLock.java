package io.fsctx.fsrtl;

import io.fsctx.nt.PoolBlock;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jspecify.annotations.Nullable;

/**
 * Shared implementation of the header locks: a read-write lock that refuses recursion, because
 * fast mutexes and push locks deadlock on recursive acquisition in the kernel.
 */
abstract class AbstractHeaderLock implements HeaderLock {
  private final ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
  // A field updater rather than a counter object: every FCB header owns two or three locks.
  private static final AtomicLongFieldUpdater<AbstractHeaderLock> ACQUISITIONS =
      AtomicLongFieldUpdater.newUpdater(AbstractHeaderLock.class, "acquisitions");
  private volatile long acquisitions;
  private final String kind;
  private final @Nullable PoolBlock memory;

  AbstractHeaderLock(String kind, @Nullable PoolBlock memory) {
    this.kind = kind;
    this.memory = memory;
    if (memory != null) {
      memory.embed(this);
    }
  }

  /**
   * The pool block the lock lives in (fastfat keeps the header's fast mutex in the FCB's nonpaged
   * part), or null when it was built outside any allocation.
   */
  public final @Nullable PoolBlock memory() {
    return memory;
  }

  /** Whether shared acquisitions really are shared; a fast mutex is always exclusive. */
  abstract boolean sharedIsShared();

  @Override
  public final void acquireShared() {
    if (!sharedIsShared()) {
      acquireExclusive();
      return;
    }
    checkNotHeld();
    rw.readLock().lock();
    ACQUISITIONS.incrementAndGet(this);
  }

  @Override
  public final void releaseShared() {
    if (!sharedIsShared()) {
      releaseExclusive();
      return;
    }
    rw.readLock().unlock();
  }

  @Override
  public final void acquireExclusive() {
    checkNotHeld();
    rw.writeLock().lock();
    ACQUISITIONS.incrementAndGet(this);
  }

  @Override
  public final void releaseExclusive() {
    rw.writeLock().unlock();
  }

  @Override
  public final boolean isHeldByCurrentThread() {
    return rw.isWriteLockedByCurrentThread() || rw.getReadHoldCount() > 0;
  }

  @Override
  public final long acquisitionCount() {
    return acquisitions;
  }

  private void checkNotHeld() {
    if (isHeldByCurrentThread()) {
      throw new IllegalStateException(
          kind + " acquired recursively: the kernel would deadlock here");
    }
  }

  @Override
  public String toString() {
    return kind;
  }
}
