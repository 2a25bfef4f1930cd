package io.fsctx.modelfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.fsrtl.FsRtl;
import io.fsctx.fsrtl.PerStreamContext;
import io.fsctx.modelfs.toolkit.ClosePolicy;
import io.fsctx.io.CreateParameters;
import io.fsctx.io.CreateResult;
import io.fsctx.io.FileObject;
import io.fsctx.io.IoManager;
import io.fsctx.io.Volume;
import io.fsctx.nt.NtStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Timeout;
import io.fsctx.verifier.FileSystemVerifier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ConcurrencyTest {
  private static final int THREADS = 8;
  private static final int ITERATIONS = 400;

  @ParameterizedTest
  @EnumSource(ClosePolicy.class)
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void manyThreads_openReadCloseSharedAndDistinctFiles_noFcbAliveAndEveryFreeCallbackRanOnce(ClosePolicy policy)
      throws Exception {
    long seed = System.nanoTime();
    try {
      run(policy, seed);
    } catch (AssertionError | Exception e) {
      throw new AssertionError("failed with seed " + seed + " (policy " + policy + ")", e);
    }
  }

  private static void run(ClosePolicy policy, long seed) throws Exception {
    IoManager io = new IoManager();
    FileSystemVerifier verifier = FileSystemVerifier.watch(io);
    ModelFileSystem fs = new NtfsLikeFileSystem(policy);
    Volume v = io.mount("\\Device\\HarddiskVolume9", 'Z', fs);
    ConcurrentLinkedQueue<AtomicInteger> callbacks = new ConcurrentLinkedQueue<>();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      Random rnd = new Random(seed + t);
      int thread = t;
      futures.add(pool.submit(() -> {
        start.await();
        for (int i = 0; i < ITERATIONS; i++) {
          String path = switch (rnd.nextInt(4)) {
            case 0 -> "\\shared.txt";
            case 1 -> "\\shared.txt:ads";
            case 2 -> "\\t" + thread + "-" + rnd.nextInt(5);
            default -> "\\SHARED.TXT";
          };
          CreateResult r = io.createFile(v, path, CreateParameters.openIf());
          assertEquals(NtStatus.STATUS_SUCCESS, r.status(), path);
          FileObject fo = r.openedFileObject();
          AtomicInteger count = new AtomicInteger();
          PerStreamContext ctx = new PerStreamContext(new Object(), null, c -> count.incrementAndGet());
          assertEquals(NtStatus.STATUS_SUCCESS, FsRtl.insertPerStreamContext(fo.fsContext(), ctx));
          callbacks.add(count);
          io.write(fo, rnd.nextInt(100), 10);
          io.read(fo, 0, 10);
          boolean extraRef = rnd.nextBoolean();
          if (extraRef) {
            io.referenceObject(fo);
          }
          io.closeHandle(fo);
          if (extraRef) {
            io.dereferenceObject(fo);
          }
          if (rnd.nextInt(20) == 0) {
            fs.flushDelayedCloses();
          }
        }
        return null;
      }));
    }
    start.countDown();
    for (Future<?> f : futures) {
      f.get(50, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    io.dismount(v);
    assertEquals(List.of(), io.pool().outstanding(), "every FCB, SCB, CCB and the VCB was freed");
    assertEquals(List.of(), verifier.violations());
    assertEquals(THREADS * ITERATIONS, callbacks.size());
    for (AtomicInteger c : callbacks) {
      assertEquals(1, c.get());
    }
  }
}
