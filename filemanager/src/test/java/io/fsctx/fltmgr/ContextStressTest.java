package io.fsctx.fltmgr;

import io.fsctx.nt.PoolType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.fsrtl.FsRtl;
import io.fsctx.io.FileObject;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Several threads run random context operations on the same instance and the same few streams
 * (set, get, reference, release, both deletes, FltGetContexts/FltReleaseContexts, stream teardown,
 * and one manual detach midway), each releasing only references it owns. At the end every
 * allocated context must be freed, its cleanup callback must have run exactly once, and no thread
 * may have seen an exception. Seeded: {@code -Dfsctx.stress.seed=<seed>} replays the per-thread
 * operation choices (the interleaving, of course, differs).
 */
class ContextStressTest {
  private static final int THREADS = 4;
  private static final int STREAMS = 3;
  private static final Duration RUN_TIME = Duration.ofMillis(Long.getLong("fsctx.stress.millis", 2_000L));

  @Test
  @DisplayName("fltmgr.md 6.1: concurrent operations lose no reference; every context is cleaned up exactly once")
  void concurrentOperations_endWithNothingAlive_eachCleanupOnce() throws Exception {
    long seed = Long.getLong("fsctx.stress.seed", new Random().nextLong());
    Rig rig = new Rig(FltConfig.builder().unloadWaitTimeout(Duration.ofSeconds(2)).build());
    FileObject[] files = new FileObject[STREAMS];
    for (int s = 0; s < STREAMS; s++) {
      files[s] = Rig.openStream("stress" + s);
    }
    ConcurrentLinkedQueue<FltContext> allocated = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    AtomicBoolean detached = new AtomicBoolean();
    long deadline = System.nanoTime() + RUN_TIME.toNanos();
    long detachAt = System.nanoTime() + RUN_TIME.toNanos() / 2;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      Random rnd = new Random(seed + t);
      Thread th = new Thread(() -> {
        List<FltContext> held = new ArrayList<>();
        try {
          start.await();
          while (System.nanoTime() < deadline) {
            if (System.nanoTime() > detachAt && detached.compareAndSet(false, true)) {
              NtStatus st = Flt.detachVolume(rig.filter, rig.volume, null);
              assertEquals(NtStatus.STATUS_SUCCESS, st, "FltDetachVolume");
            }
            step(rnd, rig, files, held, allocated);
          }
        } catch (Throwable e) {
          failures.add(e);
        } finally {
          for (FltContext c : held) {
            try {
              Flt.releaseContext(c);
            } catch (Throwable e) {
              failures.add(e);
            }
          }
        }
      }, "stress-" + t);
      threads.add(th);
      th.start();
    }
    start.countDown();
    for (Thread th : threads) {
      th.join(RUN_TIME.toMillis() + 30_000);
      assertTrue(!th.isAlive(), th.getName() + " is stuck");
    }
    String replay = " (seed " + seed + ", replay with -Dfsctx.stress.seed=" + seed + ")";
    if (!failures.isEmpty()) {
      AssertionError e = new AssertionError(failures.size() + " unexpected exceptions" + replay, failures.peek());
      throw e;
    }
    for (FileObject fo : files) {
      FsRtl.teardownPerStreamContexts(Objects.requireNonNull(fo.fsContext()));
    }
    UnloadReport report = rig.filter.unregister();
    assertTrue(report.clean(), () -> report.format() + replay);
    assertTrue(rig.manager.liveContexts().isEmpty(), () -> "live: " + rig.manager.liveContexts() + replay);
    int n = 0;
    for (FltContext c : allocated) {
      n++;
      assertEquals(FltContext.State.FREED, c.state(), c.describe() + replay);
      assertEquals(1, (int) rig.cleanupsPerContext.getOrDefault(c, 0), "cleanups of " + c + replay);
    }
    assertEquals(n, rig.cleanups.get(), "cleanup callbacks in total" + replay);
    System.out.println("ContextStressTest: " + n + " contexts, all freed once" + replay);
  }

  private static void step(
      Random rnd, Rig rig, FileObject[] files, List<FltContext> held, ConcurrentLinkedQueue<FltContext> allocated) {
    FileObject fo = files[rnd.nextInt(files.length)];
    int op = rnd.nextInt(100);
    if (op < 15 || held.isEmpty()) {
      boolean stream = rnd.nextInt(4) != 0;
      int type = stream ? FltContextType.STREAM.code() : FltContextType.INSTANCE.code();
      FltContext c = Objects.requireNonNull(rig.filter.allocateContext(type, Rig.SIZE, PoolType.PAGED_POOL).context());
      allocated.add(c);
      held.add(c);
    } else if (op < 35) {
      FltContext c = held.get(rnd.nextInt(held.size()));
      Out<FltContext> old = rnd.nextBoolean() ? new Out<>() : null;
      int operation = rnd.nextInt(2);
      NtStatus st = c.type() == FltContextType.STREAM
          ? Flt.setStreamContext(rig.instance, fo, operation, c, old)
          : Flt.setInstanceContext(rig.instance, operation, c, old);
      if (old != null && old.get() != null) {
        held.add(old.get());
      }
      assertTrue(st.isSuccess() || st.equals(NtStatus.STATUS_FLT_CONTEXT_ALREADY_DEFINED)
          || st.equals(NtStatus.STATUS_FLT_CONTEXT_ALREADY_LINKED) || st.equals(NtStatus.STATUS_FLT_DELETING_OBJECT),
          () -> "set returned " + st);
    } else if (op < 55) {
      Out<FltContext> got = new Out<>();
      NtStatus st = rnd.nextInt(3) != 0 ? Flt.getStreamContext(rig.instance, fo, got) : Flt.getInstanceContext(rig.instance, got);
      assertEquals(st.isSuccess(), got.get() != null, "get: success iff a context is returned");
      if (got.get() != null) {
        held.add(got.get());
      }
    } else if (op < 60) {
      FltContext c = held.get(rnd.nextInt(held.size()));
      Flt.referenceContext(c);
      held.add(c);
    } else if (op < 80) {
      Flt.releaseContext(held.remove(rnd.nextInt(held.size())));
    } else if (op < 84) {
      Flt.deleteContext(held.get(rnd.nextInt(held.size())));
    } else if (op < 90) {
      Out<FltContext> old = rnd.nextBoolean() ? new Out<>() : null;
      NtStatus st = rnd.nextBoolean() ? Flt.deleteStreamContext(rig.instance, fo, old) : Flt.deleteInstanceContext(rig.instance, old);
      if (old != null && old.get() != null) {
        held.add(old.get());
      }
      assertTrue(st.isSuccess() || st.equals(NtStatus.STATUS_NOT_FOUND) || st.equals(NtStatus.STATUS_FLT_DELETING_OBJECT),
          () -> "delete returned " + st);
    } else if (op < 96) {
      FltRelatedContexts bag = new FltRelatedContexts();
      Flt.getContexts(new FltRelatedObjects(rig.filter, rig.volume, rig.instance, fo, null), 0x3F, bag);
      Flt.releaseContexts(bag);
    } else {
      FsRtl.teardownPerStreamContexts(Objects.requireNonNull(fo.fsContext()));
    }
  }
}
