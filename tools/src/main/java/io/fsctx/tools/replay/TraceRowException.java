package io.fsctx.tools.replay;

/**
 * Replaying one row failed: the filter, the Filter Manager or the model threw while the row was
 * driven through the stack (a bug check, or a bug). It carries the row's line so the user can find
 * the row; the cause is what was thrown, unchanged.
 *
 * <p>Thread safety: immutable.
 */
public final class TraceRowException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final long line;

  /**
   * Creates the exception.
   *
   * @param line the 1-based line where the row starts
   * @param cause what the stack threw
   */
  public TraceRowException(long line, RuntimeException cause) {
    super("line " + line + ": " + cause, cause);
    this.line = line;
  }

  /** The 1-based line where the row starts. */
  public long line() {
    return line;
  }
}
