package io.fsctx.fltmgr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.fltmgr.FltTestSupport.Fx;
import io.fsctx.fltmgr.FltTestSupport.Kind;
import io.fsctx.fltmgr.FltTestSupport.Stream;
import io.fsctx.fltmgr.FltTestSupport.StreamKind;
import io.fsctx.fltmgr.FltTestSupport.Target;
import io.fsctx.io.FileObject;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The verifier's list of live contexts ({@link FilterManager#liveContexts()}): a context is
 * listed from its allocation to its free, whether attached (found through its store) or not
 * (kept by the verifier), once, and a list taken while other threads attach and detach contexts
 * misses none that was alive throughout.
 */
class LiveContextsTest {

  private static long count(List<FltContext> live, FltContext c) {
    return live.stream().filter(x -> x == c).count();
  }

  @Test
  @DisplayName("every attachable type, native and emulated file contexts: listed once while allocated, attached, detached but held")
  void listedOnceThroughTheirLife_everyType() {
    for (boolean namedStreams : new boolean[] {true, false}) {
      FilterManager mgr = new FilterManager(FltConfig.builder().verifierLevel(VerifierLevel.COUNTING).build());
      try (Fx fx = new Fx(mgr, namedStreams)) {
        Target t = fx.target();
        for (Kind k : Kind.values()) {
          String what = k + (namedStreams ? "" : " (emulated file contexts)");
          FltContext c = fx.alloc(k.type);
          assertEquals(1, count(mgr.liveContexts(), c), what + " allocated");
          assertEquals(NtStatus.STATUS_SUCCESS, k.set(t, 0, c, null), what);
          assertEquals(1, count(mgr.liveContexts(), c), what + " attached: found through its store, once");
          assertEquals(NtStatus.STATUS_SUCCESS, k.delete(t, null), what);
          assertEquals(1, count(mgr.liveContexts(), c), what + " detached, still held by the caller");
          Flt.releaseContext(c);
          assertEquals(0, count(mgr.liveContexts(), c), what + " freed");
        }
      }
      assertTrue(mgr.liveContexts().isEmpty(), mgr.liveContexts().toString());
    }
  }

  @Test
  @DisplayName("contexts left attached to a stream the file system never tears down are still listed")
  void attachedToAStreamNeverTornDown_listed() {
    FilterManager mgr = new FilterManager(FltConfig.builder().verifierLevel(VerifierLevel.COUNTING).build());
    Fx fx = new Fx(mgr);
    Stream s = fx.stream(StreamKind.PER_FILE_SLOT);
    Target t = new Target(fx.instance, fx.volume, s.fo, fx.tx);
    FltContext stream = fx.alloc(FltContextType.STREAM);
    FltContext handle = fx.alloc(FltContextType.STREAMHANDLE);
    assertEquals(NtStatus.STATUS_SUCCESS, Kind.STREAM.set(t, 0, stream, null));
    assertEquals(NtStatus.STATUS_SUCCESS, Kind.STREAMHANDLE.set(t, 0, handle, null));
    Flt.releaseContext(stream);
    Flt.releaseContext(handle);
    List<FltContext> live = mgr.liveContexts();
    assertEquals(List.of(stream, handle), live, "only the stream's block holds them");
    fx.close(); // tears the streams down and unloads
    assertTrue(mgr.liveContexts().isEmpty());
  }

  @Test
  @DisplayName("thousands of unattached contexts: all listed, and none once released")
  void manyUnattached_allListed_thenNone() {
    FilterManager mgr = new FilterManager(FltConfig.builder().verifierLevel(VerifierLevel.COUNTING).build());
    try (Fx fx = new Fx(mgr)) {
      List<FltContext> held = new ArrayList<>();
      for (int round = 0; round < 2; round++) {
        for (int i = 0; i < 5_000; i++) {
          held.add(fx.alloc(FltContextType.STREAM));
        }
        List<FltContext> live = mgr.liveContexts();
        assertEquals(held, live, "all of them, in id order");
        // Release every other one, then the rest: the sets shrink and stay consistent.
        for (int i = 0; i < held.size(); i += 2) {
          Flt.releaseContext(held.get(i));
        }
        assertEquals(held.size() / 2, mgr.liveContexts().size());
        for (int i = 1; i < held.size(); i += 2) {
          Flt.releaseContext(held.get(i));
        }
        assertTrue(mgr.liveContexts().isEmpty());
        held.clear();
      }
    }
  }

  @Test
  @DisplayName("a list taken while threads attach, detach and free contexts misses none held throughout, and lists none twice")
  void concurrentAttachDetach_noContextHeldThroughoutIsMissed() throws Exception {
    FilterManager mgr = new FilterManager(FltConfig.builder().verifierLevel(VerifierLevel.COUNTING).build());
    try (Fx fx = new Fx(mgr)) {
      int threads = 3;
      Set<FltContext> held = ConcurrentHashMap.newKeySet();
      AtomicBoolean stop = new AtomicBoolean();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      AtomicInteger cycles = new AtomicInteger();
      CountDownLatch done = new CountDownLatch(threads);
      for (int n = 0; n < threads; n++) {
        Stream s = fx.stream(StreamKind.PER_FILE_SLOT);
        Thread th = new Thread(() -> {
          try {
            while (!stop.get()) {
              FileObject fo = s.open();
              Target t = new Target(fx.instance, fx.volume, fo, fx.tx);
              for (Kind k : List.of(Kind.STREAM, Kind.STREAMHANDLE, Kind.FILE)) {
                FltContext c = fx.alloc(k.type);
                held.add(c); // held from here to just before its release
                Out<FltContext> old = new Out<>();
                NtStatus st = k.set(t, SetContextOperation.REPLACE_IF_EXISTS.code(), c, old);
                if (!st.isSuccess()) {
                  throw new AssertionError(k + " set: " + st);
                }
                if (old.get() != null) {
                  Flt.releaseContext(old.get());
                }
                Out<FltContext> removed = new Out<>();
                if (k.delete(t, removed).isSuccess() && removed.get() != null) {
                  Flt.releaseContext(removed.get()); // the link reference handed over
                }
                held.remove(c);
                Flt.releaseContext(c);
              }
              cycles.incrementAndGet();
            }
          } catch (Throwable e) {
            failure.compareAndSet(null, e);
          } finally {
            done.countDown();
          }
        });
        th.start();
      }
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
      int lists = 0;
      try {
        while ((System.nanoTime() < deadline || lists < 200) && failure.get() == null) {
          Set<FltContext> before = new HashSet<>(held);
          List<FltContext> live = mgr.liveContexts();
          Set<FltContext> after = new HashSet<>(held);
          before.retainAll(after);
          Set<FltContext> once = new HashSet<>(live);
          assertEquals(once.size(), live.size(), "a context listed twice");
          for (FltContext c : before) {
            assertTrue(once.contains(c), () -> c + " was held throughout but not listed (" + c.state() + ")");
          }
          lists++;
        }
      } finally {
        stop.set(true);
        assertTrue(done.await(60, TimeUnit.SECONDS));
      }
      if (failure.get() != null) {
        throw new AssertionError(failure.get());
      }
      assertTrue(cycles.get() > 0);
    }
    assertTrue(mgr.liveContexts().isEmpty(), mgr.liveContexts().toString());
  }
}
