package io.fsctx.fltmgr.frame;

import static io.fsctx.fltmgr.FltContextType.STREAM;
import static io.fsctx.fltmgr.FltContextType.STREAMHANDLE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.modelfs.NtfsLikeFileSystem;
import io.fsctx.fltmgr.ContextEvent;
import io.fsctx.fltmgr.FltPreopCallbackStatus;
import io.fsctx.modelfs.toolkit.ClosePolicy;
import io.fsctx.io.CreateParameters;
import io.fsctx.io.CreateResult;
import io.fsctx.io.FileInformation;
import io.fsctx.io.FileObject;
import io.fsctx.io.IrpMajorFunction;
import io.fsctx.nt.NtStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Many threads opening, reading, writing, renaming and closing files through the stack, with two
 * filters that set stream and stream-handle contexts in post-create and use them in pre-read and
 * pre-close. Afterwards no context is alive and each one's cleanup ran exactly once. Seeded and
 * bounded; a failure names its seed.
 */
class FrameConcurrencyTest {
  private static final int THREADS = 8;
  private static final int ITERATIONS = 300;

  @ParameterizedTest
  @EnumSource(ClosePolicy.class)
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  @DisplayName("concurrent I/O through two filters loses no context and cleans each up exactly once")
  void manyThreads_twoFiltersSettingStreamAndHandleContexts_everyCleanupExactlyOnce(ClosePolicy policy) throws Exception {
    long seed = System.nanoTime();
    try {
      run(policy, seed);
    } catch (AssertionError | Exception e) {
      throw new AssertionError("failed with seed " + seed + " (policy " + policy + ")", e);
    }
  }

  private static void run(ClosePolicy policy, long seed) throws Exception {
    Rig rig = Rig.on(new NtfsLikeFileSystem(policy));
    rig.journal.setRecording(false);
    Map<String, Long> allocated = new ConcurrentHashMap<>();
    AtomicLong badCleanups = new AtomicLong();
    rig.manager.addListener(e -> {
      if (e.kind() == ContextEvent.Kind.ALLOCATE) {
        allocated.put(e.contextId(), 0L);
      } else if (e.kind() == ContextEvent.Kind.CLEANUP && !allocated.replace(e.contextId(), 0L, 1L)) {
        badCleanups.incrementAndGet();
      }
    });
    AtomicLong unexpected = new AtomicLong();
    for (TestMinifilter f : List.of(rig.high, rig.low)) {
      f.onPost(IrpMajorFunction.CREATE, (data, objs, cc, flags) -> {
        if (data.ioStatus().isSuccess()) {
          NtStatus s = f.attach(STREAM, objs, "S");
          NtStatus h = f.attach(STREAMHANDLE, objs, "H");
          if (!(s.isSuccess() || s.equals(NtStatus.STATUS_FLT_CONTEXT_ALREADY_DEFINED)) || !h.isSuccess()) {
            unexpected.incrementAndGet();
          }
        }
      });
      for (IrpMajorFunction m : List.of(IrpMajorFunction.READ, IrpMajorFunction.CLOSE)) {
        f.onPre(m, (data, objs, cc) -> {
          // Every file object here was opened through the filters, so both contexts exist.
          if (!f.get(STREAM, objs, null).isSuccess() || !f.get(STREAMHANDLE, objs, null).isSuccess()) {
            unexpected.incrementAndGet();
          }
          return FltPreopCallbackStatus.SUCCESS_NO_CALLBACK;
        });
      }
    }

    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> futures = new ArrayList<>();
    try {
      for (int t = 0; t < THREADS; t++) {
        Random rnd = new Random(seed + t);
        int thread = t;
        futures.add(pool.submit(() -> {
          start.await();
          List<FileObject> held = new ArrayList<>();
          for (int i = 0; i < ITERATIONS; i++) {
            String path = switch (rnd.nextInt(5)) {
              case 0 -> "\\shared.txt";
              case 1 -> "\\shared.txt:ads";
              case 2 -> "\\SHARED.TXT";
              case 3 -> "\\t" + thread + "-" + rnd.nextInt(4);
              default -> "\\common" + rnd.nextInt(3);
            };
            CreateResult r = rig.io.createFile(rig.volume, path, CreateParameters.openIf());
            if (!r.isOpened()) {
              continue; // a concurrent rename can move a name away; that is fine
            }
            FileObject fo = r.openedFileObject();
            rig.io.write(fo, 0, 1 + rnd.nextInt(100));
            rig.io.read(fo, 0, 10);
            if (path.startsWith("\\t") && rnd.nextInt(8) == 0) {
              rig.io.setInformation(fo, new FileInformation.Rename("\\t" + thread + "-" + rnd.nextInt(4), true));
            }
            held.add(fo);
            if (held.size() > rnd.nextInt(3)) {
              rig.io.closeHandle(held.remove(rnd.nextInt(held.size())));
            }
          }
          for (FileObject fo : held) {
            rig.io.closeHandle(fo);
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(50, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    rig.fs.flushDelayedCloses();

    assertEquals(0, unexpected.get(), "context operations that failed unexpectedly");
    rig.assertNoLiveContexts();
    assertEquals(0, badCleanups.get(), "cleanups of contexts never allocated, or cleaned up twice");
    assertTrue(allocated.size() > THREADS, "the run allocated contexts");
    for (Map.Entry<String, Long> e : allocated.entrySet()) {
      assertEquals(1L, e.getValue(), e.getKey() + " was never cleaned up");
    }
    for (TestMinifilter f : List.of(rig.high, rig.low)) {
      for (Map.Entry<String, Integer> e : f.cleanupCounts().entrySet()) {
        assertEquals(1, e.getValue(), f + " cleanup of " + e.getKey());
      }
    }
    assertEquals(0, rig.fltVolume.streamControlBlockCount());
  }
}
