package io.fsctx.examples.ctx;

import static io.fsctx.examples.ctx.CtxLog.DEBUG_TRACE_ERROR;
import static io.fsctx.examples.ctx.CtxLog.DEBUG_TRACE_FILE_CONTEXT_OPERATIONS;
import static io.fsctx.examples.ctx.CtxLog.DEBUG_TRACE_STREAMHANDLE_CONTEXT_OPERATIONS;
import static io.fsctx.examples.ctx.CtxLog.DEBUG_TRACE_STREAM_CONTEXT_OPERATIONS;

import io.fsctx.fltmgr.Flt;
import io.fsctx.fltmgr.FltCallbackData;
import io.fsctx.fltmgr.FltContext;
import io.fsctx.fltmgr.FltContextType;
import io.fsctx.fltmgr.FltInstance;
import io.fsctx.nt.PoolType;
import io.fsctx.io.FileObject;
import io.fsctx.nt.EResource;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import io.fsctx.nt.UnicodeString;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * CTX's {@code context.c}: find-or-create of file and stream contexts, create-or-replace of
 * stream-handle contexts, and the name-update helpers.
 *
 * <p>Reference ownership: every context these routines store into an {@link Out} carries exactly
 * one reference owned by the caller, who releases it with {@link Flt#releaseContext}; the object a
 * context is attached to owns the separate link reference. The find-or-create routines resolve the
 * get-then-set race (two opens of one stream both missing on get) by setting with KEEP and, on
 * {@code STATUS_FLT_CONTEXT_ALREADY_DEFINED}, releasing their own new context (freed at once, its
 * cleanup runs) and adopting the winner, which the failed set returned referenced.
 *
 * <p>Thread safety: safe for concurrent use; no lock is held across Filter Manager calls.
 */
final class CtxContexts {
  private final Ctx ctx;
  private final CtxLog log;

  CtxContexts(Ctx ctx) {
    this.ctx = ctx;
    this.log = ctx.log();
  }

  private static FltInstance instance(FltCallbackData cbd) {
    return Objects.requireNonNull(cbd.iopb().targetInstance(), "Cbd->Iopb->TargetInstance");
  }

  private static @Nullable FileObject fileObject(FltCallbackData cbd) {
    return cbd.iopb().targetFileObject();
  }

  // ---- File contexts ----------------------------------------------------------------------

  /**
   * {@code CtxFindOrCreateFileContext}: gets the file context of the operation's file and, when
   * there is none and {@code createIfNotFound}, creates one named {@code fileName} and sets it
   * with KEEP.
   *
   * @param cbd the operation
   * @param createIfNotFound whether to create a missing context
   * @param fileName the name for a new context (required when creating)
   * @param fileContext receives the context, referenced for the caller
   * @param contextCreated receives whether this call attached a new context; may be null
   * @return success; {@code STATUS_NOT_FOUND} (get only); {@code STATUS_NOT_SUPPORTED}; an
   *     allocation failure
   */
  NtStatus ctxFindOrCreateFileContext(
      FltCallbackData cbd, boolean createIfNotFound, @Nullable UnicodeString fileName,
      Out<FltContext> fileContext, @Nullable Out<Boolean> contextCreated) {
    FltInstance instance = instance(cbd);
    FileObject fo = fileObject(cbd);
    fileContext.set(null);
    if (contextCreated != null) {
      contextCreated.set(false);
    }
    log.trace(DEBUG_TRACE_FILE_CONTEXT_OPERATIONS,
        "CtxFindOrCreateFileContext: Trying to get file context (FileObject = %p, Instance = %p)", fo, instance);
    Out<FltContext> got = new Out<>();
    NtStatus status = Flt.getFileContext(instance, fo, got);
    if (!status.isSuccess() && createIfNotFound && status.equals(NtStatus.STATUS_NOT_FOUND)) {
      log.trace(DEBUG_TRACE_FILE_CONTEXT_OPERATIONS,
          "CtxFindOrCreateFileContext: Creating file context (FileObject = %p, Instance = %p)", fo, instance);
      Out<FltContext> created = new Out<>();
      status = ctxCreateFileContext(Objects.requireNonNull(fileName, "FileName"), created);
      if (!status.isSuccess()) {
        log.trace(DEBUG_TRACE_FILE_CONTEXT_OPERATIONS | DEBUG_TRACE_ERROR,
            "CtxFindOrCreateFileContext: Failed to create file context with status %s (FileObject = %p, Instance = %p)",
            status, fo, instance);
        return status;
      }
      // We own the new context's allocation reference.
      FltContext newContext = Objects.requireNonNull(created.get());
      log.trace(DEBUG_TRACE_FILE_CONTEXT_OPERATIONS,
          "CtxFindOrCreateFileContext: Setting file context %p (FileObject = %p, Instance = %p)", newContext, fo, instance);
      Out<FltContext> old = new Out<>();
      status = Flt.setFileContext(instance, fo, Ctx.SetOp.KEEP_IF_EXISTS, newContext, old);
      if (!status.isSuccess()) {
        log.trace(DEBUG_TRACE_FILE_CONTEXT_OPERATIONS,
            "CtxFindOrCreateFileContext: Failed to set file context with status %s (FileObject = %p, Instance = %p)",
            status, fo, instance);
        // The set left the count alone: our release frees the new context and runs its cleanup.
        log.trace(DEBUG_TRACE_FILE_CONTEXT_OPERATIONS, "CtxFindOrCreateFileContext: Releasing file context %p", newContext);
        Flt.releaseContext(newContext);
        if (!status.equals(NtStatus.STATUS_FLT_CONTEXT_ALREADY_DEFINED)) {
          log.trace(DEBUG_TRACE_FILE_CONTEXT_OPERATIONS | DEBUG_TRACE_ERROR,
              "CtxFindOrCreateFileContext: Failed to set file context with status %s (FileObject = %p, Instance = %p)",
              status, fo, instance);
          return status;
        }
        // Lost the race: the winner came back in OldContext with a reference that is now ours.
        FltContext winner = Objects.requireNonNull(old.get());
        log.trace(DEBUG_TRACE_FILE_CONTEXT_OPERATIONS,
            "CtxFindOrCreateFileContext: File context already defined; retaining old file context %p (FileObject = %p, Instance = %p)",
            winner, fo, instance);
        fileContext.set(winner);
        return NtStatus.STATUS_SUCCESS;
      }
      // Attached: the file owns the link reference, the caller keeps the allocation reference.
      if (contextCreated != null) {
        contextCreated.set(true);
      }
      fileContext.set(newContext);
      return status;
    }
    fileContext.set(got.get());
    return status;
  }

  /**
   * {@code CtxCreateFileContext}: allocates a file context (paged) and copies {@code fileName}
   * into it.
   *
   * <p>PORT: when the name cannot be allocated the sample still returns success with the name
   * unset; the port releases the context (freed at once) and returns {@code
   * STATUS_INSUFFICIENT_RESOURCES}.
   *
   * @param fileName the name to keep
   * @param fileContext receives the context with its allocation reference, owned by the caller
   */
  NtStatus ctxCreateFileContext(UnicodeString fileName, Out<FltContext> fileContext) {
    fileContext.set(null);
    log.trace(DEBUG_TRACE_FILE_CONTEXT_OPERATIONS, "CtxCreateFileContext: Allocating file context");
    Out<FltContext> allocated = new Out<>();
    NtStatus status = Flt.allocateContext(ctx.requireFilter(), FltContextType.FILE.code(), CtxFileContext.SIZE,
        PoolType.PAGED_POOL, allocated);
    if (!status.isSuccess()) {
      log.trace(DEBUG_TRACE_FILE_CONTEXT_OPERATIONS | DEBUG_TRACE_ERROR,
          "CtxCreateFileContext: Failed to allocate file context with status %s", status);
      return status;
    }
    FltContext context = Objects.requireNonNull(allocated.get());
    CtxFileContext fc = context.payload(CtxFileContext.class);
    // PORT: not zeroed by FltAllocateContext; initialise before anything (cleanup) can read it.
    fc.fileName = UnicodeString.zeroed(fc.fileName);
    Out<UnicodeString> name = new Out<>();
    status = ctx.support().ctxAllocateUnicodeString(fileName.length(), "FileContext.FileName", name);
    if (!status.isSuccess()) {
      // PORT: the sample reports success here. Release our only reference: 1 -> 0, cleanup runs
      // on the initialised (empty) name.
      Flt.releaseContext(context);
      return status;
    }
    fc.fileName = Objects.requireNonNull(name.get());
    fc.fileName.copyFrom(fileName);
    fileContext.set(context);
    return NtStatus.STATUS_SUCCESS;
  }

  // ---- Stream contexts --------------------------------------------------------------------

  /**
   * {@code CtxFindOrCreateStreamContext}: gets the stream context of the operation's stream and,
   * when there is none and {@code createIfNotFound}, creates one and sets it with KEEP; a lost race
   * adopts the winner.
   *
   * @param cbd the operation
   * @param createIfNotFound whether to create a missing context
   * @param streamContext receives the context, referenced for the caller
   * @param contextCreated receives whether this call attached a new context; may be null
   * @return success; {@code STATUS_NOT_FOUND} (get only); {@code STATUS_NOT_SUPPORTED}; an
   *     allocation failure
   */
  NtStatus ctxFindOrCreateStreamContext(
      FltCallbackData cbd, boolean createIfNotFound, Out<FltContext> streamContext,
      @Nullable Out<Boolean> contextCreated) {
    FltInstance instance = instance(cbd);
    FileObject fo = fileObject(cbd);
    streamContext.set(null);
    if (contextCreated != null) {
      contextCreated.set(false);
    }
    log.trace(DEBUG_TRACE_STREAM_CONTEXT_OPERATIONS,
        "CtxFindOrCreateStreamContext: Trying to get stream context (FileObject = %p, Instance = %p)", fo, instance);
    Out<FltContext> got = new Out<>();
    NtStatus status = Flt.getStreamContext(instance, fo, got);
    if (!status.isSuccess() && createIfNotFound && status.equals(NtStatus.STATUS_NOT_FOUND)) {
      log.trace(DEBUG_TRACE_STREAM_CONTEXT_OPERATIONS,
          "CtxFindOrCreateStreamContext: Creating stream context (FileObject = %p, Instance = %p)", fo, instance);
      Out<FltContext> created = new Out<>();
      status = ctxCreateStreamContext(created);
      if (!status.isSuccess()) {
        log.trace(DEBUG_TRACE_STREAM_CONTEXT_OPERATIONS | DEBUG_TRACE_ERROR,
            "CtxFindOrCreateStreamContext: Failed to create stream context with status %s (FileObject = %p, Instance = %p)",
            status, fo, instance);
        return status;
      }
      FltContext newContext = Objects.requireNonNull(created.get());
      log.trace(DEBUG_TRACE_STREAM_CONTEXT_OPERATIONS,
          "CtxFindOrCreateStreamContext: Setting stream context %p (FileObject = %p, Instance = %p)", newContext, fo, instance);
      Out<FltContext> old = new Out<>();
      status = Flt.setStreamContext(instance, fo, Ctx.SetOp.KEEP_IF_EXISTS, newContext, old);
      if (!status.isSuccess()) {
        log.trace(DEBUG_TRACE_STREAM_CONTEXT_OPERATIONS,
            "CtxFindOrCreateStreamContext: Failed to set stream context with status %s (FileObject = %p, Instance = %p)",
            status, fo, instance);
        // Never attached: this release frees it (its cleanup runs on a zeroed payload).
        log.trace(DEBUG_TRACE_STREAM_CONTEXT_OPERATIONS, "CtxFindOrCreateStreamContext: Releasing stream context %p", newContext);
        Flt.releaseContext(newContext);
        if (!status.equals(NtStatus.STATUS_FLT_CONTEXT_ALREADY_DEFINED)) {
          log.trace(DEBUG_TRACE_STREAM_CONTEXT_OPERATIONS | DEBUG_TRACE_ERROR,
              "CtxFindOrCreateStreamContext: Failed to set stream context with status %s (FileObject = %p, Instance = %p)",
              status, fo, instance);
          return status;
        }
        // Race: someone set one after our get. OldContext is referenced for us.
        FltContext winner = Objects.requireNonNull(old.get());
        log.trace(DEBUG_TRACE_STREAM_CONTEXT_OPERATIONS,
            "CtxFindOrCreateStreamContext: Stream context already defined; retaining old stream context %p (FileObject = %p, Instance = %p)",
            winner, fo, instance);
        streamContext.set(winner);
        return NtStatus.STATUS_SUCCESS;
      }
      // Attached: the stream owns the link reference, the caller the allocation reference.
      if (contextCreated != null) {
        contextCreated.set(true);
      }
      streamContext.set(newContext);
      return status;
    }
    streamContext.set(got.get());
    return status;
  }

  /**
   * {@code CtxCreateStreamContext}: allocates a stream context (paged), zeroes it and gives it an
   * {@code ERESOURCE}; on a resource failure releases the context and returns {@code
   * STATUS_INSUFFICIENT_RESOURCES}.
   *
   * @param streamContext receives the context with its allocation reference, owned by the caller
   */
  NtStatus ctxCreateStreamContext(Out<FltContext> streamContext) {
    streamContext.set(null);
    log.trace(DEBUG_TRACE_STREAM_CONTEXT_OPERATIONS, "CtxCreateStreamContext: Allocating stream context");
    Out<FltContext> allocated = new Out<>();
    NtStatus status = Flt.allocateContext(ctx.requireFilter(), FltContextType.STREAM.code(), CtxStreamContext.SIZE,
        PoolType.PAGED_POOL, allocated);
    if (!status.isSuccess()) {
      log.trace(DEBUG_TRACE_STREAM_CONTEXT_OPERATIONS | DEBUG_TRACE_ERROR,
          "CtxCreateStreamContext: Failed to allocate stream context with status %s", status);
      return status;
    }
    FltContext context = Objects.requireNonNull(allocated.get());
    CtxStreamContext sc = context.payload(CtxStreamContext.class);
    // RtlZeroMemory.
    sc.fileName = UnicodeString.zeroed(sc.fileName);
    sc.createCount = 0;
    sc.cleanupCount = 0;
    sc.closeCount = 0;
    sc.resource = null;
    EResource resource = ctx.support().ctxAllocateResource("StreamContext", context);
    if (resource == null) {
      Flt.releaseContext(context);
      log.trace(DEBUG_TRACE_STREAM_CONTEXT_OPERATIONS | DEBUG_TRACE_ERROR,
          "CtxCreateStreamContext: Failed to allocate stream context resource");
      return NtStatus.STATUS_INSUFFICIENT_RESOURCES;
    }
    sc.resource = resource;
    streamContext.set(context);
    return NtStatus.STATUS_SUCCESS;
  }

  /**
   * {@code CtxUpdateNameInStreamContext}: replaces the stream context's name with a copy of
   * {@code directoryName}. The caller holds the context's resource exclusively.
   *
   * @param directoryName the new name
   * @param streamContext the payload to update
   */
  NtStatus ctxUpdateNameInStreamContext(UnicodeString directoryName, CtxStreamContext streamContext) {
    requireExclusive(streamContext.resource, "CtxUpdateNameInStreamContext");
    ctx.support().ctxFreeUnicodeString(streamContext.fileName);
    Out<UnicodeString> name = new Out<>();
    NtStatus status = ctx.support().ctxAllocateUnicodeString(directoryName.length(), "StreamContext.FileName", name);
    streamContext.fileName = Objects.requireNonNull(name.get());
    if (!status.isSuccess()) {
      return status;
    }
    streamContext.fileName.copyFrom(directoryName);
    return status;
  }

  // ---- Stream-handle contexts -------------------------------------------------------------

  /**
   * {@code CtxCreateOrReplaceStreamHandleContext}: always creates a new stream-handle context and
   * sets it, replacing (or, with {@code replaceIfExists} false, keeping) an existing one. With
   * REPLACE the old context comes back referenced and detached; releasing it here frees it at
   * once, so its cleanup runs now.
   *
   * @param cbd the operation
   * @param replaceIfExists REPLACE (true) or KEEP (false)
   * @param streamHandleContext receives the context now attached, referenced for the caller
   * @param contextReplaced receives whether an old context was replaced; may be null
   */
  NtStatus ctxCreateOrReplaceStreamHandleContext(
      FltCallbackData cbd, boolean replaceIfExists, Out<FltContext> streamHandleContext,
      @Nullable Out<Boolean> contextReplaced) {
    FltInstance instance = instance(cbd);
    FileObject fo = fileObject(cbd);
    streamHandleContext.set(null);
    if (contextReplaced != null) {
      contextReplaced.set(false);
    }
    log.trace(DEBUG_TRACE_STREAMHANDLE_CONTEXT_OPERATIONS,
        "CtxCreateOrReplaceStreamHandleContext: Creating stream handle context (FileObject = %p, Instance = %p)", fo, instance);
    Out<FltContext> created = new Out<>();
    NtStatus status = ctxCreateStreamHandleContext(created);
    if (!status.isSuccess()) {
      log.trace(DEBUG_TRACE_STREAMHANDLE_CONTEXT_OPERATIONS | DEBUG_TRACE_ERROR,
          "CtxCreateOrReplaceStreamHandleContext: Failed to create stream handle context with status %s (FileObject = %p, Instance = %p)",
          status, fo, instance);
      return status;
    }
    FltContext newContext = Objects.requireNonNull(created.get());
    log.trace(DEBUG_TRACE_STREAMHANDLE_CONTEXT_OPERATIONS,
        "CtxCreateOrReplaceStreamHandleContext: Setting stream handle context %p (FileObject = %p, Instance = %p)",
        newContext, fo, instance);
    Out<FltContext> old = new Out<>();
    status = Flt.setStreamHandleContext(instance, fo,
        replaceIfExists ? Ctx.SetOp.REPLACE_IF_EXISTS : Ctx.SetOp.KEEP_IF_EXISTS, newContext, old);
    if (!status.isSuccess()) {
      log.trace(DEBUG_TRACE_STREAMHANDLE_CONTEXT_OPERATIONS,
          "CtxCreateOrReplaceStreamHandleContext: Failed to set stream handle context with status %s (FileObject = %p, Instance = %p)",
          status, fo, instance);
      // Never attached: our release frees it.
      Flt.releaseContext(newContext);
      if (!status.equals(NtStatus.STATUS_FLT_CONTEXT_ALREADY_DEFINED)) {
        log.trace(DEBUG_TRACE_STREAMHANDLE_CONTEXT_OPERATIONS | DEBUG_TRACE_ERROR,
            "CtxCreateOrReplaceStreamHandleContext: Failed to set stream handle context with status %s (FileObject = %p, Instance = %p)",
            status, fo, instance);
        return status;
      }
      // Only possible with KEEP: adopt the existing one, referenced for us by the failed set.
      if (replaceIfExists) {
        throw new IllegalStateException("ALREADY_DEFINED from a REPLACE set");
      }
      FltContext existing = Objects.requireNonNull(old.get());
      log.trace(DEBUG_TRACE_STREAMHANDLE_CONTEXT_OPERATIONS,
          "CtxCreateOrReplaceStreamHandleContext: Stream handle context already defined; retaining old context %p",
          existing);
      streamHandleContext.set(existing);
      return NtStatus.STATUS_SUCCESS;
    }
    FltContext replaced = old.get();
    if (replaced != null) {
      // REPLACE detached the old context and handed us a reference: the last one, so this release
      // frees it and its cleanup runs now.
      log.trace(DEBUG_TRACE_STREAMHANDLE_CONTEXT_OPERATIONS,
          "CtxCreateOrReplaceStreamHandleContext: Releasing old stream handle context %p (FileObject = %p, Instance = %p)",
          replaced, fo, instance);
      Flt.releaseContext(replaced);
      if (contextReplaced != null) {
        contextReplaced.set(true);
      }
    }
    // The file object owns the link reference; the caller keeps the allocation reference.
    streamHandleContext.set(newContext);
    return status;
  }

  /**
   * {@code CtxCreateStreamHandleContext}: allocates a stream-handle context (paged), zeroes it and
   * gives it an {@code ERESOURCE}.
   *
   * @param streamHandleContext receives the context with its allocation reference
   */
  NtStatus ctxCreateStreamHandleContext(Out<FltContext> streamHandleContext) {
    streamHandleContext.set(null);
    log.trace(DEBUG_TRACE_STREAMHANDLE_CONTEXT_OPERATIONS, "CtxCreateStreamHandleContext: Allocating stream handle context");
    Out<FltContext> allocated = new Out<>();
    NtStatus status = Flt.allocateContext(ctx.requireFilter(), FltContextType.STREAMHANDLE.code(),
        CtxStreamHandleContext.SIZE, PoolType.PAGED_POOL, allocated);
    if (!status.isSuccess()) {
      log.trace(DEBUG_TRACE_STREAMHANDLE_CONTEXT_OPERATIONS | DEBUG_TRACE_ERROR,
          "CtxCreateStreamHandleContext: Failed to allocate stream handle context with status %s", status);
      return status;
    }
    FltContext context = Objects.requireNonNull(allocated.get());
    CtxStreamHandleContext hc = context.payload(CtxStreamHandleContext.class);
    hc.fileName = UnicodeString.zeroed(hc.fileName);
    hc.resource = null;
    EResource resource = ctx.support().ctxAllocateResource("StreamHandleContext", context);
    if (resource == null) {
      Flt.releaseContext(context);
      log.trace(DEBUG_TRACE_STREAMHANDLE_CONTEXT_OPERATIONS | DEBUG_TRACE_ERROR,
          "CtxCreateStreamHandleContext: Failed to allocate stream handle context resource");
      return NtStatus.STATUS_INSUFFICIENT_RESOURCES;
    }
    hc.resource = resource;
    streamHandleContext.set(context);
    return NtStatus.STATUS_SUCCESS;
  }

  /**
   * {@code CtxUpdateNameInStreamHandleContext}: replaces the name with a copy of {@code
   * directoryName}. The caller holds the context's resource exclusively.
   *
   * @param directoryName the new name
   * @param streamHandleContext the payload to update
   */
  NtStatus ctxUpdateNameInStreamHandleContext(UnicodeString directoryName, CtxStreamHandleContext streamHandleContext) {
    requireExclusive(streamHandleContext.resource, "CtxUpdateNameInStreamHandleContext");
    ctx.support().ctxFreeUnicodeString(streamHandleContext.fileName);
    Out<UnicodeString> name = new Out<>();
    NtStatus status =
        ctx.support().ctxAllocateUnicodeString(directoryName.length(), "StreamHandleContext.FileName", name);
    streamHandleContext.fileName = Objects.requireNonNull(name.get());
    if (!status.isSuccess()) {
      return status;
    }
    streamHandleContext.fileName.copyFrom(directoryName);
    return status;
  }

  private static void requireExclusive(@Nullable EResource resource, String routine) {
    if (resource == null || !resource.isAcquiredExclusive()) {
      throw new IllegalStateException(routine + ": the caller must hold the context's resource exclusively");
    }
  }

  /**
   * Checks the size {@code FltAllocateContext} was asked for against the structure's, before a
   * context of CTX's is built from the allocation (the registrations are fixed-size).
   *
   * @param allocation what the registration's factory was handed
   * @param size the structure's {@code sizeof}
   * @param structure its C name, for the message
   * @return {@code allocation}
   * @throws IllegalArgumentException when the sizes differ
   */
  static FltContext.Allocation sized(FltContext.Allocation allocation, int size, String structure) {
    if (allocation.size() != size) {
      throw new IllegalArgumentException(structure + " is " + size + " bytes, asked for " + allocation.size());
    }
    return allocation;
  }
}
