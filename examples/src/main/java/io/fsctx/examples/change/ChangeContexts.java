package io.fsctx.examples.change;

import static io.fsctx.examples.change.Change.CGDBG_TRACE_DEBUG;
import static io.fsctx.examples.change.Change.CGDBG_TRACE_ERROR;
import static io.fsctx.examples.change.Change.CGDBG_TRACE_ROUTINES;

import io.fsctx.examples.support.DbgPrint;
import io.fsctx.fltmgr.Flt;
import io.fsctx.fltmgr.FltCallbackData;
import io.fsctx.fltmgr.FltContext;
import io.fsctx.fltmgr.FltContextRegistration;
import io.fsctx.fltmgr.FltContextType;
import io.fsctx.fltmgr.FltFilesystemType;
import io.fsctx.fltmgr.FltInstance;
import io.fsctx.fltmgr.FltRelatedObjects;
import io.fsctx.io.FileId128;
import io.fsctx.io.FileInformation;
import io.fsctx.io.FileInformationClass;
import io.fsctx.io.FileObject;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import io.fsctx.nt.PoolType;
import io.fsctx.tm.KTransaction;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code context.c} of the change sample: the context registration, the two cleanup routines, the
 * file-ID query, and the find-or-create routines of the file and transaction contexts with their
 * KEEP race handling.
 *
 * <p>Thread safety: safe for concurrent use (no state of its own beyond the driver's).
 */
final class ChangeContexts {
  private final Change change;
  private final DbgPrint log;

  ChangeContexts(Change change) {
    this.change = change;
    this.log = change.log();
  }

  /** {@code ContextRegistration[]}. */
  List<FltContextRegistration> contextRegistration() {
    return List.of(
        FltContextRegistration.of(FltContextType.FILE, 0, this::cgFileContextCleanup, CgFileContext.SIZE,
            CgFileContext.TAG, CgFileContext::new),
        FltContextRegistration.of(FltContextType.TRANSACTION, 0, this::cgTransactionContextCleanup,
            CgTransactionContext.SIZE, CgTransactionContext.TAG, CgTransactionContext::new),
        FltContextRegistration.END);
  }

  /**
   * {@code CgFileContextCleanup}: the file context must no longer be in a transaction's list.
   *
   * @ddi PFLT_CONTEXT_CLEANUP_CALLBACK
   */
  void cgFileContextCleanup(FltContext context, FltContextType contextType) {
    CgFileContext fc = context.payload(CgFileContext.class);
    if (fc.txContext.get() != null) {
      // PORT: FLT_ASSERTMSG breaks into the debugger on checked builds; the port logs it.
      log.print(CGDBG_TRACE_ERROR, "[CG]: ASSERT: File context is not supposed to be in the transaction context list at cleanup.!");
    }
    log.print(CGDBG_TRACE_ROUTINES, "[CG]: Cleaning up file context for file ID %016x,%016x (FileContext = %s), dirty = %d",
        fc.fileId.upper(), fc.fileId.lower(), context.id(), fc.dirty ? 1 : 0);
    log.print(CGDBG_TRACE_ROUTINES, "[CG]: File context cleanup complete.");
  }

  /**
   * {@code CgTransactionContextCleanup}: frees the mutex and dereferences the transaction.
   *
   * @ddi PFLT_CONTEXT_CLEANUP_CALLBACK
   */
  void cgTransactionContextCleanup(FltContext context, FltContextType contextType) {
    CgTransactionContext tc = context.payload(CgTransactionContext.class);
    log.print(CGDBG_TRACE_DEBUG, "[CG]: CgTransactionContextCleanup context cleanup entered.");
    tc.mutex = null;
    KTransaction t = tc.transaction;
    tc.transaction = null;
    if (t != null) {
      t.dereference();
    }
  }

  /**
   * {@code CgGetFileId}: {@code FileIdInformation} on ReFS, {@code FileInternalInformation}
   * (upper half zero) elsewhere.
   *
   * @return the status of {@code FltQueryInformationFile}
   */
  NtStatus cgGetFileId(FltInstance instance, FileObject fileObject, Out<FileId128> fileId) {
    Out<FltFilesystemType> type = new Out<>();
    NtStatus status = Flt.getFileSystemType(instance, type);
    if (status.isSuccess()) {
      Out<FileInformation> info = new Out<>();
      if (type.get() == FltFilesystemType.FLT_FSTYPE_REFS) {
        status = Flt.queryInformationFile(instance, fileObject, info, 24, FileInformationClass.FILE_ID_INFORMATION, null);
        if (status.isSuccess() && info.get() instanceof FileInformation.Id id) {
          fileId.set(id.fileId());
        }
      } else {
        status = Flt.queryInformationFile(instance, fileObject, info, 8, FileInformationClass.FILE_INTERNAL_INFORMATION, null);
        if (status.isSuccess() && info.get() instanceof FileInformation.Internal in) {
          fileId.set(FileId128.of64(in.indexNumber()));
        }
      }
    }
    return status;
  }

  /**
   * {@code CgFindOrCreateFileContext}: gets the file context; when there is none, queries the
   * file ID, allocates a zeroed context and sets it KEEP, taking the existing one on a race.
   *
   * @param cbd the operation
   * @param fileContext receives the context, referenced for the caller
   * @return success; {@code STATUS_NOT_SUPPORTED} on a file system without file contexts; the
   *     failure of the file-ID query, allocation or set
   */
  NtStatus cgFindOrCreateFileContext(FltCallbackData cbd, Out<FltContext> fileContext) {
    fileContext.set(null);
    FltInstance instance = Objects.requireNonNull(cbd.iopb().targetInstance());
    FileObject fo = cbd.iopb().targetFileObject();
    log.print(CGDBG_TRACE_ROUTINES, "[CG]: Trying to get file context (FileObject = %s, Instance = %s, rq = %d)",
        fo, instance.id(), cbd.iopb().majorFunction());
    Out<FltContext> got = new Out<>();
    NtStatus status = Flt.getFileContext(instance, fo, got);
    FltContext fc = got.get();
    if (status.equals(NtStatus.STATUS_NOT_FOUND)) {
      Out<FileId128> fileId = new Out<>();
      status = cgGetFileId(instance, Objects.requireNonNull(fo), fileId);
      if (!status.isSuccess()) {
        log.print(CGDBG_TRACE_ERROR, "[CG]: Failed to get file id with status %s. (FileObject = %s, Instance = %s, rq = %d)",
            status, fo, instance.id(), cbd.iopb().majorFunction());
        return status;
      }
      Out<FltContext> created = new Out<>();
      status = cgCreateFileContext(created);
      if (!status.isSuccess()) {
        log.print(CGDBG_TRACE_ERROR, "[CG]: Failed to create file context with status %s. (FileObject = %s, Instance = %s)",
            status, fo, instance.id());
        return status;
      }
      fc = Objects.requireNonNull(created.get());
      fc.payload(CgFileContext.class).fileId = Objects.requireNonNull(fileId.get());
      log.print(CGDBG_TRACE_ROUTINES, "[CG]: Setting file context %s (FileObject = %s, Instance = %s)", fc.id(), fo, instance.id());
      Out<FltContext> old = new Out<>();
      status = Flt.setFileContext(instance, fo, 1, fc, old);
      if (!status.isSuccess()) {
        log.print(CGDBG_TRACE_ERROR, "[CG]: Failed to set file context with status %s. (FileObject = %s, Instance = %s, rq = %d)",
            status, fo, instance.id(), cbd.iopb().majorFunction());
        log.print(CGDBG_TRACE_ROUTINES, "[CG]: Releasing file context %s (FileObject = %s, Instance = %s)", fc.id(), fo, instance.id());
        Flt.releaseContext(fc);
        if (!status.equals(NtStatus.STATUS_FLT_CONTEXT_ALREADY_DEFINED)) {
          log.print(CGDBG_TRACE_ERROR, "[CG]: Failed to set file context with status %s != STATUS_FLT_CONTEXT_ALREADY_DEFINED."
              + " (FileObject = %s, Instance = %s)", status, fo, instance.id());
          return status;
        }
        fc = Objects.requireNonNull(old.get());
        log.print(CGDBG_TRACE_ERROR, "[CG]: Race: File context already defined. Retaining old file context %s (FileObject = %s, Instance = %s)",
            fc.id(), fo, instance.id());
        status = NtStatus.STATUS_SUCCESS;
      }
    }
    fileContext.set(fc);
    return status;
  }

  /**
   * {@code CgCreateFileContext}: allocates a file context from paged pool and zeroes it.
   *
   * @return the allocation's status
   */
  NtStatus cgCreateFileContext(Out<FltContext> fileContext) {
    log.print(CGDBG_TRACE_ROUTINES, "[CG]: Allocating file context ");
    NtStatus status = Flt.allocateContext(change.requireFilter(), FltContextType.FILE.code(), CgFileContext.SIZE,
        PoolType.PAGED_POOL, fileContext);
    if (!status.isSuccess()) {
      log.print(CGDBG_TRACE_ERROR, "[CG]: Failed to allocate file context with status %s ", status);
      return status;
    }
    // RtlZeroMemory: a fresh payload object has every field zero already.
    return NtStatus.STATUS_SUCCESS;
  }

  /**
   * {@code CgFindOrCreateTransactionContext}: gets the transaction context, or allocates one that
   * holds a reference on the transaction and a mutex, and sets it KEEP, taking the existing one on
   * a race.
   *
   * @param fltObjects the operation's objects (their transaction must not be null)
   * @param transactionContext receives the context, referenced for the caller
   * @return success, or the get's (other than NOT_FOUND), allocation's or set's failure
   */
  NtStatus cgFindOrCreateTransactionContext(FltRelatedObjects fltObjects, Out<FltContext> transactionContext) {
    log.print(CGDBG_TRACE_DEBUG, "[CG]: CgFindOrCreateTransactionContext entered. ");
    FltInstance instance = Objects.requireNonNull(fltObjects.instance());
    KTransaction tx = Objects.requireNonNull(fltObjects.transaction(), "Transaction object pointer is not supposed to be NULL !");
    Out<FltContext> got = new Out<>();
    NtStatus status = Flt.getTransactionContext(instance, tx, got);
    if (status.isSuccess()) {
      transactionContext.set(got.get());
      return NtStatus.STATUS_SUCCESS;
    }
    if (!status.equals(NtStatus.STATUS_NOT_FOUND)) {
      log.print(CGDBG_TRACE_ERROR, "[CG]: Failed to get transaction context with status %s ", status);
      return status;
    }
    ReentrantLock mutex = new ReentrantLock(); // PORT: CgAllocateMutex
    Out<FltContext> allocated = new Out<>();
    status = Flt.allocateContext(change.requireFilter(), FltContextType.TRANSACTION.code(), CgTransactionContext.SIZE,
        PoolType.PAGED_POOL, allocated);
    if (!status.isSuccess()) {
      log.print(CGDBG_TRACE_ERROR, "[CG]: Failed to allocate transaction context with status %s ", status);
      return status;
    }
    FltContext tc = Objects.requireNonNull(allocated.get());
    CgTransactionContext p = tc.payload(CgTransactionContext.class);
    p.mutex = mutex;
    tx.reference(); // ObReferenceObject
    p.transaction = tx;
    Out<FltContext> old = new Out<>();
    status = Flt.setTransactionContext(instance, tx, 1, tc, old);
    if (status.isSuccess()) {
      transactionContext.set(tc);
      return NtStatus.STATUS_SUCCESS;
    }
    Flt.releaseContext(tc);
    if (!status.equals(NtStatus.STATUS_FLT_CONTEXT_ALREADY_DEFINED)) {
      log.print(CGDBG_TRACE_ERROR, "[CG]: Failed to set transaction context with status %s ", status);
      return status;
    }
    transactionContext.set(Objects.requireNonNull(old.get()));
    return NtStatus.STATUS_SUCCESS;
  }
}
