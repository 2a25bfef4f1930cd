package io.fsctx.tools.replay;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedMap;
import io.fsctx.fltmgr.FltContextType;
import java.util.EnumMap;
import java.util.Map;

/**
 * What the framework counted about contexts during a replay, as the {@link ReplayTarget} reports
 * it at the end: allocations and frees per context type, and the contexts still alive after the
 * filter was unloaded.
 *
 * <p>Thread safety: immutable.
 *
 * @param perType counts per context type; types that are absent count as zero
 * @param leaked the number of contexts the leak check found alive after the unload
 */
public record ContextCounts(ImmutableSortedMap<FltContextType, TypeCounts> perType, long leaked) {

  /**
   * Allocations and frees of one context type.
   *
   * @param allocated contexts allocated
   * @param freed contexts freed
   */
  public record TypeCounts(long allocated, long freed) {
    /** Zero allocations, zero frees. */
    public static final TypeCounts ZERO = new TypeCounts(0, 0);
  }

  /** The types the summary always prints, in the contract's order. */
  public static final ImmutableList<FltContextType> SUMMARY_TYPES =
      ImmutableList.of(
          FltContextType.INSTANCE,
          FltContextType.FILE,
          FltContextType.STREAM,
          FltContextType.STREAMHANDLE);

  /** No contexts at all: what a target without filters reports. */
  public static ContextCounts none() {
    return new ContextCounts(ImmutableSortedMap.of(), 0);
  }

  /**
   * Copies counts from a map.
   *
   * @param perType counts per context type
   * @param leaked contexts alive after the unload
   * @return the counts
   */
  public static ContextCounts of(Map<FltContextType, TypeCounts> perType, long leaked) {
    return new ContextCounts(ImmutableSortedMap.copyOf(perType), leaked);
  }

  /** The counts of one type, zero when absent. */
  public TypeCounts of(FltContextType type) {
    return perType.getOrDefault(type, TypeCounts.ZERO);
  }

  /**
   * The counts of two replays together: allocations, frees and leaks per type added (for the
   * total of a corpus, {@link ReplaySummary#plus}).
   *
   * @param other the other replay's counts
   * @return a new value; both operands are unchanged
   */
  public ContextCounts plus(ContextCounts other) {
    EnumMap<FltContextType, TypeCounts> sum = new EnumMap<>(FltContextType.class);
    sum.putAll(perType);
    other.perType.forEach(
        (t, c) -> sum.merge(t, c, (a, b) -> new TypeCounts(a.allocated() + b.allocated(), a.freed() + b.freed())));
    return of(sum, leaked + other.leaked);
  }
}
