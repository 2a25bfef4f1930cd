package com.example.writecounter;

import io.fsctx.fltmgr.Flt;
import io.fsctx.fltmgr.FltCallbackData;
import io.fsctx.fltmgr.FltContext;
import io.fsctx.fltmgr.FltContextRegistration;
import io.fsctx.fltmgr.FltContextType;
import io.fsctx.fltmgr.FltInstance;
import io.fsctx.fltmgr.FltOperationRegistration;
import io.fsctx.fltmgr.FltPostopCallbackStatus;
import io.fsctx.fltmgr.FltPreopCallbackStatus;
import io.fsctx.fltmgr.FltRegistration;
import io.fsctx.fltmgr.FltRelatedObjects;
import io.fsctx.fltmgr.GetResult;
import io.fsctx.nt.PoolType;
import io.fsctx.io.FileObject;
import io.fsctx.io.IrpMajorFunction;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A minifilter that counts the writes to each stream: post-create attaches a stream context,
 * pre-write gets it, counts, and releases it.
 */
public final class WriteCounter {
  public static final String NAME = "WriteCounter";
  public static final String ALTITUDE = "370020";

  /** The stream context's payload. */
  public static final class StreamCounts {
    final AtomicLong writes = new AtomicLong();

    StreamCounts(int size) {}
  }

  private WriteCounter() {}

  /** What FltRegisterFilter gets. */
  public static FltRegistration registration() {
    return FltRegistration.builder()
        .contextRegistration(
            FltContextRegistration.of(
                FltContextType.STREAM, 0, null, 8, FltContextRegistration.tag("WcSc"), StreamCounts::new),
            FltContextRegistration.END)
        .operationRegistration(
            new FltOperationRegistration(IrpMajorFunction.CREATE.code(), 0, null, WriteCounter::postCreate),
            new FltOperationRegistration(IrpMajorFunction.WRITE.code(), 0, WriteCounter::preWrite, null))
        .build();
  }

  static FltPostopCallbackStatus postCreate(
      FltCallbackData data, FltRelatedObjects objects, Object completionContext, int flags) {
    if (!data.ioStatus().equals(NtStatus.STATUS_SUCCESS) || !Flt.supportsStreamContexts(objects.fileObject())) {
      return FltPostopCallbackStatus.FINISHED_PROCESSING;
    }
    Out<FltContext> context = new Out<>();
    if (Flt.allocateContext(objects.filter(), FltContextType.STREAM.code(), 8, PoolType.PAGED_POOL, context)
        .isSuccess()) {
      // KEEP_IF_EXISTS: a second open of the stream finds the context already there.
      Flt.setStreamContext(objects.instance(), objects.fileObject(), 1, context.get(), null);
      Flt.releaseContext(context.get()); // the stream keeps its own reference
    }
    return FltPostopCallbackStatus.FINISHED_PROCESSING;
  }

  static FltPreopCallbackStatus preWrite(FltCallbackData data, FltRelatedObjects objects, Out<Object> completionContext) {
    Out<FltContext> context = new Out<>();
    if (Flt.getStreamContext(objects.instance(), objects.fileObject(), context).isSuccess()) {
      context.get().payload(StreamCounts.class).writes.incrementAndGet();
      Flt.releaseContext(context.get());
    }
    return FltPreopCallbackStatus.SUCCESS_NO_CALLBACK;
  }

  /** The writes counted on the stream of {@code fileObject}, or -1 when it has no context. */
  public static long writesOf(FltInstance instance, FileObject fileObject) {
    try (GetResult got = instance.getStreamContext(fileObject)) {
      return got.found() ? got.require().payload(StreamCounts.class).writes.get() : -1;
    }
  }
}
