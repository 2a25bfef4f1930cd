package io.fsctx.fltmgr;

import com.google.common.base.Preconditions;
import io.fsctx.io.IoConstants;
import io.fsctx.nt.Irql;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import org.jspecify.annotations.Nullable;

/**
 * The {@link Flt} facade's pending, completion and work-item routines (issue 13), kept apart so
 * the facade stays a list of one-line calls; {@link PendedOperations} says how pended operations
 * are modelled.
 *
 * <h2>Policies</h2>
 * <ul>
 *   <li>{@code FltDoCompletionProcessingWhenSafe} returns FALSE, doing nothing, for a post-operation
 *       callback called with {@code FLTFL_POST_OPERATION_DRAINING} (the operation cannot be pended
 *       any more) and, at DISPATCH_LEVEL, for paging I/O or a request that is not IRP-based (it
 *       cannot be posted); at or below APC_LEVEL it calls the safe callback at once, in the calling
 *       thread. Otherwise the safe callback runs in a worker thread, and Filter Manager completes
 *       the pended post-operation when it returns FINISHED_PROCESSING.
 *   <li>{@code FltQueueDeferredIoWorkItem}: {@code STATUS_FLT_NOT_SAFE_TO_POST_OPERATION} for
 *       paging I/O or a request that is not IRP-based, {@code STATUS_FLT_DELETING_OBJECT} once the
 *       target instance's teardown has begun.
 *   <li>{@code FltQueueGenericWorkItem} on an instance holds the instance's operation rundown
 *       until the routine returns (teardown waits for it), and is {@code
 *       STATUS_FLT_DELETING_OBJECT} once its teardown has begun.
 * </ul>
 *
 * <p>Thread safety: stateless; every routine may be called from any thread.
 */
final class AsyncOps {
  private AsyncOps() {}

  private static final String COMPLETE_PRE = "FltCompletePendedPreOperation";
  private static final String COMPLETE_POST = "FltCompletePendedPostOperation";

  private static FltInstance target(FltCallbackData data, String routine) {
    FltInstance i = data.iopb().targetInstance();
    Preconditions.checkArgument(i != null, "%s: callbackData has no target instance (not a request of a filter)", routine);
    return i;
  }

  static void completePendedPre(FltCallbackData data, FltPreopCallbackStatus status, @Nullable Object context) {
    FltInstance i = target(data, COMPLETE_PRE);
    FltIrql.check(i.filter().manager(), i.filter(), COMPLETE_PRE, Irql.DISPATCH_LEVEL);
    Preconditions.checkArgument(
        status == FltPreopCallbackStatus.SUCCESS_WITH_CALLBACK || status == FltPreopCallbackStatus.SUCCESS_NO_CALLBACK
            || status == FltPreopCallbackStatus.COMPLETE,
        "%s: callbackStatus %s (only SUCCESS_WITH_CALLBACK, SUCCESS_NO_CALLBACK or COMPLETE)", COMPLETE_PRE, status);
    i.filter().manager().pended().complete(
        data, PendedOperations.Phase.PRE, new PendedOperations.Completion(status, context), COMPLETE_PRE);
  }

  static void completePendedPost(FltCallbackData data) {
    FltInstance i = target(data, COMPLETE_POST);
    FltIrql.check(i.filter().manager(), i.filter(), COMPLETE_POST, Irql.DISPATCH_LEVEL);
    i.filter().manager().pended().complete(
        data, PendedOperations.Phase.POST, new PendedOperations.Completion(null, null), COMPLETE_POST);
  }

  private static boolean cannotPost(FltCallbackData data) {
    return (data.iopb().irpFlags() & IoConstants.IRP_PAGING_IO) != 0
        || (data.flags() & FltCallbackData.FLTFL_CALLBACK_DATA_IRP_OPERATION) == 0;
  }

