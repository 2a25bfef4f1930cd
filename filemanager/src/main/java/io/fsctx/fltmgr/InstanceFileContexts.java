package io.fsctx.fltmgr;

import static io.fsctx.nt.NtStatus.STATUS_FLT_DELETING_OBJECT;
import static io.fsctx.nt.NtStatus.STATUS_NOT_FOUND;
import static io.fsctx.nt.NtStatus.STATUS_NOT_SUPPORTED;

import io.fsctx.fsrtl.AdvancedFcbHeader;
import io.fsctx.fsrtl.FsRtl;
import io.fsctx.fsrtl.PerFileContext;
import io.fsctx.fsrtl.PerFileContextSlot;
import io.fsctx.fsrtl.PerStreamContext;
import io.fsctx.io.FileObject;
import io.fsctx.nt.NtStatus;
import org.jspecify.annotations.Nullable;

/**
 * One instance's contexts on what a file object leads to: its stream contexts and stream-handle
 * contexts (on the stream's {@link StreamListCtrl}, found through the FCB header's FilterContexts
 * list) and its file contexts (on the file's {@link FileListCtrl} through the per-file slot, or
 * emulated on the stream where the file system has no slot). Split from {@link FltInstance},
 * which owns one and keeps the checks every context type shares, as {@link InstanceTransactions}
 * keeps the transaction contexts.
 *
 * <p>Thread safety: safe for concurrent use; sets and deletes serialize on the stores' monitors,
 * gets are lock-free.
 */
final class InstanceFileContexts {
  private final FltInstance instance;
  private final FilterManager manager;
  private final FltVolume volume;

  InstanceFileContexts(FltInstance instance, FilterManager manager, FltVolume volume) {
    this.instance = instance;
    this.manager = manager;
    this.volume = volume;
  }

  // ---- Resolution of file-object homes ------------------------------------------------------

  /** The header of an opened stream whose FCB supports filter contexts, or null. */
  static @Nullable AdvancedFcbHeader supportedHeader(@Nullable FileObject fo) {
    if (fo == null || fo.isCloseCompleted()) {
      return null;
    }
    return fo.fsContext() instanceof AdvancedFcbHeader h && h.supportsFilterContexts() ? h : null;
  }

  /** The control block on a header that {@link #supportedHeader} returned (so Flags2 is tested). */
  @Nullable StreamListCtrl findCtrl(AdvancedFcbHeader h) {
    PerStreamContext p = h.lookupPerStreamContextInternal(volume, null);
    return p instanceof StreamListCtrl c ? c : null;
  }

  /** Finds or creates the control block; null when FsRtl refuses it. */
  private @Nullable StreamListCtrl ctrlForSet(AdvancedFcbHeader h) {
    StreamListCtrl c = findCtrl(h);
    if (c != null && !c.isTornDown()) {
      return c;
    }
    synchronized (h) {
      c = findCtrl(h);
      if (c != null && !c.isTornDown()) {
        return c;
      }
      StreamListCtrl fresh = new StreamListCtrl(volume, h);
      // On the volume's list before it becomes findable through the header, so an instance
      // teardown walking the list cannot miss a block another thread is already setting into.
      volume.registerCtrl(fresh);
      if (!FsRtl.insertPerStreamContext(h, fresh).isSuccess()) {
        volume.forgetCtrl(fresh);
        return null;
      }
      return fresh;
    }
  }

  /** Whether file contexts on this file object are native (through the per-file slot). */
  static @Nullable PerFileContextSlot nativeFileSlot(@Nullable FileObject fo) {
    return supportedHeader(fo) == null ? null : FsRtl.getPerFileContextPointer(fo);
  }

  /** Whether Filter Manager emulates file contexts for this file object (no native slot). */
  boolean emulatesFileContexts(@Nullable FileObject fo) {
    return manager.config().emulateFileContexts()
        && !volume.supportsNamedStreams()
        && supportedHeader(fo) != null
        && nativeFileSlot(fo) == null;
  }

  private @Nullable FileListCtrl findFileCtrl(PerFileContextSlot slot) {
    PerFileContext p = FsRtl.lookupPerFileContext(slot, volume, null);
    return p instanceof FileListCtrl c ? c : null;
  }

  /**
   * The file's block for a set, made and inserted if needed: the {@link FileListCtrl}, or the
   * {@link NtStatus} of the failed insert (an object, not a result record, so the usual set
   * allocates nothing here, issue 14).
   */
  private Object fileCtrlForSet(PerFileContextSlot slot) {
    FileListCtrl c = findFileCtrl(slot);
    if (c != null && !c.isTornDown()) {
      return c;
    }
    synchronized (slot) {
      c = findFileCtrl(slot);
      if (c != null && !c.isTornDown()) {
        return c;
      }
      FileListCtrl fresh = new FileListCtrl(volume, slot);
      // On the volume's list before another thread can find it in the slot: an instance teardown
      // that snapshots the list after this set's instance check must see the block.
      volume.registerCtrl(fresh);
      NtStatus st = FsRtl.insertPerFileContext(slot, fresh);
      if (!st.isSuccess()) {
        volume.forgetCtrl(fresh);
        return st.equals(NtStatus.STATUS_INVALID_DEVICE_REQUEST) ? STATUS_NOT_SUPPORTED : st;
      }
      return fresh;
    }
  }

