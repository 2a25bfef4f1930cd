package io.fsctx.fltmgr;

/**
 * {@code FLT_PREOP_CALLBACK_STATUS}.
 *
 * <p>Thread safety: immutable.
 */
public enum FltPreopCallbackStatus {
  /** {@code FLT_PREOP_SUCCESS_WITH_CALLBACK}: pass down, call the post-operation callback. */
  SUCCESS_WITH_CALLBACK,
  /** {@code FLT_PREOP_SUCCESS_NO_CALLBACK}: pass down, no post-operation callback. */
  SUCCESS_NO_CALLBACK,
  /** {@code FLT_PREOP_PENDING}: the filter completes the pre-operation later with {@code FltCompletePendedPreOperation}. */
  PENDING,
  /** {@code FLT_PREOP_DISALLOW_FASTIO}: for fast I/O only; treated as SUCCESS_NO_CALLBACK. */
  DISALLOW_FASTIO,
  /** {@code FLT_PREOP_COMPLETE}: the filter completed the operation itself. */
  COMPLETE,
  /** {@code FLT_PREOP_SYNCHRONIZE}: pass down; the post callback runs in this thread. */
  SYNCHRONIZE
}
