package io.fsctx.nt;

/**
 * The parts of the current kernel thread ({@code KTHREAD}) the model tracks: the critical-region
 * nesting depth ({@code KeEnterCriticalRegion} / {@code KeLeaveCriticalRegion}) and how many
 * {@link EResource} acquisitions the thread holds. The minifilter frame compares both before and
 * after every callback: a callback must return with them unchanged.
 *
 * <p>Thread safety: each thread sees only its own state (a thread-local, the way each KTHREAD
 * carries its own counters).
 */
public final class KeThread {
  private KeThread() {}

  private static final class State {
    int criticalRegionDepth;
    int resourcesHeld;
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
}
