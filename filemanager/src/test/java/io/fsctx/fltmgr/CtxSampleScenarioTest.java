package io.fsctx.fltmgr;

import io.fsctx.nt.PoolType;
import static io.fsctx.nt.NtStatus.STATUS_FLT_CONTEXT_ALREADY_DEFINED;
import static io.fsctx.nt.NtStatus.STATUS_SUCCESS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.fltmgr.FltTestSupport.Fx;
import io.fsctx.fltmgr.testing.NoLiveContextsExtension;
import io.fsctx.fltmgr.testing.NoLiveContextsExtension.TrackedManagers;
import io.fsctx.io.FileObject;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import io.fsctx.tm.KTransaction;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * fltmgr.md 10.111–10.114: the CTX sample's context handling, ported line by line to the {@link
 * Flt} facade and driven by hand in place of the I/O frame (post-create, post-set-info rename,
 * close, FCB teardown, unload).
 */
@ExtendWith(NoLiveContextsExtension.class)
class CtxSampleScenarioTest {

  /** CTX_STREAM_CONTEXT: the name and CreateCount. */
  static final class CtxStreamContext {
    String fileName = "";
    int createCount;
  }

  /** The CTX find-or-create for stream and file contexts (KEEP, adopt the winner). */
  private static FltContext findOrCreate(FltInstance instance, FileObject fo, FltContextType type) {
    Out<FltContext> out = new Out<>();
    NtStatus st =
        type == FltContextType.STREAM
            ? Flt.getStreamContext(instance, fo, out)
            : Flt.getFileContext(instance, fo, out);
    if (st.isSuccess()) {
      return Objects.requireNonNull(out.get());
    }
    Out<FltContext> fresh = new Out<>();
    assertEquals(STATUS_SUCCESS, Flt.allocateContext(instance.filter(), type.code(), FltTestSupport.SIZE, PoolType.PAGED_POOL, fresh));
    Out<FltContext> old = new Out<>();
    st =
        type == FltContextType.STREAM
            ? Flt.setStreamContext(instance, fo, 1, fresh.get(), old)
            : Flt.setFileContext(instance, fo, 1, fresh.get(), old);
    if (st.equals(STATUS_FLT_CONTEXT_ALREADY_DEFINED)) {
      Flt.releaseContext(fresh.get());
      return Objects.requireNonNull(old.get());
    }
    assertEquals(STATUS_SUCCESS, st);
    return Objects.requireNonNull(fresh.get());
  }

  /** The CTX create-or-replace for stream-handle contexts (REPLACE, release the old one). */
  private static FltContext createOrReplaceHandle(FltInstance instance, FileObject fo) {
    Out<FltContext> fresh = new Out<>();
    assertEquals(STATUS_SUCCESS, Flt.allocateContext(instance.filter(), 0x10, FltTestSupport.SIZE, PoolType.PAGED_POOL, fresh));
    Out<FltContext> old = new Out<>();
    assertEquals(STATUS_SUCCESS, Flt.setStreamHandleContext(instance, fo, 0, fresh.get(), old));
    if (old.get() != null) {
      Flt.releaseContext(old.get());
    }
    return Objects.requireNonNull(fresh.get());
  }

  /** CtxPostCreate: stream (CreateCount++), stream-handle and file contexts, all released on return. */
  private static void postCreate(FltInstance instance, FileObject fo) {
    FltContext stream = findOrCreate(instance, fo, FltContextType.STREAM);
    FltContext handle = createOrReplaceHandle(instance, fo);
    FltContext file = findOrCreate(instance, fo, FltContextType.FILE);
    CtxStreamContext sc = stream.payload(CtxStreamContext.class);
    synchronized (sc) {
      sc.createCount++;
      sc.fileName = fo.fileName();
    }
    Flt.releaseContext(file);
    Flt.releaseContext(handle);
    Flt.releaseContext(stream);
  }

  private static FltRegistration.Builder ctxRegistration(FltTestSupport.Recorder rec) {
    List<FltContextRegistration> regs =
        List.of(
            FltContextRegistration.of(FltContextType.INSTANCE, 0, rec::cleanup, FltTestSupport.SIZE, FltTestSupport.TAG, null),
            FltContextRegistration.of(FltContextType.STREAM, 0, rec::cleanup, FltTestSupport.SIZE, FltTestSupport.TAG, n -> new CtxStreamContext()),
            FltContextRegistration.of(FltContextType.STREAMHANDLE, 0, rec::cleanup, FltTestSupport.SIZE, FltTestSupport.TAG, null),
            FltContextRegistration.of(FltContextType.FILE, 0, rec::cleanup, FltTestSupport.SIZE, FltTestSupport.TAG, null),
            FltContextRegistration.END);
    return FltTestSupport.allTypesRegistration(rec, WindowsVersion.WIN11)
        .contextRegistration(regs)
        .instanceSetupCallback(
            (o, flags, deviceType, fs) -> {
              Out<FltContext> c = new Out<>();
              assertEquals(STATUS_SUCCESS, Flt.allocateContext(o.filter(), 0x2, FltTestSupport.SIZE, PoolType.NON_PAGED_POOL, c));
              Flt.setInstanceContext(Objects.requireNonNull(o.instance()), 1, c.get(), null);
              Flt.releaseContext(c.get());
              return STATUS_SUCCESS;
            });
  }

