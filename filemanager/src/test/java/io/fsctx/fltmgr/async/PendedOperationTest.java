package io.fsctx.fltmgr.async;

import static io.fsctx.nt.NtStatus.STATUS_SUCCESS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.fltmgr.DpcCompletion;
import io.fsctx.fltmgr.Flt;
import io.fsctx.fltmgr.FltCallbackData;
import io.fsctx.fltmgr.FltContext;
import io.fsctx.fltmgr.FltContextRegistration;
import io.fsctx.fltmgr.FltContextType;
import io.fsctx.fltmgr.FltGenericWorkItem;
import io.fsctx.fltmgr.FltInstance;
import io.fsctx.fltmgr.FltOperationRegistration;
import io.fsctx.fltmgr.FltPostopCallbackStatus;
import io.fsctx.fltmgr.FltPreopCallbackStatus;
import io.fsctx.fltmgr.FltRegistration;
import io.fsctx.fltmgr.PostOperationCallback;
import io.fsctx.fltmgr.PreOperationCallback;
import io.fsctx.fltmgr.testing.FilterHarness;
import io.fsctx.io.FileObject;
import io.fsctx.io.IoStatus;
import io.fsctx.io.IrpMajorFunction;
import io.fsctx.modelfs.NtfsLikeFileSystem;
import io.fsctx.nt.Irql;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Pended and asynchronous operations (issue 13): FLT_PREOP_PENDING and
 * FltCompletePendedPreOperation, FLT_POSTOP_MORE_PROCESSING_REQUIRED and
 * FltCompletePendedPostOperation, FltDoCompletionProcessingWhenSafe, work items, DRAINING and
 * instance teardown while requests are in flight, with every context reference balanced.
 */
class PendedOperationTest {
  private static final int TAG = FltContextRegistration.tag("PndT");

  /** How the probe filter's pre-read pends, and how its post-read finishes. */
  enum Mode {
    /** Pre-read pends and a deferred I/O work item completes it. */
    PEND_VIA_WORK_ITEM,
    /** Pre-read pends and the test completes it from its own thread. */
    PEND_FOR_TEST,
    /** Pre-read passes its reference on; post-read finishes through FltDoCompletionProcessingWhenSafe. */
    POST_WHEN_SAFE
  }

  private final List<String> log = new CopyOnWriteArrayList<>();
  private final List<Integer> postFlags = new CopyOnWriteArrayList<>();
  private final AtomicReference<FltCallbackData> pendedData = new AtomicReference<>();
  private final CountDownLatch pended = new CountDownLatch(1);
  private final CountDownLatch teardownStarted = new CountDownLatch(1);
  private final CountDownLatch releaseSafeCallback = new CountDownLatch(1);
  private final CountDownLatch safeCallbackHeld = new CountDownLatch(1);
  private volatile boolean holdSafeCallback;
  private FilterHarness h;

  @AfterEach
  void tearDown() {
    if (h != null) {
      h.close();
      assertEquals(List.of(), h.manager().awaitWorkItems());
      h.assertNoProblems();
    }
  }

