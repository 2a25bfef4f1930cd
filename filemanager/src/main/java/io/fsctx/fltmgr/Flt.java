package io.fsctx.fltmgr;

import io.fsctx.nt.Irql;
import io.fsctx.nt.PoolType;
import static io.fsctx.nt.NtStatus.STATUS_INVALID_PARAMETER;
import static io.fsctx.nt.NtStatus.STATUS_SUCCESS;

import io.fsctx.io.CreateParameters;
import io.fsctx.io.FileInformation;
import io.fsctx.io.FileInformationClass;
import io.fsctx.io.FileObject;
import io.fsctx.io.FsInformation;
import io.fsctx.io.FsInformationClass;
import io.fsctx.io.IoDriverCreateContext;
import io.fsctx.io.IoResult;
import io.fsctx.io.IoStatus;
import io.fsctx.io.StorageDevice;
import io.fsctx.nt.EResource;
import io.fsctx.nt.KeThread;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import io.fsctx.nt.UnicodeString;
import io.fsctx.tm.KTransaction;
import org.jspecify.annotations.Nullable;

/**
 * The Filter Manager DDI facade: one static method per routine, named mechanically from the WDK
 * name ({@code FltGetStreamContext} is {@link #getStreamContext}), parameters in WDK order,
 * {@link NtStatus} results and {@link Out} holders for out-parameters. Passing {@code null} for an
 * optional out-parameter is passing NULL: for {@code OldContext} it changes who drops the old
 * context's reference. The facade has no logic of its own; C samples port to it almost line by
 * line.
 *
 * <p>Reference ownership follows Windows: every context stored into an {@link Out} owns one
 * reference that the caller must give back with {@link #releaseContext}.
 *
 * <h2>Policies where the documentation is silent (fltmgr.md 4.1, 9)</h2>
 * When several failures apply to a set, the first in this order is reported: {@code
 * STATUS_FLT_DELETING_OBJECT}, {@code STATUS_NOT_SUPPORTED}, {@code STATUS_INVALID_PARAMETER}
 * (wrong type, another filter's context, an operation other than 0 or 1), {@code
 * STATUS_FLT_CONTEXT_ALREADY_LINKED}, {@code STATUS_FLT_CONTEXT_ALREADY_DEFINED}. {@code
 * OldContext} receives null on every failure except ALREADY_DEFINED. A context is attached at most
 * once in its life: setting one that was deleted or replaced is ALREADY_LINKED.
 *
 * <p>Thread safety: every method is safe for concurrent use.
 */
public final class Flt {
  private Flt() {}

  /** {@code FLTFL_IO_OPERATION_NON_CACHED}: noncached I/O ({@code IRP_NOCACHE}). */
  public static final int FLTFL_IO_OPERATION_NON_CACHED = 0x00000001;
  /** {@code FLTFL_IO_OPERATION_PAGING}: paging I/O ({@code IRP_PAGING_IO}). */
  public static final int FLTFL_IO_OPERATION_PAGING = 0x00000002;
  /** {@code FLTFL_IO_OPERATION_DO_NOT_UPDATE_BYTE_OFFSET}: the model keeps no byte offset, so no effect. */
  public static final int FLTFL_IO_OPERATION_DO_NOT_UPDATE_BYTE_OFFSET = 0x00000004;

  private static @Nullable SetContextOperation op(int operation) {
    return switch (operation) {
      case 0 -> SetContextOperation.REPLACE_IF_EXISTS;
      case 1 -> SetContextOperation.KEEP_IF_EXISTS;
      default -> null;
    };
  }

  private static NtStatus out(ContextStore.SetOutcome o, @Nullable Out<FltContext> oldContext) {
    if (oldContext != null) {
      oldContext.set(o.old());
    }
    return o.status();
  }

  /** The IRQL rule of a routine that is documented for {@code APC_LEVEL} at most (see {@link FltIrql}). */
  private static void apcLevel(FltInstance instance, String routine) {
    FltIrql.check(instance.filter().manager(), instance.filter(), routine, Irql.APC_LEVEL);
  }

  /** {@code FltReleaseContexts}' IRQL rule for each context it is about to release. */
  private static void checkTouchAll(FltRelatedContexts contexts, String routine) {
    for (FltContext c : new FltContext[] {
        contexts.volumeContext, contexts.instanceContext, contexts.fileContext, contexts.streamContext,
        contexts.streamHandleContext, contexts.transactionContext, contexts.sectionContext}) {
      if (c != null) {
        FltIrql.checkTouch(c, routine);
      }
    }
  }

  private static NtStatus out(FltInstance.Got g, Out<FltContext> context) {
    context.set(g.context());
    return g.status();
  }

  // ---- Registration -------------------------------------------------------------------------

  /**
   * Registers a minifilter.
   *
   * @ddi FltRegisterFilter
   * @param filterManager the manager to register with (the system's Filter Manager)
   * @param driver the filter's driver object
   * @param registration what it registers
   * @param retFilter receives the filter on success, null on failure
   */
  public static NtStatus registerFilter(
      FilterManager filterManager, DriverObject driver, FltRegistration registration, Out<FltFilter> retFilter) {
    FilterManager.RegisterResult r = filterManager.registerFilter(driver, registration);
    retFilter.set(r.filter());
    return r.status();
  }

  /**
   * Starts filtering.
   *
   * @ddi FltStartFiltering
   */
  public static NtStatus startFiltering(FltFilter filter) {
    return filter.startFiltering();
  }

  /**
   * Unregisters a minifilter: tears down its instances (an instance whose setup callback is still
   * running is torn down once it returns), deletes its contexts, waits for its context references
   * (bounded by the configured timeout; see {@link FltFilter#unloadReport()}). From its start, an
   * attach or allocation for the filter gets {@code STATUS_FLT_DELETING_OBJECT}.
   *
   * @ddi FltUnregisterFilter
   */
  public static void unregisterFilter(FltFilter filter) {
    filter.unregister();
  }

  /**
   * Attaches the filter's default instance to a volume.
   *
   * @ddi FltAttachVolume
   */
  public static NtStatus attachVolume(
      FltFilter filter, FltVolume volume, @Nullable String instanceName, @Nullable Out<FltInstance> retInstance) {
    FltFilter.AttachResult r =
        instanceName == null
            ? filter.attachVolume(volume)
            : filter.attachVolumeAtAltitude(
                volume, java.util.Objects.requireNonNullElse(filter.driver().defaultAltitude(), "0"), instanceName);
    if (retInstance != null) {
      retInstance.set(r.instance());
    }
    return r.status();
  }

  /**
   * Attaches an instance at an altitude. {@code STATUS_FLT_DELETING_OBJECT} once the filter's
   * unload or the volume's dismount has begun; an attach that got in before them succeeds and
   * its instance is then torn down by them (see {@link FltFilter}).
   *
   * @ddi FltAttachVolumeAtAltitude
   */
  public static NtStatus attachVolumeAtAltitude(
      FltFilter filter, FltVolume volume, String altitude, String instanceName, @Nullable Out<FltInstance> retInstance) {
    FltFilter.AttachResult r = filter.attachVolumeAtAltitude(volume, altitude, instanceName);
    if (retInstance != null) {
      retInstance.set(r.instance());
    }
    return r.status();
  }

  /**
   * Detaches an instance manually; its query-teardown callback may refuse. An instance whose
   * teardown has already begun (another detach, the unload, the dismount) is not found.
   *
   * @ddi FltDetachVolume
   */
  public static NtStatus detachVolume(FltFilter filter, FltVolume volume, @Nullable String instanceName) {
    return filter.detachVolume(volume, instanceName);
  }

  // ---- Allocation, reference, release, delete -----------------------------------------------

