package io.fsctx.fltmgr.async;

import io.fsctx.fltmgr.Flt;
import io.fsctx.fltmgr.FltCallbackData;
import io.fsctx.fltmgr.FltDeferredIoWorkItem;
import io.fsctx.fltmgr.FltFilter;
import io.fsctx.fltmgr.FltPreopCallbackStatus;
import io.fsctx.nt.NtStatus;
import io.fsctx.fltmgr.FltContext;
import io.fsctx.fltmgr.FltContextType;
import io.fsctx.fltmgr.FltPostopCallbackStatus;
import io.fsctx.fltmgr.PostOperationCallback;
import io.fsctx.nt.Out;
import io.fsctx.nt.PoolType;
import java.util.List;
import java.util.concurrent.CyclicBarrier;

/** What the issue-13 tests of asynchronous and racing operations share. */
public final class AsyncTestSupport {
  private AsyncTestSupport() {}

  /** A post-create that attaches a 16-byte nonpaged stream context to every stream opened. */
  public static PostOperationCallback streamContextOnCreate() {
    return (d, o, cc, f) -> {
      Out<FltContext> ctx = new Out<>();
      if (d.ioStatus().isSuccess()
          && Flt.allocateContext(o.filter(), FltContextType.STREAM.code(), 16, PoolType.NON_PAGED_POOL, ctx).isSuccess()) {
        Flt.setStreamContext(o.instance(), o.fileObject(), 1, ctx.get(), null);
        Flt.releaseContext(ctx.get());
      }
      return FltPostopCallbackStatus.FINISHED_PROCESSING;
    };
  }

  /**
   * Starts a thread that waits at {@code go}, then runs {@code step} {@code times} times; what it
   * throws goes to {@code errors}.
   */
  public static Thread looping(String name, CyclicBarrier go, int times, Runnable step, List<Throwable> errors) {
    Thread t = new Thread(() -> {
      try {
        go.await();
        for (int i = 0; i < times; i++) {
          step.run();
        }
      } catch (Throwable e) {
        errors.add(e);
      }
    }, name);
    t.start();
    return t;
  }

  /**
   * What a pre-operation callback returns after handing {@code context} (a reference the callback
   * took) to a deferred I/O work item that completes the pended pre-operation with
   * SUCCESS_WITH_CALLBACK, passing the reference on to the post-operation callback: PENDING; or,
   * when the item cannot be queued (the instance is being torn down), SUCCESS_NO_CALLBACK after
   * releasing the reference. {@code onWorker} runs first in the work item.
   */
  public static FltPreopCallbackStatus pendViaWorkItem(FltCallbackData data, FltFilter filter, FltContext context, Runnable onWorker) {
    FltDeferredIoWorkItem item = Flt.allocateDeferredIoWorkItem(filter.manager());
    NtStatus st = Flt.queueDeferredIoWorkItem(item, data, (wi, d, c) -> {
      onWorker.run();
      Flt.freeDeferredIoWorkItem(wi);
      Flt.completePendedPreOperation(d, FltPreopCallbackStatus.SUCCESS_WITH_CALLBACK, c);
    }, 0, context);
    if (!st.isSuccess()) {
      Flt.freeDeferredIoWorkItem(item);
      Flt.releaseContext(context);
      return FltPreopCallbackStatus.SUCCESS_NO_CALLBACK;
    }
    return FltPreopCallbackStatus.PENDING;
  }
}
