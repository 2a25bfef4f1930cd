package io.fsctx.fltmgr;

import static io.fsctx.nt.NtStatus.STATUS_FLT_DELETING_OBJECT;
import static io.fsctx.nt.NtStatus.STATUS_INVALID_PARAMETER;
import static io.fsctx.nt.NtStatus.STATUS_NOT_FOUND;
import static io.fsctx.nt.NtStatus.STATUS_NOT_SUPPORTED;
import static io.fsctx.nt.NtStatus.STATUS_SUCCESS;

import io.fsctx.fsrtl.AdvancedFcbHeader;
import io.fsctx.io.FileInformationClass;
import io.fsctx.io.FileObject;
import io.fsctx.io.IrpMajorFunction;
import io.fsctx.io.IrpParameters;
import io.fsctx.io.Volume;
import io.fsctx.nt.NtStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * One instance's data scanning (issue 13; Windows 8+, fltmgr.md 4 "Section"): whether it
 * registered for it ({@code FltRegisterForDataScan}), and its open data-scan sections, at most one
 * per stream, each with the section context {@code FltCreateSectionForDataScan} attached.
 *
 * <h2>Rules modelled</h2>
 * <ul>
 *   <li>A section context is attached only by {@code FltCreateSectionForDataScan} (there is no
 *       {@code FltSetSectionContext}), with a link reference like every attached context; a second
 *       section of the same instance on the same stream is {@code
 *       STATUS_FLT_CONTEXT_ALREADY_DEFINED} (the context stays unattached, so the caller's release
 *       frees it).
 *   <li>Only {@code FltCloseSectionForDataScan} detaches it (or the teardown of the instance):
 *       {@code STATUS_INVALID_PARAMETER} for a context that never went through a create, {@code
 *       STATUS_NOT_FOUND} once closed. {@code FltDeleteContext} on a section context is a finding
 *       and does nothing.
 *   <li>The section holds a reference on the file object; closing the section drops it, which may
 *       send the file object's {@code IRP_MJ_CLOSE}.
 *   <li>A request that conflicts with an open section calls the filter's {@link
 *       SectionNotificationCallback} first. PORT: the model has no cache manager, so "a request
 *       that would purge the cache" is modelled as every {@code IRP_MJ_WRITE} and every {@code
 *       IRP_MJ_SET_INFORMATION} that changes the file's size (end of file, allocation).
 * </ul>
 *
 * <h2>Policies where the documentation is silent</h2>
 * {@code FltCreateSectionForDataScan} before {@code FltRegisterForDataScan} is {@code
 * STATUS_NOT_SUPPORTED} (the instance cannot do data scans). {@code FltRegisterForDataScan} is
 * {@code STATUS_NOT_SUPPORTED} before Windows 8, and on a volume whose file system does not
 * support stream contexts (the section context lives with them), judged by the first create
 * instead since the model knows support per file object. {@code SectionFileSize} receives 0: the
 * model keeps no file data. Failures are checked in this order: DELETING_OBJECT,
 * NOT_SUPPORTED, INVALID_PARAMETER (wrong type, another filter's context, no file object),
 * INVALID_PARAMETER_8 (allocation attributes other than {@code SEC_COMMIT}), INVALID_PARAMETER_9
 * (flags other than 0), ALREADY_LINKED (a context already used), ALREADY_DEFINED.
 *
 * <p>Thread safety: safe for concurrent use. Section contexts live in a {@link ContextTable}, so
 * creates, closes, gets and the teardown are ordered by its monitor as other contexts are; the
 * notification callback and the file object's dereference run after it is released.
 */
final class DataScan {
  /** {@code SEC_COMMIT}. */
  static final int SEC_COMMIT = 0x8000000;

  private final FltInstance instance;
  private volatile boolean registered;
  /** The section contexts, by stream. */
  private final ContextTable<AdvancedFcbHeader> sections;
  /** The open section of each attached section context. */
  private final Map<FltContext, FltSection> open = new ConcurrentHashMap<>();

  DataScan(FltInstance instance) {
    this.instance = instance;
    this.sections = new ContextTable<>(new Owner(instance));
  }

  /** What a section context is attached to: the instance's section list (its id in reports). */
  private record Owner(FltInstance instance) {
    @Override
    public String toString() {
      return "data-scan sections of " + instance.id();
    }
  }

  NtStatus register() {
    if (instance.isDying()) {
      return STATUS_FLT_DELETING_OBJECT;
    }
    if (!instance.filter().manager().config().windowsVersion().atLeast(WindowsVersion.WIN8)) {
      return STATUS_NOT_SUPPORTED;
    }
    registered = true;
    return STATUS_SUCCESS;
  }

  /** The outcome of a create: the status and, on success, the section. */
  record Created(NtStatus status, @Nullable FltSection section) {}

  Created create(@Nullable FileObject fo, FltContext ctx, int allocationAttributes, int flags) {
    final String routine = "FltCreateSectionForDataScan";
    if (instance.isDying()) {
      return new Created(STATUS_FLT_DELETING_OBJECT, null);
    }
    ctx.checkNotFreed(routine);
    AdvancedFcbHeader h = InstanceFileContexts.supportedHeader(fo);
    if (!registered || (fo != null && h == null)) {
      return new Created(STATUS_NOT_SUPPORTED, null);
    }
    if (fo == null || ctx.type() != FltContextType.SECTION || ctx.filter() != instance.filter()) {
      return new Created(STATUS_INVALID_PARAMETER, null);
    }
    if (allocationAttributes != SEC_COMMIT) {
      return new Created(NtStatus.STATUS_INVALID_PARAMETER_8, null);
    }
    if (flags != 0) {
      return new Created(NtStatus.STATUS_INVALID_PARAMETER_9, null);
    }
    FilterManager mgr = instance.filter().manager();
    FltSection section = new FltSection(mgr.ids().next("Section"), instance, fo, ctx);
    // The section exists (and holds its file-object reference) before the context is findable:
    // a conflict notification may reach the context before this routine returns.
    open.put(ctx, section);
    ioManager().referenceObject(fo);
    ContextStore.SetOutcome o = sections.set(
        java.util.Objects.requireNonNull(h), instance, ctx, SetContextOperation.KEEP_IF_EXISTS, false,
        instance::isDying, routine);
    if (!o.status().isSuccess()) {
      open.remove(ctx, section);
      ioManager().dereferenceObject(fo);
      return new Created(o.status(), null);
    }
    mgr.reach(RacePoint.SECTION_CREATED);
    return new Created(STATUS_SUCCESS, section);
  }

  NtStatus close(FltContext ctx) {
    ctx.checkNotFreed("FltCloseSectionForDataScan");
    if (ctx.type() != FltContextType.SECTION) {
      return STATUS_INVALID_PARAMETER;
    }
    FltSection section = open.get(ctx);
    if (section == null) {
      // Never through a create (still ALLOCATED), or closed already (DELETED).
      return ctx.state() == FltContext.State.ALLOCATED ? STATUS_INVALID_PARAMETER : STATUS_NOT_FOUND;
    }
    if (!sections.deleteExact(ctx, "FltCloseSectionForDataScan")) {
      return STATUS_NOT_FOUND; // the instance's teardown (or another close) got there first
    }
    closeSection(section);
    return STATUS_SUCCESS;
  }

  /** Drops the section's file-object reference, once, after the context was detached. */
  private void closeSection(FltSection section) {
    open.remove(section.sectionContext(), section);
    if (section.markClosed()) {
      ioManager().dereferenceObject(section.fileObject());
    }
  }

  FltInstance.Got get(@Nullable FileObject fo, String routine) {
    AdvancedFcbHeader h = InstanceFileContexts.supportedHeader(fo);
    if (h == null) {
      return new FltInstance.Got(STATUS_NOT_SUPPORTED, null);
    }
    FltContext c = sections.get(h, routine);
    return new FltInstance.Got(c == null ? STATUS_NOT_FOUND : STATUS_SUCCESS, c);
  }

  /** Adds the section contexts attached through this instance to {@code out}. */
  void collectAttached(List<FltContext> out) {
    sections.collectAttached(out);
  }

  /** Instance teardown: closes every section still open, after detaching its context. */
  void tearDown(String routine) {
    List<FltContext> removed;
    synchronized (sections) {
      removed = ContextStore.markDetached(sections.removeWhere(k -> true));
    }
    List<FltSection> closing = new ArrayList<>();
    for (FltContext c : removed) {
      FltSection s = open.get(c);
      if (s != null) {
        closing.add(s);
      }
    }
    try {
      ContextStore.dropLinks(removed, routine);
    } finally {
      io.fsctx.nt.FirstFailure.forEach(closing, this::closeSection);
    }
  }

  /** Whether any section is open (a snapshot; the conflict check's fast path). */
  boolean hasSections() {
    return sections.size() != 0;
  }

  private io.fsctx.io.IoManager ioManager() {
    Volume v = instance.volume().ioVolume();
    if (v == null) {
      throw new IllegalStateException(instance.volume() + " is not an I/O manager's volume: no file object to map");
    }
    return v.ioManager();
  }

  // ---- Conflicts ------------------------------------------------------------------------------

  /** Whether {@code data} conflicts with a data-scan section on its stream (see the class comment). */
  static boolean conflicts(FltCallbackData data) {
    int major = data.iopb().majorFunction();
    if (major == IrpMajorFunction.WRITE.code()) {
      return true;
    }
    if (major == IrpMajorFunction.SET_INFORMATION.code()
        && data.iopb().parameters() instanceof IrpParameters.SetInformation s) {
      FileInformationClass c = s.informationClass();
      return c == FileInformationClass.FILE_END_OF_FILE_INFORMATION
          || c == FileInformationClass.FILE_ALLOCATION_INFORMATION;
    }
    return false;
  }

  /**
   * Calls the section notification callback of every instance on the volume that holds a
   * data-scan section on the request's stream, before the request's pre-operation callbacks.
   */
  static void notifyConflicts(List<FltInstance> instances, FltCallbackData data, @Nullable FileObject fo) {
    if (fo == null || !conflicts(data)) {
      return;
    }
    AdvancedFcbHeader h = null;
    for (FltInstance i : instances) {
      DataScan ds = i.dataScan();
      SectionNotificationCallback cb = i.filter().registration().sectionNotificationCallback();
      if (!ds.hasSections() || cb == null) {
        continue;
      }
      if (h == null) {
        h = InstanceFileContexts.supportedHeader(fo);
        if (h == null) {
          return;
        }
      }
      if (!i.enterOperation()) {
        continue; // torn down: its sections are being closed
      }
      try {
        FltContext ctx = ds.sections.get(h, "SectionNotification");
        if (ctx == null) {
          continue;
        }
        FilterManager mgr = i.filter().manager();
        Object token = mgr.enterCallback("SectionNotification", i.filter());
        try {
          cb.sectionConflict(i, ctx, data);
        } finally {
          mgr.exitCallback(token);
          ctx.release("SectionNotification");
        }
      } finally {
        i.exitOperation();
      }
    }
  }
}
