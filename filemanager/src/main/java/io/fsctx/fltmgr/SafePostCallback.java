package io.fsctx.fltmgr;

import org.jspecify.annotations.Nullable;

/**
 * The {@code SafePostCallback} of {@code FltDoCompletionProcessingWhenSafe}: the rest of a
 * post-operation callback, run where it is safe (at or below APC_LEVEL, in a worker thread when
 * the post-operation callback ran at DISPATCH_LEVEL).
 */
@FunctionalInterface
public interface SafePostCallback {
  /**
   * Same parameters as the post-operation callback that deferred it.
   *
   * @return FINISHED_PROCESSING, after which Filter Manager completes the operation; or
   *     MORE_PROCESSING_REQUIRED, when the filter will call {@code FltCompletePendedPostOperation}
   */
  FltPostopCallbackStatus postOperation(
      FltCallbackData data, FltRelatedObjects fltObjects, @Nullable Object completionContext, int flags);
}