  private static void await(CountDownLatch l) {
    try {
      l.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private FltRegistration probe(Mode mode) {
    PreOperationCallback preRead = (d, o, cc) -> {
      Out<FltContext> ctx = new Out<>();
      if (!Flt.getStreamContext(o.instance(), o.fileObject(), ctx).isSuccess()) {
        return FltPreopCallbackStatus.SUCCESS_NO_CALLBACK;
      }
      switch (mode) {
        case PEND_VIA_WORK_ITEM -> {
          return AsyncTestSupport.pendViaWorkItem(d, o.filter(), ctx.get(), () -> log.add(
              "work item on " + (Thread.currentThread() == readerThread ? "the reader" : "a worker") + " at " + Irql.current()));
        }
        case PEND_FOR_TEST -> {
          pendedContext.set(ctx.get());
          pendedData.set(d);
          pended.countDown();
          return FltPreopCallbackStatus.PENDING;
        }
        case POST_WHEN_SAFE -> {
          cc.set(ctx.get());
          return FltPreopCallbackStatus.SUCCESS_WITH_CALLBACK;
        }
      }
      throw new AssertionError(mode);
    };
    PostOperationCallback postRead = (d, o, cc, flags) -> {
      postFlags.add(flags);
      if (mode != Mode.POST_WHEN_SAFE) {
        Flt.releaseContext((FltContext) cc);
        log.add("post-read");
        return FltPostopCallbackStatus.FINISHED_PROCESSING;
      }
      Out<FltPostopCallbackStatus> ret = new Out<>();
      boolean done = Flt.doCompletionProcessingWhenSafe(d, o, cc, flags, (d2, o2, cc2, f2) -> {
        if (holdSafeCallback) {
          safeCallbackHeld.countDown();
          await(releaseSafeCallback);
        }
        log.add("safe callback on " + (Thread.currentThread() == readerThread ? "the reader" : "a worker") + " at " + Irql.current());
        Out<FltContext> again = new Out<>();
        if (Flt.getStreamContext(o2.instance(), o2.fileObject(), again).isSuccess()) {
          Flt.releaseContext(again.get()); // allowed here: the safe callback runs at PASSIVE_LEVEL
        }
        Flt.releaseContext((FltContext) cc2);
        return FltPostopCallbackStatus.FINISHED_PROCESSING;
      }, ret);
      if (!done) {
        Flt.releaseContext((FltContext) cc); // draining: finish here, releasing at this level is allowed
        return FltPostopCallbackStatus.FINISHED_PROCESSING;
      }
      return ret.get();
    };
    return FltRegistration.builder()
        .contextRegistration(FltContextRegistration.of(FltContextType.STREAM, 0, null, 16, TAG, null))
        .operationRegistration(
            new FltOperationRegistration(IrpMajorFunction.CREATE.code(), 0, null, AsyncTestSupport.streamContextOnCreate()),
            new FltOperationRegistration(IrpMajorFunction.READ.code(), 0, preRead, postRead))
        .instanceQueryTeardownCallback((o, f) -> STATUS_SUCCESS)
        .instanceTeardownStartCallback((o, reason) -> {
          log.add("teardown start");
          teardownStarted.countDown();
        })
        .instanceTeardownCompleteCallback((o, reason) -> log.add("teardown complete"))
        .build();
  }

  private final AtomicReference<FltContext> pendedContext = new AtomicReference<>();
  private volatile Thread readerThread;

  private FileObject start(Mode mode) {
    h = FilterHarness.on(new NtfsLikeFileSystem());
    h.start("PendProbe", "370000", probe(mode));
    FileObject fo = h.open("\\a.txt");
    h.write(fo, 0, 100); // reads of an empty file end at STATUS_END_OF_FILE
    return fo;
  }

  private CompletableFuture<IoStatus> readOnAnotherThread(FileObject fo, boolean atDpc) {
    CompletableFuture<IoStatus> f = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try (DpcCompletion dpc = atDpc ? DpcCompletion.begin() : null) {
        f.complete(h.read(fo, 0, 10));
      } catch (Throwable e) {
        f.completeExceptionally(e);
      }
    }, "reader");
    readerThread = t;
    t.start();
    return f;
  }

  private CompletableFuture<NtStatus> detachOnAnotherThread() {
    return CompletableFuture.supplyAsync(() -> Flt.detachVolume(h.filter(), h.fltVolume(), null));
  }

  @Test
  @DisplayName("issue 13: a pre-read pended and completed by a deferred I/O work item on a worker thread goes on to its post-read; references balance")
  void pendedPre_completedByWorkItem_continuesBalanced() throws Exception {
    FileObject fo = start(Mode.PEND_VIA_WORK_ITEM);
    IoStatus st = readOnAnotherThread(fo, false).get();
    assertTrue(st.isSuccess(), st::toString);
    assertEquals(List.of("work item on a worker at PASSIVE_LEVEL", "post-read"), log);
    assertEquals(List.of(0), postFlags);
    h.close(fo);
  }

