package io.fsctx.fltmgr;

import io.fsctx.nt.PoolType;
import static io.fsctx.nt.NtStatus.STATUS_FLT_DELETING_OBJECT;
import static io.fsctx.nt.NtStatus.STATUS_INVALID_PARAMETER;
import static io.fsctx.nt.NtStatus.STATUS_NOT_FOUND;
import static io.fsctx.nt.NtStatus.STATUS_NOT_SUPPORTED;
import static io.fsctx.nt.NtStatus.STATUS_SUCCESS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.fltmgr.FltTestSupport.Fx;
import io.fsctx.fltmgr.FltTestSupport.Kind;
import io.fsctx.fltmgr.FltTestSupport.Stream;
import io.fsctx.fltmgr.FltTestSupport.StreamKind;
import io.fsctx.fltmgr.FltTestSupport.Target;
import io.fsctx.fltmgr.testing.NoLiveContextsExtension;
import io.fsctx.fltmgr.testing.NoLiveContextsExtension.TrackedManagers;
import io.fsctx.nt.BugCheckException;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** fltmgr.md 10.61–10.83: gets, FltGetContexts(Ex), reference, release and the deletes. */
@ExtendWith(NoLiveContextsExtension.class)
class GetReleaseDeleteConformanceTest {
  private Fx fx;
  private Target t;

  @BeforeEach
  void setUp(TrackedManagers managers) {
    fx = new Fx(managers.create(FltTestSupport.quickUnload().build()));
    t = fx.target();
  }

  @AfterEach
  void tearDown() {
    fx.close();
  }

  /** Attaches one context of every kind; returns them with only their link reference left. */
  private Map<Kind, FltContext> attachAll() {
    Map<Kind, FltContext> m = new EnumMap<>(Kind.class);
    for (Kind k : Kind.values()) {
      FltContext c = fx.alloc(k.type);
      k.attach(t, c);
      Flt.releaseContext(c);
      m.put(k, c);
    }
    return m;
  }

