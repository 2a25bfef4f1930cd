package io.fsctx.fltmgr;

import io.fsctx.nt.PoolType;
import static io.fsctx.nt.NtStatus.STATUS_NOT_FOUND;
import static io.fsctx.nt.NtStatus.STATUS_SUCCESS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.fltmgr.FltTestSupport.Fx;
import io.fsctx.fltmgr.FltTestSupport.Kind;
import io.fsctx.fltmgr.FltTestSupport.Recorder;
import io.fsctx.fltmgr.FltTestSupport.Target;
import io.fsctx.fltmgr.testing.NoLiveContextsExtension;
import io.fsctx.fltmgr.testing.NoLiveContextsExtension.TrackedManagers;
import io.fsctx.io.FileObject;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** fltmgr.md 10.89–10.100: automatic deletion, teardown order, unload, cleanup and free callbacks. */
@ExtendWith(NoLiveContextsExtension.class)
class LifetimeConformanceTest {

  private static Fx fx(TrackedManagers managers) {
    return new Fx(managers.create(FltTestSupport.quickUnload().build()));
  }

  /** Attaches one context of every kind through {@code t}, leaving only the link references. */
  private static Map<Kind, FltContext> attachAll(FltFilter f, Target t) {
    Map<Kind, FltContext> m = new EnumMap<>(Kind.class);
    for (Kind k : Kind.values()) {
      FltContext c = Fx.alloc(f, k.type);
      k.attach(t, c);
      Flt.releaseContext(c);
      m.put(k, c);
    }
    return m;
  }

  @Test
  @DisplayName("fltmgr.md 10.89: FsRtlTeardownPerStreamContexts detaches every filter's stream context; each cleanup runs once")
  void teardownPerStreamContexts_twoFilters_eachCleanedOnce(TrackedManagers managers) {
    try (Fx fx = fx(managers)) {
      Recorder otherRec = new Recorder();
      FltFilter other = fx.register("Other", "380000", otherRec);
      assertEquals(STATUS_SUCCESS, other.startFiltering());
      FltInstance otherInstance =
          fx.volume.instances().stream().filter(i -> i.filter() == other).findFirst().orElseThrow();
      FltContext mine = fx.alloc(FltContextType.STREAM);
      FltContext theirs = Fx.alloc(other, FltContextType.STREAM);
      Kind.STREAM.attach(fx.target(), mine);
      Kind.STREAM.attach(fx.target().withInstance(otherInstance), theirs);
      Flt.releaseContext(mine);
      Flt.releaseContext(theirs);
      fx.stream.teardown(false);
      assertEquals(1, fx.rec.cleanupsOf(mine));
      assertEquals(1, otherRec.cleanupsOf(theirs));
      assertEquals(0, fx.volume.streamControlBlockCount());
      fx.stream.teardown(false);
      assertEquals(1, fx.rec.cleanupsOf(mine));
    }
  }

  @Test
  @DisplayName("fltmgr.md 10.90: a reference held over stream teardown defers the cleanup to its release")
  void teardownPerStreamContexts_heldReference_cleanupAtRelease(TrackedManagers managers) {
    try (Fx fx = fx(managers)) {
      FltContext c = fx.alloc(FltContextType.STREAM);
      Kind.STREAM.attach(fx.target(), c);
      fx.stream.teardown(false);
      assertEquals(FltContext.State.DELETED, c.state());
      assertEquals(0, fx.rec.cleanupsOf(c));
      Flt.releaseContext(c);
      assertEquals(1, fx.rec.cleanupsOf(c));
    }
  }