  /**
   * Allocates a context with one reference, owned by the caller.
   *
   * @ddi FltAllocateContext
   */
  public static NtStatus allocateContext(
      FltFilter filter, int contextType, long contextSize, PoolType poolType, Out<FltContext> returnedContext) {
    FltIrql.checkAllocate(filter, poolType);
    FltFilter.AllocateResult r = filter.allocateContext(contextType, contextSize, poolType);
    returnedContext.set(r.context());
    return r.status();
  }

  /**
   * Adds a reference.
   *
   * @ddi FltReferenceContext
   */
  public static void referenceContext(FltContext context) {
    FltIrql.checkTouch(context, "FltReferenceContext");
    int after = context.reference("FltReferenceContext");
    context.filter().manager().events().publish(ContextEvent.Kind.REFERENCE, "FltReferenceContext", context, after, null);
  }

  /**
   * Drops a reference; at zero the cleanup callback runs and the context is freed.
   *
   * @ddi FltReleaseContext
   */
  public static void releaseContext(FltContext context) {
    FltIrql.checkTouch(context, "FltReleaseContext");
    context.release("FltReleaseContext");
  }

  /**
   * Detaches a context from its object; the caller's reference stays valid and must still be
   * released. A context that is not attached (never set, already deleted) is left alone, also
   * when the detach of its object (a stream torn down, an instance or transaction ending) races
   * this call: the caller's delete is then ordered after that detach, and is not reported as a
   * delete without a reference.
   *
   * @ddi FltDeleteContext
   */
  public static void deleteContext(FltContext context) {
    FltIrql.check(context, "FltDeleteContext", Irql.APC_LEVEL);
    context.checkNotFreed("FltDeleteContext");
    if (context.type() == FltContextType.SECTION) {
      Sections.deleteRefused(context); // issue 13: only FltCloseSectionForDataScan detaches one
      return;
    }
    context.checkDeleterHoldsReference("FltDeleteContext");
    ContextStore<?> store = context.store();
    if (store != null) {
      store.deleteExact(context, "FltDeleteContext");
    }
  }

  // ---- Volume -------------------------------------------------------------------------------

  /**
   * Attaches a volume context to the volume, for the context's filter (one per volume and filter). KEEP_IF_EXISTS (1) on an occupied
   * object returns {@code STATUS_FLT_CONTEXT_ALREADY_DEFINED} and, when {@code oldContext} is
   * given, the existing context with a reference for the caller; REPLACE_IF_EXISTS (0) detaches
   * the old context and hands its link reference to {@code oldContext}, or drops it when that is
   * null. The caller keeps (and must release) its own reference on {@code newContext}.
   *
   * @ddi FltSetVolumeContext
   */
  public static NtStatus setVolumeContext(
      FltVolume volume, int operation, FltContext newContext, @Nullable Out<FltContext> oldContext) {
    FltIrql.check(newContext, "FltSetVolumeContext", Irql.APC_LEVEL);
    return out(volume.setVolumeContext(op(operation), newContext, oldContext != null, "FltSetVolumeContext"), oldContext);
  }

  /**
   * Gets the volume context of the volume, for the context's filter (one per volume and filter), with one reference owned by
   * the caller; {@code STATUS_NOT_FOUND} (null) when none is attached.
   *
   * @ddi FltGetVolumeContext
   */
  public static NtStatus getVolumeContext(FltFilter filter, FltVolume volume, Out<FltContext> context) {
    FltIrql.check(filter.manager(), filter, "FltGetVolumeContext", Irql.APC_LEVEL);
    FltContext c = volume.getVolumeContextInternal(filter, "FltGetVolumeContext");
    context.set(c);
    return c == null ? NtStatus.STATUS_NOT_FOUND : STATUS_SUCCESS;
  }

  /**
   * Detaches the volume context of the volume, for the context's filter (one per volume and filter). With {@code
   * oldContext} the link reference becomes the caller's (no count change); without it the link
   * reference is dropped, which frees the context unless someone else holds it. {@code
   * STATUS_NOT_FOUND} when nothing is attached.
   *
   * @ddi FltDeleteVolumeContext
   */
  public static NtStatus deleteVolumeContext(FltFilter filter, FltVolume volume, @Nullable Out<FltContext> oldContext) {
    FltIrql.check(filter.manager(), filter, "FltDeleteVolumeContext", Irql.APC_LEVEL);
    return out(volume.deleteVolumeContext(filter, oldContext != null), oldContext);
  }

  // ---- Instance -----------------------------------------------------------------------------

  /**
   * Attaches a instance context to the instance. KEEP_IF_EXISTS (1) on an occupied
   * object returns {@code STATUS_FLT_CONTEXT_ALREADY_DEFINED} and, when {@code oldContext} is
   * given, the existing context with a reference for the caller; REPLACE_IF_EXISTS (0) detaches
   * the old context and hands its link reference to {@code oldContext}, or drops it when that is
   * null. The caller keeps (and must release) its own reference on {@code newContext}.
   *
   * @ddi FltSetInstanceContext
   */
  public static NtStatus setInstanceContext(
      FltInstance instance, int operation, FltContext newContext, @Nullable Out<FltContext> oldContext) {
    apcLevel(instance, "FltSetInstanceContext");
    return out(instance.setInstanceContextInternal(op(operation), newContext, oldContext != null, "FltSetInstanceContext"), oldContext);
  }

  /**
   * Gets the instance context of the instance, with one reference owned by
   * the caller; {@code STATUS_NOT_FOUND} (null) when none is attached.
   *
   * @ddi FltGetInstanceContext
   */
  public static NtStatus getInstanceContext(FltInstance instance, Out<FltContext> context) {
    apcLevel(instance, "FltGetInstanceContext");
    FltContext c = instance.getInstanceContextInternal("FltGetInstanceContext");
    context.set(c);
    return c == null ? NtStatus.STATUS_NOT_FOUND : STATUS_SUCCESS;
  }

  /**
   * Detaches the instance context of the instance. With {@code
   * oldContext} the link reference becomes the caller's (no count change); without it the link
   * reference is dropped, which frees the context unless someone else holds it. {@code
   * STATUS_NOT_FOUND} when nothing is attached.
   *
   * @ddi FltDeleteInstanceContext
   */
  public static NtStatus deleteInstanceContext(FltInstance instance, @Nullable Out<FltContext> oldContext) {
    apcLevel(instance, "FltDeleteInstanceContext");
    return out(instance.deleteInstanceContextInternal(oldContext != null), oldContext);
  }

  // ---- File ---------------------------------------------------------------------------------

  /**
   * Attaches a file context to the file of the file object (all its streams), for the instance. KEEP_IF_EXISTS (1) on an occupied
   * object returns {@code STATUS_FLT_CONTEXT_ALREADY_DEFINED} and, when {@code oldContext} is
   * given, the existing context with a reference for the caller; REPLACE_IF_EXISTS (0) detaches
   * the old context and hands its link reference to {@code oldContext}, or drops it when that is
   * null. The caller keeps (and must release) its own reference on {@code newContext}.
   *
   * @ddi FltSetFileContext
   */
  public static NtStatus setFileContext(
      FltInstance instance, @Nullable FileObject fileObject, int operation, FltContext newContext,
      @Nullable Out<FltContext> oldContext) {
    apcLevel(instance, "FltSetFileContext");
    return out(instance.files().setFileContextInternal(fileObject, op(operation), newContext, oldContext != null, "FltSetFileContext"), oldContext);
  }

  /**
   * Gets the file context of the file of the file object (all its streams), for the instance, with one reference owned by
   * the caller; {@code STATUS_NOT_FOUND} (null) when none is attached.
   *
   * @ddi FltGetFileContext
   */
  public static NtStatus getFileContext(FltInstance instance, @Nullable FileObject fileObject, Out<FltContext> context) {
    apcLevel(instance, "FltGetFileContext");
    return out(instance.files().getFileContextInternal(fileObject, "FltGetFileContext"), context);
  }

