package io.fsctx.fltmgr;

import org.jspecify.annotations.Nullable;

/** {@code PFLT_GENERIC_WORKITEM_ROUTINE}: runs in a system worker thread at PASSIVE_LEVEL. */
@FunctionalInterface
public interface GenericWorkItemRoutine {
  /**
   * Called once for the queued item.
   *
   * @param workItem the item, which the filter frees with {@code FltFreeGenericWorkItem}
   * @param fltObject the filter or instance it was queued for
   * @param context what the filter passed to the queue call
   */
  void run(FltGenericWorkItem workItem, Object fltObject, @Nullable Object context);
}
