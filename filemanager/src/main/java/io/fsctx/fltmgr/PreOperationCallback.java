package io.fsctx.fltmgr;

import io.fsctx.nt.Out;

/**
 * {@code PFLT_PRE_OPERATION_CALLBACK}.
 */
@FunctionalInterface
public interface PreOperationCallback {
  /**
   * Called before the operation goes down, in descending altitude order.
   *
   * @param data the callback data
   * @param fltObjects the related objects
   * @param completionContext where to store a context for the post-operation callback; it must
   *     stay null unless the result is SUCCESS_WITH_CALLBACK or SYNCHRONIZE
   * @return what to do next
   */
  FltPreopCallbackStatus preOperation(
      FltCallbackData data, FltRelatedObjects fltObjects, Out<Object> completionContext);
}