  @Test
  @DisplayName("issue 13 done-when: a pre-read pended across the instance's teardown: teardown waits, the post-read gets DRAINING, references balance")
  void pendedPre_teardownWhileInFlight_waitsAndDrains() throws Exception {
    FileObject fo = start(Mode.PEND_FOR_TEST);
    CompletableFuture<IoStatus> read = readOnAnotherThread(fo, false);
    await(pended);
    CompletableFuture<NtStatus> detach = detachOnAnotherThread();
    await(teardownStarted);
    assertFalse(detach.isDone(), "teardown waits for the pended request");
    assertFalse(read.isDone());
    FltCallbackData data = pendedData.get();
    Flt.completePendedPreOperation(data, FltPreopCallbackStatus.SUCCESS_WITH_CALLBACK, pendedContext.get());
    assertTrue(read.get().isSuccess());
    assertEquals(STATUS_SUCCESS, detach.get());
    assertEquals(List.of("teardown start", "post-read", "teardown complete"), log);
    assertEquals(List.of(PostOperationCallback.FLTFL_POST_OPERATION_DRAINING), postFlags);
    assertThrows(IllegalStateException.class,
        () -> Flt.completePendedPreOperation(data, FltPreopCallbackStatus.SUCCESS_NO_CALLBACK, null),
        "a second completion is the caller's mistake");
    h.close(fo);
  }

  @Test
  @DisplayName("issue 13: a completion that arrives before the pre-operation callback returned PENDING is kept for it")
  void pendedPre_completedBeforeReturn_continues() throws Exception {
    h = FilterHarness.on(new NtfsLikeFileSystem());
    h.start("Early", "370000", FltRegistration.builder().operationRegistration(
        new FltOperationRegistration(IrpMajorFunction.READ.code(), 0, (d, o, cc) -> {
          Flt.completePendedPreOperation(d, FltPreopCallbackStatus.SUCCESS_NO_CALLBACK, null);
          return FltPreopCallbackStatus.PENDING;
        }, null)).build());
    FileObject fo = h.open("\\a.txt");
    h.write(fo, 0, 100);
    assertTrue(h.read(fo, 0, 10).isSuccess());
    h.close(fo);
  }

