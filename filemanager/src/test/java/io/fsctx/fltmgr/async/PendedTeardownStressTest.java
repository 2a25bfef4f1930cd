package io.fsctx.fltmgr.async;

import static io.fsctx.nt.NtStatus.STATUS_SUCCESS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.fltmgr.DpcCompletion;
import io.fsctx.fltmgr.Flt;
import io.fsctx.fltmgr.FltContext;
import io.fsctx.fltmgr.FltContextRegistration;
import io.fsctx.fltmgr.FltContextType;
import io.fsctx.fltmgr.FltOperationRegistration;
import io.fsctx.fltmgr.FltPostopCallbackStatus;
import io.fsctx.fltmgr.FltPreopCallbackStatus;
import io.fsctx.fltmgr.FltRegistration;
import io.fsctx.fltmgr.PostOperationCallback;
import io.fsctx.fltmgr.PreOperationCallback;
import io.fsctx.fltmgr.testing.FilterHarness;
import io.fsctx.io.FileObject;
import io.fsctx.io.IrpMajorFunction;
import io.fsctx.modelfs.NtfsLikeFileSystem;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 stress: asynchronous completions racing the instance's teardown. Readers send reads
 * whose pre-read pends (a deferred I/O work item completes it) and whose post-read, at DPC, is
 * finished through FltDoCompletionProcessingWhenSafe, each carrying a stream-context reference
 * across the completion, while the test detaches the instance. Every read must return, every
 * reference must come back (the harness's verifier check: no leak, no finding), and a request
 * that was admitted before the teardown must see its post-operation callback, with DRAINING when
 * it ran after the teardown began.
 */
class PendedTeardownStressTest {
  private static final int READERS = 2;
  private static final int READS = 100;

  private static FltRegistration registration(AtomicInteger pended, AtomicInteger posts) {
    PreOperationCallback preRead = (d, o, cc) -> {
      Out<FltContext> ctx = new Out<>();
      if (!Flt.getStreamContext(o.instance(), o.fileObject(), ctx).isSuccess()) {
        return FltPreopCallbackStatus.SUCCESS_NO_CALLBACK;
      }
      FltPreopCallbackStatus st = AsyncTestSupport.pendViaWorkItem(d, o.filter(), ctx.get(), () -> { });
      if (st == FltPreopCallbackStatus.PENDING) {
        pended.incrementAndGet();
      }
      return st;
    };
    PostOperationCallback postRead = (d, o, cc, flags) -> {
      posts.incrementAndGet();
      Out<FltPostopCallbackStatus> ret = new Out<>();
      if (Flt.doCompletionProcessingWhenSafe(d, o, cc, flags, (d2, o2, cc2, f2) -> {
        Flt.releaseContext((FltContext) cc2);
        return FltPostopCallbackStatus.FINISHED_PROCESSING;
      }, ret)) {
        return ret.get();
      }
      Flt.releaseContext((FltContext) cc); // draining: a nonpaged release is allowed at DISPATCH_LEVEL
      return FltPostopCallbackStatus.FINISHED_PROCESSING;
    };
    return FltRegistration.builder()
        .contextRegistration(FltContextRegistration.of(FltContextType.STREAM, 0, null, 16, FltContextRegistration.tag("PndS"), null))
        .operationRegistration(
            new FltOperationRegistration(IrpMajorFunction.CREATE.code(), 0, null, AsyncTestSupport.streamContextOnCreate()),
            new FltOperationRegistration(IrpMajorFunction.READ.code(), 0, preRead, postRead))
        .instanceQueryTeardownCallback((o, f) -> STATUS_SUCCESS)
        .build();
  }

  @Test
  @DisplayName("issue 13 stress: pended pre-reads and safe post-reads racing the instance's detach return every reference")
  void asyncCompletion_racingDetach_balanced() throws Exception {
    int totalPended = 0;
    for (int round = 0; round < 12; round++) {
      AtomicInteger pended = new AtomicInteger();
      AtomicInteger posts = new AtomicInteger();
      List<Throwable> errors = new CopyOnWriteArrayList<>();
      try (FilterHarness h = FilterHarness.on(new NtfsLikeFileSystem())) {
        h.start("PendStress", "370000", registration(pended, posts));
        FileObject fo = h.open("\\a.txt");
        h.write(fo, 0, 100);
        CyclicBarrier go = new CyclicBarrier(READERS + 1);
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < READERS; r++) {
          int[] i = {0};
          readers.add(AsyncTestSupport.looping("reader-" + r, go, READS, () -> {
            try (DpcCompletion dpc = (i[0]++ & 1) == 0 ? DpcCompletion.begin() : null) {
              h.read(fo, 0, 10);
            }
          }, errors));
        }
        go.await();
        for (int spin = 0; spin < round * 50; spin++) {
          Thread.onSpinWait(); // move the detach around the readers' progress from round to round
        }
        assertEquals(STATUS_SUCCESS, Flt.detachVolume(h.filter(), h.fltVolume(), null));
        for (Thread t : readers) {
          t.join();
        }
        assertEquals(List.of(), errors);
        assertEquals(List.of(), h.manager().awaitWorkItems());
        assertEquals(pended.get(), posts.get(), "every pended pre-read got its post-read");
        h.close(fo);
        assertTrue(h.unload().clean());
        assertEquals(List.of(), h.problems());
      }
      totalPended += pended.get();
    }
    assertTrue(totalPended > 0, "reads were pended");
  }
}
