package io.fsctx.fltmgr;

/**
 * The Windows release whose Filter Manager behaviour a {@link FilterManager} models, where it
 * matters: which context types exist, and whether variable-size contexts come back zeroed.
 *
 * <p>Thread safety: immutable.
 */
public enum WindowsVersion {
  /** Windows XP SP2 / Server 2003 SP1: volume, instance, stream and stream-handle contexts. */
  XP_SP2,
  /** Windows Vista: file and transaction contexts. */
  VISTA,
  /** Windows 7. */
  WIN7,
  /** Windows 8: section contexts, {@code FLT_ALL_CONTEXTS} = 0x7F. */
  WIN8,
  /** Windows 10. */
  WIN10,
  /** Windows 11: variable-size contexts are zeroed at allocation. */
  WIN11;

  /** Whether this release is {@code other} or newer. */
  public boolean atLeast(WindowsVersion other) {
    return compareTo(other) >= 0;
  }
}