  private FltRelatedObjects objects() {
    return new FltRelatedObjects(fx.filter, fx.volume, fx.instance, fx.stream.fo, fx.tx);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  @DisplayName("fltmgr.md 10.61, 10.62: get without a context is NOT_FOUND with NULL; a successful get adds one reference")
  void get_emptyThenAttached_notFoundThenPlusOne(Kind k) {
    Out<FltContext> out = new Out<>();
    out.set(fx.alloc(k.type));
    FltContext c = Objects.requireNonNull(out.get());
    assertEquals(STATUS_NOT_FOUND, k.get(t, out));
    assertNull(out.get());
    k.attach(t, c);
    assertEquals(2, c.referenceCount());
    assertEquals(STATUS_SUCCESS, k.get(t, out));
    assertSame(c, out.get());
    assertEquals(3, c.referenceCount());
    Flt.releaseContext(out.get());
    Flt.releaseContext(c);
  }

  @ParameterizedTest
  @EnumSource(value = StreamKind.class, names = {"LEGACY", "ADVANCED_NOT_SET_UP", "PAGING", "PRE_CREATE"})
  @DisplayName("fltmgr.md 10.63, 10.83: file, stream and stream-handle get and delete on an unsupported file object are NOT_SUPPORTED with NULL")
  void getAndDelete_unsupportedFileObject_notSupported(StreamKind kind) {
    Stream s = fx.stream(kind);
    Target ts = t.withFileObject(s.fo);
    for (Kind k : new Kind[] {Kind.FILE, Kind.STREAM, Kind.STREAMHANDLE}) {
      Out<FltContext> out = new Out<>();
      assertEquals(STATUS_NOT_SUPPORTED, k.get(ts, out), k::toString);
      assertNull(out.get());
      assertEquals(STATUS_NOT_SUPPORTED, k.delete(ts, out), k::toString);
      assertNull(out.get());
      try (GetResult g = k.getJava(ts)) {
        assertEquals(STATUS_NOT_SUPPORTED, g.status());
        assertFalse(g.found());
      }
    }
  }

  @Test
  @DisplayName("fltmgr.md 10.64: FltGetInstanceContext (and volume) work in pre-create; FltGetContexts leaves the file-object kinds NULL there")
  void getInstanceContext_preCreate_succeeds() {
    Map<Kind, FltContext> all = attachAll();
    Stream pre = fx.stream(StreamKind.PRE_CREATE);
    Out<FltContext> out = new Out<>();
    assertEquals(STATUS_SUCCESS, Flt.getInstanceContext(fx.instance, out));
    assertSame(all.get(Kind.INSTANCE), out.get());
    Flt.releaseContext(out.get());
    FltRelatedContexts rc = new FltRelatedContexts();
    Flt.getContexts(new FltRelatedObjects(fx.filter, fx.volume, fx.instance, pre.fo, null), 0x3F, rc);
    assertSame(all.get(Kind.INSTANCE), rc.instanceContext);
    assertSame(all.get(Kind.VOLUME), rc.volumeContext);
    assertNull(rc.streamContext);
    assertNull(rc.streamHandleContext);
    assertNull(rc.fileContext);
    assertNull(rc.transactionContext);
    Flt.releaseContexts(rc);
  }

  @Test
  @DisplayName("fltmgr.md 10.65, 10.67: FltGetContexts(ALL) fills every found context (+1 each); FltReleaseContexts releases them (-1) and NULLs all fields")
  void getContexts_allContexts_fillsAndReleaseClears() {
    Map<Kind, FltContext> all = attachAll();
    FltRelatedContexts rc = new FltRelatedContexts();
    rc.sectionContext = all.get(Kind.STREAM); // stale garbage must be zeroed
    Flt.getContexts(objects(), FltContextType.allContexts(WindowsVersion.WIN11), rc);
    assertSame(all.get(Kind.VOLUME), rc.volumeContext);
    assertSame(all.get(Kind.INSTANCE), rc.instanceContext);
    assertSame(all.get(Kind.FILE), rc.fileContext);
    assertSame(all.get(Kind.STREAM), rc.streamContext);
    assertSame(all.get(Kind.STREAMHANDLE), rc.streamHandleContext);
    assertSame(all.get(Kind.TRANSACTION), rc.transactionContext);
    assertNull(rc.sectionContext);
    all.values().forEach(c -> assertEquals(2, c.referenceCount(), c::toString));
    Flt.releaseContexts(rc);
    all.values().forEach(c -> assertEquals(1, c.referenceCount(), c::toString));
    assertNull(rc.volumeContext);
    assertNull(rc.instanceContext);
    assertNull(rc.fileContext);
    assertNull(rc.streamContext);
    assertNull(rc.streamHandleContext);
    assertNull(rc.transactionContext);
  }

  @Test
  @DisplayName("fltmgr.md 10.65: FltGetContexts NULLs what it did not find")
  void getContexts_nothingAttached_allNull() {
    FltRelatedContexts rc = new FltRelatedContexts();
    FltContext garbage = fx.alloc(FltContextType.STREAM);
    rc.streamContext = garbage;
    Flt.getContexts(objects(), 0x3F, rc);
    assertNull(rc.streamContext);
    assertEquals(1, garbage.referenceCount());
    Flt.releaseContext(garbage);
  }

  @Test
  @DisplayName("fltmgr.md 10.66: FltGetContexts NULLs the fields not requested even when a context exists")
  void getContexts_someBits_othersNull() {
    Map<Kind, FltContext> all = attachAll();
    FltRelatedContexts rc = new FltRelatedContexts();
    rc.volumeContext = all.get(Kind.VOLUME);
    Flt.getContexts(objects(), FltContextType.STREAM.code() | FltContextType.INSTANCE.code(), rc);
    assertSame(all.get(Kind.STREAM), rc.streamContext);
    assertSame(all.get(Kind.INSTANCE), rc.instanceContext);
    assertNull(rc.volumeContext);
    assertNull(rc.fileContext);
    assertNull(rc.streamHandleContext);
    assertNull(rc.transactionContext);
    assertEquals(1, all.get(Kind.VOLUME).referenceCount());
    Flt.releaseContexts(rc);
  }

  @Test
  @DisplayName("fltmgr.md 10.68, 10.69: FltGetContextsEx succeeds for ALL (section context stays NULL, out of scope); an unknown bit or a short structure is INVALID_PARAMETER")
  void getContextsEx_validAndInvalid() {
    Map<Kind, FltContext> all = attachAll();
    FltRelatedContexts rc = new FltRelatedContexts();
    assertEquals(STATUS_SUCCESS, Flt.getContextsEx(objects(), 0x7F, FltRelatedContexts.SIZEOF_FLT_RELATED_CONTEXTS_EX, rc));
    assertSame(all.get(Kind.STREAM), rc.streamContext);
    assertNull(rc.sectionContext, "section contexts are out of scope in this model (DESIGN.md)");
    Flt.releaseContextsEx(FltRelatedContexts.SIZEOF_FLT_RELATED_CONTEXTS_EX, rc);
    assertNull(rc.streamContext);
    FltRelatedContexts bad = new FltRelatedContexts();
    assertEquals(STATUS_INVALID_PARAMETER, Flt.getContextsEx(objects(), 0x0100, FltRelatedContexts.SIZEOF_FLT_RELATED_CONTEXTS_EX, bad));
    assertEquals(STATUS_INVALID_PARAMETER, Flt.getContextsEx(objects(), 0x8, FltRelatedContexts.SIZEOF_FLT_RELATED_CONTEXTS, bad));
    assertNull(bad.streamContext);
    all.values().forEach(c -> assertEquals(1, c.referenceCount(), c::toString));
  }

  @Test
  @DisplayName("fltmgr.md 10.70: FltReferenceContext adds one; each reference needs one release")
  void referenceContext_plusOneEach() {
    FltContext c = fx.alloc(FltContextType.STREAM);
    Flt.referenceContext(c);
    Flt.referenceContext(c);
    assertEquals(3, c.referenceCount());
    Flt.releaseContext(c);
    Flt.releaseContext(c);
    assertEquals(1, c.referenceCount());
    assertEquals(0, fx.rec.cleanupsOf(c));
    Flt.releaseContext(c);
    assertEquals(1, fx.rec.cleanupsOf(c));
  }

  @Test
  @DisplayName("fltmgr.md 10.71: at zero the cleanup runs and sees the payload intact, then the context is freed")
  void releaseContext_toZero_cleanupSeesPayloadThenFree() {
    Out<FltFilter> f = new Out<>();
    java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    FltRegistration reg =
        FltRegistration.builder()
            .contextRegistration(
                FltContextRegistration.of(
                    FltContextType.STREAM, 0,
                    (c, ty) -> seen.add(c.payload(String[].class)[0] + "/" + c.state()),
                    16, FltTestSupport.TAG, size -> new String[] {"payload"}),
                FltContextRegistration.END)
            .build();
    assertEquals(STATUS_SUCCESS, Flt.registerFilter(fx.mgr, DriverObject.of("Payload", null), reg, f));
    Out<FltContext> c = new Out<>();
    assertEquals(STATUS_SUCCESS, Flt.allocateContext(f.get(), 0x8, 16, PoolType.PAGED_POOL, c));
    Flt.releaseContext(c.get());
    assertEquals(java.util.List.of("payload/ALLOCATED"), seen);
    assertEquals(FltContext.State.FREED, Objects.requireNonNull(c.get()).state());
    Flt.unregisterFilter(f.get());
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  @DisplayName("fltmgr.md 10.72: releasing an attached context to zero bug-checks 0xF5/0x6D and leaves the count alone")
  void releaseContext_attachedToZero_bugCheck6D(Kind k) {
    FltContext c = fx.alloc(k.type);
    k.attach(t, c);
    Flt.releaseContext(c);
    BugCheckException e = assertThrows(BugCheckException.class, () -> Flt.releaseContext(c));
    assertEquals(0xF5, e.bugCheckCode());
    assertEquals(0x6D, e.parameter1());
    assertEquals(1, c.referenceCount());
    assertEquals(FltContext.State.ATTACHED, c.state());
    assertEquals(0, fx.rec.cleanupsOf(c));
  }

  @Test
  @DisplayName("fltmgr.md 10.73: referencing, releasing or setting a freed context bug-checks 0xF5/0x6E")
  void useAfterFree_bugCheck6E() {
    FltContext c = fx.alloc(FltContextType.STREAM);
    Flt.releaseContext(c);
    for (Runnable r :
        new Runnable[] {
          () -> Flt.referenceContext(c),
          () -> Flt.releaseContext(c),
          () -> Flt.deleteContext(c),
          () -> Flt.setStreamContext(fx.instance, fx.stream.fo, 1, c, null)
        }) {
      BugCheckException e = assertThrows(BugCheckException.class, r::run);
      assertEquals(0xF5, e.bugCheckCode());
      assertEquals(0x6E, e.parameter1());
    }
    assertEquals(1, fx.rec.cleanupsOf(c));
  }

  // fltmgr.md 10.74 and 10.75 (release at simulated DISPATCH_LEVEL) are not tested: the model does
  // not simulate IRQL (DESIGN.md, out of scope). What can be tested, that cleanup callbacks run
  // with no framework lock held, is checked by the Recorder and in LifetimeConformanceTest.

  @ParameterizedTest
  @EnumSource(Kind.class)
  @DisplayName("fltmgr.md 10.76, 10.77: FltDeleteContext detaches, later gets are NOT_FOUND, the caller's reference stays valid; a second delete changes nothing")
  void deleteContext_heldReference_detachesOnce(Kind k) {
    FltContext c = fx.alloc(k.type);
    k.attach(t, c);
    Flt.deleteContext(c);
    assertEquals(FltContext.State.DELETED, c.state());
    assertEquals(1, c.referenceCount());
    Out<FltContext> out = new Out<>();
    assertEquals(STATUS_NOT_FOUND, k.get(t, out));
    Flt.deleteContext(c);
    assertEquals(1, c.referenceCount());
    assertEquals(0, fx.rec.cleanupsOf(c));
    Flt.releaseContext(c);
    assertEquals(1, fx.rec.cleanupsOf(c));
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  @DisplayName("A context names the object it is attached to, the same one for a second context there, and still names it once deleted")
  void attachedTo_namesItsObject_keptAfterDelete(Kind k) {
    FltContext c = fx.alloc(k.type);
    assertNull(c.attachedTo());
    k.attach(t, c);
    Object on = Objects.requireNonNull(c.attachedTo());
    if (k == Kind.VOLUME) {
      assertSame(fx.volume, on);
    } else if (k == Kind.INSTANCE) {
      assertSame(fx.instance, on);
    }
    Flt.deleteContext(c);
    assertSame(on, c.attachedTo(), "a detached context still says where it was");
    FltContext again = fx.alloc(k.type);
    k.attach(t, again);
    assertSame(on, again.attachedTo(), "the same object, whoever is attached there");
    Flt.deleteContext(again);
    Flt.releaseContext(again);
    Flt.releaseContext(c);
  }

  @Test
  @DisplayName("fltmgr.md 10.78: FltDeleteContext on a never-attached context is a no-op")
  void deleteContext_neverAttached_noOp() {
    FltContext c = fx.alloc(FltContextType.STREAM);
    Flt.deleteContext(c);
    assertEquals(1, c.referenceCount());
    assertEquals(FltContext.State.ALLOCATED, c.state());
    // Still attachable afterwards.
    Kind.STREAM.attach(t, c);
    Flt.releaseContext(c);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  @DisplayName("fltmgr.md 10.79: delete with OldContext succeeds, returns the context and transfers the link reference (no decrement)")
  void deleteTyped_withOldContext_transfersLink(Kind k) {
    FltContext c = fx.alloc(k.type);
    k.attach(t, c);
    Flt.releaseContext(c);
    Out<FltContext> old = new Out<>();
    assertEquals(STATUS_SUCCESS, k.delete(t, old));
    assertSame(c, old.get());
    assertEquals(1, c.referenceCount());
    assertEquals(FltContext.State.DELETED, c.state());
    Flt.releaseContext(old.get());
    assertEquals(1, fx.rec.cleanupsOf(c));
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  @DisplayName("fltmgr.md 10.80, 10.81: delete without OldContext drops the link (freeing an unreferenced context); with nothing attached it is NOT_FOUND and OldContext NULL")
  void deleteTyped_withoutOldContext_dropsLinkThenNotFound(Kind k) {
    FltContext c = fx.alloc(k.type);
    k.attach(t, c);
    Flt.releaseContext(c);
    assertEquals(STATUS_SUCCESS, k.delete(t, null));
    assertEquals(FltContext.State.FREED, c.state());
    assertEquals(1, fx.rec.cleanupsOf(c));
    Out<FltContext> old = new Out<>();
    old.set(c);
    assertEquals(STATUS_NOT_FOUND, k.delete(t, old));
    assertNull(old.get());
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  @DisplayName("fltmgr.md 10.82: delete on a dying instance (volume: dismounting volume) is DELETING_OBJECT")
  void deleteTyped_dyingObject_deletingObject(Kind k) {
    FltContext c = fx.alloc(k.type);
    k.attach(t, c);
    Flt.releaseContext(c);
    Map<String, NtStatus> seen = new ConcurrentHashMap<>();
    fx.rec.onTeardownStart = o -> seen.put("start", k.delete(t.withInstance(Objects.requireNonNull(o.instance())), null));
    if (k == Kind.VOLUME) {
      fx.mgr.dismountVolume(fx.volume);
    } else {
      assertEquals(STATUS_SUCCESS, Flt.detachVolume(fx.filter, fx.volume, null));
    }
    // The docs do not list DELETING_OBJECT for the file variant; the model answers it for every
    // type, since the file context belongs to the dying instance too.
    assertEquals(STATUS_FLT_DELETING_OBJECT, seen.get("start"));
    // Teardown still deleted it, exactly once.
    assertEquals(1, fx.rec.cleanupsOf(c));
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  @DisplayName("fltmgr.md 10.62 via the Java API: a lease owns one reference and closing it twice releases once")
  void getJava_lease_releasesOnce(boolean closeTwice) {
    FltContext c = fx.alloc(FltContextType.STREAM);
    Kind.STREAM.attach(t, c);
    GetResult g = fx.instance.getStreamContext(fx.stream.fo);
    assertEquals(3, c.referenceCount());
    g.close();
    if (closeTwice) {
      g.require().close();
    }
    assertEquals(2, c.referenceCount());
    Flt.releaseContext(c);
  }

  @Test
  @DisplayName("ContextLease: a close on another thread ordered after the first (join) releases nothing more")
  void getJava_lease_closedAgainAfterHandOff_releasesOnce() throws InterruptedException {
    FltContext c = fx.alloc(FltContextType.STREAM);
    Kind.STREAM.attach(t, c);
    ContextLease lease = fx.instance.getStreamContext(fx.stream.fo).require();
    assertEquals(3, c.referenceCount());
    Thread other = new Thread(lease::close, "closer");
    other.start();
    other.join();
    assertTrue(lease.isClosed());
    lease.close();
    assertEquals(2, c.referenceCount());
    Flt.releaseContext(c);
  }
}
