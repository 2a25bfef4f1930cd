package io.fsctx.fltmgr;

import com.google.common.base.Preconditions;

/**
 * Makes the requests the current thread sends complete "at DPC" (issue 13): the lower driver's
 * completion is modelled as running in a deferred procedure call, so the post-operation callbacks
 * Filter Manager calls from it run at {@code DISPATCH_LEVEL}, as they may on Windows. A workload
 * or test opens a scope around the requests it chooses:
 *
 * <pre>{@code
 * try (DpcCompletion dpc = DpcCompletion.begin()) {
 *   harness.read(fo, 0, 512);   // its post-read callbacks run at DISPATCH_LEVEL
 * }
 * }</pre>
 *
 * <p>What stays at the caller's level, as Windows documents: the post-operation callback of a
 * filter whose pre-operation callback returned {@code FLT_PREOP_SYNCHRONIZE} (Filter Manager
 * calls it in the originating thread, at or below APC_LEVEL), and post-create (always at
 * PASSIVE_LEVEL). A filter that needs a safe IRQL in a post-operation callback uses {@code
 * FltDoCompletionProcessingWhenSafe}.
 *
 * <p>Scopes nest; the requests of a filter issued from inside a callback during the scope
 * complete at DPC too. Thread safety: the scope belongs to the thread that began it.
 */
public final class DpcCompletion implements AutoCloseable {
  private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

  private final Thread owner = Thread.currentThread();
  private boolean closed;

  private DpcCompletion() {
    DEPTH.get()[0]++;
  }

  /**
   * Begins a scope: until it is closed, requests sent by this thread complete at DPC.
   *
   * @return the scope; the caller closes it on the same thread
   */
  public static DpcCompletion begin() {
    return new DpcCompletion();
  }

  /** Whether requests the current thread sends now complete at DPC. */
  public static boolean active() {
    return DEPTH.get()[0] > 0;
  }

  /** Ends the scope; a second close does nothing. */
  @Override
  public void close() {
    Preconditions.checkState(Thread.currentThread() == owner, "a DpcCompletion scope is closed on the thread that began it");
    if (!closed) {
      closed = true;
      DEPTH.get()[0]--;
    }
  }
}
