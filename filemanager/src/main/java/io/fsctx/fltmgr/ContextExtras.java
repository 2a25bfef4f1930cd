package io.fsctx.fltmgr;

import org.jspecify.annotations.Nullable;

/**
 * What only some contexts need: the block of a legacy allocate callback, and the verifier's sites
 * and reference ledger (made at {@link VerifierLevel#TRACKING} and above). Kept beside the context
 * rather than in it, in a weak identity map: a field for them cost every context four bytes, eight
 * for CTX's stream-handle context, one per open file (issue 14), and the verifier's per-reference
 * records cost nothing at OFF and COUNTING. Whether a context has them is its definition's
 * ({@link ContextDefinition#hasExtras}), which the context also keeps as a bit of its number.
 *
 * <p>Thread safety: safe for concurrent use; the map is concurrent, the ledger synchronizes
 * itself, and the sites are volatile.
 */
final class ContextExtras {
  /**
   * The extras of the contexts that have them, weakly and by identity: an entry lives as long as
   * its context does, a freed one included (its freeing release is what a later use reports).
   */
  private static final java.util.concurrent.ConcurrentMap<FltContext, ContextExtras> BY_CONTEXT =
      new com.google.common.collect.MapMaker().weakKeys().makeMap();

  final @Nullable Object block;
  final @Nullable Throwable allocationSite;
  /** The references callers hold (TRACKING and above), null below. */
  final @Nullable ReferenceLedger ledger;
  volatile @Nullable Throwable lastAccessSite;
  volatile @Nullable Throwable freeingRelease;

  private ContextExtras(@Nullable Object block, @Nullable Throwable allocationSite, boolean tracking) {
    this.block = block;
    this.allocationSite = allocationSite;
    this.ledger = tracking ? new ReferenceLedger() : null;
  }

  /** Makes the extras of a context being built from {@code allocation}. */
  static void attach(FltContext context, FltContext.Allocation allocation) {
    BY_CONTEXT.put(context, new ContextExtras(allocation.block, allocation.allocationSite, allocation.tracking));
  }

  /** The extras of a context that has them ({@link FltContext#extras()} tests that first). */
  static @Nullable ContextExtras of(FltContext context) {
    return BY_CONTEXT.get(context);
  }

  /** Adds a reference to the ledger (a no-op without one). */
  void taken(ReferenceLedger.Entry entry) {
    ReferenceLedger l = ledger;
    if (l != null) {
      l.taken(entry);
    }
  }

  /** Retires one reference of the current thread's from the ledger, by its pairing policy. */
  void retired() {
    ReferenceLedger l = ledger;
    if (l != null) {
      l.retire(null);
    }
  }
}
