package io.fsctx.fltmgr;

/**
 * {@code FLT_POSTOP_CALLBACK_STATUS}.
 *
 * <p>Thread safety: immutable.
 */
public enum FltPostopCallbackStatus {
  /** {@code FLT_POSTOP_FINISHED_PROCESSING}. */
  FINISHED_PROCESSING,
  /** {@code FLT_POSTOP_MORE_PROCESSING_REQUIRED}: the filter finishes later with {@code FltCompletePendedPostOperation}. */
  MORE_PROCESSING_REQUIRED
}