  /**
   * Detaches the file context of the file of the file object (all its streams), for the instance. With {@code
   * oldContext} the link reference becomes the caller's (no count change); without it the link
   * reference is dropped, which frees the context unless someone else holds it. {@code
   * STATUS_NOT_FOUND} when nothing is attached.
   *
   * @ddi FltDeleteFileContext
   */
  public static NtStatus deleteFileContext(
      FltInstance instance, @Nullable FileObject fileObject, @Nullable Out<FltContext> oldContext) {
    apcLevel(instance, "FltDeleteFileContext");
    return out(instance.files().deleteFileContextInternal(fileObject, oldContext != null), oldContext);
  }

  // ---- Stream -------------------------------------------------------------------------------

  /**
   * Attaches a stream context to the stream of the file object, for the instance. KEEP_IF_EXISTS (1) on an occupied
   * object returns {@code STATUS_FLT_CONTEXT_ALREADY_DEFINED} and, when {@code oldContext} is
   * given, the existing context with a reference for the caller; REPLACE_IF_EXISTS (0) detaches
   * the old context and hands its link reference to {@code oldContext}, or drops it when that is
   * null. The caller keeps (and must release) its own reference on {@code newContext}.
   *
   * @ddi FltSetStreamContext
   */
  public static NtStatus setStreamContext(
      FltInstance instance, @Nullable FileObject fileObject, int operation, FltContext newContext,
      @Nullable Out<FltContext> oldContext) {
    apcLevel(instance, "FltSetStreamContext");
    return out(instance.files().setStreamContextInternal(fileObject, op(operation), newContext, oldContext != null, "FltSetStreamContext"), oldContext);
  }

  /**
   * Gets the stream context of the stream of the file object, for the instance, with one reference owned by
   * the caller; {@code STATUS_NOT_FOUND} (null) when none is attached.
   *
   * @ddi FltGetStreamContext
   */
  public static NtStatus getStreamContext(FltInstance instance, @Nullable FileObject fileObject, Out<FltContext> context) {
    apcLevel(instance, "FltGetStreamContext");
    return out(instance.files().getStreamContextInternal(fileObject, "FltGetStreamContext"), context);
  }

  /**
   * Detaches the stream context of the stream of the file object, for the instance. With {@code
   * oldContext} the link reference becomes the caller's (no count change); without it the link
   * reference is dropped, which frees the context unless someone else holds it. {@code
   * STATUS_NOT_FOUND} when nothing is attached.
   *
   * @ddi FltDeleteStreamContext
   */
  public static NtStatus deleteStreamContext(
      FltInstance instance, @Nullable FileObject fileObject, @Nullable Out<FltContext> oldContext) {
    apcLevel(instance, "FltDeleteStreamContext");
    return out(instance.files().deleteStreamContextInternal(fileObject, oldContext != null), oldContext);
  }

  // ---- Stream handle ------------------------------------------------------------------------

  /**
   * Attaches a stream-handle context to the file object (this open of the stream), for the instance. KEEP_IF_EXISTS (1) on an occupied
   * object returns {@code STATUS_FLT_CONTEXT_ALREADY_DEFINED} and, when {@code oldContext} is
   * given, the existing context with a reference for the caller; REPLACE_IF_EXISTS (0) detaches
   * the old context and hands its link reference to {@code oldContext}, or drops it when that is
   * null. The caller keeps (and must release) its own reference on {@code newContext}.
   *
   * @ddi FltSetStreamHandleContext
   */
  public static NtStatus setStreamHandleContext(
      FltInstance instance, @Nullable FileObject fileObject, int operation, FltContext newContext,
      @Nullable Out<FltContext> oldContext) {
    apcLevel(instance, "FltSetStreamHandleContext");
    return out(instance.files().setStreamHandleContextInternal(fileObject, op(operation), newContext, oldContext != null, "FltSetStreamHandleContext"), oldContext);
  }

  /**
   * Gets the stream-handle context of the file object (this open of the stream), for the instance, with one reference owned by
   * the caller; {@code STATUS_NOT_FOUND} (null) when none is attached.
   *
   * @ddi FltGetStreamHandleContext
   */
  public static NtStatus getStreamHandleContext(
      FltInstance instance, @Nullable FileObject fileObject, Out<FltContext> context) {
    apcLevel(instance, "FltGetStreamHandleContext");
    return out(instance.files().getStreamHandleContextInternal(fileObject, "FltGetStreamHandleContext"), context);
  }

  /**
   * Detaches the stream-handle context of the file object (this open of the stream), for the instance. With {@code
   * oldContext} the link reference becomes the caller's (no count change); without it the link
   * reference is dropped, which frees the context unless someone else holds it. {@code
   * STATUS_NOT_FOUND} when nothing is attached.
   *
   * @ddi FltDeleteStreamHandleContext
   */
  public static NtStatus deleteStreamHandleContext(
      FltInstance instance, @Nullable FileObject fileObject, @Nullable Out<FltContext> oldContext) {
    apcLevel(instance, "FltDeleteStreamHandleContext");
    return out(instance.files().deleteStreamHandleContextInternal(fileObject, oldContext != null), oldContext);
  }

  // ---- Transaction --------------------------------------------------------------------------

  /**
   * Attaches a transaction context to the transaction, for the instance. KEEP_IF_EXISTS (1) on an occupied
   * object returns {@code STATUS_FLT_CONTEXT_ALREADY_DEFINED} and, when {@code oldContext} is
   * given, the existing context with a reference for the caller; REPLACE_IF_EXISTS (0) detaches
   * the old context and hands its link reference to {@code oldContext}, or drops it when that is
   * null. The caller keeps (and must release) its own reference on {@code newContext}. Once the
   * transaction's commit or rollback has begun, {@code STATUS_FLT_DELETING_OBJECT}; a set that
   * got in before has its context detached by the end (see {@link KTransaction}).
   *
   * @ddi FltSetTransactionContext
   */
  public static NtStatus setTransactionContext(
      FltInstance instance, KTransaction transaction, int operation, FltContext newContext,
      @Nullable Out<FltContext> oldContext) {
    apcLevel(instance, "FltSetTransactionContext");
    return out(instance.transactions().setContext(transaction, op(operation), newContext, oldContext != null, "FltSetTransactionContext"), oldContext);
  }

  /**
   * Gets the transaction context of the transaction, for the instance, with one reference owned by
   * the caller; {@code STATUS_NOT_FOUND} (null) when none is attached.
   *
   * @ddi FltGetTransactionContext
   */
  public static NtStatus getTransactionContext(FltInstance instance, KTransaction transaction, Out<FltContext> context) {
    apcLevel(instance, "FltGetTransactionContext");
    return out(instance.transactions().getContext(transaction, "FltGetTransactionContext"), context);
  }

  /**
   * Detaches the transaction context of the transaction, for the instance. With {@code
   * oldContext} the link reference becomes the caller's (no count change); without it the link
   * reference is dropped, which frees the context unless someone else holds it. {@code
   * STATUS_NOT_FOUND} when nothing is attached.
   *
   * @ddi FltDeleteTransactionContext
   */
  public static NtStatus deleteTransactionContext(
      FltInstance instance, KTransaction transaction, @Nullable Out<FltContext> oldContext) {
    apcLevel(instance, "FltDeleteTransactionContext");
    return out(instance.transactions().deleteContext(transaction, oldContext != null), oldContext);
  }

