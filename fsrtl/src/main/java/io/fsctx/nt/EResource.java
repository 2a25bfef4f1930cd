package io.fsctx.nt;

import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * {@code ERESOURCE}: a reader-writer lock that allows recursive exclusive acquisition and lets
 * the exclusive owner acquire it shared too, with the owner checks of {@code
 * ExIsResourceAcquiredExclusiveLite} / {@code ExIsResourceAcquiredSharedLite}. A shared owner
 * asking for exclusive access would deadlock in the kernel; the model throws instead. Deleting a
 * resource that is still held is a contract violation and throws.
 *
 * <p>Thread safety: safe for concurrent use.
 */
public final class EResource {
  private final String id;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private volatile boolean deleted;

  /**
   * {@code ExInitializeResourceLite}.
   *
   * @param id a name for messages
   */
  public EResource(String id) {
    this.id = id;
  }

  /** The name given at initialisation. */
  public String id() {
    return id;
  }

  private void checkLive(String routine) {
    if (deleted) {
      throw new IllegalStateException(routine + " on deleted resource " + id);
    }
  }

  /**
   * {@code ExAcquireResourceExclusiveLite} with {@code Wait = TRUE}.
   *
   * @throws IllegalStateException when the thread holds it shared only (a kernel deadlock)
   */
  public boolean acquireExclusive() {
    checkLive("ExAcquireResourceExclusiveLite");
    if (!lock.isWriteLockedByCurrentThread() && lock.getReadHoldCount() > 0) {
      throw new IllegalStateException(
          "ExAcquireResourceExclusiveLite on " + id + " by a thread that holds it shared: deadlock");
    }
    lock.writeLock().lock();
    KeThread.resourceAcquired();
    return true;
  }

  /** {@code ExAcquireResourceSharedLite} with {@code Wait = TRUE}. */
  public boolean acquireShared() {
    checkLive("ExAcquireResourceSharedLite");
    lock.readLock().lock();
    KeThread.resourceAcquired();
    return true;
  }

  /**
   * {@code ExReleaseResourceLite}: releases the calling thread's most recent kind of hold.
   *
   * @throws IllegalStateException when the thread does not hold it
   */
  public void release() {
    if (lock.getReadHoldCount() > 0) {
      lock.readLock().unlock();
    } else if (lock.isWriteLockedByCurrentThread()) {
      lock.writeLock().unlock();
    } else {
      throw new IllegalStateException("ExReleaseResourceLite on " + id + " which this thread does not hold");
    }
    KeThread.resourceReleased();
  }

  /** {@code ExIsResourceAcquiredExclusiveLite}. */
  public boolean isAcquiredExclusive() {
    return lock.isWriteLockedByCurrentThread();
  }

  /** {@code ExIsResourceAcquiredSharedLite}: how many times this thread holds it (either way). */
  public int isAcquiredShared() {
    return lock.getReadHoldCount() + lock.getWriteHoldCount();
  }

  /** Whether any thread holds it. */
  public boolean isHeld() {
    return lock.isWriteLocked() || lock.getReadLockCount() > 0;
  }

  /**
   * {@code ExDeleteResourceLite}.
   *
   * @throws IllegalStateException when it is still held
   */
  public void delete() {
    if (isHeld()) {
      throw new IllegalStateException("ExDeleteResourceLite on " + id + " while it is held");
    }
    deleted = true;
  }

  @Override
  public String toString() {
    return id;
  }
}
