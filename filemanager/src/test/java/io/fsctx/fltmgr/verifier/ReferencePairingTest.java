package io.fsctx.fltmgr.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fsctx.fltmgr.ContextLease;
import io.fsctx.fltmgr.Flt;
import io.fsctx.fltmgr.FltContext;
import io.fsctx.fltmgr.FltContextType;
import io.fsctx.fltmgr.FltRelatedContexts;
import io.fsctx.fltmgr.FltRelatedObjects;
import io.fsctx.fltmgr.HeldReference;
import io.fsctx.fltmgr.SetResult;
import io.fsctx.fltmgr.VerifierLevel;
import io.fsctx.io.FileObject;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The verifier's reference ledger (TRACKING): which references it records, and how a release is
 * paired with one of them (the releasing thread's newest, else the oldest). Whatever the pairing,
 * the references listed always number the references held.
 */
class ReferencePairingTest {

  private static int line() {
    return StackWalker.getInstance().walk(s -> s.skip(1).findFirst()).orElseThrow().getLineNumber();
  }

  private static List<String> routines(FltContext c) {
    return c.outstandingReferences().stream().map(HeldReference::routine).toList();
  }

  private static List<Integer> lines(FltContext c) {
    return c.outstandingReferences().stream().map(r -> Objects.requireNonNull(r.site()).getLineNumber()).toList();
  }

  @Test
  @DisplayName("A release retires the releasing thread's newest reference (LIFO), so the earlier get stays named")
  void release_afterTwoReferences_retiresTheNewestOfTheThread() {
    VerifierFixture fx = new VerifierFixture(VerifierLevel.TRACKING);
    FltContext c = fx.allocateStream();
    Flt.referenceContext(c); int first = line();
    Flt.referenceContext(c);

    Flt.releaseContext(c);

    assertEquals(List.of("FltAllocateContext", "FltReferenceContext"), routines(c));
    assertEquals(first, lines(c).get(1));
    assertNull(c.outstandingReferences().get(1).callback(), "taken outside any callback");
    Flt.releaseContext(c);
    Flt.releaseContext(c);
    assertEquals(List.of(), c.outstandingReferences());
  }

  @Test
  @DisplayName("A reference handed to another thread and released there balances: the ledger ends empty")
  void release_onAnotherThread_balances() throws Exception {
    VerifierFixture fx = new VerifierFixture(VerifierLevel.TRACKING);
    FileObject fo = fx.openedFile("\\a.txt");
    FltContext c = fx.attachStream(fo);
    Out<FltContext> got = new Out<>();
    assertEquals(NtStatus.STATUS_SUCCESS, Flt.getStreamContext(fx.instance, fo, got)); int getLine = line();
    Flt.referenceContext(c); int referenceLine = line();
    assertEquals(List.of(getLine, referenceLine), lines(c));

    // The worker has no reference of its own: its release retires the oldest one.
    CompletableFuture.runAsync(() -> Flt.releaseContext(c)).get(5, TimeUnit.SECONDS);

    assertEquals(List.of(referenceLine), lines(c));
    assertEquals(2, c.referenceCount(), "the link and the one listed");
    Flt.releaseContext(Objects.requireNonNull(got.get()));
    assertEquals(List.of(), c.outstandingReferences());
    VerifierFixture.tearDown(fo);
    assertEquals(FltContext.State.FREED, c.state());
  }

  @Test
  @DisplayName("Any single-thread sequence of references and releases leaves exactly as many listed references as the caller holds")
  void randomReferencesAndReleases_listedMatchesHeld() {
    VerifierFixture fx = new VerifierFixture(VerifierLevel.TRACKING);
    long seed = new Random().nextLong();
    Random rnd = new Random(seed);
    for (int round = 0; round < 20; round++) {
      FltContext c = fx.allocateStream();
      int held = 1;
      for (int step = 0; step < 40; step++) {
        if (held > 1 && rnd.nextBoolean()) {
          Flt.releaseContext(c);
          held--;
        } else {
          Flt.referenceContext(c);
          held++;
        }
        assertEquals(held, c.outstandingReferences().size(), "seed " + seed);
        assertEquals(held, c.referenceCount(), "seed " + seed);
      }
      while (held-- > 0) {
        Flt.releaseContext(c);
      }
      assertEquals(FltContext.State.FREED, c.state(), "seed " + seed);
    }
  }

  @Test
  @DisplayName("Gets and releases racing on several threads leave no listed reference once all are released")
  void concurrentGetsAndReleases_ledgerEndsEmpty() throws Exception {
    VerifierFixture fx = new VerifierFixture(VerifierLevel.TRACKING);
    FileObject fo = fx.openedFile("\\a.txt");
    FltContext c = fx.attachStream(fo);
    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> work = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        work.add(pool.submit(() -> {
          go.await();
          for (int i = 0; i < 500; i++) {
            Out<FltContext> got = new Out<>();
            assertEquals(NtStatus.STATUS_SUCCESS, Flt.getStreamContext(fx.instance, fo, got));
            Flt.referenceContext(c);
            Flt.releaseContext(Objects.requireNonNull(got.get()));
            Flt.releaseContext(c);
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : work) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1, c.referenceCount());
    assertEquals(List.of(), c.outstandingReferences());
    VerifierFixture.tearDown(fo);
  }

  @Test
  @DisplayName("References handed back through OldContext, by FltGetContexts and by a lease are listed with their routine")
  void oldContextGetContextsAndLease_listedWithTheirRoutine() {
    VerifierFixture fx = new VerifierFixture(VerifierLevel.TRACKING);
    FileObject fo = fx.openedFile("\\a.txt");
    FltContext first = fx.attachStream(fo);

    FltContext second = fx.allocateStream();
    Out<FltContext> existing = new Out<>();
    assertEquals(NtStatus.STATUS_FLT_CONTEXT_ALREADY_DEFINED, Flt.setStreamContext(fx.instance, fo, 1, second, existing));
    assertEquals(List.of("FltSetStreamContext OldContext (ALREADY_DEFINED)"), routines(first));
    Flt.releaseContext(Objects.requireNonNull(existing.get()));

    Out<FltContext> replaced = new Out<>();
    assertEquals(NtStatus.STATUS_SUCCESS, Flt.setStreamContext(fx.instance, fo, 0, second, replaced));
    assertEquals(List.of("FltSetStreamContext OldContext (replaced)"), routines(first));
    Flt.releaseContext(Objects.requireNonNull(replaced.get()));
    assertEquals(FltContext.State.FREED, first.state());
    Flt.releaseContext(second);

    FltRelatedContexts related = new FltRelatedContexts();
    Flt.getContexts(new FltRelatedObjects(fx.filter, fx.volume, fx.instance, fo, null), FltContextType.STREAM.code(), related);
    assertEquals(List.of("FltGetContexts"), routines(second));
    Flt.releaseContexts(related);

    try (ContextLease lease = fx.instance.getStreamContext(fo).require()) {
      int leaseLine = line() - 1;
      assertEquals(List.of("FltGetStreamContext"), routines(lease.context()));
      assertEquals(List.of(leaseLine), lines(lease.context()));
    }
    try (SetResult deleted = fx.instance.deleteStreamContext(fo)) {
      assertEquals(List.of("FltDeleteStreamContext OldContext"), routines(Objects.requireNonNull(deleted.other()).context()));
    }
    assertEquals(FltContext.State.FREED, second.state());
    assertEquals(List.of(), second.outstandingReferences());
  }
}
