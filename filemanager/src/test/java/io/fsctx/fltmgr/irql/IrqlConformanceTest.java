package io.fsctx.fltmgr.irql;

import io.fsctx.fltmgr.ContextCleanupCallback;
import io.fsctx.fltmgr.DpcCompletion;
import io.fsctx.fltmgr.Flt;
import io.fsctx.fltmgr.FltContext;
import io.fsctx.fltmgr.FltContextRegistration;
import io.fsctx.fltmgr.FltContextType;
import io.fsctx.fltmgr.FltInstance;
import io.fsctx.fltmgr.FltOperationRegistration;
import io.fsctx.fltmgr.FltPostopCallbackStatus;
import io.fsctx.fltmgr.FltPreopCallbackStatus;
import io.fsctx.fltmgr.FltRegistration;
import io.fsctx.fltmgr.FltRelatedContexts;
import io.fsctx.fltmgr.FltRelatedObjects;
import io.fsctx.fltmgr.PostOperationCallback;
import io.fsctx.fltmgr.PreOperationCallback;
import io.fsctx.fltmgr.VerifierFinding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.fltmgr.testing.FilterHarness;
import io.fsctx.io.FileObject;
import io.fsctx.io.IrpMajorFunction;
import io.fsctx.modelfs.NtfsLikeFileSystem;
import io.fsctx.nt.BugCheckException;
import io.fsctx.nt.Irql;
import io.fsctx.nt.KSpinLock;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import io.fsctx.nt.PoolType;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * IRQL (issue 13): requests completed at DPC, the routines' maximum IRQL, deferred frees and
 * paged-pool contexts at DISPATCH_LEVEL (fltmgr.md 5.1–5.5, assertions 74 and 75).
 */
class IrqlConformanceTest {
  private static final int TAG = FltContextRegistration.tag("IrqT");

  /** What the probe filter's post-read callback does with the stream context. */
  enum PostRead {
    /** Releases the reference its pre-read took (allowed at DISPATCH_LEVEL). */
    RELEASE_ONLY,
    /** Looks the stream context up again (FltGetStreamContext: APC_LEVEL at most). */
    GET_AGAIN
  }

  private final List<Irql> postReadLevels = new CopyOnWriteArrayList<>();
  private final List<String> cleanups = new CopyOnWriteArrayList<>();
  private final Map<String, Irql> cleanupLevels = new ConcurrentHashMap<>();
  private final Map<String, Thread> cleanupThreads = new ConcurrentHashMap<>();
  private FilterHarness h;

  @AfterEach
  void tearDown() {
    if (h != null) {
      h.close();
      h.manager().awaitWorkItems();
      h.assertNoProblems();
    }
  }

  /**
   * A filter with a stream context set in post-create, referenced in pre-read and handed to
   * post-read as the completion context.
   */
  private FltRegistration probe(PostRead post, PoolType pool, FltPreopCallbackStatus preStatus) {
    ContextCleanupCallback cleanup = (c, t) -> {
      cleanups.add(c.id());
      cleanupLevels.put(c.id(), Irql.current());
      cleanupThreads.put(c.id(), Thread.currentThread());
    };
    PostOperationCallback postCreate = (d, o, cc, f) -> {
      if (d.ioStatus().isSuccess()) {
        Out<FltContext> ctx = new Out<>();
        assertEquals(NtStatus.STATUS_SUCCESS,
            Flt.allocateContext(o.filter(), FltContextType.STREAM.code(), 16, pool, ctx));
        Flt.setStreamContext(o.instance(), o.fileObject(), 1, ctx.get(), null);
        Flt.releaseContext(ctx.get());
      }
      return FltPostopCallbackStatus.FINISHED_PROCESSING;
    };
    PreOperationCallback preRead = (d, o, cc) -> {
      Out<FltContext> ctx = new Out<>();
      if (Flt.getStreamContext(o.instance(), o.fileObject(), ctx).isSuccess()) {
        cc.set(ctx.get());
        return preStatus;
      }
      return FltPreopCallbackStatus.SUCCESS_NO_CALLBACK;
    };
    PostOperationCallback postRead = (d, o, cc, f) -> {
      postReadLevels.add(Irql.current());
      if (post == PostRead.GET_AGAIN) {
        Out<FltContext> again = new Out<>();
        if (Flt.getStreamContext(o.instance(), o.fileObject(), again).isSuccess()) {
          Flt.releaseContext(again.get());
        }
      }
      Flt.releaseContext((FltContext) cc);
      return FltPostopCallbackStatus.FINISHED_PROCESSING;
    };
    return FltRegistration.builder()
        .contextRegistration(FltContextRegistration.of(FltContextType.STREAM, 0, cleanup, 16, TAG, null))
        .operationRegistration(
            new FltOperationRegistration(IrpMajorFunction.CREATE.code(), 0, null, postCreate),
            new FltOperationRegistration(IrpMajorFunction.READ.code(), 0, preRead, postRead))
        .build();
  }

