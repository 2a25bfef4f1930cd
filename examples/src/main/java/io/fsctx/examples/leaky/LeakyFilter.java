package io.fsctx.examples.leaky;

import io.fsctx.fltmgr.DriverObject;
import io.fsctx.fltmgr.FilterManager;
import io.fsctx.fltmgr.Flt;
import io.fsctx.fltmgr.FltContext;
import io.fsctx.fltmgr.FltContextRegistration;
import io.fsctx.fltmgr.FltContextType;
import io.fsctx.fltmgr.FltFilter;
import io.fsctx.fltmgr.FltOperationRegistration;
import io.fsctx.fltmgr.FltPostopCallbackStatus;
import io.fsctx.fltmgr.FltPreopCallbackStatus;
import io.fsctx.fltmgr.FltRegistration;
import io.fsctx.nt.PoolType;
import io.fsctx.io.IrpMajorFunction;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import org.jspecify.annotations.Nullable;

/**
 * A deliberately leaky minifilter, modelled on a public bug (Windows-driver-samples issue 1360, in
 * the {@code delete} sample): it allocates a stream context in pre-create, hands it to post-create
 * through the completion context, and sets it there; when the set fails, as it does with {@code
 * STATUS_NOT_SUPPORTED} on a paging file, it returns without releasing its allocation reference.
 * Every paging-file open therefore leaks one stream context, which then blocks unload; the
 * verifier's leak report names it with its type, pool tag and allocation site.
 *
 * <p>Do not copy this filter. The fix is one line: release the new context whatever the set's
 * outcome.
 *
 * <p>Thread safety: callbacks are safe for concurrent use.
 */
public final class LeakyFilter {
  /** The pool tag of its stream contexts, shown as {@code LkSc}. */
  public static final int STREAM_CONTEXT_TAG = FltContextRegistration.tag("LkSc");
  /** The altitude it attaches at. */
  public static final String ALTITUDE = "385100";
  private static final int STREAM_CONTEXT_SIZE = 16;

  /** The payload of its stream contexts. */
  public static final class LeakyStreamContext {
    /** How many opens saw this stream. */
    public int opens;

    LeakyStreamContext(int size) {
      // The size is fixed by the registration; the payload has one counter.
    }
  }

  private LeakyFilter() {}

  /**
   * Registers the filter with {@code manager} and starts filtering; it attaches to every volume
   * the manager has or gets.
   *
   * @return the filter, to unregister later
   */
  public static FltFilter register(FilterManager manager) {
    FltRegistration reg =
        FltRegistration.builder()
            .contextRegistration(
                FltContextRegistration.of(
                    FltContextType.STREAM, 0, null, STREAM_CONTEXT_SIZE, STREAM_CONTEXT_TAG, LeakyStreamContext::new),
                FltContextRegistration.END)
            .operationRegistration(
                new FltOperationRegistration(
                    IrpMajorFunction.CREATE.code(), 0, LeakyFilter::preCreate, LeakyFilter::postCreate))
            .build();
    Out<FltFilter> filter = new Out<>();
    NtStatus st = Flt.registerFilter(manager, DriverObject.of("Leaky", ALTITUDE), reg, filter);
    FltFilter f = filter.get();
    if (!st.isSuccess() || f == null) {
      throw new IllegalStateException("Leaky: FltRegisterFilter failed with " + st);
    }
    Flt.startFiltering(f);
    return f;
  }

  private static FltPreopCallbackStatus preCreate(
      io.fsctx.fltmgr.FltCallbackData data, io.fsctx.fltmgr.FltRelatedObjects objects, Out<Object> completionContext) {
    Out<FltContext> ctx = new Out<>();
    NtStatus st = Flt.allocateContext(
        objects.filter(), FltContextType.STREAM.code(), STREAM_CONTEXT_SIZE, PoolType.PAGED_POOL, ctx);
    if (!st.isSuccess()) {
      return FltPreopCallbackStatus.SUCCESS_NO_CALLBACK;
    }
    // The allocation reference travels to post-create in the completion context.
    completionContext.set(ctx.get());
    return FltPreopCallbackStatus.SUCCESS_WITH_CALLBACK;
  }

  private static FltPostopCallbackStatus postCreate(
      io.fsctx.fltmgr.FltCallbackData data,
      io.fsctx.fltmgr.FltRelatedObjects objects,
      @Nullable Object completionContext,
      int flags) {
    FltContext ctx = (FltContext) completionContext;
    if (ctx == null) {
      return FltPostopCallbackStatus.FINISHED_PROCESSING;
    }
    if (!data.ioStatus().isSuccess() || data.ioStatus().equals(NtStatus.STATUS_REPARSE)) {
      Flt.releaseContext(ctx);
      return FltPostopCallbackStatus.FINISHED_PROCESSING;
    }
    NtStatus st = Flt.setStreamContext(
        java.util.Objects.requireNonNull(objects.instance()), objects.fileObject(),
        io.fsctx.fltmgr.SetContextOperation.KEEP_IF_EXISTS.code(), ctx, null);
    if (!st.isSuccess()) {
      // THE BUG: on STATUS_NOT_SUPPORTED (a paging file) or ALREADY_DEFINED the allocation
      // reference is never released.
      return FltPostopCallbackStatus.FINISHED_PROCESSING;
    }
    ctx.payload(LeakyStreamContext.class).opens++;
    Flt.releaseContext(ctx);
    return FltPostopCallbackStatus.FINISHED_PROCESSING;
  }
}
