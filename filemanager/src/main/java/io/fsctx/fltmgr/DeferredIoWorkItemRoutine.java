package io.fsctx.fltmgr;

import org.jspecify.annotations.Nullable;

/** {@code PFLT_DEFERRED_IO_WORKITEM_ROUTINE}: runs in a system worker thread at PASSIVE_LEVEL. */
@FunctionalInterface
public interface DeferredIoWorkItemRoutine {
  /**
   * Called once for the queued item.
   *
   * @param workItem the item, which the filter frees with {@code FltFreeDeferredIoWorkItem}
   * @param data the request it was queued for (typically pended, completed from here)
   * @param context what the filter passed to the queue call
   */
  void run(FltDeferredIoWorkItem workItem, FltCallbackData data, @Nullable Object context);
}