  /**
   * Enlists the instance for notifications on a transaction.
   *
   * @ddi FltEnlistInTransaction
   * @return SUCCESS; INVALID_PARAMETER without a notification callback; INVALID_PARAMETER_4 for a
   *     bad mask; FLT_ALREADY_ENLISTED; FLT_DELETING_OBJECT during instance teardown or once the
   *     transaction's commit or rollback has begun
   */
  public static NtStatus enlistInTransaction(
      FltInstance instance, KTransaction transaction, FltContext transactionContext, int notificationMask) {
    apcLevel(instance, "FltEnlistInTransaction");
    return instance.transactions().enlist(transaction, transactionContext, notificationMask);
  }

  /**
   * Rolls back the transaction on the filter's behalf.
   *
   * @ddi FltRollbackEnlistment
   * @return SUCCESS, or NOT_FOUND when the instance has no context on the transaction
   */
  public static NtStatus rollbackEnlistment(
      FltInstance instance, KTransaction transaction, @Nullable FltContext transactionContext) {
    apcLevel(instance, "FltRollbackEnlistment");
    return instance.transactions().rollbackEnlistment(transaction);
  }

  // ---- Several at once ----------------------------------------------------------------------

  /**
   * Gets the requested contexts of the related objects; each found one is referenced, every other
   * field (not requested, not found, unsupported) is set to null.
   *
   * @ddi FltGetContexts
   */
  public static void getContexts(FltRelatedObjects fltObjects, int desiredContexts, FltRelatedContexts contexts) {
    FltIrql.check(fltObjects.filter().manager(), fltObjects.filter(), "FltGetContexts", Irql.APC_LEVEL);
    contexts.clear();
    fill(fltObjects, desiredContexts, contexts);
  }

  /**
   * As {@link #getContexts}, with a size check and the section field.
   *
   * @ddi FltGetContextsEx
   * @return SUCCESS even when nothing was found; INVALID_PARAMETER for unknown bits or a too small
   *     structure
   */
  public static NtStatus getContextsEx(
      FltRelatedObjects fltObjects, int desiredContexts, long contextsSize, FltRelatedContexts contexts) {
    FltIrql.check(fltObjects.filter().manager(), fltObjects.filter(), "FltGetContextsEx", Irql.APC_LEVEL);
    int all = FltContextType.allContexts(fltObjects.filter().manager().config().windowsVersion());
    if ((desiredContexts & ~all) != 0 || contextsSize < FltRelatedContexts.SIZEOF_FLT_RELATED_CONTEXTS_EX) {
      return STATUS_INVALID_PARAMETER;
    }
    contexts.clear();
    fill(fltObjects, desiredContexts, contexts);
    Sections.fill(fltObjects, desiredContexts, contexts);
    return STATUS_SUCCESS;
  }

  private static void fill(FltRelatedObjects o, int desired, FltRelatedContexts out) {
    FltInstance i = o.instance();
    FileObject fo = o.fileObject();
    if ((desired & FltContextType.VOLUME.code()) != 0 && o.volume() != null) {
      out.volumeContext = o.volume().getVolumeContextInternal(o.filter(), "FltGetContexts");
    }
    if (i == null) {
      return;
    }
    if ((desired & FltContextType.INSTANCE.code()) != 0) {
      out.instanceContext = i.getInstanceContextInternal("FltGetContexts");
    }
    if ((desired & FltContextType.FILE.code()) != 0) {
      out.fileContext = i.files().getFileContextInternal(fo, "FltGetContexts").context();
    }
    if ((desired & FltContextType.STREAM.code()) != 0) {
      out.streamContext = i.files().getStreamContextInternal(fo, "FltGetContexts").context();
    }
    if ((desired & FltContextType.STREAMHANDLE.code()) != 0) {
      out.streamHandleContext = i.files().getStreamHandleContextInternal(fo, "FltGetContexts").context();
    }
    KTransaction tx = o.transaction();
    if ((desired & FltContextType.TRANSACTION.code()) != 0 && tx != null) {
      out.transactionContext = i.transactions().getContext(tx, "FltGetContexts").context();
    }
  }

  /**
   * Releases every non-null field and sets all of them to null.
   *
   * @ddi FltReleaseContexts
   */
  public static void releaseContexts(FltRelatedContexts contexts) {
    checkTouchAll(contexts, "FltReleaseContexts");
    FltContext[] all = {
      contexts.volumeContext, contexts.instanceContext, contexts.fileContext, contexts.streamContext,
      contexts.streamHandleContext, contexts.transactionContext, contexts.sectionContext
    };
    contexts.clear();
    for (FltContext c : all) {
      if (c != null) {
        c.release("FltReleaseContexts");
      }
    }
  }

  /**
   * As {@link #releaseContexts}.
   *
   * @ddi FltReleaseContextsEx
   */
  public static void releaseContextsEx(long contextsSize, FltRelatedContexts contexts) {
    releaseContexts(contexts);
  }

  // ---- Names --------------------------------------------------------------------------------

  /**
   * The name of the operation's file object in the requested format ({@code
   * FLT_FILE_NAME_NORMALIZED} or {@code FLT_FILE_NAME_OPENED}, with a query method), referenced
   * for the caller, who releases it with {@link #releaseFileNameInformation}. Normalized names
   * drop {@code ::$DATA}, give existing components the case they were created with and follow
   * renames; opened names are as the caller spelt them. In pre-create the name comes from the
   * create request, normalized against the directories as they are.
   *
   * @ddi FltGetFileNameInformation
   * @return SUCCESS; FLT_INVALID_NAME_REQUEST when the file object is not open (a failed or
   *     reparsed create, post-close); INVALID_PARAMETER for a bad format or no file object
   */
  public static NtStatus getFileNameInformation(
      FltCallbackData callbackData, int nameOptions, Out<FltFileNameInformation> fileNameInformation) {
    fileNameInformation.set(null);
    FltInstance instance = callbackData.iopb().targetInstance();
    if (instance != null) {
      apcLevel(instance, "FltGetFileNameInformation");
    }
    FileObject fo = callbackData.iopb().targetFileObject();
    int format = nameOptions & 0xFF;
    if (instance == null || fo == null
        || (format != FltFileNameInformation.FLT_FILE_NAME_NORMALIZED
            && format != FltFileNameInformation.FLT_FILE_NAME_OPENED)) {
      return STATUS_INVALID_PARAMETER;
    }
    FltVolume volume = instance.volume();
    io.fsctx.io.Volume ioVol = volume.ioVolume();
    String relative;
    if (fo.fsContext() == null && !fo.isCloseCompleted()
        && callbackData.iopb().majorFunction() == io.fsctx.io.IrpMajorFunction.CREATE.code()
        && callbackData.iopb().parameters() instanceof io.fsctx.io.IrpParameters.Create c
        && callbackData.ioStatus().equals(STATUS_SUCCESS)
        && isPreOperation(instance)) {
      if (format == FltFileNameInformation.FLT_FILE_NAME_NORMALIZED) {
        // Normalizing looks at the directories, as FltMgr does: existing components get their case.
        String normalized = ioVol == null ? null : ioVol.fileSystem().normalizePath(c.fileName());
        relative = normalized != null ? normalized : stripDefaultStream(c.fileName());
      } else {
        relative = c.fileName();
      }
    } else {
      io.fsctx.io.FileNames names = ioVol == null || fo.isCloseCompleted() ? null : ioVol.fileSystem().queryFileNames(fo);
      if (names == null) {
        return NtStatus.STATUS_FLT_INVALID_NAME_REQUEST;
      }
      relative = format == FltFileNameInformation.FLT_FILE_NAME_NORMALIZED ? names.normalizedName() : names.openedName();
    }
    FltFileNameInformation info = volume.cachedName(fo, format, relative);
    info.hold(instance.filter(), "FltGetFileNameInformation");
    fileNameInformation.set(info);
    return STATUS_SUCCESS;
  }

  private static boolean isPreOperation(FltInstance instance) {
    String cb = instance.filter().manager().events().currentCallback();
    return cb == null || cb.startsWith("Pre");
  }