  @Test
  @DisplayName("fltmgr.md 10.91: IRP_MJ_CLOSE of a file object detaches its stream-handle contexts and no other")
  void fileObjectClosed_detachesOnlyItsHandleContexts(TrackedManagers managers) {
    try (Fx fx = fx(managers)) {
      FileObject fo2 = fx.stream.open();
      FltContext h1 = fx.alloc(FltContextType.STREAMHANDLE);
      FltContext h2 = fx.alloc(FltContextType.STREAMHANDLE);
      FltContext s = fx.alloc(FltContextType.STREAM);
      Kind.STREAMHANDLE.attach(fx.target(), h1);
      Kind.STREAMHANDLE.attach(fx.target().withFileObject(fo2), h2);
      Kind.STREAM.attach(fx.target(), s);
      for (FltContext c : List.of(h1, h2, s)) {
        Flt.releaseContext(c);
      }
      InstanceFileContexts.fileObjectClosed(fx.volume, fx.stream.fo);
      assertEquals(1, fx.rec.cleanupsOf(h1));
      assertEquals(0, fx.rec.cleanupsOf(h2));
      assertEquals(FltContext.State.ATTACHED, s.state());
      Out<FltContext> out = new Out<>();
      assertEquals(STATUS_NOT_FOUND, Flt.getStreamHandleContext(fx.instance, fx.stream.fo, out));
    }
  }

  @Test
  @DisplayName("fltmgr.md 10.92: FsRtlTeardownPerFileContexts detaches file contexts")
  void teardownPerFileContexts_detachesFileContexts(TrackedManagers managers) {
    try (Fx fx = fx(managers)) {
      FltContext f = fx.alloc(FltContextType.FILE);
      Kind.FILE.attach(fx.target(), f);
      Flt.releaseContext(f);
      assertEquals(1, fx.volume.fileControlBlockCount(), "the file's block is on the volume's list");
      fx.stream.teardown(false);
      assertEquals(FltContext.State.ATTACHED, f.state(), "stream teardown leaves native file contexts alone");
      io.fsctx.fsrtl.FsRtl.teardownPerFileContexts(Objects.requireNonNull(fx.stream.slot));
      assertEquals(1, fx.rec.cleanupsOf(f));
      assertEquals(0, fx.volume.fileControlBlockCount(), "the file's teardown takes its block off the volume's list");
    }
  }

  @Test
  @DisplayName("fltmgr.md 10.93, 10.94, 10.95: detaching an instance deletes all it set after TeardownComplete (which can still get the instance context), instance context last; other instances keep theirs")
  void detachVolume_deletesInstanceContextsInOrder(TrackedManagers managers) {
    try (Fx fx = fx(managers)) {
      FltInstance second = fx.secondInstance();
      Map<Kind, FltContext> mine = attachAll(fx.filter, fx.target());
      Map<Kind, FltContext> theirs = new EnumMap<>(Kind.class);
      for (Kind k : Kind.values()) {
        if (k != Kind.VOLUME) {
          FltContext c = fx.alloc(k.type);
          k.attach(fx.target().withInstance(second), c);
          Flt.releaseContext(c);
          theirs.put(k, c);
        }
      }
      AtomicReference<NtStatus> inComplete = new AtomicReference<>();
      fx.rec.onTeardownComplete =
          o -> {
            if (o.instance() == fx.instance) {
              Out<FltContext> got = new Out<>();
              inComplete.set(Flt.getInstanceContext(fx.instance, got));
              assertSame(mine.get(Kind.INSTANCE), got.get());
              Flt.releaseContext(got.get());
            }
          };
      assertEquals(STATUS_SUCCESS, Flt.detachVolume(fx.filter, fx.volume, fx.instance.name()));
      assertEquals(STATUS_SUCCESS, inComplete.get());
      for (Kind k : Kind.values()) {
        if (k == Kind.VOLUME) {
          assertEquals(FltContext.State.ATTACHED, mine.get(k).state(), "volume contexts stay until unload or dismount");
        } else {
          assertEquals(1, fx.rec.cleanupsOf(mine.get(k)), k::toString);
          assertEquals(FltContext.State.ATTACHED, theirs.get(k).state(), k::toString);
        }
      }
      List<String> log = fx.rec.logSnapshot();
      int complete = log.indexOf("TeardownComplete:" + fx.instance.id());
      int instanceCleanup = log.indexOf("Cleanup:INSTANCE:" + mine.get(Kind.INSTANCE).id());
      assertTrue(log.indexOf("TeardownStart:" + fx.instance.id()) < complete, log::toString);
      assertTrue(complete < instanceCleanup, log::toString);
      for (Kind k : List.of(Kind.STREAMHANDLE, Kind.STREAM, Kind.FILE, Kind.TRANSACTION)) {
        int at = log.indexOf("Cleanup:" + k.type + ":" + mine.get(k).id());
        assertTrue(complete < at && at < instanceCleanup, () -> k + " " + log);
      }
    }
  }

