package io.fsctx.fltmgr;

import com.google.common.base.Preconditions;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The life of a Filter Manager work item (issue 13): free → queued → free (after its routine
 * returned) … → freed. Queueing an item that is queued or freed, or freeing one that is queued,
 * is the caller's mistake.
 *
 * <p>Thread safety: atomic.
 */
abstract class WorkItemState {
  private static final int IDLE = 0;
  private static final int QUEUED = 1;
  private static final int FREED = 2;
  private final AtomicInteger state = new AtomicInteger(IDLE);
  private final String id;

  WorkItemState(String id) {
    this.id = id;
  }

  void markQueued(String routine) {
    Preconditions.checkState(state.compareAndSet(IDLE, QUEUED), "%s: %s is %s", routine, id,
        state.get() == QUEUED ? "already queued" : "freed");
  }

  void markDone() {
    state.compareAndSet(QUEUED, IDLE);
  }

  void markFreed(String routine) {
    Preconditions.checkState(state.compareAndSet(IDLE, FREED), "%s: %s is %s", routine, id,
        state.get() == QUEUED ? "still queued" : "already freed");
  }

  @Override
  public String toString() {
    return id;
  }
}
