package io.fsctx.fltmgr;

import io.fsctx.io.DeviceObject;
import io.fsctx.io.FileInformationClass;
import io.fsctx.io.FileObject;
import io.fsctx.io.IoStatus;
import io.fsctx.io.Irp;
import io.fsctx.io.IrpMajorFunction;
import io.fsctx.io.IrpParameters;
import io.fsctx.nt.BugCheckException;
import io.fsctx.nt.Irql;
import io.fsctx.nt.KeThread;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Filter Manager's filter device on one volume's stack (a "frame"): turns every IRP into {@link
 * FltCallbackData}, calls the attached instances' pre-operation callbacks in descending altitude,
 * sends the request down, and calls the post-operation callbacks in ascending altitude with the
 * completion contexts their pre-operation callbacks stored.
 *
 * <h2>Contracts enforced</h2>
 * <ul>
 *   <li>SUCCESS_WITH_CALLBACK or SYNCHRONIZE from a filter without a post-operation callback is bug
 *       check 0xF5/0x66.
 *   <li>A completion context stored with any other result is a contract violation ({@link
 *       IllegalStateException}); only a callback that will get its post-operation call may set one.
 *   <li>COMPLETE stops the request: nothing below it runs, and only the instances above it that
 *       asked for a post-operation call get one, with the status the filter set.
 *   <li>A callback must return with the thread's critical-region depth and held ERESOURCEs as it
 *       found them.
 *   <li>{@code FLTFL_OPERATION_REGISTRATION_SKIP_PAGING_IO} skips paging I/O.
 * </ul>
 *
 * <h2>Phases</h2>
 * Before IRP_MJ_CREATE reaches the file system the file object is unopened ({@code FsContext}
 * null), so file, stream and stream-handle contexts are unsupported in pre-create by
 * construction. After the file system has processed IRP_MJ_CLOSE the frame marks the file object
 * close-completed, so they are unsupported in post-close too, and after the post-close callbacks it
 * detaches the file object's stream-handle contexts. IRP_MJ_NETWORK_QUERY_OPEN carries an unopened
 * file object and so has no such contexts either.
 *
 * <h2>Filter-initiated I/O</h2>
 * A request a filter issues through an instance ({@code FltReadFile}, {@code FltCreateFile} with an
 * instance, …) starts below that instance: the instance itself and every instance above it never
 * see it. The frame knows where to start from the request itself ({@link #issue}, for requests
 * Filter Manager builds), from its private extra create parameter ({@link CreateTarget}) on a
 * filter-initiated create, and for every later request on a file object such a create opened,
 * cleanup and close included, from the instance the volume remembers for that file object.
 *
 * <h2>Status changes on the way up</h2>
 * A post-operation callback may change the operation's status (a post-create that cancels the
 * open with {@code FltCancelFileOpen} fails it); the instances above it and the caller see the
 * changed status.
 *
 * <p>The model is synchronous: SYNCHRONIZE and SUCCESS_WITH_CALLBACK both run the post-operation
 * callback in the calling thread, and posts of an instance being torn down carry {@code
 * FLTFL_POST_OPERATION_DRAINING}. The transaction in every callback's {@code FLT_RELATED_OBJECTS}
 * is the file object's ({@code FileObject.transaction()}). A bug check raised by a filter's
 * callback is recorded as a {@link VerifierFinding.Kind#BUG_CHECK_IN_CALLBACK} finding before it
 * propagates.
 * Issue 13: a request completed at DPC ({@link DpcCompletion})
 * runs SUCCESS_WITH_CALLBACK post-operation callbacks at DISPATCH_LEVEL; a pended pre- or
 * post-operation ({@code FLT_PREOP_PENDING}, {@code FLT_POSTOP_MORE_PROCESSING_REQUIRED}) makes
 * the calling thread wait for its completion from any thread ({@link PendedOperations}), holding
 * the instance's operation entry, so instance teardown waits for it.
 *
 * <h2>Operations in flight (issue 18)</h2>
 * Before calling an instance's pre-operation callback (or queueing its post-operation callback)
 * the frame enters an operation on the instance ({@link FltInstance#enterOperation()}, one atomic
 * add) and leaves it when the instance is done with the request, on every path, exceptions
 * included; an instance whose teardown has begun refuses the entry and is passed over. Instance
 * teardown waits for these. (Closes need no count of their own: the file system's teardown of a
 * stream is judged when its header is freed, by the kernel's FileSystemVerifier, never by a
 * snapshot at dismount, so a dismount racing a last close has nothing to wait for.)
 *
 * <p>Thread safety: safe for concurrent use; no lock is held while a callback runs.
 */
final class FltFrame extends DeviceObject {
  private final FltVolume volume;

  FltFrame(String id, FltVolume volume) {
    super(id);
    this.volume = volume;
  }

  /**
   * A post-operation call due. {@code synchronize}: the pre-operation callback returned
   * SYNCHRONIZE, so the post-operation callback runs at the originating thread's IRQL even when
   * the request completes at DPC (issue 13).
   */
  // A stack linked through "next" (the post to call after this one, whose pre-operation callback
  // ran before): a request builds no collection for its posts, issue 14.
  private record Pending(
      FltInstance instance,
      PostOperationCallback post,
      @Nullable Object completionContext,
      boolean synchronize,
      @Nullable FltRelatedObjects objects,
      @Nullable Pending next) {}

  /**
   * Filter Manager's private extra create parameter on a filter-initiated create: the instance
   * that issued it, below which the create (and every later request on its file object) starts.
   *
   * @param instance the issuing instance
   */
  record CreateTarget(FltInstance instance) {}

  @Override
  public NtStatus dispatch(Irp irp) {
    return dispatchFrom(irp, startFor(irp));
  }

  /** Where a request that reached the frame through the device stack starts: null for the top. */
  private @Nullable FltInstance startFor(Irp irp) {
    FileObject fo = irp.fileObject();
    if (irp.majorFunction() == IrpMajorFunction.CREATE && irp.parameters() instanceof IrpParameters.Create c) {
      CreateTarget t = c.extraCreateParameters().isEmpty() ? null : c.extraCreateParameters().find(CreateTarget.class);
      if (t == null) {
        return null;
      }
      if (fo != null) {
        volume.rememberTopInstance(fo, t.instance());
      }
      return t.instance();
    }
    return fo == null ? null : volume.topInstanceOf(fo);
  }

  /**
   * Sends a request Filter Manager built for a filter ({@code FltReadFile}, {@code
   * FltQueryInformationFile}, …) to the instances below {@code below} and then the file system,
   * marking the thread as serving it.
   *
   * @param irp the request
   * @param below the issuing instance, or null for every instance
   * @return the final status
   */
  NtStatus issue(Irp irp, @Nullable FltInstance below) {
    Object previous = KeThread.enterRequest(irp);
    try {
      NtStatus st = dispatchFrom(irp, below);
      if (irp.ioStatus() == null) {
        irp.complete(st, 0);
      }
      return st;
    } finally {
      KeThread.exitRequest(previous);
    }
  }

  /**
   * {@code FltCancelFileOpen}: the file system completed the create successfully, and the instance
   * undoes it: cleanup and close go to the instances below it and the file system, so below it the
   * file was opened and closed, and the file object is marked cancelled, so above it, and for its
   * caller, the create failed.
   */
  void cancelOpen(FltInstance canceller, FileObject fo, io.fsctx.io.Volume ioVolume) {
    fo.setFlags(FileObject.FO_FILE_OPEN_CANCELLED);
    io.fsctx.nt.IdSource ids = ioVolume.ioManager().ids();
    issue(new Irp("Irp#" + ids.nextNumber("Irp"), IrpMajorFunction.CLEANUP, 0, fo, IrpParameters.NONE, 0), canceller);
    fo.setFlags(FileObject.FO_CLEANUP_COMPLETE);
    issue(new Irp("Irp#" + ids.nextNumber("Irp"), IrpMajorFunction.CLOSE, 0, fo, IrpParameters.NONE, 0), canceller);
  }

  private NtStatus dispatchFrom(Irp irp, @Nullable FltInstance below) {
    IrpMajorFunction major = irp.majorFunction();
    FileObject fo = irp.fileObject();
    if (!anyCallbackFor(major, irp, below)) {
      return passDown(irp, major, fo);
    }
    FltCallbackData data =
        new FltCallbackData(
            major.code(),
            irp.minorFunction(),
            irp.flags(),
            operationFlags(irp),
            fo,
            irp.parameters(),
            FltCallbackData.FLTFL_CALLBACK_DATA_IRP_OPERATION);
    String[] names = CALLBACK_NAMES.get(major);
    DataScan.notifyConflicts(volume.instancesView(), data, fo); // issue 13: before any pre-operation callback
    // Most requests pass one or two instances; the stack is made only when a post is due. Every
    // Pending holds an operation entry on its instance, left after its post-operation callback,
    // or in the finally below when the request ends early (an exception).
    Pending posts = null;
    try {
      NtStatus completed = null;
      List<FltInstance> instances = volume.instancesView();
      java.math.BigDecimal limit = below == null ? null : below.altitudeValue();
      for (FltInstance i : instances) {
        if (limit != null && i.altitudeValue().compareTo(limit) >= 0) {
          continue; // the issuer and everything above it never see a filter's own request
        }
        if (!i.receivesIo()) {
          continue;
        }
        FltOperationRegistration reg = i.filter().operation(major.code());
        if (reg == null || skips(reg, irp)) {
          continue;
        }
        PreOperationCallback pre = reg.preOperation();
        PostOperationCallback post = reg.postOperation();
        if ((pre == null && post == null) || !i.enterOperation()) {
          continue; // nothing to call, or the instance's teardown has begun
        }
        if (pre == null) {
          posts = new Pending(i, post, null, false, null, posts);
          continue;
        }
        boolean postDue = false;
        try {
          data.iopb().setTargetInstance(i);
          Out<Object> cc = new Out<>();
          FltRelatedObjects objects = related(i, fo);
          FltPreopCallbackStatus st = callPre(i, pre, data, objects, cc, names[0]);
          Object context = cc.get();
          if (st == FltPreopCallbackStatus.PENDING) {
            // Issue 13: wait for FltCompletePendedPreOperation, then go on with what it gave.
            checkNoCompletionContext(i, names[0], st, context);
            PendedOperations.Completion c = awaitPended(data, PendedOperations.Phase.PRE);
            st = java.util.Objects.requireNonNull(c.status());
            context = c.completionContext();
          } else {
            checkNotPended(data, PendedOperations.Phase.PRE, names[0]);
          }
          switch (st) {
            case SUCCESS_WITH_CALLBACK, SYNCHRONIZE -> {
              if (post == null) {
                String msg = i.filter().name() + " returned " + st + " from " + names[0]
                    + " but registered no post-operation callback for it";
                report(VerifierFinding.Kind.POST_CALLBACK_MISSING, i, msg);
                throw new BugCheckException(BugCheckException.FLTMGR_FILE_SYSTEM, 0x66, msg, null);
              }
              posts = new Pending(i, post, context, st == FltPreopCallbackStatus.SYNCHRONIZE, objects, posts);
              postDue = true;
            }
            case SUCCESS_NO_CALLBACK, DISALLOW_FASTIO -> checkNoCompletionContext(i, names[0], st, context);
            case COMPLETE -> {
              checkNoCompletionContext(i, names[0], st, context);
              completed = data.ioStatus();
            }
            case PENDING ->
                throw new IllegalStateException("FltCompletePendedPreOperation never completes with PENDING");
          }
        } finally {
          if (!postDue) {
            i.exitOperation();
          }
        }
        if (completed != null) {
          break;
        }
      }
      if (completed != null) {
        irp.complete(completed, data.ioInformation());
      } else {
        NtStatus result = callLowerDriver(irp);
        IoStatus ios = irp.ioStatus();
        data.setIoStatus(ios == null ? result : ios.status(), ios == null ? 0 : ios.information());
      }
      NtStatus beforePosts = data.ioStatus();
      long informationBeforePosts = data.ioInformation();
      completedBelow(irp, major, fo, beforePosts);
      // Issue 13: a request completed at DPC calls its post-operation callbacks at DISPATCH_LEVEL,
      // except SYNCHRONIZE'd ones and post-create (see DpcCompletion).
      boolean atDpc = DpcCompletion.active() && major != IrpMajorFunction.CREATE;
      while (posts != null) {
        Pending p = posts;
        posts = p.next();
        try {
          data.iopb().setTargetInstance(p.instance());
          int flags = p.instance().isDying() ? PostOperationCallback.FLTFL_POST_OPERATION_DRAINING : 0;
          Irql before = atDpc && !p.synchronize() ? Irql.raise(Irql.DISPATCH_LEVEL) : null;
          FltPostopCallbackStatus ps;
          try {
            ps = callPost(p, data, fo, flags, names[1]);
          } finally {
            if (before != null) {
              Irql.lower(before);
            }
          }
          if (ps == FltPostopCallbackStatus.MORE_PROCESSING_REQUIRED) {
            // Issue 13: the instance stays entered until FltCompletePendedPostOperation.
            if (flags != 0) {
              throw new IllegalStateException(p.instance().filter().name() + " " + names[1]
                  + " returned FLT_POSTOP_MORE_PROCESSING_REQUIRED while draining: a draining post-operation must finish");
            }
            awaitPended(data, PendedOperations.Phase.POST);
          } else {
            checkNotPended(data, PendedOperations.Phase.POST, names[1]);
          }
        } finally {
          p.instance().exitOperation();
        }
      }
      if (!data.ioStatus().equals(beforePosts) || data.ioInformation() != informationBeforePosts) {
        irp.complete(data.ioStatus(), data.ioInformation()); // changed on the way up: the caller sees it
      }
    } finally {
      data.markEnded();
      if (posts != null) {
        for (Pending p = posts; p != null; p = p.next()) {
          p.instance().exitOperation(); // the request ended before these post-operation calls
        }
      }
    }
    checkNotPended(data); // issue 13: nothing completed that was not pended
    ended(major, fo, data.ioStatus());
    return data.ioStatus();
  }

  /**
   * Whether any instance this request passes has a callback for it, or a section whose writers
   * it must notify. When none has, Filter Manager sends the request on without building callback
   * data, as it does for a major function no instance on the volume registered for (most reads,
   * writes and queries under CTX, issue 14). A snapshot: an instance attaching meanwhile sees the
   * next request.
   */
  private boolean anyCallbackFor(IrpMajorFunction major, Irp irp, @Nullable FltInstance below) {
    java.math.BigDecimal limit = below == null ? null : below.altitudeValue();
    for (FltInstance i : volume.instancesView()) {
      if (i.dataScan().hasSections()) {
        return true; // DataScan.notifyConflicts decides with the callback data
      }
      if (limit != null && i.altitudeValue().compareTo(limit) >= 0) {
        continue;
      }
      FltOperationRegistration reg = i.filter().operation(major.code());
      if (reg != null && !skips(reg, irp) && (reg.preOperation() != null || reg.postOperation() != null)
          && i.receivesIo()) {
        return true;
      }
    }
    return false;
  }

  /** A request no instance has a callback for: straight to the file system, then the frame's own bookkeeping. */
  private NtStatus passDown(Irp irp, IrpMajorFunction major, @Nullable FileObject fo) {
    NtStatus result = callLowerDriver(irp);
    IoStatus ios = irp.ioStatus();
    NtStatus status = ios == null ? result : ios.status();
    completedBelow(irp, major, fo, status);
    ended(major, fo, status);
    return status;
  }

  /** What Filter Manager notes when the file system has completed a request, before any post-operation callback. */
  private void completedBelow(Irp irp, IrpMajorFunction major, @Nullable FileObject fo, NtStatus status) {
    if (major == IrpMajorFunction.CLOSE && fo != null) {
      fo.markCloseCompleted();
    }
    if (major == IrpMajorFunction.SET_INFORMATION && status.isSuccess() && changesNames(irp)) {
      volume.invalidateNameCache();
    }
  }

  /** What Filter Manager forgets when a request has ended: a closed file object's state, or a failed create's. */
  private void ended(IrpMajorFunction major, @Nullable FileObject fo, NtStatus status) {
    if (major == IrpMajorFunction.CLOSE && fo != null) {
      InstanceFileContexts.fileObjectClosed(volume, fo);
      volume.forgetNames(fo);
      volume.forgetTopInstance(fo);
    } else if (major == IrpMajorFunction.CREATE && fo != null && (fo.fsContext() == null || !status.isSuccess())) {
      // A failed or reparsed create never gets IRP_MJ_CLOSE; names cached for it in pre-create
      // would otherwise stay for the life of the volume.
      volume.forgetNames(fo);
      volume.forgetTopInstance(fo);
    }
  }

  /** The objects a callback of {@code i} is given for a request on {@code fo}. */
  private FltRelatedObjects related(FltInstance i, @Nullable FileObject fo) {
    return new FltRelatedObjects(i.filter(), volume, i, fo, fo == null ? null : fo.transaction());
  }

  private FltPreopCallbackStatus callPre(
      FltInstance i, PreOperationCallback pre, FltCallbackData data, FltRelatedObjects objects, Out<Object> cc,
      String cb) {
    FilterManager mgr = volume.manager();
    KeThread.State thread = KeThread.current(); // one look-up for the three fields checked after
    int depth = thread.criticalRegionDepth();
    int held = thread.resourcesHeld();
    Irql irql = thread.irql();
    Object token = mgr.enterOperationCallback(cb, i);
    FltPreopCallbackStatus st;
    try {
      st = pre.preOperation(data, objects, cc);
    } catch (BugCheckException e) {
      mgr.reportCallbackBugCheck(cb, i.filter(), i.id(), e);
      throw e;
    } finally {
      mgr.exitCallback(token);
    }
    checkBalance(thread, i, cb, depth, held);
    checkIrqlRestored(thread, i, cb, irql);
    if (st == null) {
      throw new IllegalStateException(i.filter().name() + " " + cb + " returned null");
    }
    return st;
  }

  private FltPostopCallbackStatus callPost(Pending p, FltCallbackData data, @Nullable FileObject fo, int flags, String cb) {
    FilterManager mgr = volume.manager();
    KeThread.State thread = KeThread.current(); // one look-up for the three fields checked after
    int depth = thread.criticalRegionDepth();
    int held = thread.resourcesHeld();
    Irql irql = thread.irql();
    Object token = mgr.enterOperationCallback(cb, p.instance());
    FltPostopCallbackStatus st;
    try {
      // Policy: the pre-operation's objects again, since they name the same filter, volume,
      // instance and file object, unless the file object's transaction changed in between;
      // one allocation fewer per filtered request with a post (issue 14). Filter Manager's
      // documentation promises a filter nothing about the structure's identity either way.
      FltRelatedObjects o = p.objects();
      if (o == null || o.transaction() != (fo == null ? null : fo.transaction())) {
        o = related(p.instance(), fo);
      }
      st = p.post().postOperation(data, o, p.completionContext(), flags);
    } catch (BugCheckException e) {
      mgr.reportCallbackBugCheck(cb, p.instance().filter(), p.instance().id(), e);
      throw e;
    } finally {
      mgr.exitCallback(token);
    }
    checkBalance(thread, p.instance(), cb, depth, held);
    checkIrqlRestored(thread, p.instance(), cb, irql);
    if (st == null) {
      throw new IllegalStateException(p.instance().filter().name() + " " + cb + " returned null");
    }
    return st;
  }

  /** Issue 13: the calling thread waits for the pended operation's completion (see PendedOperations). */
  private PendedOperations.Completion awaitPended(FltCallbackData data, PendedOperations.Phase phase) {
    return volume.manager().pended().await(data, phase);
  }

  private void checkNotPended(FltCallbackData data) {
    PendedOperations pended = volume.manager().pended();
    if (!pended.isEmpty()) {
      pended.checkNoneLeft(data);
    }
  }

  /** Issue 13: a completion for a callback that did not pend is the filter's mistake. */
  private void checkNotPended(FltCallbackData data, PendedOperations.Phase phase, String cb) {
    PendedOperations pended = volume.manager().pended();
    if (!pended.isEmpty()) {
      pended.checkNotCompletedEarly(data, phase, cb);
    }
  }

  private void report(VerifierFinding.Kind kind, FltInstance i, String msg) {
    volume.manager().verifier().report(new VerifierFinding(kind, i.filter().name(), i.id(), msg, null, null));
  }

  private void checkBalance(KeThread.State thread, FltInstance i, String cb, int depth, int held) {
    if (thread.criticalRegionDepth() != depth || thread.resourcesHeld() != held) {
      int d = thread.criticalRegionDepth() - depth;
      int r = thread.resourcesHeld() - held;
      String msg = i.filter().name() + " " + cb + " returned with " + r + " ERESOURCE acquisition(s) and " + d
          + " critical region(s) still held";
      report(VerifierFinding.Kind.RESOURCE_HELD_AT_CALLBACK_EXIT, i, msg);
      throw new IllegalStateException(msg);
    }
  }

  /**
   * Issue 13: a callback returns at the IRQL it was called at (a spin lock acquired in it is
   * released in it). The level is put back before the contract violation is thrown, so the
   * thread does not go on at the wrong IRQL.
   */
  private void checkIrqlRestored(KeThread.State thread, FltInstance i, String cb, Irql expected) {
    Irql now = thread.irql();
    if (now == expected) {
      return;
    }
    if (now.above(expected)) {
      Irql.lower(expected);
    } else {
      Irql.raise(expected);
    }
    String msg = i.filter().name() + " " + cb + " was called at " + expected + " and returned at " + now
        + " (a spin lock still held, or KeRaiseIrql/KeLowerIrql unpaired)";
    report(VerifierFinding.Kind.IRQL_NOT_RESTORED_AT_CALLBACK_EXIT, i, msg);
    throw new IllegalStateException(msg);
  }

  private void checkNoCompletionContext(
      FltInstance i, String preName, FltPreopCallbackStatus st, @Nullable Object context) {
    if (context != null) {
      String msg = i.filter().name() + " " + preName + " returned " + st + " with a non-null completion context "
          + context + ": a completion context may be set only when a post-operation callback will run";
      report(VerifierFinding.Kind.COMPLETION_CONTEXT_WITHOUT_POST, i, msg);
      throw new IllegalStateException(msg);
    }
  }

  private static boolean skips(FltOperationRegistration reg, Irp irp) {
    return (reg.flags() & FltOperationRegistration.FLTFL_OPERATION_REGISTRATION_SKIP_PAGING_IO) != 0 && irp.isPagingIo();
  }

  private static int operationFlags(Irp irp) {
    return irp.parameters() instanceof IrpParameters.Create c ? c.options().slFlags() : 0;
  }

  private static boolean changesNames(Irp irp) {
    if (!(irp.parameters() instanceof IrpParameters.SetInformation s)) {
      return false;
    }
    FileInformationClass c = s.informationClass();
    return c == FileInformationClass.FILE_RENAME_INFORMATION
        || c == FileInformationClass.FILE_RENAME_INFORMATION_EX
        || c == FileInformationClass.FILE_LINK_INFORMATION
        || c == FileInformationClass.FILE_LINK_INFORMATION_EX;
  }

  /** Pre and post callback names per major function, built once: this is on every request's path. */
  private static final java.util.EnumMap<IrpMajorFunction, String[]> CALLBACK_NAMES = callbackNames();

  private static java.util.EnumMap<IrpMajorFunction, String[]> callbackNames() {
    java.util.EnumMap<IrpMajorFunction, String[]> m = new java.util.EnumMap<>(IrpMajorFunction.class);
    for (IrpMajorFunction f : IrpMajorFunction.values()) {
      String n = operationName(f);
      m.put(f, new String[] {"Pre" + n, "Post" + n});
    }
    return m;
  }

  /** {@code CREATE} → {@code Create}, {@code SET_INFORMATION} → {@code SetInformation}. */
  static String operationName(IrpMajorFunction major) {
    StringBuilder sb = new StringBuilder();
    for (String part : com.google.common.base.Splitter.on('_').split(major.name())) {
      sb.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
    }
    return sb.toString();
  }
}
