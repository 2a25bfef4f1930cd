package io.fsctx.fltmgr;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A controlled interleaving for the deterministic race tests: runs one racing operation on its
 * own thread and lets the test wait until that operation has either finished or is parked
 * (blocked on a monitor, waiting, or parked on a lock) inside one of the named methods, the place
 * where a correct implementation orders it after the operation it races. Waiting for a named
 * method, not just for any parked state, keeps a thread that is briefly blocked elsewhere (class
 * loading, a listener's lock) from being taken for the blocked racer; the only time limit is a
 * generous safety net that turns a hang into a failure with the racer's stack.
 *
 * <p>Thread safety: one test thread drives a racer; the racer's outcome is published through
 * {@link Thread#join}.
 */
final class Racer {
  private static final long SAFETY_NET_SECONDS = 60;

  private final Thread thread;
  private volatile @Nullable Throwable failure;

  private Racer(String name, Runnable action) {
    thread =
        new Thread(
            () -> {
              try {
                action.run();
              } catch (Throwable t) { // handed to the test thread by join()
                failure = t;
              }
            },
            name);
    thread.setDaemon(true);
  }

  /** Starts {@code action} on a new thread named {@code name}. */
  static Racer start(String name, Runnable action) {
    Racer r = new Racer(name, action);
    r.thread.start();
    return r;
  }

  /**
   * Returns once the racer has finished, or is parked in a frame whose method name is one of
   * {@code methods} (with no names, parked anywhere).
   */
  @SuppressWarnings("ThreadPriorityCheck") // a polite spin while another thread runs
  Racer awaitFinishedOrParkedIn(String... methods) {
    Set<String> names = Set.of(methods);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SAFETY_NET_SECONDS);
    while (true) {
      Thread.State s = thread.getState();
      if (s == Thread.State.TERMINATED) {
        return this;
      }
      if (s == Thread.State.BLOCKED || s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING) {
        for (StackTraceElement e : thread.getStackTrace()) {
          if (names.isEmpty() || names.contains(e.getMethodName())) {
            return this;
          }
        }
      }
      if (System.nanoTime() > deadline) {
        fail(thread.getName() + " neither finished nor parked in " + names + ":\n"
            + String.join("\n", Arrays.stream(thread.getStackTrace()).map(Object::toString).toList()));
      }
      Thread.onSpinWait();
      Thread.yield();
    }
  }

  /** Whether the racer has finished. */
  boolean finished() {
    return thread.getState() == Thread.State.TERMINATED;
  }

  /** Waits for the racer to finish and rethrows what it threw. */
  void join() {
    try {
      thread.join(TimeUnit.SECONDS.toMillis(SAFETY_NET_SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while joining " + thread.getName(), e);
    }
    if (thread.isAlive()) {
      fail(thread.getName() + " did not finish:\n"
          + String.join("\n", Arrays.stream(thread.getStackTrace()).map(Object::toString).toList()));
    }
    Throwable t = failure;
    if (t instanceof RuntimeException re) {
      throw re;
    }
    if (t instanceof Error er) {
      throw er;
    }
    if (t != null) {
      throw new AssertionError(t);
    }
  }
}
