package io.fsctx.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.nt.NtStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class DeviceStackConcurrencyTest {

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void attachDetach_whileIoRuns_everyRequestCompletesAndNothingStaysOpen() throws Exception {
    long seed = System.nanoTime();
    try {
      run(seed);
    } catch (AssertionError | Exception e) {
      throw new AssertionError("failed with seed " + seed, e);
    }
  }

  private static void run(long seed) throws Exception {
    IoManager io = new IoManager();
    TestFileSystem fs = new TestFileSystem();
    Volume v = io.mount("\\Device\\V", null, fs);
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(5);
    List<Future<?>> io4 = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Random rnd = new Random(seed + t);
      io4.add(pool.submit(() -> {
        for (int i = 0; i < 500; i++) {
          CreateResult r = io.createFile(v, "\\f" + rnd.nextInt(3), CreateParameters.openIf());
          assertEquals(NtStatus.STATUS_SUCCESS, r.status());
          io.write(r.openedFileObject(), 0, 1);
          io.closeHandle(r.openedFileObject());
        }
        return null;
      }));
    }
    Future<?> churn = pool.submit(() -> {
      int n = 0;
      while (!stop.get()) {
        DeviceObject filter = new DeviceObject("Filter#" + n++) {
          @Override
          public NtStatus dispatch(Irp irp) {
            return callLowerDriver(irp);
          }
        };
        v.deviceStack().attach(filter);
        v.deviceStack().detach(filter);
      }
      return null;
    });
    for (Future<?> f : io4) {
      f.get(50, TimeUnit.SECONDS);
    }
    stop.set(true);
    churn.get(10, TimeUnit.SECONDS);
    pool.shutdown();
    assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    assertEquals(List.of(v.deviceStack().bottom()), v.deviceStack().devices());
    assertEquals(1, fs.liveFcbs(), "only the volume's own header is left");
    assertEquals(1, io.pool().outstanding().size(), "every FCB but the VCB was freed");
  }
}
