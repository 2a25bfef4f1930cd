package io.fsctx.fltmgr;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.fsctx.nt.FieldHandles;
import io.fsctx.nt.Monitors;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.jspecify.annotations.Nullable;

/**
 * The operations in flight on one instance, and the drain that instance teardown waits for: the
 * model's {@code ExAcquireRundownProtection} / {@code ExWaitForRundownProtectionRelease} around an
 * instance's callbacks.
 *
 * <p>One int holds twice the number of operations in flight, plus a draining bit. The frame
 * {@linkplain #tryEnter enters} before it calls an instance's pre-operation callback (or queues
 * its post-operation callback) and {@linkplain #exit exits} once the instance is done with the
 * request: after the pre-operation callback when no post-operation call is due, after the
 * post-operation callback otherwise. Entering is one {@code getAndAdd}, backed out when the
 * draining bit is set; exiting is one {@code getAndAdd} and, only while a drain is under way, a
 * wake-up. {@link #startDrain()} sets the bit: it is the linearization point of instance
 * teardown, after which no operation enters and the teardown waits for those that did.
 *
 * <p>The count is not tied to threads: an operation that is pended or completed asynchronously
 * (issue 13: {@code FLT_PREOP_PENDING}, {@code FltCompletePendedPreOperation}, post-operation
 * work queued with {@code FltDoCompletionProcessingWhenSafe}) keeps its entry until it
 * completes, on whatever thread that happens, and teardown then waits for it as well.
 *
 * <p>Thread safety: safe for concurrent use. The monitor is a leaf: nothing else is locked while
 * it is held, and the action given to {@link #whenDrained} runs after it is released.
 */
final class OperationRundown {
  private static final int DRAINING = 1;
  private static final VarHandle WORD =
      FieldHandles.of(MethodHandles.lookup(), OperationRundown.class, "word", int.class);

  /** Twice the operations in flight, plus {@link #DRAINING}. */
  private volatile int word;

  @GuardedBy("this")
  private @Nullable Runnable whenDrained;

  /**
   * Enters an operation: true unless teardown has started draining, in which case the instance
   * must be passed over as if it were not attached.
   */
  boolean tryEnter() {
    int before = (int) WORD.getAndAdd(this, 2);
    if ((before & DRAINING) == 0) {
      return true;
    }
    exit(); // too late: back out, waking the drain if this was the last one
    return false;
  }

  /** Leaves an operation that {@link #tryEnter} admitted. */
  void exit() {
    int after = (int) WORD.getAndAdd(this, -2) - 2;
    if ((after & DRAINING) != 0) {
      drained(after >>> 1);
    }
  }

  private void drained(int left) {
    Runnable action = null;
    synchronized (this) {
      notifyAll();
      if (left == 0) {
        action = whenDrained;
        whenDrained = null;
      }
    }
    if (action != null) {
      action.run();
    }
  }

  /** The linearization point of teardown: no operation enters from now on. Idempotent. */
  void startDrain() {
    WORD.getAndBitwiseOr(this, DRAINING);
  }

  /** How many operations are in flight (a snapshot). */
  int inFlight() {
    return word >>> 1;
  }

  /**
   * Waits until at most {@code own} operations are in flight: those of the calling thread itself,
   * which cannot finish while it waits (a teardown started from inside one of the instance's own
   * callbacks). An interrupt does not end the wait (teardown cannot be abandoned halfway); it is
   * restored afterwards.
   */
  void awaitDrained(int own) {
    synchronized (this) {
      Monitors.awaitUninterruptibly(this, () -> inFlight() <= own);
    }
  }

  /**
   * Runs {@code action} once no operation is in flight: now, in the calling thread, or in the
   * thread whose {@link #exit} ends the last one. Only after {@link #startDrain()}; at most one
   * action is pending.
   */
  void whenDrained(Runnable action) {
    synchronized (this) {
      if (inFlight() != 0) {
        whenDrained = action;
        return;
      }
    }
    action.run();
  }
}
