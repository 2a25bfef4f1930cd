package io.fsctx.fltmgr;

import io.fsctx.nt.PoolType;
import static io.fsctx.nt.NtStatus.STATUS_FLT_CONTEXT_ALREADY_DEFINED;
import static io.fsctx.nt.NtStatus.STATUS_SUCCESS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.fltmgr.FltTestSupport.Fx;
import io.fsctx.fltmgr.FltTestSupport.Kind;
import io.fsctx.fltmgr.FltTestSupport.Stream;
import io.fsctx.fltmgr.FltTestSupport.StreamKind;
import io.fsctx.fltmgr.testing.NoLiveContextsExtension;
import io.fsctx.fltmgr.testing.NoLiveContextsExtension.TrackedManagers;
import io.fsctx.io.FileObject;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Concurrency stress for the context manager, bounded to about a second each and seeded: the seed
 * is printed on failure and can be replayed with {@code -Dfsctx.stress.seed=<n>}.
 */
@ExtendWith(NoLiveContextsExtension.class)
class ContextConcurrencyStressTest {
  private static final int THREADS = 8;
  /** Rounds each test runs however slow the machine; the deadline only adds more. */
  private static final int MIN_ROUNDS = 20;
  /** Waits that only end a hung run; a loaded 2-core machine must never reach them. */
  private static final long SAFETY_NET_SECONDS = 60;
  private static final List<Kind> KINDS = List.of(Kind.values());

  private static long seed() {
    String s = System.getProperty("fsctx.stress.seed");
    return s != null ? Long.parseLong(s) : System.nanoTime();
  }

  private static String replay(long seed) {
    return "seed=" + seed + " (replay with -Dfsctx.stress.seed=" + seed + ")";
  }

  /** The CTX sample's find-or-create: get, else allocate and set KEEP, adopting the winner on ALREADY_DEFINED. */
  private static FltContext findOrCreateStreamContext(FltInstance instance, FileObject fo, AtomicInteger created) {
    Out<FltContext> out = new Out<>();
    NtStatus st = Flt.getStreamContext(instance, fo, out);
    if (st.isSuccess()) {
      return java.util.Objects.requireNonNull(out.get());
    }
    Out<FltContext> fresh = new Out<>();
    assertEquals(STATUS_SUCCESS, Flt.allocateContext(instance.filter(), 0x8, FltTestSupport.SIZE, PoolType.PAGED_POOL, fresh));
    FltContext mine = java.util.Objects.requireNonNull(fresh.get());
    Out<FltContext> old = new Out<>();
    st = Flt.setStreamContext(instance, fo, SetContextOperation.KEEP_IF_EXISTS.code(), mine, old);
    if (st.equals(STATUS_FLT_CONTEXT_ALREADY_DEFINED)) {
      Flt.releaseContext(mine); // the loser goes away; the caller owns the reference in old
      return java.util.Objects.requireNonNull(old.get());
    }
    assertEquals(STATUS_SUCCESS, st);
    created.incrementAndGet();
    return mine; // the allocation reference is now the caller's
  }

