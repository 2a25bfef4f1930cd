package io.fsctx.fltmgr;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.fsctx.nt.Irql;
import io.fsctx.nt.Monitors;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The system worker threads one Filter Manager hands work to (issue 13): the deferred free of a
 * context whose last reference was released at {@code DISPATCH_LEVEL} (fltmgr.md 5.4, assertion
 * 74), and the work items of {@code FltQueueDeferredIoWorkItem}, {@code FltQueueGenericWorkItem}
 * and {@code FltDoCompletionProcessingWhenSafe}.
 *
 * <p>Items run in order on one worker thread at {@code PASSIVE_LEVEL} (a fresh Java thread's
 * level), never on the thread that queued them; the thread ends when it has been idle for a
 * second, so a test's managers leave no threads behind. {@link #awaitIdle()} waits for every
 * item queued so far, and for items those queue in turn. An item that throws is recorded ({@link
 * #failures()}), not lost: the worker goes on with the next.
 *
 * <p>Thread safety: safe for concurrent use; no lock is held while an item runs.
 */
final class SystemWorkQueue {
  private final ThreadPoolExecutor executor;
  /** The queue whose item the current thread runs, if any. */
  private static final ThreadLocal<SystemWorkQueue> RUNNING = new ThreadLocal<>();

  @GuardedBy("this")
  private int pending;

  @GuardedBy("this")
  private final List<Throwable> failures = new ArrayList<>();

  SystemWorkQueue(String name) {
    executor = new ThreadPoolExecutor(0, 1, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread t = new Thread(r, name + "-worker");
      t.setDaemon(true);
      return t;
    });
  }

  /** Queues {@code item}; it runs later on the worker thread, at PASSIVE_LEVEL. */
  void queue(Runnable item) {
    synchronized (this) {
      pending++;
    }
    executor.execute(() -> {
      try {
        if (Irql.current() != Irql.PASSIVE_LEVEL) {
          throw new IllegalStateException("a work item left the worker at " + Irql.current());
        }
        RUNNING.set(this);
        item.run();
      } catch (RuntimeException | Error e) {
        synchronized (this) {
          failures.add(e);
        }
      } finally {
        RUNNING.remove();
        synchronized (this) {
          pending--;
          notifyAll();
        }
      }
    });
  }

  /** How many items are queued or running (a snapshot). */
  synchronized int pending() {
    return pending;
  }

  /**
   * Waits until no item is queued or running. Not from the worker thread itself (it would wait
   * for its own item).
   */
  void awaitIdle() {
    if (RUNNING.get() == this) {
      throw new IllegalStateException("awaitIdle from a work item would wait for itself");
    }
    synchronized (this) {
      Monitors.awaitUninterruptibly(this, () -> pending() == 0);
    }
  }

  /** What items threw so far. */
  synchronized List<Throwable> failures() {
    return List.copyOf(failures);
  }
}
