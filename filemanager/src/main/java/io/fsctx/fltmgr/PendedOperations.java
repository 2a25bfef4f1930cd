package io.fsctx.fltmgr;

import io.fsctx.nt.Monitors;
import com.google.common.base.Preconditions;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.IdentityHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The pre- and post-operations one Filter Manager's filters have pended (issue 13): a
 * pre-operation callback that returned {@code FLT_PREOP_PENDING} until {@code
 * FltCompletePendedPreOperation}, a post-operation callback that returned {@code
 * FLT_POSTOP_MORE_PROCESSING_REQUIRED} until {@code FltCompletePendedPostOperation}.
 *
 * <h2>Model</h2>
 * The I/O path is synchronous, as a synchronous request on Windows is to its caller: the thread
 * that sent the request waits here for the completion, which any thread may call (a work item,
 * a test's thread, the teardown-start callback), and then goes on with the request: the next
 * pre-operation callbacks, the file system, the post-operation callbacks. PORT: Windows goes on
 * in the completing thread; what the model keeps is what the context rules depend on: the
 * instance's operation entry stays held while the operation is pended (so instance teardown
 * waits for it, after its teardown-start callback, which may complete it), post-operation
 * callbacks of an instance whose teardown has begun get {@code FLTFL_POST_OPERATION_DRAINING},
 * and every reference the filter keeps across the completion is the verifier's as usual.
 *
 * <p>A completion may arrive before the callback that pends has returned (a work item it queued
 * ran first): it is kept and taken by the wait. Completing an operation twice, or one that is
 * not pended (its callback returned something else), is the caller's mistake and fails.
 *
 * <p>Thread safety: safe for concurrent use; one monitor, held only to hand a completion over.
 */
final class PendedOperations {
  /** Which callback pended. */
  enum Phase {
    PRE,
    POST
  }

  /** What the completion gave: the pre-operation status and completion context (PRE only). */
  record Completion(@Nullable FltPreopCallbackStatus status, @Nullable Object completionContext) {}

  private static final class Slot {
    final Phase phase;
    boolean waiting;
    @Nullable Completion completion;

    Slot(Phase phase) {
      this.phase = phase;
    }
  }

  @GuardedBy("this")
  private final IdentityHashMap<FltCallbackData, Slot> slots = new IdentityHashMap<>();

  /**
   * {@code slots.size()}, written under the monitor after each change and read without it: the
   * frame asks {@link #isEmpty} after every callback on every thread, and taking this manager-wide
   * monitor for it serialized them all (issue 14).
   */
  private volatile int size;

  /** Whether nothing is pended or completed early (the frame's fast path; a snapshot, lock-free). */
  boolean isEmpty() {
    return size == 0;
  }

  @GuardedBy("this")
  private void sizeChanged() {
    size = slots.size();
  }

  /**
   * Waits for the completion of {@code data}'s pended {@code phase} callback, which may already
   * have arrived.
   */
  Completion await(FltCallbackData data, Phase phase) {
    synchronized (this) {
      Slot s = slots.computeIfAbsent(data, d -> new Slot(phase));
      sizeChanged();
      Preconditions.checkState(s.phase == phase, "a %s completion for a request pended in %s", s.phase, phase);
      s.waiting = true;
      Monitors.awaitUninterruptibly(this, () -> completionOf(s) != null);
      slots.remove(data);
      sizeChanged();
      return java.util.Objects.requireNonNull(s.completion);
    }
  }

  @SuppressWarnings("GuardedBy") // evaluated by awaitUninterruptibly with the monitor held
  private static @Nullable Completion completionOf(Slot s) {
    return s.completion;
  }

  /**
   * Hands a completion to the wait for {@code data}, or keeps it for a wait still to come.
   *
   * @throws IllegalStateException when {@code data} was already completed and not yet taken, or
   *     is pended in the other phase
   */
  void complete(FltCallbackData data, Phase phase, Completion completion, String routine) {
    Preconditions.checkState(!data.hasEnded(), "%s for a request that has already completed", routine);
    synchronized (this) {
      Slot s = slots.computeIfAbsent(data, d -> new Slot(phase));
      sizeChanged();
      Preconditions.checkState(s.phase == phase, "%s on a request whose %s-operation is pended", routine, s.phase);
      Preconditions.checkState(s.completion == null, "%s called twice for the same pended operation", routine);
      s.completion = completion;
      notifyAll();
    }
  }

  /**
   * The frame's check when a request ends: a completion still kept for it was for an operation
   * that was never pended, or a second one.
   *
   * @throws IllegalStateException then
   */
  void checkNoneLeft(FltCallbackData data) {
    synchronized (this) {
      Slot s = slots.remove(data);
      sizeChanged();
      if (s != null) {
        throw new IllegalStateException("a completion of the " + s.phase
            + "-operation was left unused when the request ended: called twice, or for an operation that was not pended");
      }
    }
  }

  /**
   * The frame's check after a callback that did not pend: a completion kept for it means the
   * filter completed an operation it never pended.
   *
   * @throws IllegalStateException then
   */
  void checkNotCompletedEarly(FltCallbackData data, Phase phase, String callback) {
    synchronized (this) {
      Slot s = slots.get(data);
      if (s != null && s.phase == phase && !s.waiting) {
        slots.remove(data);
        sizeChanged();
        throw new IllegalStateException((phase == Phase.PRE ? "FltCompletePendedPreOperation" : "FltCompletePendedPostOperation")
            + " was called for a request whose " + callback + " did not pend it");
      }
    }
  }
}