  @Test
  @DisplayName("fltmgr.md 10.96, 10.98, 10.99: unregister runs TeardownStart/Complete for every instance (no QueryTeardown), deletes volume contexts, cleans each context once at refs 0 before its free")
  void unregister_tearsDownEverythingOnce(TrackedManagers managers) {
    Fx fx = fx(managers);
    FltInstance second = fx.secondInstance();
    List<String> order = new CopyOnWriteArrayList<>();
    fx.mgr.addListener(e -> {
      if (e.kind() == ContextEvent.Kind.CLEANUP || e.kind() == ContextEvent.Kind.FREE) {
        order.add(e.kind() + ":" + e.contextId());
      }
    });
    Map<Kind, FltContext> mine = attachAll(fx.filter, fx.target());
    FltContext secondInstanceCtx = fx.alloc(FltContextType.INSTANCE);
    Kind.INSTANCE.attach(fx.target().withInstance(second), secondInstanceCtx);
    Flt.releaseContext(secondInstanceCtx);
    UnloadReport report = fx.filter.unregister();
    assertTrue(report.clean(), report::format);
    assertEquals(0, fx.rec.queryTeardowns.get());
    List<String> log = fx.rec.logSnapshot();
    for (FltInstance i : List.of(fx.instance, second)) {
      assertTrue(log.contains("TeardownStart:" + i.id()), log::toString);
      assertTrue(log.contains("TeardownComplete:" + i.id()), log::toString);
    }
    List<FltContext> all = new ArrayList<>(mine.values());
    all.add(secondInstanceCtx);
    for (FltContext c : all) {
      assertEquals(1, fx.rec.cleanupsOf(c), c::toString);
      assertEquals(FltContext.State.FREED, c.state());
      assertTrue(order.indexOf("CLEANUP:" + c.id()) < order.indexOf("FREE:" + c.id()), order::toString);
    }
    assertEquals(List.of(), fx.rec.problems);
    assertThrows(IllegalStateException.class, fx.filter::unregister, "FltUnregisterFilter twice is a caller error");
    fx.close();
  }

  @Test
  @DisplayName("fltmgr.md 10.97: FltUnregisterFilter waits while the filter holds a context reference and returns once it is released")
  void unregister_heldReference_blocksUntilReleased(TrackedManagers managers) throws Exception {
    Fx fx = new Fx(managers.create(FltConfig.builder().unloadWaitTimeout(Duration.ofSeconds(10)).build()));
    FltContext c = fx.alloc(FltContextType.STREAM);
    Kind.STREAM.attach(fx.target(), c);
    AtomicReference<UnloadReport> report = new AtomicReference<>();
    Thread unloader = new Thread(() -> report.set(fx.filter.unregister()), "unloader");
    unloader.start();
    unloader.join(200);
    assertTrue(unloader.isAlive(), "unregister returned while a reference was held");
    assertEquals(FltContext.State.DELETED, c.state(), "contexts are deleted before the wait");
    Flt.releaseContext(c);
    unloader.join(2000);
    assertFalse(unloader.isAlive());
    assertTrue(Objects.requireNonNull(report.get()).clean());
    assertEquals(1, fx.rec.cleanupsOf(c));
    fx.close();
  }

  @Test
  @DisplayName("fltmgr.md 10.97: when the wait times out the report names the leaked context, which is never freed while referenced")
  void unregister_timeout_reportsLeakWithoutFreeing(TrackedManagers managers) {
    Fx fx = fx(managers);
    FltContext c = fx.alloc(FltContextType.STREAMHANDLE);
    UnloadReport report = fx.filter.unregister();
    assertEquals(1, report.leakedCount());
    assertEquals(List.of(c), report.leaked());
    assertEquals(Map.of(FltContextType.STREAMHANDLE, 1), report.countsByType());
    assertEquals(1, c.referenceCount());
    assertEquals(0, fx.rec.cleanupsOf(c));
    Flt.releaseContext(c);
    assertEquals(1, fx.rec.cleanupsOf(c));
    fx.close();
  }