  private static String stripDefaultStream(String path) {
    String upper = path.toUpperCase(java.util.Locale.ROOT);
    return upper.endsWith("::$DATA") ? path.substring(0, path.length() - 7) : path;
  }

  /**
   * Fills the parsed fields (extension, stream, final component, parent directory) of a shared
   * name object; every holder sees them.
   *
   * @ddi FltParseFileNameInformation
   */
  public static NtStatus parseFileNameInformation(FltFileNameInformation fileNameInformation) {
    fileNameInformation.parse();
    return STATUS_SUCCESS;
  }

  /**
   * Adds a reference to a name object.
   *
   * @ddi FltReferenceFileNameInformation
   */
  public static void referenceFileNameInformation(FltFileNameInformation fileNameInformation) {
    fileNameInformation.reference();
    fileNameInformation.hold(currentFilter(fileNameInformation), "FltReferenceFileNameInformation");
  }

  private static @Nullable FltFilter currentFilter(FltFileNameInformation n) {
    return n.manager().events().currentFilter();
  }

  /**
   * Releases a reference to a name object; one release too many is bug check 0xF5/0x68.
   *
   * @ddi FltReleaseFileNameInformation
   */
  public static void releaseFileNameInformation(FltFileNameInformation fileNameInformation) {
    fileNameInformation.release();
    fileNameInformation.unhold(currentFilter(fileNameInformation));
  }

  /**
   * The volume's NT device name, with the two-call protocol: with no buffer, or one whose {@code
   * MaximumLength} is too small, it returns {@code STATUS_BUFFER_TOO_SMALL} and the size needed in
   * bytes; with a large enough buffer it copies the name.
   *
   * @ddi FltGetVolumeName
   */
  public static NtStatus getVolumeName(
      FltVolume volume, io.fsctx.nt.@Nullable UnicodeString volumeName, @Nullable Out<Integer> bufferSizeNeeded) {
    int needed = volume.deviceName().length() * 2;
    if (volumeName == null || volumeName.maximumLength() < needed) {
      if (bufferSizeNeeded != null) {
        bufferSizeNeeded.set(needed);
      }
      return NtStatus.STATUS_BUFFER_TOO_SMALL;
    }
    volumeName.copyFrom(io.fsctx.nt.UnicodeString.of(volume.deviceName()));
    if (bufferSizeNeeded != null) {
      bufferSizeNeeded.set(needed);
    }
    return STATUS_SUCCESS;
  }


  // ---- Filter-initiated I/O -------------------------------------------------------------------

  private static CreateParameters createParameters(
      int desiredAccess, int shareAccess, int createDisposition, int createOptions) {
    return new CreateParameters(desiredAccess, shareAccess, createDisposition, createOptions, 0);
  }

  private static NtStatus created(
      FilterIo.Created c, Out<FltFileHandle> fileHandle, @Nullable Out<FileObject> fileObject, Out<IoStatus> ioStatusBlock) {
    FltFileHandle h = c.handle();
    fileHandle.set(h);
    ioStatusBlock.set(c.ioStatus());
    if (fileObject != null) {
      FileObject fo = h == null ? null : h.fileObject();
      if (fo != null) {
        java.util.Objects.requireNonNull(fo.volume()).ioManager().referenceObject(fo);
      }
      fileObject.set(fo);
    }
    return c.status();
  }

  /**
   * Creates or opens a file below {@code instance} (all instances when it is null): only the
   * instances below it and the file system see the create, and later every request on the handle's
   * file object, cleanup and close included. Never returns {@code STATUS_REPARSE}. The handle is
   * the caller's, released with {@link #close}. {@code AllocationSize}, {@code FileAttributes},
   * EAs and {@code Flags} are accepted and not modelled.
   *
   * @ddi FltCreateFile
   * @return the create's status; the statuses where the documentation is silent are listed on
   *     {@link FilterIo}
   */
  public static NtStatus createFile(
      FltFilter filter, @Nullable FltInstance instance, Out<FltFileHandle> fileHandle, int desiredAccess,
      ObjectAttributes objectAttributes, Out<IoStatus> ioStatusBlock, long allocationSize, int fileAttributes,
      int shareAccess, int createDisposition, int createOptions, @Nullable Object eaBuffer, int eaLength, int flags) {
    return created(FilterIo.create(filter, instance, objectAttributes,
        createParameters(desiredAccess, shareAccess, createDisposition, createOptions), null), fileHandle, null, ioStatusBlock);
  }

  /**
   * {@link #createFile} that also returns the file object, referenced for the caller, who must
   * dereference it ({@code ObDereferenceObject}: {@code IoManager.dereferenceObject}) besides
   * closing the handle.
   *
   * @ddi FltCreateFileEx
   */
  public static NtStatus createFileEx(
      FltFilter filter, @Nullable FltInstance instance, Out<FltFileHandle> fileHandle, @Nullable Out<FileObject> fileObject,
      int desiredAccess, ObjectAttributes objectAttributes, Out<IoStatus> ioStatusBlock, long allocationSize,
      int fileAttributes, int shareAccess, int createDisposition, int createOptions, @Nullable Object eaBuffer,
      int eaLength, int flags) {
    return created(FilterIo.create(filter, instance, objectAttributes,
        createParameters(desiredAccess, shareAccess, createDisposition, createOptions), null), fileHandle, fileObject,
        ioStatusBlock);
  }

  /**
   * {@link #createFileEx} with a driver create context: its transaction ({@code TxnParameters})
   * opens the file in that transaction, its ECPs ride on the create. With {@code
   * FILE_OPEN_BY_FILE_ID} in {@code createOptions} the object name is the binary file ID and the
   * root directory any handle on the volume ({@link ObjectAttributes#byFileId}).
   *
   * @ddi FltCreateFileEx2
   */
  public static NtStatus createFileEx2(
      FltFilter filter, @Nullable FltInstance instance, Out<FltFileHandle> fileHandle, @Nullable Out<FileObject> fileObject,
      int desiredAccess, ObjectAttributes objectAttributes, Out<IoStatus> ioStatusBlock, long allocationSize,
      int fileAttributes, int shareAccess, int createDisposition, int createOptions, @Nullable Object eaBuffer,
      int eaLength, int flags, @Nullable IoDriverCreateContext driverContext) {
    return created(FilterIo.create(filter, instance, objectAttributes,
        createParameters(desiredAccess, shareAccess, createDisposition, createOptions), driverContext), fileHandle,
        fileObject, ioStatusBlock);
  }

  /**
   * Closes a handle from a filter-initiated create: cleanup (and close, unless the file object is
   * still referenced) below the instance that opened it.
   *
   * @ddi FltClose
   * @return success, or {@code STATUS_INVALID_HANDLE} for a null or already closed handle
   */
  public static NtStatus close(@Nullable FltFileHandle fileHandle) {
    return fileHandle == null ? NtStatus.STATUS_INVALID_HANDLE : fileHandle.closeHandle();
  }

  /**
   * Reads synchronously below {@code initiatingInstance}. The model keeps no file data: {@code
   * buffer}, if given, is not written. Asynchronous completion is not modelled.
   *
   * @ddi FltReadFile
   * @param byteOffset where to read; null reads at offset 0 (the model keeps no current offset)
   * @return the file system's status
   */
  public static NtStatus readFile(
      FltInstance initiatingInstance, FileObject fileObject, @Nullable Long byteOffset, int length,
      byte @Nullable [] buffer, int flags, @Nullable Out<Long> bytesRead) {
    IoStatus st = FilterIo.read(initiatingInstance, fileObject, byteOffset == null ? 0 : byteOffset, length, flags);
    if (bytesRead != null) {
      bytesRead.set(st.information());
    }
    return st.status();
  }