  @Test
  @DisplayName("fltmgr.md 10.111-10.114: CTX open, re-open, rename, close, FCB teardown and unload leave the documented counts and no live context")
  void ctxScenario_openReopenRenameCloseUnload(TrackedManagers managers) {
    FilterManager mgr = managers.create(FltTestSupport.quickUnload().build());
    FltTestSupport.Recorder rec = new FltTestSupport.Recorder();
    Out<FltFilter> f = new Out<>();
    assertEquals(STATUS_SUCCESS, Flt.registerFilter(mgr, DriverObject.of("Ctx", "370070"), ctxRegistration(rec).build(), f));
    FltFilter filter = Objects.requireNonNull(f.get());
    FltVolume volume = mgr.mountBareVolume("\\Device\\HarddiskVolume2", "NTFS", true);
    assertEquals(STATUS_SUCCESS, Flt.startFiltering(filter));
    FltInstance instance = volume.instances().get(0);
    FltTestSupport.Stream file = FltTestSupport.stream(FltTestSupport.StreamKind.PER_FILE_SLOT);

    // 10.111: first open.
    FileObject fo1 = file.fo;
    postCreate(instance, fo1);
    FltContext stream = FltTestSupport.Kind.STREAM.getOk(new FltTestSupport.Target(instance, volume, fo1, new KTransaction("Tx#0")));
    FltContext handle1 = FltTestSupport.Kind.STREAMHANDLE.getOk(new FltTestSupport.Target(instance, volume, fo1, new KTransaction("Tx#0")));
    FltContext fileCtx = FltTestSupport.Kind.FILE.getOk(new FltTestSupport.Target(instance, volume, fo1, new KTransaction("Tx#0")));
    for (FltContext c : List.of(stream, handle1, fileCtx)) {
      Flt.releaseContext(c);
      assertEquals(1, c.referenceCount(), () -> c + " holds only its link after post-create");
    }
    assertEquals(1, stream.payload(CtxStreamContext.class).createCount);

    // 10.112: re-open, same stream and file contexts, a new handle context.
    FileObject fo2 = file.open();
    postCreate(instance, fo2);
    assertEquals(2, stream.payload(CtxStreamContext.class).createCount);
    Out<FltContext> out = new Out<>();
    assertEquals(STATUS_SUCCESS, Flt.getFileContext(instance, fo2, out));
    assertSame(fileCtx, out.get());
    Flt.releaseContext(out.get());
    assertEquals(STATUS_SUCCESS, Flt.getStreamHandleContext(instance, fo2, out));
    FltContext handle2 = Objects.requireNonNull(out.get());
    assertNotSame(handle1, handle2);
    Flt.releaseContext(handle2);

    // 10.113: rename through fo1 (post-set-info): handle context replaced, stream name updated.
    fo1.setFileName("\\renamed.txt");
    FltContext handle1b = createOrReplaceHandle(instance, fo1);
    Flt.releaseContext(handle1b);
    assertEquals(FltContext.State.FREED, handle1.state());
    assertEquals(1, rec.cleanupsOf(handle1));
    assertEquals(STATUS_SUCCESS, Flt.getStreamContext(instance, fo1, out));
    out.get().payload(CtxStreamContext.class).fileName = fo1.fileName();
    Flt.releaseContext(out.get());
    assertEquals("\\renamed.txt", stream.payload(CtxStreamContext.class).fileName);

    // 10.114: close both handles, tear the FCB down, unload.
    InstanceFileContexts.fileObjectClosed(volume, fo1);
    InstanceFileContexts.fileObjectClosed(volume, fo2);
    assertEquals(1, rec.cleanupsOf(handle1b));
    assertEquals(1, rec.cleanupsOf(handle2));
    file.teardown(true);
    assertEquals(1, rec.cleanupsOf(stream));
    assertEquals(1, rec.cleanupsOf(fileCtx));
    Flt.unregisterFilter(filter);
    UnloadReport report = Objects.requireNonNull(filter.unloadReport());
    assertTrue(report.clean(), report::format);
    List<String> log = rec.logSnapshot();
    int complete = log.indexOf("TeardownComplete:" + instance.id());
    int instanceCleanup = -1;
    for (int i = 0; i < log.size(); i++) {
      if (log.get(i).startsWith("Cleanup:INSTANCE:")) {
        instanceCleanup = i;
      }
    }
    assertTrue(complete >= 0 && complete < instanceCleanup, log::toString);
    assertEquals(3 + 1 + 1 + 1, rec.totalCleanups(), log::toString);
    assertEquals(List.of(), mgr.liveContexts());
    assertEquals(List.of(), rec.problems);
  }
}