  private FileObject startAndOpen(FltRegistration reg) {
    h = FilterHarness.on(new NtfsLikeFileSystem());
    h.start("IrqlProbe", "370000", reg);
    return h.open("\\a.txt");
  }

  private List<VerifierFinding> findings(VerifierFinding.Kind kind) {
    return h.manager().verifierFindings().stream().filter(f -> f.kind() == kind).toList();
  }

  @Test
  @DisplayName("issue 13: a request completed at DPC calls SUCCESS_WITH_CALLBACK post-operation callbacks at DISPATCH_LEVEL; otherwise at PASSIVE")
  void postOperation_completedAtDpc_runsAtDispatch() {
    FileObject fo = startAndOpen(probe(PostRead.RELEASE_ONLY, PoolType.NON_PAGED_POOL, FltPreopCallbackStatus.SUCCESS_WITH_CALLBACK));
    h.read(fo, 0, 10);
    try (DpcCompletion dpc = DpcCompletion.begin()) {
      h.read(fo, 0, 10);
      assertEquals(Irql.PASSIVE_LEVEL, Irql.current(), "the frame lowers the IRQL after the post-operation callbacks");
    }
    assertEquals(List.of(Irql.PASSIVE_LEVEL, Irql.DISPATCH_LEVEL), postReadLevels);
    h.close(fo);
  }

  @Test
  @DisplayName("issue 13: SYNCHRONIZE keeps the post-operation callback at the originating thread's level, and post-create stays at PASSIVE, even at DPC")
  void postOperation_synchronizeAndCreate_stayPassive() {
    FltRegistration reg = probe(PostRead.GET_AGAIN, PoolType.NON_PAGED_POOL, FltPreopCallbackStatus.SYNCHRONIZE);
    h = FilterHarness.on(new NtfsLikeFileSystem());
    h.start("IrqlProbe", "370000", reg);
    FileObject fo;
    try (DpcCompletion dpc = DpcCompletion.begin()) {
      fo = h.open("\\a.txt");
      h.read(fo, 0, 10);
    }
    assertEquals(List.of(Irql.PASSIVE_LEVEL), postReadLevels);
    assertEquals(List.of(), findings(VerifierFinding.Kind.ROUTINE_ABOVE_MAX_IRQL), "post-create set a context at PASSIVE");
    h.close(fo);
  }