  /**
   * Writes synchronously below {@code initiatingInstance} (the sizes change; no data is kept).
   *
   * @ddi FltWriteFile
   * @return the file system's status
   */
  public static NtStatus writeFile(
      FltInstance initiatingInstance, FileObject fileObject, @Nullable Long byteOffset, int length,
      byte @Nullable [] buffer, int flags, @Nullable Out<Long> bytesWritten) {
    IoStatus st = FilterIo.write(initiatingInstance, fileObject, byteOffset == null ? 0 : byteOffset, length, flags);
    if (bytesWritten != null) {
      bytesWritten.set(st.information());
    }
    return st.status();
  }

  /**
   * Queries a file below {@code instance}; {@code fileInformation} receives the file system's
   * record ({@link FileInformation.Standard}, {@link FileInformation.Internal}, …) and {@code
   * lengthReturned} the bytes returned.
   *
   * @ddi FltQueryInformationFile
   * @return the file system's status: {@code STATUS_INFO_LENGTH_MISMATCH} for a buffer shorter
   *     than the class's structure, {@code STATUS_FILE_DELETED} after the file was deleted, {@code
   *     STATUS_VOLUME_DISMOUNTED} …
   */
  public static NtStatus queryInformationFile(
      FltInstance instance, FileObject fileObject, Out<FileInformation> fileInformation, int length,
      FileInformationClass fileInformationClass, @Nullable Out<Long> lengthReturned) {
    IoResult r = FilterIo.queryInformation(instance, fileObject, fileInformationClass, length);
    fileInformation.set(r.output() instanceof FileInformation i ? i : null);
    if (lengthReturned != null) {
      lengthReturned.set(r.information());
    }
    return r.status();
  }

  /**
   * Sets file information below {@code instance} (renames through it invalidate cached names).
   *
   * @ddi FltSetInformationFile
   * @return the file system's status; {@code STATUS_INFO_LENGTH_MISMATCH} when {@code length} is
   *     shorter than the class's structure
   */
  public static NtStatus setInformationFile(
      FltInstance instance, FileObject fileObject, FileInformation fileInformation, int length,
      FileInformationClass fileInformationClass) {
    return FilterIo.setInformation(instance, fileObject, fileInformationClass, fileInformation, length).status();
  }

  /**
   * Queries the instance's volume below the instance (Filter Manager opens the volume for it).
   *
   * @ddi FltQueryVolumeInformation
   * @return the status: {@code STATUS_INVALID_INFO_CLASS} for an unknown or set-only class,
   *     {@code STATUS_INFO_LENGTH_MISMATCH} for a buffer shorter than the structure …
   */
  public static NtStatus queryVolumeInformation(
      FltInstance instance, Out<IoStatus> ioStatusBlock, Out<FsInformation> fsInformation, int length,
      FsInformationClass fsInformationClass) {
    IoResult r = FilterIo.queryVolumeInformation(instance, fsInformationClass, length);
    ioStatusBlock.set(r.ioStatus());
    fsInformation.set(r.output() instanceof FsInformation i ? i : null);
    return r.status();
  }

  /**
   * Queries the volume of a file object below {@code instance}.
   *
   * @ddi FltQueryVolumeInformationFile
   * @return the file system's status ({@code STATUS_VOLUME_DISMOUNTED} once the volume is gone)
   */
  public static NtStatus queryVolumeInformationFile(
      FltInstance instance, FileObject fileObject, Out<FsInformation> fsInformation, int length,
      FsInformationClass fsInformationClass, @Nullable Out<Long> lengthReturned) {
    IoResult r = FilterIo.queryVolumeInformationFile(instance, fileObject, fsInformationClass, length);
    fsInformation.set(r.output() instanceof FsInformation i ? i : null);
    if (lengthReturned != null) {
      lengthReturned.set(r.information());
    }
    return r.status();
  }

  /**
   * Sends a file-system control below {@code instance}; {@code outputBuffer} receives the output
   * record ({@link io.fsctx.io.FileObjectIdBuffer} for the object-ID controls).
   *
   * @ddi FltFsControlFile
   * @return the file system's status
   */
  public static NtStatus fsControlFile(
      FltInstance instance, FileObject fileObject, int fsControlCode, @Nullable Object inputBuffer,
      int inputBufferLength, @Nullable Out<Object> outputBuffer, int outputBufferLength,
      @Nullable Out<Long> lengthReturned) {
    IoResult r = FilterIo.fsControl(instance, fileObject, fsControlCode, inputBuffer, outputBufferLength);
    if (outputBuffer != null) {
      outputBuffer.set(r.output());
    }
    if (lengthReturned != null) {
      lengthReturned.set(r.information());
    }
    return r.status();
  }

  /**
   * From a post-create callback, undoes a create the file system completed: below the instance
   * the file is opened and closed, above it (once the callback fails {@code Data->IoStatus}) the
   * create failed.
   *
   * @ddi FltCancelFileOpen
   * @throws IllegalStateException outside a post-create callback, or after a handle was created
   */
  public static void cancelFileOpen(FltInstance instance, FileObject fileObject) {
    FilterIo.cancelFileOpen(instance, fileObject);
  }

  // ---- Volumes ----------------------------------------------------------------------------------

  /**
   * The volume's unique name, {@code \??\Volume{GUID}}, with the two-call protocol: with no buffer,
   * or one whose {@code MaximumLength} is too small, {@code STATUS_BUFFER_TOO_SMALL} and the bytes
   * needed in {@code bufferSizeNeeded}.
   *
   * @ddi FltGetVolumeGuidName
   * @return success, {@code STATUS_BUFFER_TOO_SMALL}, or {@code STATUS_FLT_VOLUME_NOT_FOUND} for
   *     a volume with no storage behind it (a bare volume)
   * @throws IllegalArgumentException when both {@code volumeGuidName} and {@code
   *     bufferSizeNeeded} are null (the documentation requires one)
   */
  public static NtStatus getVolumeGuidName(
      FltVolume volume, @Nullable UnicodeString volumeGuidName, @Nullable Out<Integer> bufferSizeNeeded) {
    com.google.common.base.Preconditions.checkArgument(volumeGuidName != null || bufferSizeNeeded != null,
        "bufferSizeNeeded must not be NULL when volumeGuidName is NULL");
    StorageDevice storage = volume.storage();
    if (storage == null) {
      return NtStatus.STATUS_FLT_VOLUME_NOT_FOUND;
    }
    String name = storage.volumeGuidName();
    int needed = name.length() * 2;
    if (bufferSizeNeeded != null) {
      bufferSizeNeeded.set(needed);
    }
    if (volumeGuidName == null || volumeGuidName.maximumLength() < needed) {
      return NtStatus.STATUS_BUFFER_TOO_SMALL;
    }
    volumeGuidName.copyFrom(UnicodeString.of(name));
    return STATUS_SUCCESS;
  }

  /**
   * The file-system type of a volume or of an instance's volume.
   *
   * @ddi FltGetFileSystemType
   * @param fltObject an {@link FltVolume} or {@link FltInstance}
   * @return success; {@code STATUS_INVALID_PARAMETER} (type {@code FLT_FSTYPE_UNKNOWN}) for any
   *     other object
   */
  public static NtStatus getFileSystemType(Object fltObject, Out<FltFilesystemType> fileSystemType) {
    FltVolume v = fltObject instanceof FltInstance i ? i.volume() : fltObject instanceof FltVolume fv ? fv : null;
    fileSystemType.set(v == null ? FltFilesystemType.FLT_FSTYPE_UNKNOWN : v.fileSystemType());
    return v == null ? STATUS_INVALID_PARAMETER : STATUS_SUCCESS;
  }

