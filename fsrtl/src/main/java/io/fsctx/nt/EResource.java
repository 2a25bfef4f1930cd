package io.fsctx.nt;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * {@code ERESOURCE}: a reader-writer lock that allows recursive exclusive acquisition, recursive
 * shared acquisition, and lets the exclusive owner acquire it shared too, with the owner checks
 * of {@code ExIsResourceAcquiredExclusiveLite} / {@code ExIsResourceAcquiredSharedLite}. A shared
 * owner asking for exclusive access would deadlock in the kernel; the model throws instead.
 * Deleting a resource that is still held is a contract violation and throws.
 *
 * <p>Design note. A resource keeps its lock state in itself ({@link MonitorRwLock}: the exclusive
 * owner, and in one int the shared holders or the owner's recursive holds, the waiters and the
 * deleted mark); each thread's shared holds are kept on the thread ({@link
 * KeThread#sharedHolds}), as the kernel keeps an owner table. A thread's first shared hold takes
 * the lock's read side and its last one gives it back; holds in between, and shared holds of the
 * exclusive owner, are only counted, so a recursive shared acquire never waits behind a writer.
 * The name can be given as a supplier, or as a prefix and an owner object, and is then computed
 * only when a message needs it.
 *
 * <p>Thread safety: safe for concurrent use.
 */
public final class EResource extends MonitorRwLock {
  @GuardedBy("this")
  private @Nullable String id;

  /**
   * What computes the name: a {@link Supplier} (when {@link #id} is null), or the owner whose
   * string follows the prefix in {@link #id}. Which one is told by {@link #id} rather than a flag
   * of its own; the owner's recursive holds and the deletion are kept in the lock's counts
   * ({@link MonitorRwLock#addOwnerDepth}, {@link MonitorRwLock#markDeletedUnlessLocked}). With fields of their
   * own for those the resource took 32 or 40 bytes instead of 24, and CTX builds two per file
   * (issue 14).
   */
  @GuardedBy("this")
  private @Nullable Object name;

  /**
   * {@code ExInitializeResourceLite}.
   *
   * @param id a name for messages
   */
  public EResource(String id) {
    this.id = id;
  }

  /**
   * {@code ExInitializeResourceLite}, naming the resource only when a message needs the name.
   *
   * @param name computes the name, at most once
   */
  public EResource(Supplier<String> name) {
    this.name = name;
  }

  /**
   * {@code ExInitializeResourceLite} for a resource named after the object it guards: its name is
   * {@code prefix} followed by {@code owner}'s string, put together when a message first needs it.
   * Unlike a {@link Supplier} this costs no object beyond the resource, which matters to owners
   * built per stream.
   *
   * @param prefix the start of the name, such as {@code "CxRc StreamContext "}
   * @param owner the guarded object; its {@code toString} ends the name
   */
  public EResource(String prefix, Object owner) {
    this.id = prefix;
    this.name = owner;
  }

  /**
   * The name given at initialisation. A name supplier runs outside the resource's monitor, which
   * also guards its lock state: a supplier that took another lock could otherwise deadlock with
   * a thread releasing this resource.
   */
  public String id() {
    Object n;
    String i;
    synchronized (this) {
      i = id;
      n = name;
      if (n == null && i != null) {
        return i;
      }
    }
    String computed;
    if (n == null) {
      computed = "ERESOURCE";
    } else if (i != null) { // a prefix and an owner (the supplier constructor leaves id null)
      computed = i + n;
    } else {
      @SuppressWarnings("unchecked") // only the supplier constructor stores a non-owner name
      Supplier<String> supplier = (Supplier<String>) n;
      computed = supplier.get();
    }
    synchronized (this) {
      if (name != null || id == null) {
        id = computed;
        name = null;
      }
      return java.util.Objects.requireNonNull(id);
    }
  }

  private void checkLive(String routine) {
    if (isDeleted()) {
      throw deleted(routine);
    }
  }

  private IllegalStateException deleted(String routine) {
    return new IllegalStateException(routine + " on deleted resource " + id());
  }

  /**
   * {@code ExAcquireResourceExclusiveLite} with {@code Wait = TRUE}.
   *
   * @throws IllegalStateException when the thread holds it shared only (a kernel deadlock)
   */
  public boolean acquireExclusive() {
    checkLive("ExAcquireResourceExclusiveLite");
    Thread me = Thread.currentThread();
    KeThread.State thread = KeThread.current();
    if (exclusiveOwner() == me) {
      addOwnerDepth(1);
    } else {
      if (thread.sharedHolds(this) > 0) {
        throw new IllegalStateException(
            "ExAcquireResourceExclusiveLite on " + id() + " by a thread that holds it shared: deadlock");
      }
      lockExclusive();
      if (isDeleted()) {
        // Deleted while this thread waited: the deletion's compare-and-set on the lock's counts
        // came before the one that gave this thread the lock, so it is seen here.
        unlockExclusive();
        throw deleted("ExAcquireResourceExclusiveLite");
      }
      // The first hold is the ownership itself: no count changes (MonitorRwLock#addOwnerDepth).
    }
    thread.resourcesHeld++;
    return true;
  }

  /** {@code ExAcquireResourceSharedLite} with {@code Wait = TRUE}. */
  public boolean acquireShared() {
    checkLive("ExAcquireResourceSharedLite");
    // The owner's shared holds, and a reader's recursive ones, are counted without the lock.
    KeThread.State thread = KeThread.current();
    if (exclusiveOwner() != Thread.currentThread() && thread.sharedHolds(this) == 0) {
      lockShared();
    }
    thread.addSharedHold(this);
    thread.resourcesHeld++;
    return true;
  }

  /**
   * {@code ExReleaseResourceLite}: releases the calling thread's most recent kind of hold.
   *
   * @throws IllegalStateException when the thread does not hold it
   */
  public void release() {
    Thread me = Thread.currentThread();
    KeThread.State thread = KeThread.current();
    int shared = thread.removeSharedHold(this);
    if (shared >= 0) {
      if (shared == 0 && exclusiveOwner() != me) {
        unlockShared();
      }
    } else if (exclusiveOwner() == me) {
      if (ownerDepth() == 0) {
        unlockExclusive();
      } else {
        addOwnerDepth(-1);
      }
    } else {
      throw new IllegalStateException("ExReleaseResourceLite on " + id() + " which this thread does not hold");
    }
    thread.resourcesHeld--;
  }

  /** {@code ExIsResourceAcquiredExclusiveLite}. */
  public boolean isAcquiredExclusive() {
    return exclusiveOwner() == Thread.currentThread();
  }

  /** {@code ExIsResourceAcquiredSharedLite}: how many times this thread holds it (either way). */
  public int isAcquiredShared() {
    return KeThread.sharedHolds(this) + (exclusiveOwner() == Thread.currentThread() ? ownerDepth() + 1 : 0);
  }

  /** Whether any thread holds it. */
  public boolean isHeld() {
    return isLocked();
  }

  /**
   * {@code ExDeleteResourceLite}.
   *
   * @throws IllegalStateException when it is still held
   */
  public void delete() {
    // One compare-and-set on the lock's counts: no acquisition completes between the check and
    // the mark.
    if (markDeletedUnlessLocked()) {
      return;
    }
    throw new IllegalStateException("ExDeleteResourceLite on " + id() + " while it is held");
  }

  @Override
  public String toString() {
    return id();
  }
}