  @Test
  @DisplayName("CTX find-or-create race: many threads end with exactly one attached stream context, all holding it, refs balanced")
  void findOrCreateStreamContext_manyThreads_oneWinnerRefsBalanced(TrackedManagers managers) throws Exception {
    long seed = seed();
    Random rnd = new Random(seed);
    try (Fx fx = new Fx(managers.create(FltTestSupport.quickUnload().build()))) {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1000);
      int rounds = 0;
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      try {
        // At least MIN_ROUNDS rounds however slow the machine, then until the deadline: a loaded
        // CI machine gets fewer extra rounds, never a failure for being slow.
        while (rounds < MIN_ROUNDS || System.nanoTime() < deadline) {
          rounds++;
          Stream s = fx.stream(StreamKind.PER_FILE_SLOT);
          List<FileObject> fos = new ArrayList<>();
          for (int i = 0; i < THREADS; i++) {
            fos.add(rnd.nextBoolean() ? s.fo : s.open());
          }
          CyclicBarrier start = new CyclicBarrier(THREADS);
          AtomicInteger created = new AtomicInteger();
          List<Future<FltContext>> results = new ArrayList<>();
          for (int i = 0; i < THREADS; i++) {
            FileObject fo = fos.get(i);
            results.add(pool.submit(() -> {
              start.await(SAFETY_NET_SECONDS, TimeUnit.SECONDS);
              return findOrCreateStreamContext(fx.instance, fo, created);
            }));
          }
          List<FltContext> held = new ArrayList<>();
          for (Future<FltContext> f : results) {
            held.add(f.get(SAFETY_NET_SECONDS, TimeUnit.SECONDS));
          }
          FltContext winner = held.get(0);
          for (FltContext c : held) {
            assertTrue(c == winner, () -> "callers hold different contexts; " + replay(seed));
          }
          assertEquals(1, created.get(), () -> "set succeeded more than once; " + replay(seed));
          assertEquals(FltContext.State.ATTACHED, winner.state(), () -> replay(seed));
          assertEquals(THREADS + 1, winner.referenceCount(), () -> "one per caller plus the link; " + replay(seed));
          for (FltContext c : held) {
            Flt.releaseContext(c);
          }
          assertEquals(1, winner.referenceCount(), () -> replay(seed));
          s.teardown(true);
          assertEquals(FltContext.State.FREED, winner.state(), () -> replay(seed));
          assertEquals(1, fx.rec.cleanupsOf(winner), () -> replay(seed));
        }
      } finally {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(SAFETY_NET_SECONDS, TimeUnit.SECONDS));
      }
      assertEquals(List.of(), fx.rec.problems, () -> replay(seed));
    }
  }

  @Test
  @DisplayName("get/release/delete racing stream teardown, instance detach and filter unload: no bug check, every cleanup once, nothing live")
  void getReleaseDelete_racingTeardowns_noBugCheckCleanupOnce(TrackedManagers managers) throws Exception {
    long seed = seed();
    Random master = new Random(seed);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
    int rounds = 0;
    ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);
    try {
      while (rounds < MIN_ROUNDS / 5 || System.nanoTime() < deadline) {
        rounds++;
        long roundSeed = master.nextLong();
        FilterManager mgr = managers.create(FltTestSupport.quickUnload().unloadWaitTimeout(java.time.Duration.ofSeconds(10)).build());
        Fx fx = new Fx(mgr);
        FltInstance second = fx.secondInstance();
        List<Stream> streams = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          streams.add(fx.stream(StreamKind.PER_FILE_SLOT));
        }
        Map<String, FltContext> everAllocated = new ConcurrentHashMap<>();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> work = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
          Random rnd = new Random(roundSeed + t);
          work.add(pool.submit(() -> {
            go.await();
            for (int n = 0; n < 200; n++) {
              FltInstance inst = rnd.nextBoolean() ? fx.instance : second;
              Stream s = streams.get(rnd.nextInt(streams.size()));
              Kind k = KINDS.get(rnd.nextInt(KINDS.size()));
              FltTestSupport.Target target = new FltTestSupport.Target(inst, fx.volume, s.fo, fx.tx);
              switch (rnd.nextInt(4)) {
                case 0 -> {
                  Out<FltContext> c = new Out<>();
                  PoolType p = k == Kind.VOLUME ? PoolType.NON_PAGED_POOL : PoolType.PAGED_POOL;
                  if (Flt.allocateContext(fx.filter, k.type.code(), FltTestSupport.SIZE, p, c).isSuccess()) {
                    FltContext ctx = java.util.Objects.requireNonNull(c.get());
                    everAllocated.put(ctx.id(), ctx);
                    Out<FltContext> old = new Out<>();
                    k.set(target, rnd.nextInt(2), ctx, rnd.nextBoolean() ? old : null);
                    if (old.get() != null) {
                      Flt.releaseContext(old.get());
                    }
                    Flt.releaseContext(ctx);
                  }
                }
                case 1 -> {
                  Out<FltContext> c = new Out<>();
                  if (k.get(target, c).isSuccess()) {
                    FltContext ctx = java.util.Objects.requireNonNull(c.get());
                    if (rnd.nextBoolean()) {
                      Flt.deleteContext(ctx);
                    }
                    Flt.releaseContext(ctx);
                  }
                }
                case 2 -> {
                  Out<FltContext> old = new Out<>();
                  k.delete(target, rnd.nextBoolean() ? old : null);
                  if (old.get() != null) {
                    Flt.releaseContext(old.get());
                  }
                }
                default -> {
                  Out<FltContext> c = new Out<>();
                  if (k.get(target, c).isSuccess()) {
                    Flt.referenceContext(c.get());
                    Flt.releaseContext(c.get());
                    Flt.releaseContext(c.get());
                  }
                }
              }
            }
            return null;
          }));
        }
        Random rnd = new Random(roundSeed);
        work.add(pool.submit(() -> {
          go.await();
          for (Stream s : streams) {
            Thread.onSpinWait();
            s.teardown(rnd.nextBoolean());
          }
          if (rnd.nextBoolean()) {
            Flt.detachVolume(fx.filter, fx.volume, second.name());
          }
          UnloadReport r = fx.filter.unregister();
          assertTrue(r.clean(), r::format);
          return null;
        }));
        go.countDown();
        for (Future<?> f : work) {
          try {
            f.get(SAFETY_NET_SECONDS, TimeUnit.SECONDS);
          } catch (java.util.concurrent.ExecutionException e) {
            throw new AssertionError("worker failed; " + replay(seed), e.getCause());
          }
        }
        fx.close();
        for (FltContext c : everAllocated.values()) {
          assertEquals(FltContext.State.FREED, c.state(), () -> c.describe() + "; " + replay(seed));
          assertEquals(1, fx.rec.cleanupsOf(c), () -> c.describe() + "; " + replay(seed));
        }
        assertEquals(List.of(), mgr.liveContexts(), () -> replay(seed));
        assertEquals(List.of(), fx.rec.problems, () -> replay(seed));
        assertNotNull(mgr);
      }
    } finally {
      pool.shutdownNow();
      assertTrue(pool.awaitTermination(SAFETY_NET_SECONDS, TimeUnit.SECONDS));
    }
  }
}
