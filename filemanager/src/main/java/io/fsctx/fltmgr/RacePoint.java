package io.fsctx.fltmgr;

/**
 * A named place inside a lifecycle operation where a deterministic test can stop the calling
 * thread and run a racing operation to completion (or until it blocks) before letting the caller
 * go on, forcing an interleaving that a stress test would hit only rarely. Production code never
 * installs a probe: {@link FilterManager#reach} then costs one volatile read, and the points sit
 * only on set, delete and lifecycle paths, never on the per-request path.
 *
 * <p>Thread safety: immutable.
 */
enum RacePoint {
  /**
   * {@code FltSetTransactionContext} has found the transaction active (and, since issue 18, has
   * registered its instance as a holder of the transaction's contexts) and has not attached the
   * context yet: a commit or rollback run here must still see the context detached, or the set
   * must fail.
   */
  TRANSACTION_SET_CHECKED,
  /**
   * {@code FltDeleteContext} has read that the context is attached and not yet its reference
   * count: a detach run here must not turn a reference holder's delete into a verifier finding.
   */
  DELETE_CONTEXT_STATE_READ,
  /**
   * A detach (a stream torn down, an instance or transaction ending, a delete) has marked a
   * context deleted and left the store's monitor, and has not dropped the link reference yet: an
   * instance teardown checking for leaked references here must not count that link.
   */
  LINK_DROP_PENDING,
  /**
   * {@code FltCreateSectionForDataScan} has attached the section context and not returned yet
   * (issue 13): a conflicting request run here must find the section and notify the filter.
   */
  SECTION_CREATED,
  /**
   * An enlistment has been closed (by its transaction's end, or an instance's teardown) and has
   * not given its context reference back yet (issue 18): an instance teardown run here must wait
   * for that reference rather than count it as the filter's leak.
   */
  ENLISTMENT_CLOSED;

  /** What a test installs with {@link FilterManager#setRaceProbe}. */
  interface Probe {
    /** Called in the thread that reached {@code point}, with no framework lock held. */
    void reached(RacePoint point);
  }
}
