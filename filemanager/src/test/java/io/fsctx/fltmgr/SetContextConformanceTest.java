package io.fsctx.fltmgr;

import static io.fsctx.nt.NtStatus.STATUS_FLT_CONTEXT_ALREADY_DEFINED;
import static io.fsctx.nt.NtStatus.STATUS_FLT_CONTEXT_ALREADY_LINKED;
import static io.fsctx.nt.NtStatus.STATUS_FLT_DELETING_OBJECT;
import static io.fsctx.nt.NtStatus.STATUS_INVALID_PARAMETER;
import static io.fsctx.nt.NtStatus.STATUS_NOT_FOUND;
import static io.fsctx.nt.NtStatus.STATUS_NOT_SUPPORTED;
import static io.fsctx.nt.NtStatus.STATUS_SUCCESS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.fsctx.fltmgr.FltTestSupport.Fx;
import io.fsctx.fltmgr.FltTestSupport.Kind;
import io.fsctx.fltmgr.FltTestSupport.Stream;
import io.fsctx.fltmgr.FltTestSupport.StreamKind;
import io.fsctx.fltmgr.FltTestSupport.Target;
import io.fsctx.fltmgr.testing.NoLiveContextsExtension;
import io.fsctx.fltmgr.testing.NoLiveContextsExtension.TrackedManagers;
import io.fsctx.io.FileObject;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** fltmgr.md 10.38–10.60: FltSet*Context, for every context type. */
@ExtendWith(NoLiveContextsExtension.class)
class SetContextConformanceTest {
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