  @Test
  @DisplayName("issue 13: completing a pre-operation whose callback did not pend it fails when the callback returns")
  void completePendedPre_notPended_fails() {
    h = FilterHarness.on(new NtfsLikeFileSystem());
    h.start("Wrong", "370000", FltRegistration.builder().operationRegistration(
        new FltOperationRegistration(IrpMajorFunction.READ.code(), 0, (d, o, cc) -> {
          Flt.completePendedPreOperation(d, FltPreopCallbackStatus.SUCCESS_NO_CALLBACK, null);
          return FltPreopCallbackStatus.SUCCESS_NO_CALLBACK;
        }, null)).build());
    FileObject fo = h.open("\\a.txt");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> h.read(fo, 0, 10));
    assertTrue(e.getMessage().contains("did not pend it"), e.getMessage());
    h.close(fo);
  }

  @Test
  @DisplayName("issue 13: FltDoCompletionProcessingWhenSafe from a post-read at DISPATCH_LEVEL runs the safe callback on a worker at PASSIVE; no IRQL finding")
  void whenSafe_atDispatch_runsOnWorkerAtPassive() throws Exception {
    FileObject fo = start(Mode.POST_WHEN_SAFE);
    assertTrue(readOnAnotherThread(fo, true).get().isSuccess());
    assertEquals(List.of("safe callback on a worker at PASSIVE_LEVEL"), log);
    assertEquals(List.of(), h.manager().verifierFindings());
    h.close(fo);
  }

  @Test
  @DisplayName("issue 13: FltDoCompletionProcessingWhenSafe at PASSIVE_LEVEL runs the safe callback at once, in the calling thread")
  void whenSafe_atPassive_runsInline() throws Exception {
    FileObject fo = start(Mode.POST_WHEN_SAFE);
    assertTrue(readOnAnotherThread(fo, false).get().isSuccess());
    assertEquals(List.of("safe callback on the reader at PASSIVE_LEVEL"), log);
    h.close(fo);
  }

  @Test
  @DisplayName("issue 13 done-when: a post-read finished through FltDoCompletionProcessingWhenSafe while the instance is torn down: teardown waits, references balance")
  void whenSafe_teardownWhileInFlight_waitsBalanced() throws Exception {
    FileObject fo = start(Mode.POST_WHEN_SAFE);
    holdSafeCallback = true;
    CompletableFuture<IoStatus> read = readOnAnotherThread(fo, true);
    // The request must be in flight before the teardown starts: one that arrives later passes the
    // dying instance over and never reaches its post-operation callback.
    await(safeCallbackHeld);
    CompletableFuture<NtStatus> detach = detachOnAnotherThread();
    await(teardownStarted);
    assertFalse(detach.isDone(), "teardown waits for the post-operation pended on the worker");
    releaseSafeCallback.countDown();
    assertTrue(read.get().isSuccess());
    assertEquals(STATUS_SUCCESS, detach.get());
    assertEquals(List.of("teardown start", "safe callback on a worker at PASSIVE_LEVEL", "teardown complete"), log);
    h.close(fo);
  }

  @Test
  @DisplayName("issue 13: FltDoCompletionProcessingWhenSafe with DRAINING returns FALSE and does nothing")
  void whenSafe_draining_returnsFalse() {
    FileObject fo = start(Mode.POST_WHEN_SAFE);
    Out<FltPostopCallbackStatus> ret = new Out<>();
    FltInstance i = h.instance();
    boolean r = Flt.doCompletionProcessingWhenSafe(
        new FltCallbackData(IrpMajorFunction.READ.code(), 0, 0, 0, fo, null, FltCallbackData.FLTFL_CALLBACK_DATA_IRP_OPERATION),
        io.fsctx.fltmgr.FltRelatedObjects.forInstance(i), null, PostOperationCallback.FLTFL_POST_OPERATION_DRAINING,
        (d, o, cc, f) -> {
          throw new AssertionError("must not run");
        }, ret);
    assertFalse(r);
    assertEquals(null, ret.get());
    h.close(fo);
  }

  @Test
  @DisplayName("issue 13: a generic work item on an instance runs on a worker; teardown waits for it; once torn down, queueing is FLT_DELETING_OBJECT")
  void genericWorkItem_instance_teardownWaits() throws Exception {
    FileObject fo = start(Mode.POST_WHEN_SAFE);
    FltInstance instance = h.instance();
    FltGenericWorkItem item = Flt.allocateGenericWorkItem(h.manager());
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    assertEquals(STATUS_SUCCESS, Flt.queueGenericWorkItem(item, instance, (wi, obj, ctx) -> {
      ranOn.set(Thread.currentThread());
      running.countDown();
      await(finish);
      log.add("work item done");
    }, 0, null));
    await(running);
    CompletableFuture<NtStatus> detach = detachOnAnotherThread();
    await(teardownStarted);
    assertFalse(detach.isDone());
    finish.countDown();
    assertEquals(STATUS_SUCCESS, detach.get());
    assertEquals(List.of("teardown start", "work item done", "teardown complete"), log);
    assertNotEquals(Thread.currentThread(), ranOn.get());
    assertEquals(NtStatus.STATUS_FLT_DELETING_OBJECT, Flt.queueGenericWorkItem(item, instance, (wi, obj, ctx) -> { }, 0, null));
    Flt.freeGenericWorkItem(item);
    assertThrows(IllegalStateException.class, () -> Flt.freeGenericWorkItem(item));
    h.close(fo);
  }

  @Test
  @DisplayName("issue 13: a work item that throws is a problem the harness reports after the test")
  void genericWorkItem_throws_listedAsProblem() {
    try (FilterHarness other = FilterHarness.on(new NtfsLikeFileSystem())) {
      other.start("Thrower", "370000", FltRegistration.builder().build());
      FltGenericWorkItem item = Flt.allocateGenericWorkItem(other.manager());
      assertEquals(STATUS_SUCCESS, Flt.queueGenericWorkItem(item, other.filter(), (wi, obj, ctx) -> {
        throw new IllegalStateException("boom in a work item");
      }, 0, null));
      List<String> problems = other.problems();
      assertEquals(1, problems.size(), problems::toString);
      assertTrue(problems.get(0).contains("work item threw: java.lang.IllegalStateException: boom in a work item"), problems::toString);
      Flt.freeGenericWorkItem(item);
    }
  }
}
