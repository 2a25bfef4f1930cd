package io.fsctx.nt;

import com.google.common.base.Preconditions;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code KIRQL}: the interrupt request level the current thread of execution runs at, as far as
 * the context rules need it (PASSIVE, APC, DISPATCH), and the routines that raise and lower it.
 *
 * <p>Each Java thread stands for one processor's thread of execution and starts at {@link
 * #PASSIVE_LEVEL}. Code that models something running "at DPC" (a request completed by an
 * interrupt's deferred procedure call) or under a spin lock ({@link KSpinLock}) raises the level
 * with {@link #raise} and lowers it back with {@link #lower}, exactly paired, as {@code
 * KeRaiseIrql} / {@code KeLowerIrql} are. The level is per thread, so work handed to another
 * thread (a work item) runs at that thread's level, {@code PASSIVE_LEVEL} for a system worker.
 *
 * <p>Thread safety: each thread sees and changes only its own level.
 *
 * <p>Reading the level is on every context get and release (their IRQL checks), so it must cost
 * less than the thread-local lookup that finds the thread's state. A count of the threads now above
 * {@code PASSIVE_LEVEL} answers most reads: a thread that raised its own level added itself to the
 * count before it could read it, and removes itself only when it lowers back to passive, so a
 * thread that reads zero is itself at passive. Only while some thread is raised do reads look up
 * the thread's own state.
 */
public enum Irql {
  /** {@code PASSIVE_LEVEL} (0): normal thread execution; everything may page. */
  PASSIVE_LEVEL(0),
  /** {@code APC_LEVEL} (1): asynchronous procedure calls are masked; paged memory may still be touched. */
  APC_LEVEL(1),
  /** {@code DISPATCH_LEVEL} (2): DPCs and spin locks; no waiting and no paged memory. */
  DISPATCH_LEVEL(2);

  private final int value;

  Irql(int value) {
    this.value = value;
  }

  /** The numeric {@code KIRQL} value. */
  public int value() {
    return value;
  }

  /** Whether this level is above {@code other}. */
  public boolean above(Irql other) {
    return value > other.value;
  }

  private static final Irql[] LEVELS = values();

  /**
   * How many threads are above {@code PASSIVE_LEVEL} now. Each thread adds one as it leaves passive
   * and takes it away as it returns, so a thread's own contribution is in every value it reads.
   */
  private static final AtomicInteger RAISED_THREADS = new AtomicInteger();

  /** How many threads are above {@code PASSIVE_LEVEL} now (for tests of the read's fast path). */
  static int raisedThreads() {
    return RAISED_THREADS.get();
  }

  static Irql of(int ordinal) {
    return LEVELS[ordinal];
  }

  /**
   * {@code KeGetCurrentIrql}.
   *
   * @return the current thread's level
   */
  public static Irql current() {
    if (RAISED_THREADS.get() == 0) {
      return PASSIVE_LEVEL; // no thread is raised, so this one is not either (see the class comment)
    }
    // The level is a field of the thread's KTHREAD state (one thread-local for all of them).
    return LEVELS[KeThread.current().irql];
  }

  /**
   * {@code KeRaiseIrql}: raises the current thread's level to {@code newIrql}.
   *
   * @param newIrql the new level; must not be below the current one (Windows bug-checks
   *     IRQL_NOT_GREATER_OR_EQUAL, 0x9)
   * @return the previous level, to hand back to {@link #lower}
   * @throws BugCheckException 0x9 when {@code newIrql} is below the current level
   */
  public static Irql raise(Irql newIrql) {
    Preconditions.checkNotNull(newIrql, "newIrql");
    KeThread.State cur = KeThread.current();
    Irql old = LEVELS[cur.irql];
    if (old.above(newIrql)) {
      throw new BugCheckException(0x9, old.value, "KeRaiseIrql to " + newIrql + " from the higher " + old
          + " (IRQL_NOT_GREATER_OR_EQUAL)", null);
    }
    if (old == PASSIVE_LEVEL && newIrql != PASSIVE_LEVEL) {
      RAISED_THREADS.incrementAndGet(); // before the level changes, so no read can miss it
    }
    cur.irql = newIrql.ordinal();
    return old;
  }

  /**
   * {@code KeLowerIrql}: lowers the current thread's level back to what {@link #raise} returned.
   *
   * @param newIrql the level to return to; must not be above the current one (Windows bug-checks
   *     IRQL_NOT_LESS_OR_EQUAL, 0xA)
   * @throws BugCheckException 0xA when {@code newIrql} is above the current level
   */
  public static void lower(Irql newIrql) {
    Preconditions.checkNotNull(newIrql, "newIrql");
    KeThread.State cur = KeThread.current();
    Irql old = LEVELS[cur.irql];
    if (newIrql.above(old)) {
      throw new BugCheckException(0xA, newIrql.value, "KeLowerIrql to " + newIrql + " from the lower " + old
          + " (IRQL_NOT_LESS_OR_EQUAL)", null);
    }
    cur.irql = newIrql.ordinal();
    if (old != PASSIVE_LEVEL && newIrql == PASSIVE_LEVEL) {
      RAISED_THREADS.decrementAndGet();
    }
  }
}
