package io.fsctx.fltmgr;

/**
 * {@code PFLT_GENERIC_WORKITEM}: allocated by {@code FltAllocateGenericWorkItem}, queued (once at a time) by
 * {@code FltQueueGenericWorkItem}, freed by {@code FltFreeGenericWorkItem} (issue 13).
 *
 * <p>Thread safety: safe for concurrent use; see {@code WorkItemState} for the misuse it refuses.
 */
public final class FltGenericWorkItem extends WorkItemState {
  FltGenericWorkItem(String id) {
    super(id);
  }
}
