package io.fsctx.nt;

import java.util.Locale;

/**
 * What would stop Windows with a bug check: the code, its first parameter and a message that names
 * the object involved. Thrown rather than returned because, as on Windows, there is no recovering
 * the caller's state.
 *
 * <p>Thread safety: immutable once constructed.
 */
public class BugCheckException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** {@code FLTMGR_FILE_SYSTEM}. */
  public static final int FLTMGR_FILE_SYSTEM = 0xF5;

  private final int bugCheckCode;
  private final long parameter1;

  /**
   * Creates the exception.
   *
   * @param bugCheckCode the bug-check code, such as {@link #FLTMGR_FILE_SYSTEM}
   * @param parameter1 the first parameter, such as 0x6D
   * @param message what happened, naming the object
   * @param cause an earlier event that explains this one (for instance the release that freed a
   *     context), or null
   */
  public BugCheckException(int bugCheckCode, long parameter1, String message, Throwable cause) {
    super(
        String.format(Locale.ROOT, "BUGCHECK 0x%X/0x%X: %s", bugCheckCode, parameter1, message),
        cause);
    this.bugCheckCode = bugCheckCode;
    this.parameter1 = parameter1;
  }

  /** The bug-check code. */
  public int bugCheckCode() {
    return bugCheckCode;
  }

  /** The first bug-check parameter. */
  public long parameter1() {
    return parameter1;
  }
}
