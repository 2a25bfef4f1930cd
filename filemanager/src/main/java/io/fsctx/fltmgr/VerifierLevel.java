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
  /** Also records where each context was allocated and last referenced or released. */
  TRACKING,
  /** Also keeps the stack of every release, so a use after free names the release that freed it. */
  FULL;

  /** Whether this level is {@code other} or more detailed. */
  public boolean atLeast(VerifierLevel other) {
    return compareTo(other) >= 0;
  }
}