  /** Verifier: a set on a file object the file system has not opened yet (pre-create). */
  private void checkOpened(@Nullable FileObject fo, FltContext ctx, String routine) {
    if (fo != null && fo.fsContext() == null && !fo.isCloseCompleted()) {
      manager.verifier().report(
          VerifierFinding.Kind.SET_ON_UNOPENED_FILE_OBJECT,
          ctx,
          routine + " of " + ctx.describe() + " on " + fo + ", which is not opened yet (FsContext is NULL, e.g. in pre-create): "
              + "allocate in pre-create, pass the context through the completion context and set it in post-create");
    }
  }

  /**
   * What a stream or stream-handle set checks before it reaches the stream's block, and the
   * block: the {@link StreamListCtrl}, or the failed outcome to return (an object, as {@link
   * #fileCtrlForSet}'s, so the usual set allocates nothing here).
   */
  private Object streamCtrlForSet(
      @Nullable FileObject fo, @Nullable SetContextOperation op, FltContext ctx, FltContextType type, String routine) {
    if (instance.isDying()) {
      return FltInstance.fail(STATUS_FLT_DELETING_OBJECT);
    }
    AdvancedFcbHeader h = supportedHeader(fo);
    if (h == null) {
      ctx.checkNotFreed(routine);
      checkOpened(fo, ctx, routine);
      manager.events().publish(ContextEvent.Kind.SET_FAILED, routine, ctx, ctx.referenceCount(), STATUS_NOT_SUPPORTED);
      return FltInstance.fail(STATUS_NOT_SUPPORTED);
    }
    NtStatus t = instance.checkArgs(ctx, type, op, routine);
    if (!t.isSuccess()) {
      return FltInstance.fail(t);
    }
    StreamListCtrl c = ctrlForSet(h);
    return c != null ? c : FltInstance.fail(STATUS_NOT_SUPPORTED);
  }

  ContextStore.SetOutcome setStreamContextInternal(
      @Nullable FileObject fo, @Nullable SetContextOperation op, FltContext ctx, boolean wantOld, String routine) {
    Object found = streamCtrlForSet(fo, op, ctx, FltContextType.STREAM, routine);
    if (!(found instanceof StreamListCtrl c)) {
      return (ContextStore.SetOutcome) found;
    }
    return c.set(instance, instance, ctx, java.util.Objects.requireNonNull(op), wantOld, () -> instance.isDying() || c.isTornDown(), routine);
  }

  FltInstance.Got getStreamContextInternal(@Nullable FileObject fo, String routine) {
    AdvancedFcbHeader h = supportedHeader(fo);
    if (h == null) {
      return new FltInstance.Got(STATUS_NOT_SUPPORTED, null);
    }
    StreamListCtrl c = findCtrl(h);
    FltContext ctx = c == null ? null : c.get(instance, routine);
    return instance.got(ctx, routine);
  }

  ContextStore.SetOutcome deleteStreamContextInternal(@Nullable FileObject fo, boolean wantOld) {
    if (instance.isDying()) {
      return FltInstance.fail(STATUS_FLT_DELETING_OBJECT);
    }
    AdvancedFcbHeader h = supportedHeader(fo);
    if (h == null) {
      return FltInstance.fail(STATUS_NOT_SUPPORTED);
    }
    StreamListCtrl c = findCtrl(h);
    if (c == null) {
      return FltInstance.fail(STATUS_NOT_FOUND);
    }
    return c.delete(instance, wantOld, instance::isDying, "FltDeleteStreamContext");
  }

  ContextStore.SetOutcome setStreamHandleContextInternal(
      @Nullable FileObject fo, @Nullable SetContextOperation op, FltContext ctx, boolean wantOld, String routine) {
    Object found = streamCtrlForSet(fo, op, ctx, FltContextType.STREAMHANDLE, routine);
    if (!(found instanceof StreamListCtrl c)) {
      return (ContextStore.SetOutcome) found;
    }
    FileObject handle = java.util.Objects.requireNonNull(fo, "a stream's block was found through it");
    if (instance.isDying()) {
      return FltInstance.fail(STATUS_FLT_DELETING_OBJECT);
    }
    return c.handles().set(
        new StreamListCtrl.HandleKey(instance, handle), instance, ctx, java.util.Objects.requireNonNull(op), wantOld, () -> instance.isDying() || c.isTornDown(), routine);
  }

  FltInstance.Got getStreamHandleContextInternal(@Nullable FileObject fo, String routine) {
    AdvancedFcbHeader h = supportedHeader(fo);
    if (h == null || fo == null) {
      return new FltInstance.Got(STATUS_NOT_SUPPORTED, null);
    }
    StreamListCtrl c = findCtrl(h);
    ContextTable<StreamListCtrl.HandleKey> t = c == null ? null : c.handlesIfPresent();
    FltContext ctx = t == null ? null : t.get(new StreamListCtrl.HandleKey(instance, fo), routine);
    return instance.got(ctx, routine);
  }