  @Test
  @DisplayName("issue 13 done-when: FltGetStreamContext in a post-operation callback at DISPATCH_LEVEL is a finding naming the routine, the IRQL and the call site")
  void getStreamContext_postOpAtDispatch_reported() {
    FileObject fo = startAndOpen(probe(PostRead.GET_AGAIN, PoolType.NON_PAGED_POOL, FltPreopCallbackStatus.SUCCESS_WITH_CALLBACK));
    try (DpcCompletion dpc = DpcCompletion.begin()) {
      h.read(fo, 0, 10);
      h.read(fo, 0, 10);
    }
    List<VerifierFinding> f = findings(VerifierFinding.Kind.ROUTINE_ABOVE_MAX_IRQL);
    assertEquals(1, f.size(), () -> "one finding per call site: " + f);
    String msg = f.get(0).message();
    assertTrue(msg.startsWith("FltGetStreamContext called at DISPATCH_LEVEL, above its documented maximum APC_LEVEL"), msg);
    assertTrue(msg.contains("IrqlConformanceTest"), () -> "the call site: " + msg);
    assertTrue(msg.contains("in PostRead"), msg);
    assertEquals("IrqlProbe", f.get(0).culprit());
    h.close(fo);
    h.manager().clearVerifierFindings();
  }

  @Test
  @DisplayName("issue 13 done-when: a post-operation callback at DISPATCH_LEVEL that only releases (nonpaged) gets no finding")
  void releaseContext_postOpAtDispatch_notReported() {
    FileObject fo = startAndOpen(probe(PostRead.RELEASE_ONLY, PoolType.NON_PAGED_POOL, FltPreopCallbackStatus.SUCCESS_WITH_CALLBACK));
    try (DpcCompletion dpc = DpcCompletion.begin()) {
      h.read(fo, 0, 10);
    }
    assertEquals(List.of(Irql.DISPATCH_LEVEL), postReadLevels);
    assertEquals(List.of(), h.manager().verifierFindings());
    h.close(fo);
  }

  @Test
  @DisplayName("fltmgr.md 10.74: the last release at DISPATCH_LEVEL defers cleanup and free to a worker; the cleanup callback runs at or below APC_LEVEL")
  void releaseContext_lastAtDispatch_defersCleanupToWorker() {
    FileObject fo = startAndOpen(probe(PostRead.RELEASE_ONLY, PoolType.NON_PAGED_POOL, FltPreopCallbackStatus.SUCCESS_WITH_CALLBACK));
    h.close(fo);
    Out<FltContext> ctx = new Out<>();
    assertEquals(NtStatus.STATUS_SUCCESS,
        Flt.allocateContext(h.filter(), FltContextType.STREAM.code(), 16, PoolType.NON_PAGED_POOL, ctx));
    FltContext c = ctx.get();
    Irql old = Irql.raise(Irql.DISPATCH_LEVEL);
    try {
      Flt.releaseContext(c);
    } finally {
      Irql.lower(old);
    }
    assertEquals(List.of(), h.manager().awaitWorkItems());
    assertEquals(FltContext.State.FREED, c.state());
    assertTrue(cleanups.contains(c.id()));
    assertEquals(Irql.PASSIVE_LEVEL, cleanupLevels.get(c.id()));
    assertNotEquals(Thread.currentThread(), cleanupThreads.get(c.id()), "freed by a worker thread");
  }

  @Test
  @DisplayName("fltmgr.md 10.74: the last release at PASSIVE_LEVEL frees at once, in the releasing thread")
  void releaseContext_lastAtPassive_freesAtOnce() {
    FileObject fo = startAndOpen(probe(PostRead.RELEASE_ONLY, PoolType.PAGED_POOL, FltPreopCallbackStatus.SUCCESS_WITH_CALLBACK));
    h.close(fo);
    Out<FltContext> ctx = new Out<>();
    Flt.allocateContext(h.filter(), FltContextType.STREAM.code(), 16, PoolType.PAGED_POOL, ctx);
    Flt.releaseContext(ctx.get());
    assertEquals(FltContext.State.FREED, ctx.get().state());
  }

