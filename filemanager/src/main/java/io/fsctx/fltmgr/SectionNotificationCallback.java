package io.fsctx.fltmgr;

import io.fsctx.nt.NtStatus;

/**
 * {@code PFLT_SECTION_CONFLICT_NOTIFICATION_CALLBACK} (Windows 8+, {@code FLT_REGISTRATION}
 * version 0x0203): an I/O request conflicts with a data-scan section the instance holds open on
 * the stream, and the filter should close the section so the request can go on (issue 13).
 *
 * <p>Filter Manager calls it at PASSIVE_LEVEL in the thread of the conflicting request, before
 * any pre-operation callback of that request, holding a reference on the section context for the
 * duration of the call. It may arrive on another thread while the {@code
 * FltCreateSectionForDataScan} that created the section has not returned yet: the section context
 * is attached before the routine returns its handle.
 */
@FunctionalInterface
public interface SectionNotificationCallback {
  /**
   * Called for one conflicting request.
   *
   * @param instance the instance that owns the section
   * @param sectionContext the section's context; valid for the call only unless the callee
   *     references it
   * @param data the conflicting request
   * @return STATUS_SUCCESS (the only documented value)
   */
  NtStatus sectionConflict(FltInstance instance, FltContext sectionContext, FltCallbackData data);
}
