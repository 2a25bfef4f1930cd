package io.fsctx.nt;

import org.jspecify.annotations.Nullable;

/**
 * The parts of the current kernel thread ({@code KTHREAD}) the model tracks: the critical-region
 * nesting depth ({@code KeEnterCriticalRegion} / {@code KeLeaveCriticalRegion}) and how many
 * {@link EResource} acquisitions the thread holds. The minifilter frame compares both before and
 * after every callback: a callback must return with them unchanged. It also knows which I/O
 * request the thread is serving ({@link #currentRequest()}), as a kernel thread's IRP list does,
 * so that verifiers can say where a structure was set up, torn down or freed.
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
