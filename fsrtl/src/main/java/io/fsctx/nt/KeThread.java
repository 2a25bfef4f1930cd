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

  /**
   * One thread's {@code KTHREAD} fields, as {@code KeGetCurrentThread} hands them out: the
   * critical-region depth, the resource acquisitions held, the IRQL ({@link Irql}), the request
   * being served and the shared lock holds. All of them live in this one object, looked up once
   * per thread-local access, so that code reading several of them (the minifilter frame reads
   * three before and after every callback) pays for one lookup, not one per field.
   *
   * <p>Thread safety: confined to its thread; hand it to no other thread.
   */
  public static final class State {
    private final Thread owner = Thread.currentThread();
    int criticalRegionDepth;
    int resourcesHeld;
    @Nullable Object request;
    /** The locks this thread holds shared, with how many times each (a thread holds few). */
    @Nullable Object[] sharedLocks = new Object[4];
    int[] sharedCounts = new int[4];
    int sharedSize;
    /** The thread's IRQL, as an {@link Irql} ordinal; {@link Irql} reads and writes it. */
    int irql;

    private State() {}

    /** The critical-region nesting depth ({@link KeThread#criticalRegionDepth()}). */
    public int criticalRegionDepth() {
      return criticalRegionDepth;
    }

    /** How many resource acquisitions the thread holds ({@link KeThread#resourcesHeld()}). */
    public int resourcesHeld() {
      return resourcesHeld;
    }

    /** The thread's current IRQL ({@link Irql#current()}). */
    public Irql irql() {
      return Irql.of(irql);
    }

    /** Whether this is the calling thread's state (it may be read on that thread only). */
    public boolean isCurrentThread() {
      return owner == Thread.currentThread();
    }

    int indexOf(Object lock) {
      for (int i = 0; i < sharedSize; i++) {
        if (sharedLocks[i] == lock) {
          return i;
        }
      }
      return -1;
    }

    /** As {@link KeThread#sharedHolds(Object)}, for this thread. */
    public int sharedHolds(Object lock) {
      int i = indexOf(lock);
      return i < 0 ? 0 : sharedCounts[i];
    }

    /** As {@link KeThread#addSharedHold(Object)}, for this thread. */
    public int addSharedHold(Object lock) {
      int i = indexOf(lock);
      if (i >= 0) {
        return ++sharedCounts[i];
      }
      if (sharedSize == sharedLocks.length) {
        sharedLocks = java.util.Arrays.copyOf(sharedLocks, sharedSize * 2);
        sharedCounts = java.util.Arrays.copyOf(sharedCounts, sharedSize * 2);
      }
      sharedLocks[sharedSize] = lock;
      sharedCounts[sharedSize] = 1;
      sharedSize++;
      return 1;
    }

    /** As {@link KeThread#removeSharedHold(Object)}, for this thread. */
    public int removeSharedHold(Object lock) {
      int i = indexOf(lock);
      if (i < 0) {
        return -1;
      }
      int left = --sharedCounts[i];
      if (left == 0) {
        int last = --sharedSize;
        sharedLocks[i] = sharedLocks[last];
        sharedCounts[i] = sharedCounts[last];
        sharedLocks[last] = null;
      }
      return left;
    }
  }

  private static final ThreadLocal<State> CURRENT = ThreadLocal.withInitial(State::new);

  /**
   * {@code KeGetCurrentThread}: the calling thread's state, for code that reads several of its
   * fields in a row. The static routines of this class each look it up again.
   *
   * @return the calling thread's state; valid on this thread only
   */
  public static State current() {
    return CURRENT.get();
  }

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

  /**
   * How many shared holds the current thread has on a lock.
   *
   * @param lock the lock
   * @return 0 when the thread does not hold it shared
   */
  public static int sharedHolds(Object lock) {
    return CURRENT.get().sharedHolds(lock);
  }

  /**
   * Records one more shared hold of a lock by the current thread; the lock calls this once it is
   * acquired.
   *
   * @param lock the lock
   * @return the thread's shared holds of the lock now
   */
  public static int addSharedHold(Object lock) {
    return CURRENT.get().addSharedHold(lock);
  }

  /**
   * Records the release of one shared hold of a lock by the current thread.
   *
   * @param lock the lock
   * @return the thread's shared holds left, or -1 when it held none (nothing is changed)
   */
  public static int removeSharedHold(Object lock) {
    return CURRENT.get().removeSharedHold(lock);
  }

  /**
   * The request the current thread is serving, innermost first: set by the I/O manager while a
   * request travels down a device stack. Null outside any request.
   */
  public static @Nullable Object currentRequest() {
    return CURRENT.get().request;
  }

  /**
   * A request that leaves a small stand-in, its {@linkplain #site() site}, in the records that
   * outlive it (where a block was allocated or freed, where a header was set up or torn down),
   * so that those records do not keep the whole request, its parameters and status, alive.
   *
   * <p>Thread safety: as the implementing request.
   */
  public interface Request {
    /**
     * The request's site: the same object on every call, described by {@code toString} as the
     * request is.
     *
     * @return the site; immutable
     */
    Object site();
  }

  /**
   * What a record of "where" keeps for the request the current thread is serving: the request's
   * {@linkplain Request#site() site} when it has one, else the request itself; null outside any
   * request. Two records made during the same request hold equal objects.
   */
  public static @Nullable Object currentSite() {
    Object r = CURRENT.get().request;
    return r instanceof Request q ? q.site() : r;
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
