package io.fsctx.fltmgr;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.fsctx.nt.Monitors;
import io.fsctx.nt.NtStatus;
import io.fsctx.tm.Enlistment;
import io.fsctx.tm.KTransaction;
import org.jspecify.annotations.Nullable;

/**
 * One instance's enlistment in one transaction ({@code FltEnlistInTransaction}): the kernel
 * enlistment that delivers the notifications, and the transaction context the filter enlisted
 * with, on which the enlistment holds a reference of Filter Manager's own, so a notification never
 * hands the filter a freed context (an [X] policy: the documentation does not say how the context
 * is kept alive while enlisted).
 *
 * <p>It ends when the transaction ends ({@link InstanceTransactions#ended}) or the instance is
 * torn down; after that nothing is delivered, so no filter is called once its instance is gone.
 * Closing waits for notifications other threads are delivering through it (a rundown), then drops
 * the context reference; a notification callback that tears its own instance down is not waited
 * for, and the reference goes when that delivery returns.
 *
 * <p>Thread safety: safe for concurrent use; deliveries and closing synchronise on the object,
 * which is never held while the filter's callback runs.
 */
final class FltEnlistment {
  private final FltInstance instance;
  private final KTransaction transaction;
  private final FltContext context;
  private volatile @Nullable Enlistment kernel;

  @GuardedBy("this")
  private boolean closed;

  /** The threads delivering a notification through this enlistment right now. */
  @GuardedBy("this")
  private final java.util.List<Thread> delivering = new java.util.ArrayList<>(1);

  /** The reference has been given back (set after the count dropped). */
  @GuardedBy("this")
  private boolean referenceDropped;

  /** One thread has taken on giving the reference back (set before it drops it). */
  @GuardedBy("this")
  private boolean droppingReference;

  FltEnlistment(FltInstance instance, KTransaction transaction, FltContext context) {
    this.instance = instance;
    this.transaction = transaction;
    this.context = context;
  }

  KTransaction transaction() {
    return transaction;
  }

  FltContext context() {
    return context;
  }

  /** Whether the enlistment still holds its reference on the context (a snapshot). */
  synchronized boolean holdsReference() {
    return !referenceDropped;
  }

  /**
   * Gives the enlistment's reference back. {@link #holdsReference()} stays true until the count
   * has dropped, so a reader of the count and of this flag (the leak check at instance teardown)
   * never sees the flag gone while the reference is still counted.
   */
  private void dropReference() {
    try {
      context.dropInternal("FltEnlistInTransaction(end)");
    } finally {
      synchronized (this) {
        referenceDropped = true;
        notifyAll(); // a teardown closing this enlistment waits for the reference (see close)
      }
    }
  }

  void bind(Enlistment e) {
    kernel = e;
  }

  /** The kernel's notification: delivered to the filter unless the enlistment was closed. */
  NtStatus deliver(int notification) {
    synchronized (this) {
      if (closed) {
        return NtStatus.STATUS_SUCCESS;
      }
      delivering.add(Thread.currentThread());
    }
    try {
      return instance.transactions().deliver(transaction, context, notification);
    } finally {
      boolean drop;
      synchronized (this) {
        delivering.remove(Thread.currentThread());
        notifyAll();
        drop = closed && delivering.isEmpty() && !droppingReference;
        if (drop) {
          droppingReference = true;
        }
      }
      if (drop) {
        dropReference();
      }
    }
  }

  /**
   * Ends the enlistment: no more notifications; waits for deliveries on other threads; drops the
   * context reference. Idempotent.
   *
   * <p>With {@code waitForOthers} (an instance's teardown), a close that finds the enlistment
   * already closed by the transaction's end on another thread waits until that thread has given
   * the reference back: the teardown's leak check runs next and must not see the reference of an
   * enlistment that is already gone from the instance (issue 18: a false leak on a transaction
   * context when a commit and a detach raced).
   *
   * @param waitForOthers whether to wait for deliveries, and a reference given back, in progress
   *     on other threads (teardown); false when called from the transaction's own end
   */
  void close(boolean waitForOthers) {
    synchronized (this) {
      if (closed) {
        if (waitForOthers) {
          awaitReferenceGivenBack();
        }
        return;
      }
      closed = true;
    }
    instance.filter().manager().reach(RacePoint.ENLISTMENT_CLOSED);
    Enlistment e = kernel;
    if (e != null) {
      e.close();
    }
    boolean drop;
    synchronized (this) {
      if (waitForOthers) {
        Monitors.awaitUninterruptibly(this, this::noDeliveryOnOtherThreads);
      }
      drop = delivering.isEmpty() && !droppingReference;
      if (drop) {
        droppingReference = true;
      }
    }
    if (drop) {
      dropReference();
    }
  }

  /**
   * Waits until the reference has been given back, unless this thread is delivering a
   * notification through the enlistment (the reference then goes when that delivery ends, after
   * this thread has returned).
   */
  @GuardedBy("this")
  private void awaitReferenceGivenBack() {
    Monitors.awaitUninterruptibly(this, this::referenceGivenBackOrOwnDelivery);
  }

  @SuppressWarnings("GuardedBy") // called by Monitors.awaitUninterruptibly with the monitor held
  private boolean referenceGivenBackOrOwnDelivery() {
    return referenceDropped || delivering.contains(Thread.currentThread());
  }

  @SuppressWarnings("GuardedBy") // called by Monitors.awaitUninterruptibly with the monitor held
  private boolean noDeliveryOnOtherThreads() {
    return !deliveringOnOtherThreads();
  }

  @GuardedBy("this")
  private boolean deliveringOnOtherThreads() {
    Thread me = Thread.currentThread();
    for (Thread t : delivering) {
      if (t != me) {
        return true;
      }
    }
    return false;
  }
}
