package io.fsctx.nt;

import com.google.common.base.Preconditions;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code KSPIN_LOCK}: mutual exclusion that raises the holder to {@link Irql#DISPATCH_LEVEL}, so
 * whatever a filter does while holding one is checked against the routines' IRQL limits (a
 * {@code FltGetStreamContext} under a spin lock is reported, a {@code FltReleaseContext} of a
 * nonpaged context is not).
 *
 * <pre>{@code
 * Irql old = lock.acquire();      // KeAcquireSpinLock
 * try { ... } finally { lock.release(old); }   // KeReleaseSpinLock
 * }</pre>
 *
 * <p>Not reentrant, as on Windows: acquiring a lock the thread already holds is bug check 0xA
 * here (a real processor would spin forever).
 *
 * <p>Thread safety: safe for concurrent use; a waiter spins (with {@link Thread#onSpinWait}).
 */
public final class KSpinLock {
  private final AtomicReference<Thread> owner = new AtomicReference<>();

  /** Creates an unowned lock ({@code KeInitializeSpinLock}). */
  public KSpinLock() {}

  /**
   * {@code KeAcquireSpinLock}: raises to DISPATCH_LEVEL and takes the lock.
   *
   * @return the level before, to hand to {@link #release}
   * @throws BugCheckException when the current thread already holds the lock, or runs above
   *     DISPATCH_LEVEL
   */
  public Irql acquire() {
    Thread me = Thread.currentThread();
    if (owner.get() == me) {
      throw new BugCheckException(0xA, Irql.current().value(), "KeAcquireSpinLock on a spin lock this thread already holds", null);
    }
    Irql old = Irql.raise(Irql.DISPATCH_LEVEL);
    while (!owner.compareAndSet(null, me)) {
      Thread.onSpinWait();
    }
    return old;
  }

  /**
   * {@code KeReleaseSpinLock}: gives the lock up and lowers to {@code oldIrql}.
   *
   * @param oldIrql what {@link #acquire} returned
   * @throws IllegalStateException when the current thread does not hold the lock
   */
  public void release(Irql oldIrql) {
    Preconditions.checkState(owner.compareAndSet(Thread.currentThread(), null),
        "KeReleaseSpinLock by a thread that does not hold the lock");
    Irql.lower(oldIrql);
  }

  /** Whether the current thread holds the lock. */
  public boolean isHeldByCurrentThread() {
    return owner.get() == Thread.currentThread();
  }
}