  @ParameterizedTest
  @EnumSource(Kind.class)
  @DisplayName("fltmgr.md 10.38, 10.39: set on an empty object succeeds, refs 2, OldContext NULL; after one release refs 1 and still attached")
  void set_emptyObject_attachesWithLinkReference(Kind k) {
    FltContext c = fx.alloc(k.type);
    Out<FltContext> old = new Out<>();
    old.set(c); // garbage in the out-parameter must be overwritten
    assertEquals(STATUS_SUCCESS, k.set(t, 1, c, old));
    assertNull(old.get());
    assertEquals(2, c.referenceCount());
    assertEquals(FltContext.State.ATTACHED, c.state());
    Flt.releaseContext(c);
    assertEquals(1, c.referenceCount());
    FltContext got = k.getOk(t);
    assertSame(c, got);
    Flt.releaseContext(got);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  @DisplayName("fltmgr.md 10.40, 10.41: KEEP on an occupied object is ALREADY_DEFINED; OldContext gets the existing one +1; NewContext unchanged")
  void setKeep_occupiedWithOldContext_alreadyDefinedReturnsExistingReferenced(Kind k) {
    FltContext first = fx.alloc(k.type);
    k.attach(t, first);
    FltContext second = fx.alloc(k.type);
    Out<FltContext> old = new Out<>();
    assertEquals(STATUS_FLT_CONTEXT_ALREADY_DEFINED, k.set(t, 1, second, old));
    assertSame(first, old.get());
    assertEquals(3, first.referenceCount());
    assertEquals(1, second.referenceCount());
    assertEquals(FltContext.State.ALLOCATED, second.state());
    FltContext got = k.getOk(t);
    assertSame(first, got);
    Flt.releaseContext(got);
    Flt.releaseContext(old.get());
    Flt.releaseContext(second); // 10.50: a final release frees the loser
    assertEquals(FltContext.State.FREED, second.state());
    assertEquals(1, fx.rec.cleanupsOf(second));
    Flt.releaseContext(first);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  @DisplayName("fltmgr.md 10.42: KEEP failure with OldContext NULL leaves the existing context's refs unchanged")
  void setKeep_occupiedWithoutOldContext_existingRefsUnchanged(Kind k) {
    FltContext first = fx.alloc(k.type);
    k.attach(t, first);
    FltContext second = fx.alloc(k.type);
    assertEquals(STATUS_FLT_CONTEXT_ALREADY_DEFINED, k.set(t, 1, second, null));
    assertEquals(2, first.referenceCount());
    Flt.releaseContext(second);
    Flt.releaseContext(first);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  @DisplayName("fltmgr.md 10.43, 10.44: REPLACE with OldContext succeeds, hands back the old context with its refs unchanged, detached and never got again")
  void setReplace_withOldContext_returnsDetachedOld(Kind k) {
    FltContext first = fx.alloc(k.type);
    k.attach(t, first);
    FltContext second = fx.alloc(k.type);
    Out<FltContext> old = new Out<>();
    assertEquals(STATUS_SUCCESS, k.set(t, 0, second, old));
    assertSame(first, old.get());
    assertEquals(2, first.referenceCount());
    assertEquals(FltContext.State.DELETED, first.state());
    FltContext got = k.getOk(t);
    assertSame(second, got);
    Flt.releaseContext(got);
    Flt.releaseContext(first); // the allocation reference
    assertEquals(0, fx.rec.cleanupsOf(first));
    Flt.releaseContext(old.get()); // the former link reference
    assertEquals(1, fx.rec.cleanupsOf(first));
    Flt.releaseContext(second);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  @DisplayName("fltmgr.md 10.45: REPLACE with OldContext NULL drops the old link; an otherwise unreferenced old context is cleaned up during the call")
  void setReplace_withoutOldContext_oldCleanedUpDuringCall(Kind k) {
    FltContext first = fx.alloc(k.type);
    k.attach(t, first);
    Flt.releaseContext(first); // only the link is left
    FltContext second = fx.alloc(k.type);
    assertEquals(STATUS_SUCCESS, k.set(t, 0, second, null));
    assertEquals(1, fx.rec.cleanupsOf(first));
    assertEquals(FltContext.State.FREED, first.state());
    Flt.releaseContext(second);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  @DisplayName("fltmgr.md 10.46: setting an already attached context (same object, either operation) is ALREADY_LINKED and changes nothing")
  void set_alreadyAttached_alreadyLinked(Kind k) {
    FltContext c = fx.alloc(k.type);
    k.attach(t, c);
    for (int op : new int[] {0, 1}) {
      Out<FltContext> old = new Out<>();
      assertEquals(STATUS_FLT_CONTEXT_ALREADY_LINKED, k.set(t, op, c, old));
      assertNull(old.get(), "OldContext is NULL on failures other than ALREADY_DEFINED (policy)");
      assertEquals(2, c.referenceCount());
    }
    Flt.releaseContext(c);
  }

  @Test
  @DisplayName("fltmgr.md 10.46: a stream context attached to one stream cannot be set on another stream (ALREADY_LINKED)")
  void setStream_attachedToOtherStream_alreadyLinked() {
    FltContext c = fx.alloc(FltContextType.STREAM);
    Kind.STREAM.attach(t, c);
    Stream other = fx.stream(StreamKind.PER_FILE_SLOT);
    assertEquals(STATUS_FLT_CONTEXT_ALREADY_LINKED, Flt.setStreamContext(fx.instance, other.fo, 1, c, null));
    Out<FltContext> none = new Out<>();
    assertEquals(STATUS_NOT_FOUND, Flt.getStreamContext(fx.instance, other.fo, none));
    Flt.releaseContext(c);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  @DisplayName("fltmgr.md 10.47: a context that was attached and then deleted cannot be set again (ALREADY_LINKED, policy)")
  void set_previouslyDeleted_alreadyLinked(Kind k) {
    FltContext c = fx.alloc(k.type);
    k.attach(t, c);
    Flt.deleteContext(c);
    assertEquals(FltContext.State.DELETED, c.state());
    assertEquals(STATUS_FLT_CONTEXT_ALREADY_LINKED, k.set(t, 1, c, null));
    Out<FltContext> none = new Out<>();
    assertEquals(STATUS_NOT_FOUND, k.get(t, none));
    assertEquals(1, c.referenceCount());
    Flt.releaseContext(c);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  @DisplayName("fltmgr.md 10.48: a context of another type is INVALID_PARAMETER")
  void set_wrongType_invalidParameter(Kind k) {
    Kind other = k == Kind.STREAM ? Kind.INSTANCE : Kind.STREAM;
    FltContext c = fx.alloc(other.type);
    Out<FltContext> old = new Out<>();
    assertEquals(STATUS_INVALID_PARAMETER, k.set(t, 1, c, old));
    assertNull(old.get());
    assertEquals(1, c.referenceCount());
    Flt.releaseContext(c);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  @DisplayName("fltmgr.md 10.49, 10.50: operation 2 is INVALID_PARAMETER and leaves NewContext's refs alone")
  void set_operationTwo_invalidParameter(Kind k) {
    FltContext c = fx.alloc(k.type);
    assertEquals(STATUS_INVALID_PARAMETER, k.set(t, 2, c, null));
    assertEquals(1, c.referenceCount());
    assertEquals(FltContext.State.ALLOCATED, c.state());
    Flt.releaseContext(c);
    assertEquals(1, fx.rec.cleanupsOf(c));
  }

  @Test
  @DisplayName("fltmgr.md 10.48: another filter's context is INVALID_PARAMETER (policy)")
  void setStream_otherFiltersContext_invalidParameter() {
    FltFilter other = fx.register("Other", "380000", new FltTestSupport.Recorder());
    FltContext c = Fx.alloc(other, FltContextType.STREAM);
    assertEquals(STATUS_INVALID_PARAMETER, Flt.setStreamContext(fx.instance, fx.stream.fo, 1, c, null));
    Flt.releaseContext(c);
  }

  @Test
  @DisplayName("fltmgr.md 4.1 check order (policy): DELETING_OBJECT before NOT_SUPPORTED before INVALID_PARAMETER before ALREADY_LINKED before ALREADY_DEFINED")
  void set_severalFailures_reportedInPolicyOrder() {
    FltContext attached = fx.alloc(FltContextType.STREAM);
    Kind.STREAM.attach(t, attached);
    FltContext wrongType = fx.alloc(FltContextType.INSTANCE);
    Stream legacy = fx.stream(StreamKind.LEGACY);
    // NOT_SUPPORTED beats INVALID_PARAMETER (wrong type and bad operation).
    assertEquals(STATUS_NOT_SUPPORTED, Flt.setStreamContext(fx.instance, legacy.fo, 7, wrongType, null));
    // INVALID_PARAMETER beats ALREADY_LINKED.
    assertEquals(STATUS_INVALID_PARAMETER, Flt.setStreamContext(fx.instance, fx.stream.fo, 7, attached, null));
    // ALREADY_LINKED beats ALREADY_DEFINED: the stream is occupied and the context is linked.
    assertEquals(STATUS_FLT_CONTEXT_ALREADY_LINKED, Flt.setStreamContext(fx.instance, fx.stream.fo, 1, attached, null));
    // DELETING_OBJECT beats all of them.
    Map<String, NtStatus> seen = new java.util.concurrent.ConcurrentHashMap<>();
    fx.rec.onTeardownStart = o -> seen.put("legacy", Flt.setStreamContext(o.instance(), legacy.fo, 7, wrongType, null));
    assertEquals(STATUS_SUCCESS, Flt.detachVolume(fx.filter, fx.volume, null));
    assertEquals(Map.of("legacy", STATUS_FLT_DELETING_OBJECT), seen);
    Flt.releaseContext(attached);
    Flt.releaseContext(wrongType);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  @DisplayName("fltmgr.md 10.51: set through an instance being torn down (volume: on a dismounting volume) is DELETING_OBJECT")
  void set_dyingObject_deletingObject(Kind k) {
    FltContext c = fx.alloc(k.type);
    Map<String, NtStatus> seen = new java.util.concurrent.ConcurrentHashMap<>();
    Out<FltContext> old = new Out<>();
    fx.rec.onTeardownStart = o -> seen.put("start", k.set(t.withInstance(Objects.requireNonNull(o.instance())), 1, c, old));
    fx.rec.onTeardownComplete = o -> seen.put("complete", k.set(t.withInstance(Objects.requireNonNull(o.instance())), 0, c, old));
    if (k == Kind.VOLUME) {
      fx.mgr.dismountVolume(fx.volume);
    } else {
      assertEquals(STATUS_SUCCESS, Flt.detachVolume(fx.filter, fx.volume, null));
    }
    assertEquals(Map.of("start", STATUS_FLT_DELETING_OBJECT, "complete", STATUS_FLT_DELETING_OBJECT), seen);
    assertNull(old.get());
    assertEquals(1, c.referenceCount());
    Flt.releaseContext(c);
  }

  @Test
  @DisplayName("fltmgr.md 10.51: a volume context set once FltUnregisterFilter has begun is DELETING_OBJECT and nothing stays attached")
  void setVolume_filterUnloading_deletingObject() {
    FltContext c = fx.alloc(FltContextType.VOLUME);
    Map<String, NtStatus> seen = new java.util.concurrent.ConcurrentHashMap<>();
    fx.rec.onTeardownStart = o -> seen.put("start", Flt.setVolumeContext(fx.volume, 1, c, null));
    UnloadReport report = fx.filter.unregister();
    assertEquals(List.of(c), report.leaked(), report::format);
    assertEquals(Map.of("start", STATUS_FLT_DELETING_OBJECT), seen);
    assertEquals(FltContext.State.ALLOCATED, c.state());
    Flt.releaseContext(c);
  }

  @ParameterizedTest
  @EnumSource(value = StreamKind.class, names = {"LEGACY", "ADVANCED_NOT_SET_UP", "PAGING", "PRE_CREATE"})
  @DisplayName("fltmgr.md 10.52, 10.54, 10.55: file, stream and stream-handle sets on an FCB without filter-context support, a paging file or in pre-create are NOT_SUPPORTED")
  void setFileObjectBased_unsupportedStream_notSupported(StreamKind kind) {
    Stream s = fx.stream(kind);
    Target ts = t.withFileObject(s.fo);
    for (Kind k : new Kind[] {Kind.FILE, Kind.STREAM, Kind.STREAMHANDLE}) {
      FltContext c = fx.alloc(k.type);
      Out<FltContext> old = new Out<>();
      assertEquals(STATUS_NOT_SUPPORTED, k.set(ts, 1, c, old), k::toString);
      assertNull(old.get());
      assertEquals(1, c.referenceCount());
      Out<FltContext> got = new Out<>();
      assertEquals(STATUS_NOT_SUPPORTED, k.get(ts, got), k::toString);
      assertNull(got.get());
      Flt.releaseContext(c);
    }
  }

  @Test
  @DisplayName("fltmgr.md 10.53: FltSetStreamHandleContext with FileObject NULL is NOT_SUPPORTED")
  void setStreamHandle_nullFileObject_notSupported() {
    FltContext c = fx.alloc(FltContextType.STREAMHANDLE);
    assertEquals(STATUS_NOT_SUPPORTED, Flt.setStreamHandleContext(fx.instance, null, 1, c, null));
    assertEquals(1, c.referenceCount());
    Flt.releaseContext(c);
  }

  @Test
  @DisplayName("fltmgr.md 10.56: two instances of one filter each attach and get their own stream context on one stream")
  void setStream_twoInstances_eachSeesItsOwn() {
    FltInstance second = fx.secondInstance();
    FltContext a = fx.alloc(FltContextType.STREAM);
    FltContext b = fx.alloc(FltContextType.STREAM);
    Kind.STREAM.attach(t, a);
    Kind.STREAM.attach(t.withInstance(second), b);
    try (GetResult ga = fx.instance.getStreamContext(fx.stream.fo);
        GetResult gb = second.getStreamContext(fx.stream.fo)) {
      assertSame(a, ga.require().context());
      assertSame(b, gb.require().context());
    }
    Flt.releaseContext(a);
    Flt.releaseContext(b);
  }

  @Test
  @DisplayName("fltmgr.md 10.57: two file objects on one stream share the stream context and have separate stream-handle contexts")
  void setStreamHandle_twoFileObjects_shareStreamNotHandle() {
    FileObject fo2 = fx.stream.open();
    FltContext s = fx.alloc(FltContextType.STREAM);
    Kind.STREAM.attach(t, s);
    FltContext h1 = fx.alloc(FltContextType.STREAMHANDLE);
    FltContext h2 = fx.alloc(FltContextType.STREAMHANDLE);
    Kind.STREAMHANDLE.attach(t, h1);
    Kind.STREAMHANDLE.attach(t.withFileObject(fo2), h2);
    FltContext s2 = Kind.STREAM.getOk(t.withFileObject(fo2));
    assertSame(s, s2);
    FltContext g1 = Kind.STREAMHANDLE.getOk(t);
    FltContext g2 = Kind.STREAMHANDLE.getOk(t.withFileObject(fo2));
    assertSame(h1, g1);
    assertSame(h2, g2);
    for (FltContext c : new FltContext[] {s2, g1, g2, s, h1, h2}) {
      Flt.releaseContext(c);
    }
  }

  @Test
  @DisplayName("fltmgr.md 10.57: stream-handle contexts are keyed by instance and file object together, inline entry included")
  void setStreamHandle_twoInstancesTwoFileObjects_eachPairSeesItsOwn() {
    // The first handle context on a stream is kept inline with only its file object; its instance
    // is the context's own (ContextTable.inlineMatches). Every pair must still find exactly its own context, before and after
    // the inline one leaves and another pair takes the slot.
    FltInstance second = fx.secondInstance();
    FileObject fo2 = fx.stream.open();
    Target[] pairs = {t, t.withFileObject(fo2), t.withInstance(second), t.withInstance(second).withFileObject(fo2)};
    FltContext[] attached = new FltContext[pairs.length];
    for (int i = 0; i < pairs.length; i++) {
      attached[i] = fx.alloc(FltContextType.STREAMHANDLE);
      Kind.STREAMHANDLE.attach(pairs[i], attached[i]);
    }
    for (int i = 0; i < pairs.length; i++) {
      FltContext got = Kind.STREAMHANDLE.getOk(pairs[i]);
      assertSame(attached[i], got, "pair " + i);
      Flt.releaseContext(got);
    }
    // Delete the inline entry (the first set); the others stay, and a new set of that pair takes
    // the free slot without shadowing the pair that shares its file object or its instance.
    assertEquals(STATUS_SUCCESS, Kind.STREAMHANDLE.delete(pairs[0], null));
    Out<FltContext> none = new Out<>();
    assertEquals(STATUS_NOT_FOUND, Kind.STREAMHANDLE.get(pairs[0], none));
    FltContext again = fx.alloc(FltContextType.STREAMHANDLE);
    Kind.STREAMHANDLE.attach(pairs[0], again);
    Flt.releaseContext(attached[0]); // deleted: this was the last reference
    attached[0] = again;
    for (int i = 0; i < pairs.length; i++) {
      FltContext got = Kind.STREAMHANDLE.getOk(pairs[i]);
      assertSame(attached[i], got, "pair " + i + " after the inline entry was replaced");
      Flt.releaseContext(got);
    }
    // A KEEP set of an existing pair is refused with that pair's context, inline or not.
    for (int i = 0; i < pairs.length; i++) {
      FltContext extra = fx.alloc(FltContextType.STREAMHANDLE);
      Out<FltContext> old = new Out<>();
      assertEquals(STATUS_FLT_CONTEXT_ALREADY_DEFINED, Kind.STREAMHANDLE.set(pairs[i], 1, extra, old), "pair " + i);
      assertSame(attached[i], old.get(), "pair " + i);
      Flt.releaseContext(old.get());
      Flt.releaseContext(extra);
    }
    for (FltContext c : attached) {
      Flt.releaseContext(c);
    }
  }

  @Test
  @DisplayName("fltmgr.md 10.58: all streams of one file share the file context but have separate stream contexts")
  void setFile_twoStreamsOfOneFile_shareFileContext() {
    Stream ads = fx.sibling(fx.stream);
    Target ta = t.withFileObject(ads.fo);
    FltContext file = fx.alloc(FltContextType.FILE);
    Kind.FILE.attach(t, file);
    FltContext viaAds = Kind.FILE.getOk(ta);
    assertSame(file, viaAds);
    FltContext sa = fx.alloc(FltContextType.STREAM);
    Kind.STREAM.attach(t, sa);
    Out<FltContext> none = new Out<>();
    assertEquals(STATUS_NOT_FOUND, Kind.STREAM.get(ta, none));
    // KEEP through the other stream finds the shared file context.
    FltContext f2 = fx.alloc(FltContextType.FILE);
    assertEquals(STATUS_FLT_CONTEXT_ALREADY_DEFINED, Kind.FILE.set(ta, 1, f2, null));
    for (FltContext c : new FltContext[] {viaAds, file, sa, f2}) {
      Flt.releaseContext(c);
    }
  }

  @Test
  @DisplayName("fltmgr.md 10.59: one volume context per (filter, volume): a second instance's KEEP fails and both see it; another filter sets its own")
  void setVolume_twoInstancesOneFilter_oneContextPerFilter() {
    FltInstance second = fx.secondInstance();
    FltContext v1 = fx.alloc(FltContextType.VOLUME);
    Kind.VOLUME.attach(t, v1);
    FltContext v2 = fx.alloc(FltContextType.VOLUME);
    assertEquals(STATUS_FLT_CONTEXT_ALREADY_DEFINED, Kind.VOLUME.set(t.withInstance(second), 1, v2, null));
    FltContext fromFirst = Kind.VOLUME.getOk(t);
    FltContext fromSecond = Kind.VOLUME.getOk(t.withInstance(second));
    assertSame(v1, fromFirst);
    assertSame(v1, fromSecond);

    FltTestSupport.Recorder otherRec = new FltTestSupport.Recorder();
    FltFilter other = fx.register("Other", "380000", otherRec);
    FltContext mine = Fx.alloc(other, FltContextType.VOLUME);
    assertEquals(STATUS_SUCCESS, Flt.setVolumeContext(fx.volume, 1, mine, null));
    Out<FltContext> got = new Out<>();
    assertEquals(STATUS_SUCCESS, Flt.getVolumeContext(other, fx.volume, got));
    assertSame(mine, got.get());
    assertNotSame(v1, got.get());
    for (FltContext c : new FltContext[] {v1, v2, fromFirst, fromSecond, mine, got.get()}) {
      Flt.releaseContext(c);
    }
  }

  @Test
  @DisplayName("fltmgr.md 10.60: FltSetTransactionContext twice with KEEP is ALREADY_DEFINED")
  void setTransaction_twiceKeep_alreadyDefined() {
    FltContext a = fx.alloc(FltContextType.TRANSACTION);
    FltContext b = fx.alloc(FltContextType.TRANSACTION);
    assertEquals(STATUS_SUCCESS, Flt.setTransactionContext(fx.instance, fx.tx, 1, a, null));
    assertEquals(STATUS_FLT_CONTEXT_ALREADY_DEFINED, Flt.setTransactionContext(fx.instance, fx.tx, 1, b, null));
    Flt.releaseContext(a);
    Flt.releaseContext(b);
  }

  @ParameterizedTest
  @EnumSource(SetContextOperation.class)
  @DisplayName("fltmgr.md 4.1 via the Java API: SetResult says ATTACHED, then ALREADY_DEFINED (KEEP) or REPLACED (REPLACE), and closing it releases the other context")
  void setJavaApi_secondSet_outcomeAndLeaseBalanceRefs(SetContextOperation op) {
    Map<Kind, FltContext> firsts = new EnumMap<>(Kind.class);
    for (Kind k : Kind.values()) {
      FltContext first = fx.alloc(k.type);
      FltContext second = fx.alloc(k.type);
      try (ContextLease a = ContextLease.adopt(first);
          ContextLease b = ContextLease.adopt(second);
          SetResult r1 = k.setJava(t, SetContextOperation.KEEP_IF_EXISTS, first)) {
        assertEquals(SetResult.Outcome.ATTACHED, r1.outcome(), k::toString);
        try (SetResult r2 = k.setJava(t, op, second)) {
          SetResult.Outcome expected =
              op == SetContextOperation.KEEP_IF_EXISTS ? SetResult.Outcome.ALREADY_DEFINED : SetResult.Outcome.REPLACED;
          assertEquals(expected, r2.outcome(), k::toString);
          assertSame(first, Objects.requireNonNull(r2.other()).context());
        }
      }
      firsts.put(k, first);
      try (GetResult g = k.getJava(t)) {
        FltContext expected = op == SetContextOperation.KEEP_IF_EXISTS ? first : second;
        assertSame(expected, g.require().context(), k::toString);
        assertEquals(2, expected.referenceCount(), k::toString);
      }
    }
    if (op == SetContextOperation.REPLACE_IF_EXISTS) {
      for (FltContext first : firsts.values()) {
        assertEquals(FltContext.State.FREED, first.state());
        assertEquals(1, fx.rec.cleanupsOf(first));
      }
    }
  }
}