  static boolean doCompletionWhenSafe(
      FltCallbackData data, FltRelatedObjects objects, @Nullable Object completionContext, int flags,
      SafePostCallback safe, Out<FltPostopCallbackStatus> ret) {
    final String routine = "FltDoCompletionProcessingWhenSafe";
    FilterManager mgr = objects.filter().manager();
    FltIrql.check(mgr, objects.filter(), routine, Irql.DISPATCH_LEVEL);
    if ((flags & PostOperationCallback.FLTFL_POST_OPERATION_DRAINING) != 0) {
      return false;
    }
    if (!Irql.current().above(Irql.APC_LEVEL)) {
      ret.set(safe.postOperation(data, objects, completionContext, flags));
      return true;
    }
    if (cannotPost(data)) {
      return false;
    }
    ret.set(FltPostopCallbackStatus.MORE_PROCESSING_REQUIRED);
    mgr.workQueue().queue(() -> {
      FltPostopCallbackStatus st;
      Object token = mgr.enterCallback("SafePostCallback", objects.filter());
      try {
        st = safe.postOperation(data, objects, completionContext, flags);
      } finally {
        mgr.exitCallback(token);
      }
      if (st == FltPostopCallbackStatus.FINISHED_PROCESSING) {
        mgr.pended().complete(data, PendedOperations.Phase.POST, new PendedOperations.Completion(null, null), routine);
      }
    });
    return true;
  }

  static FltDeferredIoWorkItem allocateDeferred(FilterManager mgr) {
    FltIrql.check(mgr, null, "FltAllocateDeferredIoWorkItem", Irql.DISPATCH_LEVEL);
    return new FltDeferredIoWorkItem(mgr.ids().next("DeferredIoWorkItem"));
  }

  static FltGenericWorkItem allocateGeneric(FilterManager mgr) {
    FltIrql.check(mgr, null, "FltAllocateGenericWorkItem", Irql.DISPATCH_LEVEL);
    return new FltGenericWorkItem(mgr.ids().next("GenericWorkItem"));
  }

  static NtStatus queueDeferred(
      FltDeferredIoWorkItem item, FltCallbackData data, DeferredIoWorkItemRoutine routine, @Nullable Object context) {
    final String name = "FltQueueDeferredIoWorkItem";
    FltInstance i = target(data, name);
    FilterManager mgr = i.filter().manager();
    FltIrql.check(mgr, i.filter(), name, Irql.DISPATCH_LEVEL);
    if (cannotPost(data)) {
      return NtStatus.STATUS_FLT_NOT_SAFE_TO_POST_OPERATION;
    }
    if (i.isDying()) {
      return NtStatus.STATUS_FLT_DELETING_OBJECT;
    }
    item.markQueued(name);
    mgr.workQueue().queue(() -> runItem(mgr, i.filter(), "DeferredIoWorkItem", item, () -> routine.run(item, data, context)));
    return NtStatus.STATUS_SUCCESS;
  }

  static NtStatus queueGeneric(
      FltGenericWorkItem item, Object fltObject, GenericWorkItemRoutine routine, @Nullable Object context) {
    final String name = "FltQueueGenericWorkItem";
    FltFilter filter;
    FltInstance instance = null;
    if (fltObject instanceof FltInstance i) {
      instance = i;
      filter = i.filter();
    } else if (fltObject instanceof FltFilter f) {
      filter = f;
    } else {
      throw new IllegalArgumentException(name + ": fltObject must be a filter or an instance, not " + fltObject);
    }
    FilterManager mgr = filter.manager();
    FltIrql.check(mgr, filter, name, Irql.DISPATCH_LEVEL);
    if (instance != null && !instance.enterOperation()) {
      return NtStatus.STATUS_FLT_DELETING_OBJECT;
    }
    FltInstance held = instance;
    try {
      item.markQueued(name);
    } catch (RuntimeException e) {
      if (held != null) {
        held.exitOperation();
      }
      throw e;
    }
    mgr.workQueue().queue(() -> {
      try {
        runItem(mgr, filter, "GenericWorkItem", item, () -> routine.run(item, fltObject, context));
      } finally {
        if (held != null) {
          held.exitOperation();
        }
      }
    });
    return NtStatus.STATUS_SUCCESS;
  }

  private static void runItem(FilterManager mgr, FltFilter filter, String name, WorkItemState item, Runnable body) {
    Object token = mgr.enterCallback(name, filter);
    try {
      item.markDone(); // the routine may queue the item again, or free it
      body.run();
    } finally {
      mgr.exitCallback(token);
    }
  }

  static void free(WorkItemState item, String routine) {
    item.markFreed(routine);
  }
}
