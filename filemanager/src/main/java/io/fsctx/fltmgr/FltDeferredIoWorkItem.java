package io.fsctx.fltmgr;

/**
 * {@code PFLT_DEFERRED_IO_WORKITEM}: allocated by {@code FltAllocateDeferredIoWorkItem}, queued (once at a time) by
 * {@code FltQueueDeferredIoWorkItem}, freed by {@code FltFreeDeferredIoWorkItem} (issue 13).
 *
 * <p>Thread safety: safe for concurrent use; see {@code WorkItemState} for the misuse it refuses.
 */
public final class FltDeferredIoWorkItem extends WorkItemState {
  FltDeferredIoWorkItem(String id) {
    super(id);
  }
}