  /**
   * Whether the storage of a volume (or of an instance's volume) can be written ({@code
   * IOCTL_DISK_IS_WRITABLE}).
   *
   * @ddi FltIsVolumeWritable
   * @return success; {@code STATUS_INVALID_DEVICE_REQUEST} for a volume with no storage device to
   *     ask (a bare volume); {@code STATUS_INVALID_PARAMETER} for an object that is neither a
   *     volume nor an instance ([X] policy)
   */
  public static NtStatus isVolumeWritable(Object fltObject, Out<Boolean> isWritable) {
    FltVolume v = fltObject instanceof FltInstance i ? i.volume() : fltObject instanceof FltVolume fv ? fv : null;
    if (v == null) {
      return STATUS_INVALID_PARAMETER;
    }
    StorageDevice storage = v.storage();
    if (storage == null) {
      return NtStatus.STATUS_INVALID_DEVICE_REQUEST;
    }
    isWritable.set(storage.writable());
    return STATUS_SUCCESS;
  }

  /**
   * The volume's properties. With {@code volumePropertiesLength} 0, or less than {@code
   * sizeof(FLT_VOLUME_PROPERTIES)} (72), {@code STATUS_BUFFER_TOO_SMALL} and the bytes needed in
   * {@code lengthReturned}; with room for the fixed part but not the three names, {@code
   * STATUS_BUFFER_OVERFLOW} and the fixed part only; otherwise everything.
   *
   * @ddi FltGetVolumeProperties
   */
  public static NtStatus getVolumeProperties(
      FltVolume volume, @Nullable Out<FltVolumeProperties> volumeProperties, int volumePropertiesLength,
      Out<Integer> lengthReturned) {
    FltVolumeProperties p = volume.properties();
    int needed = p.requiredLength();
    if (volumePropertiesLength < FltVolumeProperties.SIZEOF_FLT_VOLUME_PROPERTIES || volumeProperties == null) {
      lengthReturned.set(needed);
      return NtStatus.STATUS_BUFFER_TOO_SMALL;
    }
    if (volumePropertiesLength < needed) {
      volumeProperties.set(p.fixedPart());
      lengthReturned.set(FltVolumeProperties.SIZEOF_FLT_VOLUME_PROPERTIES);
      return NtStatus.STATUS_BUFFER_OVERFLOW;
    }
    volumeProperties.set(p);
    lengthReturned.set(needed);
    return STATUS_SUCCESS;
  }

  // ---- Resources --------------------------------------------------------------------------------

  /**
   * Acquires an {@code ERESOURCE} exclusively with normal kernel APCs disabled ({@code
   * KeEnterCriticalRegion} then {@code ExAcquireResourceExclusiveLite}); recursive for its owner.
   *
   * @ddi FltAcquireResourceExclusive
   * @throws IllegalStateException when the thread holds it shared only (a deadlock on Windows)
   */
  public static void acquireResourceExclusive(EResource resource) {
    KeThread.enterCriticalRegion();
    try {
      resource.acquireExclusive();
    } catch (RuntimeException e) {
      KeThread.leaveCriticalRegion();
      throw e;
    }
  }

  /**
   * Acquires an {@code ERESOURCE} shared with normal kernel APCs disabled.
   *
   * @ddi FltAcquireResourceShared
   */
  public static void acquireResourceShared(EResource resource) {
    KeThread.enterCriticalRegion();
    try {
      resource.acquireShared();
    } catch (RuntimeException e) {
      KeThread.leaveCriticalRegion();
      throw e;
    }
  }

  /**
   * Releases an {@code ERESOURCE} acquired with {@link #acquireResourceExclusive} or {@link
   * #acquireResourceShared} and enables normal kernel APCs again.
   *
   * @ddi FltReleaseResource
   * @throws IllegalStateException when the thread does not hold it
   */
  public static void releaseResource(EResource resource) {
    resource.release();
    KeThread.leaveCriticalRegion();
  }

  // ---- Support queries ----------------------------------------------------------------------

  /**
   * Whether the file system supports stream contexts on this file object: an opened advanced
   * header with {@code FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS} (false for paging files).
   *
   * @ddi FltSupportsStreamContexts
   */
  public static boolean supportsStreamContexts(@Nullable FileObject fileObject) {
    return InstanceFileContexts.supportedHeader(fileObject) != null;
  }

  /**
   * Stream-handle contexts live beside stream contexts, so the same answer, and false for a null
   * file object.
   *
   * @ddi FltSupportsStreamHandleContexts
   */
  public static boolean supportsStreamHandleContexts(@Nullable FileObject fileObject) {
    return fileObject != null && supportsStreamContexts(fileObject);
  }

  /**
   * Native file-context support: {@code FsRtlSupportsPerFileContexts} (version ≥ V1 and a per-file
   * slot). The Filter Manager layer also requires the {@code Flags2} filter-context bit, so a
   * paging file reports false as documented even on a file system with a per-file slot.
   *
   * @ddi FltSupportsFileContexts
   */
  public static boolean supportsFileContexts(@Nullable FileObject fileObject) {
    return InstanceFileContexts.nativeFileSlot(fileObject) != null;
  }

  /**
   * With a null instance the same as {@link #supportsFileContexts}; with an instance also true
   * when Filter Manager emulates file contexts (stream contexts supported, no per-file slot, the
   * volume has no named streams, emulation enabled in the configuration).
   *
   * @ddi FltSupportsFileContextsEx
   */
  public static boolean supportsFileContextsEx(@Nullable FileObject fileObject, @Nullable FltInstance instance) {
    if (supportsFileContexts(fileObject)) {
      return true;
    }
    return instance != null && instance.files().emulatesFileContexts(fileObject);
  }

  // ---- Data scan and section contexts (issue 13, Windows 8+) --------------------------------

  /**
   * Registers the instance for data scanning, which {@link #createSectionForDataScan} requires.
   * Called at PASSIVE_LEVEL, typically from InstanceSetup. Idempotent.
   *
   * @ddi FltRegisterForDataScan
   * @return SUCCESS; NOT_SUPPORTED before Windows 8; FLT_DELETING_OBJECT once the instance's
   *     teardown has begun
   */
  public static NtStatus registerForDataScan(FltInstance instance) {
    return Sections.register(instance);
  }

  /**
   * Creates a section for scanning the file's data and attaches {@code sectionContext} to it: the
   * only way to attach a section context. At most one section per instance and stream. The
   * caller keeps its own reference on the context (and releases it once done with it); the
   * attachment holds another until {@link #closeSectionForDataScan}. The filter's
   * SectionNotificationCallback may run for this section, on another thread, before this
   * routine returns. Called at PASSIVE_LEVEL.
   *
   * @ddi FltCreateSectionForDataScan
   * @param desiredAccess the section's access (not checked by the model)
   * @param objectAttributes may be null
   * @param maximumSize reserved, may be null
   * @param sectionPageProtection the page protection (not checked by the model)
   * @param allocationAttributes must be {@code SEC_COMMIT} (0x8000000)
   * @param flags must be 0
   * @param sectionHandle receives the section on success, null otherwise
   * @param sectionObject receives the section on success, null otherwise
   * @param sectionFileSize when given, receives 0 (the model keeps no file data)
   * @return SUCCESS; FLT_DELETING_OBJECT during instance teardown; NOT_SUPPORTED without {@link
   *     #registerForDataScan} or for a file object without stream-context support;
   *     INVALID_PARAMETER for a context that is not this filter's section context or no file
   *     object; INVALID_PARAMETER_8 / _9 for bad allocation attributes / flags;
   *     FLT_CONTEXT_ALREADY_LINKED for a context already used; FLT_CONTEXT_ALREADY_DEFINED when
   *     the instance already has a section on the stream
   */
  public static NtStatus createSectionForDataScan(
      FltInstance instance, @Nullable FileObject fileObject, FltContext sectionContext, int desiredAccess,
      @Nullable Object objectAttributes, @Nullable Long maximumSize, int sectionPageProtection,
      int allocationAttributes, int flags, Out<FltSection> sectionHandle, Out<FltSection> sectionObject,
      @Nullable Out<Long> sectionFileSize) {
    return Sections.create(instance, fileObject, sectionContext, allocationAttributes, flags, sectionHandle,
        sectionObject, sectionFileSize);
  }

