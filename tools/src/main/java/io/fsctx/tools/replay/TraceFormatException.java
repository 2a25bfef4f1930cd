package io.fsctx.tools.replay;

import org.jspecify.annotations.Nullable;

/**
 * The trace is not a usable Process Monitor CSV export: not text, not CSV, a required column
 * missing, an unterminated quote, a record with the wrong number of fields, a PID that is not a
 * number, or a corrupt compressed stream. The message always starts with {@code line N:}, the
 * 1-based physical line where the problem was found (line 1 for problems with the header or the
 * container as a whole).
 *
 * <p>It is unchecked because it escapes from {@link java.util.Iterator#next()}. A replay that
 * meets one must stop without printing a summary.
 *
 * <p>Thread safety: immutable.
 */
public final class TraceFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final long line;
  private final String problem;

  /**
   * Creates the exception.
   *
   * @param line the 1-based physical line number where the problem was found
   * @param problem what is wrong, without the line prefix
   * @param cause the low-level cause, if any
   */
  public TraceFormatException(long line, String problem, @Nullable Throwable cause) {
    super("line " + line + ": " + problem, cause);
    this.line = line;
    this.problem = problem;
  }

  /**
   * Creates the exception without a cause.
   *
   * @param line the 1-based physical line number where the problem was found
   * @param problem what is wrong, without the line prefix
   */
  public TraceFormatException(long line, String problem) {
    this(line, problem, null);
  }

  /** The 1-based physical line number where the problem was found. */
  public long line() {
    return line;
  }

  /** What is wrong, without the line prefix. */
  String problem() {
    return problem;
  }
}