  ContextStore.SetOutcome deleteStreamHandleContextInternal(@Nullable FileObject fo, boolean wantOld) {
    if (instance.isDying()) {
      return FltInstance.fail(STATUS_FLT_DELETING_OBJECT);
    }
    AdvancedFcbHeader h = supportedHeader(fo);
    if (h == null || fo == null) {
      return FltInstance.fail(STATUS_NOT_SUPPORTED);
    }
    StreamListCtrl c = findCtrl(h);
    ContextTable<StreamListCtrl.HandleKey> t = c == null ? null : c.handlesIfPresent();
    if (t == null) {
      return FltInstance.fail(STATUS_NOT_FOUND);
    }
    return t.delete(
        new StreamListCtrl.HandleKey(instance, fo), wantOld, instance::isDying, "FltDeleteStreamHandleContext");
  }

  ContextStore.SetOutcome setFileContextInternal(
      @Nullable FileObject fo, @Nullable SetContextOperation op, FltContext ctx, boolean wantOld, String routine) {
    if (instance.isDying()) {
      return FltInstance.fail(STATUS_FLT_DELETING_OBJECT);
    }
    PerFileContextSlot slot = nativeFileSlot(fo);
    boolean emulate = slot == null && emulatesFileContexts(fo);
    if (slot == null && !emulate) {
      ctx.checkNotFreed(routine);
      checkOpened(fo, ctx, routine);
      manager.events().publish(ContextEvent.Kind.SET_FAILED, routine, ctx, ctx.referenceCount(), STATUS_NOT_SUPPORTED);
      return FltInstance.fail(STATUS_NOT_SUPPORTED);
    }
    NtStatus t = instance.checkArgs(ctx, FltContextType.FILE, op, routine);
    if (!t.isSuccess()) {
      return FltInstance.fail(t);
    }
    if (slot != null) {
      Object r = fileCtrlForSet(slot);
      if (!(r instanceof FileListCtrl c)) {
        return FltInstance.fail((NtStatus) r);
      }
      if (instance.isDying()) {
        return FltInstance.fail(STATUS_FLT_DELETING_OBJECT);
      }
      return c.set(instance, instance, ctx, java.util.Objects.requireNonNull(op), wantOld, () -> instance.isDying() || c.isTornDown(), routine);
    }
    StreamListCtrl c = ctrlForSet(java.util.Objects.requireNonNull(supportedHeader(fo)));
    if (c == null) {
      return FltInstance.fail(STATUS_NOT_SUPPORTED);
    }
    if (instance.isDying()) {
      return FltInstance.fail(STATUS_FLT_DELETING_OBJECT);
    }
    return c.emulatedFiles().set(instance, instance, ctx, java.util.Objects.requireNonNull(op), wantOld, () -> instance.isDying() || c.isTornDown(), routine);
  }

  FltInstance.Got getFileContextInternal(@Nullable FileObject fo, String routine) {
    PerFileContextSlot slot = nativeFileSlot(fo);
    if (slot != null) {
      FileListCtrl c = findFileCtrl(slot);
      return instance.got(c == null ? null : c.get(instance, routine), routine);
    }
    if (!emulatesFileContexts(fo)) {
      return new FltInstance.Got(STATUS_NOT_SUPPORTED, null);
    }
    StreamListCtrl c = findCtrl(java.util.Objects.requireNonNull(supportedHeader(fo)));
    ContextTable<FltInstance> t = c == null ? null : c.emulatedFilesIfPresent();
    return instance.got(t == null ? null : t.get(instance, routine), routine);
  }

  ContextStore.SetOutcome deleteFileContextInternal(@Nullable FileObject fo, boolean wantOld) {
    PerFileContextSlot slot = nativeFileSlot(fo);
    if (slot != null) {
      FileListCtrl c = findFileCtrl(slot);
      return c == null ? FltInstance.fail(STATUS_NOT_FOUND) : c.delete(instance, wantOld, instance::isDying, "FltDeleteFileContext");
    }
    if (!emulatesFileContexts(fo)) {
      return FltInstance.fail(STATUS_NOT_SUPPORTED);
    }
    StreamListCtrl c = findCtrl(java.util.Objects.requireNonNull(supportedHeader(fo)));
    ContextTable<FltInstance> t = c == null ? null : c.emulatedFilesIfPresent();
    return t == null
        ? FltInstance.fail(STATUS_NOT_FOUND)
        : t.delete(instance, wantOld, instance::isDying, "FltDeleteFileContext");
  }

  /** IRP_MJ_CLOSE of a file object: its stream-handle contexts on this volume go. */
  static void fileObjectClosed(FltVolume volume, FileObject fo) {
    if (!(fo.fsContext() instanceof AdvancedFcbHeader h) || !h.supportsFilterContexts()) {
      return;
    }
    PerStreamContext p = h.lookupPerStreamContext(volume, null);
    if (p instanceof StreamListCtrl c) {
      c.detachFileObject(fo, "IRP_MJ_CLOSE");
    }
  }
}