  /**
   * Closes the section of a section context and detaches the context (dropping the attachment's
   * reference; the caller still releases its own). Called at PASSIVE_LEVEL.
   *
   * @ddi FltCloseSectionForDataScan
   * @return SUCCESS; INVALID_PARAMETER for a context that never went through {@link
   *     #createSectionForDataScan} (or is not a section context); NOT_FOUND once closed (by this
   *     routine or by the instance's teardown)
   */
  public static NtStatus closeSectionForDataScan(FltContext sectionContext) {
    return Sections.close(sectionContext);
  }

  /**
   * Gets the section context of the instance's open section on the file object's stream, with
   * one reference owned by the caller.
   *
   * @ddi FltGetSectionContext
   * @return SUCCESS; NOT_FOUND when the instance has no section there; NOT_SUPPORTED for a file
   *     object without stream-context support
   */
  public static NtStatus getSectionContext(FltInstance instance, @Nullable FileObject fileObject, Out<FltContext> context) {
    return Sections.get(instance, fileObject, context);
  }

  // ---- Pended operations, completion and work items (issue 13) ------------------------------

  /**
   * Completes a pre-operation that the filter's pre-operation callback pended by returning
   * {@code FLT_PREOP_PENDING}: the request goes on as if the callback had returned {@code
   * callbackStatus} with {@code context} as its completion context. Any thread may call it, also
   * before the pending callback has returned; at most once per pended operation. Callable at
   * DISPATCH_LEVEL.
   *
   * @ddi FltCompletePendedPreOperation
   * @param callbackStatus SUCCESS_WITH_CALLBACK, SUCCESS_NO_CALLBACK or COMPLETE (with the status
   *     set in {@code callbackData})
   * @param context the completion context for the post-operation callback (SUCCESS_WITH_CALLBACK
   *     only)
   * @throws IllegalArgumentException for another status
   * @throws IllegalStateException when the operation was completed already
   */
  public static void completePendedPreOperation(
      FltCallbackData callbackData, FltPreopCallbackStatus callbackStatus, @Nullable Object context) {
    AsyncOps.completePendedPre(callbackData, callbackStatus, context);
  }

  /**
   * Completes a post-operation that the filter's post-operation callback pended by returning
   * {@code FLT_POSTOP_MORE_PROCESSING_REQUIRED}: the remaining post-operation callbacks run and
   * the request completes. Any thread may call it; at most once. Callable at DISPATCH_LEVEL.
   *
   * @ddi FltCompletePendedPostOperation
   * @throws IllegalStateException when the operation was completed already
   */
  public static void completePendedPostOperation(FltCallbackData data) {
    AsyncOps.completePendedPost(data);
  }

  /**
   * From a post-operation callback: runs {@code safePostCallback} where it is safe. At or below
   * APC_LEVEL it runs now, in this thread, and {@code retPostOperationStatus} receives its
   * result; at DISPATCH_LEVEL it is queued to a worker thread, {@code retPostOperationStatus}
   * receives MORE_PROCESSING_REQUIRED (which the post-operation callback returns), and Filter
   * Manager completes the pended post-operation once the safe callback returns
   * FINISHED_PROCESSING. The completion context (and any reference it holds) passes to the safe
   * callback.
   *
   * @ddi FltDoCompletionProcessingWhenSafe
   * @return true when the safe callback ran or was queued; false, doing nothing, when {@code
   *     flags} has DRAINING or the request cannot be posted (paging I/O, not IRP-based) at
   *     DISPATCH_LEVEL
   */
  public static boolean doCompletionProcessingWhenSafe(
      FltCallbackData data, FltRelatedObjects fltObjects, @Nullable Object completionContext, int flags,
      SafePostCallback safePostCallback, Out<FltPostopCallbackStatus> retPostOperationStatus) {
    return AsyncOps.doCompletionWhenSafe(data, fltObjects, completionContext, flags, safePostCallback, retPostOperationStatus);
  }

  /**
   * Allocates a work item for {@link #queueDeferredIoWorkItem}, owned by the caller until {@link
   * #freeDeferredIoWorkItem}.
   * PORT: Windows' routine takes no parameter; the model has no system-wide Filter Manager, so
   * the caller names the one whose worker threads run the item.
   *
   * @ddi FltAllocateDeferredIoWorkItem
   */
  public static FltDeferredIoWorkItem allocateDeferredIoWorkItem(FilterManager filterManager) {
    return AsyncOps.allocateDeferred(filterManager);
  }

  /**
   * Queues {@code workerRoutine} for a request, typically one whose pre-operation callback
   * returns {@code FLT_PREOP_PENDING} and whose routine calls {@link #completePendedPreOperation}.
   * The routine runs once, in a system worker thread, at PASSIVE_LEVEL.
   *
   * @ddi FltQueueDeferredIoWorkItem
   * @param queueType the system queue (the model has one worker queue)
   * @return SUCCESS; FLT_NOT_SAFE_TO_POST_OPERATION for paging I/O or a request that is not
   *     IRP-based; FLT_DELETING_OBJECT once the target instance's teardown has begun
   * @throws IllegalStateException when the item is queued already or freed
   */
  public static NtStatus queueDeferredIoWorkItem(
      FltDeferredIoWorkItem fltWorkItem, FltCallbackData data, DeferredIoWorkItemRoutine workerRoutine,
      int queueType, @Nullable Object context) {
    return AsyncOps.queueDeferred(fltWorkItem, data, workerRoutine, context);
  }

  /**
   * Frees a deferred I/O work item that is not queued.
   *
   * @ddi FltFreeDeferredIoWorkItem
   * @throws IllegalStateException when it is queued or freed already
   */
  public static void freeDeferredIoWorkItem(FltDeferredIoWorkItem fltWorkItem) {
    AsyncOps.free(fltWorkItem, "FltFreeDeferredIoWorkItem");
  }

  /**
   * Allocates a work item for {@link #queueGenericWorkItem}, owned by the caller until {@link
   * #freeGenericWorkItem}.
   * PORT: Windows' routine takes no parameter; the model has no system-wide Filter Manager, so
   * the caller names the one whose worker threads run the item.
   *
   * @ddi FltAllocateGenericWorkItem
   */
  public static FltGenericWorkItem allocateGenericWorkItem(FilterManager filterManager) {
    return AsyncOps.allocateGeneric(filterManager);
  }

  /**
   * Queues {@code workerRoutine} for a filter or an instance; it runs once, in a system worker
   * thread, at PASSIVE_LEVEL. On an instance, the instance's teardown waits for the routine.
   *
   * @ddi FltQueueGenericWorkItem
   * @param fltObject a {@link FltFilter} or a {@link FltInstance}
   * @param queueType the system queue (the model has one worker queue)
   * @return SUCCESS; FLT_DELETING_OBJECT once the instance's teardown has begun
   * @throws IllegalStateException when the item is queued already or freed
   */
  public static NtStatus queueGenericWorkItem(
      FltGenericWorkItem fltWorkItem, Object fltObject, GenericWorkItemRoutine workerRoutine, int queueType,
      @Nullable Object context) {
    return AsyncOps.queueGeneric(fltWorkItem, fltObject, workerRoutine, context);
  }

  /**
   * Frees a generic work item that is not queued.
   *
   * @ddi FltFreeGenericWorkItem
   * @throws IllegalStateException when it is queued or freed already
   */
  public static void freeGenericWorkItem(FltGenericWorkItem fltWorkItem) {
    AsyncOps.free(fltWorkItem, "FltFreeGenericWorkItem");
  }
}
