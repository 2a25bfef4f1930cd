package io.fsctx.nt;

import org.jspecify.annotations.Nullable;

/**
 * The parts of the current kernel thread ({@code KTHREAD}) the model tracks: the critical-region
 * nesting depth ({@code KeEnterCriticalRegion} / {@code KeLeaveCriticalRegion}) and how many
 * {@link EResource} acquisitions the thread holds. The minifilter frame compares both before and
 * after every callback: a callback must return with them unchanged. It also knows which I/O
 * request the thread is serving ({@link #currentRequest()}), as a kernel thread's IRP list does,
 * so that verifiers can say where a structure was set up, torn down or freed. And it keeps the
 * thread's shared holds of the model's reader-writer locks ({@link EResource} and the FCB header
 * locks), as an {@code ERESOURCE} keeps its owner table: a lock itself stores no per-reader
 * state, so it stays a few words however many threads read it.
 *
 * <p>Thread safety: each thread sees only its own state (a thread-local, the way each KTHREAD
 * carries its own counters).
 */
public final class KeThread {
  private KeThread() {}

  private static final class State {
    int criticalRegionDepth;
    int resourcesHeld;
    @Nullable Object request;
    /** The locks this thread holds shared, with how many times each (a thread holds few). */
    @Nullable Object[] sharedLocks = new Object[4];
    int[] sharedCounts = new int[4];
    int sharedSize;

    int indexOf(Object lock) {
      for (int i = 0; i < sharedSize; i++) {
        if (sharedLocks[i] == lock) {
          return i;
        }
      }
      return -1;
    }
  }

  private static final ThreadLocal<State> CURRENT = ThreadLocal.withInitial(State::new);

  /** {@code KeEnterCriticalRegion}: disables normal kernel APCs for this thread (nesting). */
  public static void enterCriticalRegion() {
    CURRENT.get().criticalRegionDepth++;
  }

  /**
   * {@code KeLeaveCriticalRegion}.
   *
   * @throws IllegalStateException when not in a critical region
   */
  public static void leaveCriticalRegion() {
    State s = CURRENT.get();
    if (s.criticalRegionDepth == 0) {
      throw new IllegalStateException("KeLeaveCriticalRegion without KeEnterCriticalRegion");
    }
    s.criticalRegionDepth--;
  }

  /** The current thread's critical-region nesting depth. */
  public static int criticalRegionDepth() {
    return CURRENT.get().criticalRegionDepth;
  }

  /** How many resource acquisitions the current thread holds. */
  public static int resourcesHeld() {
    return CURRENT.get().resourcesHeld;
  }

  static void resourceAcquired() {
    CURRENT.get().resourcesHeld++;
  }

  static void resourceReleased() {
    CURRENT.get().resourcesHeld--;
  }

  /**
   * How many shared holds the current thread has on a lock.
   *
   * @param lock the lock
   * @return 0 when the thread does not hold it shared
   */
  public static int sharedHolds(Object lock) {
    State s = CURRENT.get();
    int i = s.indexOf(lock);
    return i < 0 ? 0 : s.sharedCounts[i];
  }

  /**
   * Records one more shared hold of a lock by the current thread; the lock calls this once it is
   * acquired.
   *
   * @param lock the lock
   * @return the thread's shared holds of the lock now
   */
  public static int addSharedHold(Object lock) {
    State s = CURRENT.get();
    int i = s.indexOf(lock);
    if (i >= 0) {
      return ++s.sharedCounts[i];
    }
    if (s.sharedSize == s.sharedLocks.length) {
      s.sharedLocks = java.util.Arrays.copyOf(s.sharedLocks, s.sharedSize * 2);
      s.sharedCounts = java.util.Arrays.copyOf(s.sharedCounts, s.sharedSize * 2);
    }
    s.sharedLocks[s.sharedSize] = lock;
    s.sharedCounts[s.sharedSize] = 1;
    s.sharedSize++;
    return 1;
  }

  /**
   * Records the release of one shared hold of a lock by the current thread.
   *
   * @param lock the lock
   * @return the thread's shared holds left, or -1 when it held none (nothing is changed)
   */
  public static int removeSharedHold(Object lock) {
    State s = CURRENT.get();
    int i = s.indexOf(lock);
    if (i < 0) {
      return -1;
    }
    int left = --s.sharedCounts[i];
    if (left == 0) {
      int last = --s.sharedSize;
      s.sharedLocks[i] = s.sharedLocks[last];
      s.sharedCounts[i] = s.sharedCounts[last];
      s.sharedLocks[last] = null;
    }
    return left;
  }

  /**
   * The request the current thread is serving, innermost first: set by the I/O manager while a
   * request travels down a device stack. Null outside any request.
   */
  public static @Nullable Object currentRequest() {
    return CURRENT.get().request;
  }

  /**
   * Marks the current thread as serving {@code request} until {@link #exitRequest} restores what
   * this returns; requests nest (a filter's own I/O inside a callback).
   *
   * @param request the request (its {@code toString} describes it)
   * @return the request served before, to hand back to {@link #exitRequest}
   */
  public static @Nullable Object enterRequest(Object request) {
    State s = CURRENT.get();
    Object previous = s.request;
    s.request = request;
    return previous;
  }

  /**
   * Ends what {@link #enterRequest} began.
   *
   * @param previous what {@link #enterRequest} returned
   */
  public static void exitRequest(@Nullable Object previous) {
    CURRENT.get().request = previous;
  }
}
