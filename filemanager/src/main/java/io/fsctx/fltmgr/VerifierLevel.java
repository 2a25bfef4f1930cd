package io.fsctx.fltmgr;

/**
 * How much the context verifier records, trading cost for detail (like Netty's leak detector
 * levels). Bug checks 0xF5/0x6D and 0xF5/0x6E are raised at every level; the levels decide what
 * the reports can say.
 *
 * <p>Thread safety: immutable.
 */
public enum VerifierLevel {
  /** Only the live-context count per filter; leak reports give counts, not objects. */
  OFF,
  /** Every live context is tracked, so leak reports list each one; the default in tests. */
  COUNTING,
  /**
   * Also records where each context was allocated and last referenced or released, and every
   * reference a caller still holds on a context or a name-information object with the routine,
   * callback and line that took it, so a leak report names the get whose release is missing.
   */
  TRACKING,
  /**
   * Also keeps the stack of the release that freed a context, so a use after free names it, and
   * prints the stack of every reference still held in leak reports.
   */
  FULL;

  /** Whether this level is {@code other} or more detailed. */
  public boolean atLeast(VerifierLevel other) {
    return compareTo(other) >= 0;
  }
}