  @Test
  @DisplayName("fltmgr.md 10.75: releasing or referencing a paged-pool context at DISPATCH_LEVEL is a contract violation (bug check 0xA), reported, count unchanged")
  void releaseContext_pagedAtDispatch_throws() {
    FileObject fo = startAndOpen(probe(PostRead.RELEASE_ONLY, PoolType.PAGED_POOL, FltPreopCallbackStatus.SUCCESS_WITH_CALLBACK));
    h.close(fo);
    Out<FltContext> ctx = new Out<>();
    Flt.allocateContext(h.filter(), FltContextType.STREAM.code(), 16, PoolType.PAGED_POOL, ctx);
    FltContext c = ctx.get();
    Irql old = Irql.raise(Irql.DISPATCH_LEVEL);
    try {
      BugCheckException e = assertThrows(BugCheckException.class, () -> Flt.releaseContext(c));
      assertEquals(0xA, e.bugCheckCode());
      assertThrows(BugCheckException.class, () -> Flt.referenceContext(c));
    } finally {
      Irql.lower(old);
    }
    assertEquals(1, c.referenceCount());
    List<VerifierFinding> f = findings(VerifierFinding.Kind.PAGED_CONTEXT_AT_DISPATCH);
    assertEquals(2, f.size());
    assertTrue(f.get(0).message().startsWith("FltReleaseContext touched the paged-pool context"), f.get(0).message());
    Flt.releaseContext(c);
    h.manager().clearVerifierFindings();
  }

  @Test
  @DisplayName("fltmgr.md 10.75 through the I/O path: a post-read at DISPATCH_LEVEL releasing a paged stream context bug-checks")
  void postOperation_releasesPagedAtDispatch_bugChecks() {
    FileObject fo = startAndOpen(probe(PostRead.RELEASE_ONLY, PoolType.PAGED_POOL, FltPreopCallbackStatus.SUCCESS_WITH_CALLBACK));
    try (DpcCompletion dpc = DpcCompletion.begin()) {
      assertThrows(BugCheckException.class, () -> h.read(fo, 0, 10));
    }
    assertEquals(Irql.PASSIVE_LEVEL, Irql.current(), "the frame lowers the IRQL on the way out");
    assertEquals(1, findings(VerifierFinding.Kind.PAGED_CONTEXT_AT_DISPATCH).size());
    // The refused release left the pre-read's reference: give it back as the filter should have.
    Out<FltContext> ctx = new Out<>();
    Flt.getStreamContext(h.instance(), fo, ctx);
    Flt.releaseContext(ctx.get());
    Flt.releaseContext(ctx.get());
    h.close(fo);
    h.manager().clearVerifierFindings();
  }

  /** Every routine with an APC_LEVEL maximum, called at DISPATCH_LEVEL. */
  enum ApcRoutine {
    GET_STREAM("FltGetStreamContext"),
    SET_STREAM("FltSetStreamContext"),
    DELETE_STREAM("FltDeleteStreamContext"),
    GET_INSTANCE("FltGetInstanceContext"),
    GET_VOLUME("FltGetVolumeContext"),
    DELETE_CONTEXT("FltDeleteContext"),
    GET_CONTEXTS("FltGetContexts"),
    ALLOCATE_PAGED("FltAllocateContext");

    final String routine;

    ApcRoutine(String routine) {
      this.routine = routine;
    }
  }

