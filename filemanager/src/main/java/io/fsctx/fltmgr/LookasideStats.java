package io.fsctx.fltmgr;

/**
 * Allocation accounting for one context definition, per pool: what a lookaside list (fixed
 * sizes), the pool directly (variable size) or the filter's routines (allocate callback) handed
 * out and took back.
 *
 * <p>Thread safety: immutable snapshot.
 *
 * @param type the context type
 * @param size the definition's fixed size, or -1 for variable-size
 * @param kind LOOKASIDE, DIRECT or ROUTINES
 * @param pagedAllocations allocations from paged pool
 * @param pagedFrees frees back to paged pool
 * @param nonPagedAllocations allocations from nonpaged pool (NX included)
 * @param nonPagedFrees frees back to nonpaged pool
 */
public record LookasideStats(
    FltContextType type,
    long size,
    String kind,
    long pagedAllocations,
    long pagedFrees,
    long nonPagedAllocations,
    long nonPagedFrees) {

  /** Blocks handed out and not yet returned. */
  public long outstanding() {
    return pagedAllocations + nonPagedAllocations - pagedFrees - nonPagedFrees;
  }
}
