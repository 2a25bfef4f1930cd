package io.fsctx.examples.ctx;

import static io.fsctx.examples.ctx.CtxLog.DEBUG_TRACE_ALL_IO;
import static io.fsctx.examples.ctx.CtxLog.DEBUG_TRACE_ERROR;
import static io.fsctx.examples.ctx.CtxLog.DEBUG_TRACE_FILE_CONTEXT_OPERATIONS;
import static io.fsctx.examples.ctx.CtxLog.DEBUG_TRACE_INSTANCE_CONTEXT_OPERATIONS;
import static io.fsctx.examples.ctx.CtxLog.DEBUG_TRACE_STREAMHANDLE_CONTEXT_OPERATIONS;
import static io.fsctx.examples.ctx.CtxLog.DEBUG_TRACE_STREAM_CONTEXT_OPERATIONS;

import io.fsctx.fltmgr.Flt;
import io.fsctx.fltmgr.FltCallbackData;
import io.fsctx.fltmgr.FltContext;
import io.fsctx.fltmgr.FltFileNameInformation;
import io.fsctx.fltmgr.FltPostopCallbackStatus;
import io.fsctx.fltmgr.FltPreopCallbackStatus;
import io.fsctx.fltmgr.FltRelatedObjects;
import io.fsctx.io.FileInformationClass;
import io.fsctx.io.IrpParameters;
import io.fsctx.nt.EResource;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import io.fsctx.nt.UnicodeString;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * CTX's {@code operations.c}: the create, cleanup, close and set-information callbacks.
 *
 * <p>Each post-callback gathers references as it goes and gives every one of them back in one
 * cleanup block at the end (the sample's {@code goto ...Cleanup}), in the sample's order.
 *
 * <p>Thread safety: safe for concurrent use; payload state is changed only under the payload's
 * {@code ERESOURCE}, taken with {@link CtxSupport#ctxAcquireResourceExclusive}.
 */
final class CtxOperations {
  private static final int NAME_OPTIONS =
      FltFileNameInformation.FLT_FILE_NAME_NORMALIZED | FltFileNameInformation.FLT_FILE_NAME_QUERY_DEFAULT;

  private final Ctx ctx;
  private final CtxLog log;

  CtxOperations(Ctx ctx) {
    this.ctx = ctx;
    this.log = ctx.log();
  }

  /** The references a post-callback holds until its cleanup block. */
  private static final class Held {
    @Nullable FltFileNameInformation nameInfo;
    @Nullable FltContext instanceContext;
    @Nullable FltContext fileContext;
    @Nullable FltContext streamContext;
    @Nullable FltContext streamHandleContext;
  }

  // ---- Create -------------------------------------------------------------------------------

  /**
   * {@code CtxPreCreate}: nothing to do before the file is opened (contexts cannot be set on an
   * unopened file object); asks for the post-callback, with no completion context.
   *
   * @ddi PFLT_PRE_OPERATION_CALLBACK
   */
  FltPreopCallbackStatus ctxPreCreate(FltCallbackData cbd, FltRelatedObjects fltObjects, Out<Object> completionContext) {
    log.trace(DEBUG_TRACE_ALL_IO, "CtxPreCreate -> Enter (Cbd = %p, FileObject = %p)", cbd, fltObjects.fileObject());
    log.trace(DEBUG_TRACE_ALL_IO, "CtxPreCreate -> Exit (Cbd = %p, FileObject = %p)", cbd, fltObjects.fileObject());
    return FltPreopCallbackStatus.SUCCESS_WITH_CALLBACK;
  }

  /**
   * {@code CtxPostCreate}: on a successful open, finds or creates the stream context and counts
   * the create in it, updating its name; creates a fresh stream-handle context (REPLACE); finds or
   * creates the file context. A failure here is logged and never changes the create's status.
   *
   * <p>PORT: a create completed with {@code STATUS_REPARSE} opened nothing and is skipped; the
   * sample only tests {@code NT_SUCCESS}, which a reparse passes.
   *
   * @ddi PFLT_POST_OPERATION_CALLBACK
   */
  FltPostopCallbackStatus ctxPostCreate(
      FltCallbackData cbd, FltRelatedObjects fltObjects, @Nullable Object completionContext, int flags) {
    log.trace(DEBUG_TRACE_ALL_IO, "CtxPostCreate -> Enter (Cbd = %p, FileObject = %p)", cbd, fltObjects.fileObject());
    Held held = new Held();
    NtStatus status = cbd.ioStatus();
    boolean reportFailure = true;
    if (!status.isSuccess() || status.equals(NtStatus.STATUS_REPARSE)) {
      // Nothing was opened: not CTX's failure, nothing to log as an error.
      reportFailure = false;
    } else {
      status = postCreate(cbd, held);
    }
    // Cleanup, in the sample's order: name, file, stream, stream handle.
    if (held.nameInfo != null) {
      Flt.releaseFileNameInformation(held.nameInfo);
    }
    releaseIfHeld(held.fileContext);
    releaseIfHeld(held.streamContext);
    releaseIfHeld(held.streamHandleContext);
    if (reportFailure && !status.isSuccess()) {
      log.trace(DEBUG_TRACE_ERROR, "CtxPostCreate -> Failed with status %s", status);
    }
    log.trace(DEBUG_TRACE_ALL_IO, "CtxPostCreate -> Exit (Cbd = %p, FileObject = %p, Status = %s)",
        cbd, fltObjects.fileObject(), status);
    return FltPostopCallbackStatus.FINISHED_PROCESSING;
  }

  private NtStatus postCreate(FltCallbackData cbd, Held held) {
    Object fo = cbd.iopb().targetFileObject();
    Out<FltFileNameInformation> name = new Out<>();
    NtStatus status = Flt.getFileNameInformation(cbd, NAME_OPTIONS, name);
    if (!status.isSuccess()) {
      log.trace(DEBUG_TRACE_STREAM_CONTEXT_OPERATIONS | DEBUG_TRACE_STREAMHANDLE_CONTEXT_OPERATIONS | DEBUG_TRACE_ERROR,
          "CtxPostCreate -> Failed to get name information (Cbd = %p, FileObject = %p, Status = %s)", cbd, fo, status);
      return status;
    }
    FltFileNameInformation nameInfo = Objects.requireNonNull(name.get());
    held.nameInfo = nameInfo;
    UnicodeString fullName = nameInfo.nameString();

    // Stream context: find or create; the reference stored in held is ours.
    Out<FltContext> stream = new Out<>();
    Out<Boolean> streamCreated = new Out<>();
    status = ctx.contexts().ctxFindOrCreateStreamContext(cbd, true, stream, streamCreated);
    if (!status.isSuccess()) {
      log.trace(DEBUG_TRACE_STREAM_CONTEXT_OPERATIONS | DEBUG_TRACE_ERROR,
          "CtxPostCreate -> Failed to find or create stream context (Cbd = %p, FileObject = %p, Status = %s)",
          cbd, fo, status);
      return status;
    }
    FltContext streamContext = Objects.requireNonNull(stream.get());
    held.streamContext = streamContext;
    log.trace(DEBUG_TRACE_STREAM_CONTEXT_OPERATIONS,
        "CtxPostCreate -> Getting/Creating stream context for file %wZ (Cbd = %p, FileObject = %p, StreamContext = %p, StreamContextCreated = %s)",
        fullName, cbd, fo, streamContext, Boolean.TRUE.equals(streamCreated.get()) ? "TRUE" : "FALSE");
    CtxStreamContext sc = streamContext.payload(CtxStreamContext.class);
    EResource scLock = Objects.requireNonNull(sc.resource);
    CtxSupport.ctxAcquireResourceExclusive(scLock);
    try {
      sc.createCount++;
      status = ctx.contexts().ctxUpdateNameInStreamContext(fullName, sc);
      log.trace(DEBUG_TRACE_STREAM_CONTEXT_OPERATIONS,
          "CtxPostCreate -> Stream context info for file %wZ (Cbd = %p, FileObject = %p, StreamContext = %p) \n"
              + "\tName = %wZ \n\tCreateCount = %x \n\tCleanupCount = %x, \n\tCloseCount = %x",
          fullName, cbd, fo, streamContext, sc.fileName, sc.createCount, sc.cleanupCount, sc.closeCount);
    } finally {
      CtxSupport.ctxReleaseResource(scLock);
    }
    if (!status.isSuccess()) {
      return status;
    }

    // Stream-handle context: always a new one, replacing any old one (whose cleanup runs now).
    Out<FltContext> handle = new Out<>();
    Out<Boolean> replaced = new Out<>();
    status = ctx.contexts().ctxCreateOrReplaceStreamHandleContext(cbd, true, handle, replaced);
    if (!status.isSuccess()) {
      log.trace(DEBUG_TRACE_STREAMHANDLE_CONTEXT_OPERATIONS | DEBUG_TRACE_ERROR,
          "CtxPostCreate -> Failed to find or create stream handle context (Cbd = %p, FileObject = %p, Status = %s)",
          cbd, fo, status);
      return status;
    }
    FltContext handleContext = Objects.requireNonNull(handle.get());
    held.streamHandleContext = handleContext;
    log.trace(DEBUG_TRACE_STREAMHANDLE_CONTEXT_OPERATIONS,
        "CtxPostCreate -> Creating/Replacing stream handle context for file %wZ (Cbd = %p, FileObject = %p, StreamHandleContext = %p, StreamHandleContextReplaced = %s)",
        fullName, cbd, fo, handleContext, Boolean.TRUE.equals(replaced.get()) ? "TRUE" : "FALSE");
    CtxStreamHandleContext hc = handleContext.payload(CtxStreamHandleContext.class);
    EResource hcLock = Objects.requireNonNull(hc.resource);
    CtxSupport.ctxAcquireResourceExclusive(hcLock);
    try {
      status = ctx.contexts().ctxUpdateNameInStreamHandleContext(fullName, hc);
      log.trace(DEBUG_TRACE_STREAMHANDLE_CONTEXT_OPERATIONS,
          "CtxPostCreate -> Stream handle context info for file %wZ (Cbd = %p, FileObject = %p, StreamHandleContext = %p) \n\tName = %wZ",
          fullName, cbd, fo, handleContext, hc.fileName);
    } finally {
      CtxSupport.ctxReleaseResource(hcLock);
    }
    if (!status.isSuccess()) {
      return status;
    }

    // File context: the name without any stream suffix, as an alias of the normalized name.
    // PORT: parse first, so Stream is filled in whatever other filters did with the shared name.
    status = Flt.parseFileNameInformation(nameInfo);
    if (!status.isSuccess()) {
      return status;
    }
    int streamBytes = nameInfo.stream().length() * 2;
    UnicodeString fileName = fullName.alias(fullName.length() - streamBytes);
    Out<FltContext> file = new Out<>();
    Out<Boolean> fileCreated = new Out<>();
    status = ctx.contexts().ctxFindOrCreateFileContext(cbd, true, fileName, file, fileCreated);
    if (!status.isSuccess()) {
      log.trace(DEBUG_TRACE_FILE_CONTEXT_OPERATIONS | DEBUG_TRACE_ERROR,
          "CtxPostCreate -> Failed to find or create file context (Cbd = %p, FileObject = %p, Status = %s)",
          cbd, fo, status);
      return status;
    }
    FltContext fileContext = Objects.requireNonNull(file.get());
    held.fileContext = fileContext;
    log.trace(DEBUG_TRACE_FILE_CONTEXT_OPERATIONS,
        "CtxPostCreate -> Getting/Creating file context for file %wZ (Cbd = %p, FileObject = %p, FileContext = %p, FileContextCreated = %s) \n\tName = %wZ",
        fullName, cbd, fo, fileContext, Boolean.TRUE.equals(fileCreated.get()) ? "TRUE" : "FALSE",
        fileContext.payload(CtxFileContext.class).fileName);
    return status;
  }

  // ---- Cleanup and close --------------------------------------------------------------------

  /**
   * {@code CtxPreCleanup}: counts the cleanup in the stream context (get only). A missing stream
   * context (a file opened before CTX attached, or contexts unsupported) is logged at ERROR.
   *
   * @ddi PFLT_PRE_OPERATION_CALLBACK
   */
  FltPreopCallbackStatus ctxPreCleanup(FltCallbackData cbd, FltRelatedObjects fltObjects, Out<Object> completionContext) {
    countInStreamContext(cbd, fltObjects, "CtxPreCleanup", true);
    return FltPreopCallbackStatus.SUCCESS_NO_CALLBACK;
  }

  /**
   * {@code CtxPreClose}: counts the close in the stream context, as {@link #ctxPreCleanup} does.
   *
   * @ddi PFLT_PRE_OPERATION_CALLBACK
   */
  FltPreopCallbackStatus ctxPreClose(FltCallbackData cbd, FltRelatedObjects fltObjects, Out<Object> completionContext) {
    countInStreamContext(cbd, fltObjects, "CtxPreClose", false);
    return FltPreopCallbackStatus.SUCCESS_NO_CALLBACK;
  }

  private void countInStreamContext(FltCallbackData cbd, FltRelatedObjects fltObjects, String callback, boolean cleanup) {
    Object fo = fltObjects.fileObject();
    log.trace(DEBUG_TRACE_ALL_IO, "%s -> Enter (Cbd = %p, FileObject = %p)", callback, cbd, fo);
    Out<FltContext> stream = new Out<>();
    NtStatus status = ctx.contexts().ctxFindOrCreateStreamContext(cbd, false, stream, null);
    if (!status.isSuccess()) {
      log.trace(DEBUG_TRACE_STREAM_CONTEXT_OPERATIONS | DEBUG_TRACE_ERROR,
          "%s -> Failed to find stream context (Cbd = %p, FileObject = %p, Status = %s)", callback, cbd, fo, status);
    } else {
      // The get gave us a reference; the stream keeps its own.
      FltContext streamContext = Objects.requireNonNull(stream.get());
      CtxStreamContext sc = streamContext.payload(CtxStreamContext.class);
      EResource lock = Objects.requireNonNull(sc.resource);
      CtxSupport.ctxAcquireResourceExclusive(lock);
      try {
        log.trace(DEBUG_TRACE_STREAM_CONTEXT_OPERATIONS,
            "%s -> Old info in stream context for file %wZ (Cbd = %p, FileObject = %p, StreamContext = %p) \n"
                + "\tName = %wZ \n\tCreateCount = %x \n\tCleanupCount = %x, \n\tCloseCount = %x",
            callback, sc.fileName, cbd, fo, streamContext, sc.fileName, sc.createCount, sc.cleanupCount, sc.closeCount);
        if (cleanup) {
          sc.cleanupCount++;
        } else {
          sc.closeCount++;
        }
        log.trace(DEBUG_TRACE_STREAM_CONTEXT_OPERATIONS,
            "%s -> New info in stream context for file %wZ (Cbd = %p, FileObject = %p, StreamContext = %p) \n"
                + "\tName = %wZ \n\tCreateCount = %x \n\tCleanupCount = %x, \n\tCloseCount = %x",
            callback, sc.fileName, cbd, fo, streamContext, sc.fileName, sc.createCount, sc.cleanupCount, sc.closeCount);
      } finally {
        CtxSupport.ctxReleaseResource(lock);
      }
      Flt.releaseContext(streamContext);
    }
    log.trace(DEBUG_TRACE_ALL_IO, "%s -> Exit (Cbd = %p, FileObject = %p)", callback, cbd, fo);
  }

  // ---- Set information ----------------------------------------------------------------------

  /**
   * {@code CtxPreSetInfo}: synchronizes renames ({@code FileRenameInformation} and its Ex class)
   * so their post-callback runs in this thread; ignores every other class, hard links included.
   *
   * @ddi PFLT_PRE_OPERATION_CALLBACK
   */
  FltPreopCallbackStatus ctxPreSetInfo(FltCallbackData cbd, FltRelatedObjects fltObjects, Out<Object> completionContext) {
    FileInformationClass infoClass =
        cbd.iopb().parameters() instanceof IrpParameters.SetInformation s ? s.informationClass() : null;
    if (infoClass == FileInformationClass.FILE_RENAME_INFORMATION
        || infoClass == FileInformationClass.FILE_RENAME_INFORMATION_EX) {
      return FltPreopCallbackStatus.SYNCHRONIZE;
    }
    log.trace(DEBUG_TRACE_ALL_IO, "CtxPreSetInfo -> Ignoring set information %s (Cbd = %p, FileObject = %p)",
        String.valueOf(infoClass), cbd, fltObjects.fileObject());
    return FltPreopCallbackStatus.SUCCESS_NO_CALLBACK;
  }

  /**
   * {@code CtxPostSetInfo}: after a successful rename, updates the stream context's name in place,
   * replaces the stream-handle context with a new one carrying the new name (the old one's cleanup
   * runs at once), and leaves the file context's name as the first opener set it.
   *
   * @ddi PFLT_POST_OPERATION_CALLBACK
   */
  FltPostopCallbackStatus ctxPostSetInfo(
      FltCallbackData cbd, FltRelatedObjects fltObjects, @Nullable Object completionContext, int flags) {
    log.trace(DEBUG_TRACE_ALL_IO, "CtxPostSetInfo -> Enter (Cbd = %p, FileObject = %p)", cbd, fltObjects.fileObject());
    Held held = new Held();
    NtStatus status = cbd.ioStatus();
    boolean reportFailure = false;
    if (status.isSuccess()) {
      status = postSetInfo(cbd, held);
      reportFailure = true;
    }
    releaseIfHeld(held.instanceContext);
    releaseIfHeld(held.fileContext);
    releaseIfHeld(held.streamContext);
    releaseIfHeld(held.streamHandleContext);
    if (held.nameInfo != null) {
      Flt.releaseFileNameInformation(held.nameInfo);
    }
    if (reportFailure && !status.isSuccess()) {
      log.trace(DEBUG_TRACE_ERROR, "CtxPostSetInfo -> Failed with status %s", status);
    }
    log.trace(DEBUG_TRACE_ALL_IO, "CtxPostSetInfo -> Exit (Cbd = %p, FileObject = %p)", cbd, fltObjects.fileObject());
    return FltPostopCallbackStatus.FINISHED_PROCESSING;
  }

  private NtStatus postSetInfo(FltCallbackData cbd, Held held) {
    Object fo = cbd.iopb().targetFileObject();
    Out<FltContext> inst = new Out<>();
    NtStatus status = Flt.getInstanceContext(Objects.requireNonNull(cbd.iopb().targetInstance()), inst);
    if (!status.isSuccess()) {
      log.trace(DEBUG_TRACE_INSTANCE_CONTEXT_OPERATIONS | DEBUG_TRACE_ERROR,
          "CtxPostSetInfo -> Failed to get instance context (Cbd = %p, FileObject = %p, Status = %s)", cbd, fo, status);
      return status;
    }
    FltContext instanceContext = Objects.requireNonNull(inst.get());
    held.instanceContext = instanceContext;
    CtxInstanceContext ic = instanceContext.payload(CtxInstanceContext.class);
    // PORT: the sample prints the addresses of the Instance and Volume fields; we print the values.
    log.trace(DEBUG_TRACE_INSTANCE_CONTEXT_OPERATIONS,
        "CtxPostSetInfo -> Instance context info for volume %wZ (Cbd = %p, FileObject = %p, InstanceContext = %p) \n"
            + "\tVolumeName = %wZ \n\tInstance = %p \n\tVolume = %p",
        ic.volumeName, cbd, fo, instanceContext, ic.volumeName, ic.instance, ic.volume);

    Out<FltFileNameInformation> name = new Out<>();
    status = Flt.getFileNameInformation(cbd, NAME_OPTIONS, name);
    if (!status.isSuccess()) {
      log.trace(DEBUG_TRACE_STREAM_CONTEXT_OPERATIONS | DEBUG_TRACE_STREAMHANDLE_CONTEXT_OPERATIONS | DEBUG_TRACE_ERROR,
          "CtxPostSetInfo -> Failed to get file name information (Cbd = %p, FileObject = %p, Status = %s)", cbd, fo, status);
      return status;
    }
    FltFileNameInformation nameInfo = Objects.requireNonNull(name.get());
    held.nameInfo = nameInfo;
    UnicodeString newName = nameInfo.nameString();

    // Stream context: get only, rename in place under its lock.
    Out<FltContext> stream = new Out<>();
    status = ctx.contexts().ctxFindOrCreateStreamContext(cbd, false, stream, null);
    if (!status.isSuccess()) {
      log.trace(DEBUG_TRACE_STREAM_CONTEXT_OPERATIONS | DEBUG_TRACE_ERROR,
          "CtxPostSetInfo -> Failed to get stream context (Cbd = %p, FileObject = %p, Status = %s)", cbd, fo, status);
      return status;
    }
    FltContext streamContext = Objects.requireNonNull(stream.get());
    held.streamContext = streamContext;
    CtxStreamContext sc = streamContext.payload(CtxStreamContext.class);
    EResource scLock = Objects.requireNonNull(sc.resource);
    CtxSupport.ctxAcquireResourceExclusive(scLock);
    try {
      log.trace(DEBUG_TRACE_STREAM_CONTEXT_OPERATIONS,
          "CtxPostSetInfo -> Old info in stream context for file %wZ (Cbd = %p, FileObject = %p, StreamContext = %p) \n"
              + "\tName = %wZ \n\tCreateCount = %x \n\tCleanupCount = %x, \n\tCloseCount = %x",
          newName, cbd, fo, streamContext, sc.fileName, sc.createCount, sc.cleanupCount, sc.closeCount);
      status = ctx.contexts().ctxUpdateNameInStreamContext(newName, sc);
      log.trace(DEBUG_TRACE_STREAM_CONTEXT_OPERATIONS,
          "CtxPostSetInfo -> New info in stream context for file %wZ (Cbd = %p, FileObject = %p, StreamContext = %p) \n"
              + "\tName = %wZ \n\tCreateCount = %x \n\tCleanupCount = %x, \n\tCloseCount = %x",
          newName, cbd, fo, streamContext, sc.fileName, sc.createCount, sc.cleanupCount, sc.closeCount);
    } finally {
      CtxSupport.ctxReleaseResource(scLock);
    }
    if (!status.isSuccess()) {
      return status;
    }

    // Stream-handle context: replaced by a new one with the new name.
    Out<FltContext> handle = new Out<>();
    status = ctx.contexts().ctxCreateOrReplaceStreamHandleContext(cbd, true, handle, null);
    if (!status.isSuccess()) {
      log.trace(DEBUG_TRACE_STREAMHANDLE_CONTEXT_OPERATIONS | DEBUG_TRACE_ERROR,
          "CtxPostSetInfo -> Failed to get stream handle context (Cbd = %p, FileObject = %p, Status = %s)", cbd, fo, status);
      return status;
    }
    FltContext handleContext = Objects.requireNonNull(handle.get());
    held.streamHandleContext = handleContext;
    CtxStreamHandleContext hc = handleContext.payload(CtxStreamHandleContext.class);
    EResource hcLock = Objects.requireNonNull(hc.resource);
    CtxSupport.ctxAcquireResourceExclusive(hcLock);
    try {
      status = ctx.contexts().ctxUpdateNameInStreamHandleContext(newName, hc);
      log.trace(DEBUG_TRACE_STREAMHANDLE_CONTEXT_OPERATIONS,
          "CtxPostSetInfo -> New info in stream handle context for file %wZ (Cbd = %p, FileObject = %p, StreamHandleContext = %p) \n\tName = %wZ",
          newName, cbd, fo, handleContext, hc.fileName);
    } finally {
      CtxSupport.ctxReleaseResource(hcLock);
    }
    if (!status.isSuccess()) {
      return status;
    }

    // File context: get only; logged, not renamed.
    Out<FltContext> file = new Out<>();
    status = ctx.contexts().ctxFindOrCreateFileContext(cbd, false, null, file, null);
    if (!status.isSuccess()) {
      log.trace(DEBUG_TRACE_FILE_CONTEXT_OPERATIONS | DEBUG_TRACE_ERROR,
          "CtxPostSetInfo -> Failed to get file context (Cbd = %p, FileObject = %p, Status = %s)", cbd, fo, status);
      return status;
    }
    FltContext fileContext = Objects.requireNonNull(file.get());
    held.fileContext = fileContext;
    log.trace(DEBUG_TRACE_FILE_CONTEXT_OPERATIONS,
        "CtxPostSetInfo -> File context info for file %wZ (Cbd = %p, FileObject = %p, FileContext = %p) \n\tName = %wZ",
        newName, cbd, fo, fileContext, fileContext.payload(CtxFileContext.class).fileName);
    return status;
  }

  private static void releaseIfHeld(@Nullable FltContext context) {
    if (context != null) {
      Flt.releaseContext(context);
    }
  }
}