  @ParameterizedTest
  @EnumSource(ApcRoutine.class)
  @DisplayName("issue 13: each context routine documented for APC_LEVEL at most is reported when called under a spin lock")
  void apcRoutine_underSpinLock_reported(ApcRoutine r) {
    FileObject fo = startAndOpen(probe(PostRead.RELEASE_ONLY, PoolType.NON_PAGED_POOL, FltPreopCallbackStatus.SUCCESS_WITH_CALLBACK));
    FltInstance i = h.instance();
    Out<FltContext> spare = new Out<>();
    Flt.allocateContext(h.filter(), FltContextType.STREAM.code(), 16, PoolType.NON_PAGED_POOL, spare);
    KSpinLock lock = new KSpinLock();
    Out<FltContext> out = new Out<>();
    FltRelatedContexts rc = new FltRelatedContexts();
    Irql old = lock.acquire();
    try {
      switch (r) {
        case GET_STREAM -> Flt.getStreamContext(i, fo, out);
        case SET_STREAM -> Flt.setStreamContext(i, fo, 1, spare.get(), null);
        case DELETE_STREAM -> Flt.deleteStreamContext(i, fo, out);
        case GET_INSTANCE -> Flt.getInstanceContext(i, out);
        case GET_VOLUME -> Flt.getVolumeContext(h.filter(), h.fltVolume(), out);
        case DELETE_CONTEXT -> Flt.deleteContext(spare.get());
        case GET_CONTEXTS -> Flt.getContexts(new FltRelatedObjects(h.filter(), h.fltVolume(), i, fo, null), 0x3F, rc);
        case ALLOCATE_PAGED -> Flt.allocateContext(h.filter(), FltContextType.STREAM.code(), 16, PoolType.PAGED_POOL, out);
      }
    } finally {
      lock.release(old);
    }
    List<VerifierFinding> f = findings(VerifierFinding.Kind.ROUTINE_ABOVE_MAX_IRQL);
    assertEquals(1, f.size(), f::toString);
    assertTrue(f.get(0).message().startsWith(r.routine + " called at DISPATCH_LEVEL"), f.get(0).message());
    // Put things back (at PASSIVE) so the harness unloads clean.
    Flt.releaseContexts(rc);
    if (out.get() != null) {
      Flt.releaseContext(out.get());
    }
    Flt.releaseContext(spare.get());
    h.close(fo);
    h.manager().clearVerifierFindings();
  }

  @Test
  @DisplayName("issue 13: FltAllocateContext of a nonpaged context, FltReferenceContext and FltReleaseContext(s) are allowed at DISPATCH_LEVEL")
  void dispatchRoutines_underSpinLock_notReported() {
    FileObject fo = startAndOpen(probe(PostRead.RELEASE_ONLY, PoolType.NON_PAGED_POOL, FltPreopCallbackStatus.SUCCESS_WITH_CALLBACK));
    KSpinLock lock = new KSpinLock();
    Out<FltContext> out = new Out<>();
    FltRelatedContexts rc = new FltRelatedContexts();
    Flt.getContexts(new FltRelatedObjects(h.filter(), h.fltVolume(), h.instance(), fo, null), FltContextType.STREAM.code(), rc);
    Irql old = lock.acquire();
    try {
      Flt.allocateContext(h.filter(), FltContextType.STREAM.code(), 16, PoolType.NON_PAGED_POOL, out);
      Flt.referenceContext(out.get());
      Flt.releaseContext(out.get());
      Flt.releaseContexts(rc);
      Flt.releaseContext(out.get());
    } finally {
      lock.release(old);
    }
    assertEquals(List.of(), h.manager().verifierFindings());
    h.close(fo);
  }

  @Test
  @DisplayName("issue 13: a pre-operation callback that returns holding a spin lock (at DISPATCH_LEVEL) is a finding; the frame puts the IRQL back")
  void preOperation_returnsAtDispatch_reportedAndRestored() {
    KSpinLock lock = new KSpinLock();
    h = FilterHarness.on(new NtfsLikeFileSystem());
    h.start("SpinLeak", "370000", FltRegistration.builder().operationRegistration(
        new FltOperationRegistration(IrpMajorFunction.READ.code(), 0, (d, o, cc) -> {
          lock.acquire(); // never released: the callback returns at DISPATCH_LEVEL
          return FltPreopCallbackStatus.SUCCESS_NO_CALLBACK;
        }, null)).build());
    FileObject fo = h.open("\\a.txt");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> h.read(fo, 0, 10));
    assertTrue(e.getMessage().contains("was called at PASSIVE_LEVEL and returned at DISPATCH_LEVEL"), e.getMessage());
    assertEquals(Irql.PASSIVE_LEVEL, Irql.current());
    assertEquals(List.of(VerifierFinding.Kind.IRQL_NOT_RESTORED_AT_CALLBACK_EXIT),
        h.manager().verifierFindings().stream().map(VerifierFinding::kind).toList());
    h.manager().clearVerifierFindings();
    h.close(fo);
  }
}