  @Test
  @DisplayName("fltmgr.md 6.2 policy: volume contexts die at dismount after the instances' teardown")
  void dismountVolume_deletesVolumeContextAfterInstances(TrackedManagers managers) {
    try (Fx fx = fx(managers)) {
      FltContext v = fx.alloc(FltContextType.VOLUME);
      Kind.VOLUME.attach(fx.target(), v);
      Flt.releaseContext(v);
      fx.mgr.dismountVolume(fx.volume);
      List<String> log = fx.rec.logSnapshot();
      assertTrue(log.indexOf("TeardownComplete:" + fx.instance.id()) < log.indexOf("Cleanup:VOLUME:" + v.id()), log::toString);
      assertEquals(1, fx.rec.cleanupsOf(v));
    }
  }

  @Test
  @DisplayName("fltmgr.md 10.100: the free routine gets the block the allocate routine returned, after the cleanup callback")
  void freeCallback_receivesAllocatedBlockAfterCleanup(TrackedManagers managers) {
    FilterManager mgr = managers.create(FltTestSupport.quickUnload().build());
    List<Object> order = new CopyOnWriteArrayList<>();
    Object block = new Object();
    FltContextRegistration routines =
        new FltContextRegistration(
            FltContextType.STREAMHANDLE.code(), 0,
            (c, t) -> order.add("cleanup"),
            0, 0,
            (pool, size, type) -> block,
            (b, t) -> order.add(b),
            null, null);
    Out<FltFilter> f = new Out<>();
    assertEquals(STATUS_SUCCESS, Flt.registerFilter(mgr, DriverObject.of("Routines", null), FltRegistration.builder().contextRegistration(routines, FltContextRegistration.END).build(), f));
    Out<FltContext> c = new Out<>();
    assertEquals(STATUS_SUCCESS, Flt.allocateContext(f.get(), FltContextType.STREAMHANDLE.code(), 8, PoolType.PAGED_POOL, c));
    Flt.releaseContext(c.get());
    assertEquals(List.of("cleanup", block), order);
    Flt.unregisterFilter(f.get());
  }

  @Test
  @DisplayName("fltmgr.md 6.3 / DESIGN.md: cleanup callbacks hold no framework lock and may re-enter the API")
  void cleanupCallback_reentersApi_noLockHeld(TrackedManagers managers) {
    try (Fx fx = fx(managers)) {
      FltContext s = fx.alloc(FltContextType.STREAM);
      Kind.STREAM.attach(fx.target(), s);
      Flt.releaseContext(s);
      List<String> seen = new CopyOnWriteArrayList<>();
      AtomicReference<FltContext> lateSet = new AtomicReference<>();
      FltContext cached = fx.alloc(FltContextType.INSTANCE);
      Kind.INSTANCE.attach(fx.target(), cached);
      Flt.releaseContext(cached);
      fx.mgr.addListener(e -> {
        if (e.kind() == ContextEvent.Kind.CLEANUP && e.contextId().equals(s.id())) {
          // Re-entering from the thread running the cleanup: a lock held by the framework would
          // deadlock or be visible here.
          Out<FltContext> out = new Out<>();
          seen.add(Flt.getStreamContext(fx.instance, fx.stream.fo, out) + "");
          FltContext fresh = fx.alloc(FltContextType.STREAM);
          lateSet.set(fresh);
          // FsRtl tears down what is inserted while it runs, so this may attach to a fresh
          // control block; either way the context must not outlive the teardown.
          Flt.setStreamContext(fx.instance, fx.stream.open(), 1, fresh, null);
          Flt.releaseContext(fresh);
          seen.add(Thread.holdsLock(fx.instance) + "/" + Thread.holdsLock(fx.stream.advanced()));
        }
      });
      fx.stream.teardown(false);
      assertEquals(List.of(STATUS_NOT_FOUND.toString(), "false/false"), seen);
      assertEquals(FltContext.State.FREED, Objects.requireNonNull(lateSet.get()).state());
    }
  }
}
