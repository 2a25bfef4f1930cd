package io.fsctx.fltmgr;

import org.jspecify.annotations.Nullable;

/**
 * {@code PFLT_POST_OPERATION_CALLBACK}.
 */
@FunctionalInterface
public interface PostOperationCallback {
  /** {@code FLTFL_POST_OPERATION_DRAINING}: the instance is being torn down. */
  int FLTFL_POST_OPERATION_DRAINING = 0x00000001;

  /**
   * Called after the operation completes, in ascending altitude order.
   *
   * @param data the callback data with the final I/O status
   * @param fltObjects the related objects
   * @param completionContext what the pre-operation callback stored, or null
   * @param flags {@link #FLTFL_POST_OPERATION_DRAINING} or 0
   * @return FINISHED_PROCESSING in this model
   */
  FltPostopCallbackStatus postOperation(
      FltCallbackData data, FltRelatedObjects fltObjects, @Nullable Object completionContext, int flags);
}
