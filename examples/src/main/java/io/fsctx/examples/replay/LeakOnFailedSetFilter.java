package io.fsctx.examples.replay;

import io.fsctx.fltmgr.DriverObject;
import io.fsctx.fltmgr.FilterManager;
import io.fsctx.fltmgr.Flt;
import io.fsctx.fltmgr.FltCallbackData;
import io.fsctx.fltmgr.FltContext;
import io.fsctx.fltmgr.FltContextRegistration;
import io.fsctx.fltmgr.FltContextType;
import io.fsctx.fltmgr.FltFilter;
import io.fsctx.fltmgr.FltOperationRegistration;
import io.fsctx.fltmgr.FltPostopCallbackStatus;
import io.fsctx.fltmgr.FltPreopCallbackStatus;
import io.fsctx.fltmgr.FltRegistration;
import io.fsctx.fltmgr.FltRelatedObjects;
import io.fsctx.fltmgr.PoolType;
import io.fsctx.fltmgr.SetContextOperation;
import io.fsctx.io.IrpMajorFunction;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The deliberately leaky filter behind {@code fsctx replay --filter leaky}: it allocates a stream
 * context in pre-create, hands the allocation reference to post-create, sets the context there
 * (keeping an existing one) and, when the set fails, returns without releasing it. A second open
 * of a stream whose context is alive ({@code STATUS_FLT_CONTEXT_ALREADY_DEFINED}) or any open of a
 * paging file ({@code STATUS_NOT_SUPPORTED}) therefore leaks one stream context. It is the bug
 * pattern of Windows-driver-samples issue 1360; the fix is to release the new context whatever the
 * set's outcome.
 *
 * <p>This is a replay-local copy of the pattern so the replay does not depend on the verifier
 * branch's {@code io.fsctx.examples.leaky.LeakyFilter}; the two leak the same way.
 *
 * <p>Thread safety: the callbacks are safe for concurrent use (they keep no state).
 */
final class LeakOnFailedSetFilter {
  /** The filter's service name. */
  static final String NAME = "LeakOnFailedSet";
  /** Its altitude. */
  static final String ALTITUDE = "385110";
  private static final int TAG = FltContextRegistration.tag("LkRp");
  private static final int SIZE = 16;

  private LeakOnFailedSetFilter() {}

  /**
   * Registers the filter and starts filtering; it attaches to every volume {@code manager} has or
   * gets.
   *
   * @param manager the Filter Manager
   * @return the filter, to unregister later
   */
  static FltFilter register(FilterManager manager) {
    FltRegistration reg =
        FltRegistration.builder()
            .contextRegistration(
                FltContextRegistration.of(FltContextType.STREAM, 0, null, SIZE, TAG, null),
                FltContextRegistration.END)
            .operationRegistration(
                new FltOperationRegistration(
                    IrpMajorFunction.CREATE.code(),
                    0,
                    LeakOnFailedSetFilter::preCreate,
                    LeakOnFailedSetFilter::postCreate))
            .build();
    Out<FltFilter> out = new Out<>();
    NtStatus st = Flt.registerFilter(manager, DriverObject.of(NAME, ALTITUDE), reg, out);
    FltFilter f = out.get();
    if (!st.isSuccess() || f == null) {
      throw new IllegalStateException(NAME + ": FltRegisterFilter failed with " + st);
    }
    st = Flt.startFiltering(f);
    if (!st.isSuccess()) {
      f.unregister();
      throw new IllegalStateException(NAME + ": FltStartFiltering failed with " + st);
    }
    return f;
  }

  private static FltPreopCallbackStatus preCreate(
      FltCallbackData data, FltRelatedObjects objects, Out<Object> completionContext) {
    Out<FltContext> ctx = new Out<>();
    NtStatus st =
        Flt.allocateContext(objects.filter(), FltContextType.STREAM.code(), SIZE, PoolType.PAGED_POOL, ctx);
    if (!st.isSuccess()) {
      return FltPreopCallbackStatus.SUCCESS_NO_CALLBACK;
    }
    // The allocation reference travels to post-create.
    completionContext.set(ctx.get());
    return FltPreopCallbackStatus.SUCCESS_WITH_CALLBACK;
  }

  private static FltPostopCallbackStatus postCreate(
      FltCallbackData data, FltRelatedObjects objects, @Nullable Object completionContext, int flags) {
    FltContext ctx = (FltContext) Objects.requireNonNull(completionContext);
    if (!data.ioStatus().isSuccess() || data.ioStatus().equals(NtStatus.STATUS_REPARSE)) {
      Flt.releaseContext(ctx);
      return FltPostopCallbackStatus.FINISHED_PROCESSING;
    }
    NtStatus st =
        Flt.setStreamContext(
            Objects.requireNonNull(objects.instance()),
            objects.fileObject(),
            SetContextOperation.KEEP_IF_EXISTS.code(),
            ctx,
            null);
    if (!st.isSuccess()) {
      // THE BUG, on purpose: the allocation reference is never released.
      return FltPostopCallbackStatus.FINISHED_PROCESSING;
    }
    Flt.releaseContext(ctx);
    return FltPostopCallbackStatus.FINISHED_PROCESSING;
  }
}
