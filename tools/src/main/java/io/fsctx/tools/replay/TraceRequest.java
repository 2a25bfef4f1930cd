package io.fsctx.tools.replay;

import io.fsctx.nt.NtStatus;

/**
 * One row the engine hands to a {@link ReplayTarget}: the row itself, its parsed path, its
 * classified operation, and the status the model file system must complete it with.
 *
 * <p>Thread safety: immutable.
 *
 * @param row the trace row
 * @param path the row's path, on a drive-letter volume
 * @param operation the row's classified operation
 * @param status the row's {@code Result} mapped by {@link ResultStatus#of(String)}
 */
public record TraceRequest(TraceRow row, TracePath path, TraceOperation operation, NtStatus status) {

  /** The process id of the row. */
  public long pid() {
    return row.pid();
  }

  /** The 1-based physical line of the row. */
  public long line() {
    return row.line();
  }

  /** The row's {@code Detail} column as written. */
  public String detail() {
    return row.detail();
  }
}
