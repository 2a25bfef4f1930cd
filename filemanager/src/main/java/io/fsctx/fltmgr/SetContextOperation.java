package io.fsctx.fltmgr;

/**
 * {@code FLT_SET_CONTEXT_OPERATION}.
 *
 * <p>Thread safety: immutable.
 */
public enum SetContextOperation {
  /** {@code FLT_SET_CONTEXT_REPLACE_IF_EXISTS} (0). */
  REPLACE_IF_EXISTS(0),
  /** {@code FLT_SET_CONTEXT_KEEP_IF_EXISTS} (1). */
  KEEP_IF_EXISTS(1);

  private final int code;

  SetContextOperation(int code) {
    this.code = code;
  }

  /** The enumeration's value. */
  public int code() {
    return code;
  }
}
