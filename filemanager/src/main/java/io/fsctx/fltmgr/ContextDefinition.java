package io.fsctx.fltmgr;

import io.fsctx.nt.PoolType;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * One validated allocation definition of a filter, with its lookaside accounting: fixed-size
 * definitions have a paged and a nonpaged lookaside list each; variable-size ones come straight
 * from pool; definitions with allocate routines use the filter's allocator (fltmgr.md 2.2, 3).
 *
 * <p>Thread safety: safe for concurrent use (the counters are adders).
 */
final class ContextDefinition {
  /** How a definition allocates, as the three descriptor shapes in fltmgr.sys's symbols. */
  enum Kind {
    LOOKASIDE,
    DIRECT,
    ROUTINES
  }

  private final FltFilter filter;
  private final FltContextRegistration registration;
  private final FltContextType type;
  private final Kind kind;
  private final int effectiveTag;
  /**
   * Whether its contexts have verifier extras ({@code FltContext.Extras}): at verifier level
   * TRACKING and above, or with an allocate routine, whose block they keep. Fixed for the
   * definition's life, so a context needs no field of its own to tell.
   */
  private final boolean extras;
  /** The shape most recently asked for, checked before {@link #shapes}: nearly always the one. */
  private volatile @Nullable ContextShape lastShape;
  /** Every shape made, by {@code size << 8 | pool ordinal}. */
  private final ConcurrentHashMap<Integer, ContextShape> shapes = new ConcurrentHashMap<>(2);
  final LongAdder pagedAllocations = new LongAdder();
  final LongAdder nonPagedAllocations = new LongAdder();
  final LongAdder pagedFrees = new LongAdder();
  final LongAdder nonPagedFrees = new LongAdder();

  ContextDefinition(FltFilter filter, FltContextRegistration registration, FltContextType type, int effectiveTag) {
    this.filter = filter;
    this.registration = registration;
    this.type = type;
    this.effectiveTag = effectiveTag;
    this.extras = registration.contextAllocateCallback() != null
        || filter.manager().verifier().level().atLeast(VerifierLevel.TRACKING);
    if (registration.contextAllocateCallback() != null) {
      kind = Kind.ROUTINES;
    } else if (registration.isVariableSized()) {
      kind = Kind.DIRECT;
    } else {
      kind = Kind.LOOKASIDE;
    }
  }

  /** The filter whose registration it came from (its contexts' {@code filter()}). */
  FltFilter filter() {
    return filter;
  }

  FltContextRegistration registration() {
    return registration;
  }

  FltContextType type() {
    return type;
  }

  Kind kind() {
    return kind;
  }

  /**
   * The shape of a context of this definition allocated with {@code size} from {@code pool}: the
   * same object for every such context.
   *
   * @param size the requested size, at most 0xFFFF
   */
  @SuppressWarnings("EnumOrdinal") // a key within one run, never persisted
  ContextShape shape(long size, PoolType pool) {
    ContextShape s = lastShape;
    if (s != null && s.size() == size && s.pool() == pool) {
      return s;
    }
    s = shapes.computeIfAbsent((int) size << 8 | pool.ordinal(), k -> new ContextShape(this, (char) size, pool, extras, filter.manager()));
    lastShape = s;
    return s;
  }

  /** Whether its contexts keep verifier extras (see {@link #extras}). */
  boolean hasExtras() {
    return extras;
  }

  int poolTag() {
    return effectiveTag;
  }

  long size() {
    return registration.size();
  }

  boolean noExactSizeMatch() {
    return (registration.flags() & FltContextRegistration.FLTFL_CONTEXT_REGISTRATION_NO_EXACT_SIZE_MATCH) != 0;
  }

  void countAllocation(PoolType pool) {
    (pool.isNonPaged() ? nonPagedAllocations : pagedAllocations).increment();
  }

  void countFree(PoolType pool) {
    (pool.isNonPaged() ? nonPagedFrees : pagedFrees).increment();
  }

  /** Contexts allocated from this definition, both pools (a sum of counters, a snapshot). */
  long allocations() {
    return pagedAllocations.sum() + nonPagedAllocations.sum();
  }

  /** Contexts from this definition freed, both pools (a snapshot). */
  long frees() {
    return pagedFrees.sum() + nonPagedFrees.sum();
  }

  LookasideStats stats() {
    return new LookasideStats(
        type,
        kind == Kind.DIRECT ? -1 : registration.size(),
        kind.name(),
        pagedAllocations.sum(),
        pagedFrees.sum(),
        nonPagedAllocations.sum(),
        nonPagedFrees.sum());
  }
}
