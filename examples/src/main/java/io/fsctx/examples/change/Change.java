package io.fsctx.examples.change;

import io.fsctx.examples.support.DbgPrint;
import io.fsctx.fltmgr.DriverObject;
import io.fsctx.fltmgr.FilterManager;
import io.fsctx.fltmgr.Flt;
import io.fsctx.fltmgr.FltCallbackData;
import io.fsctx.fltmgr.FltContext;
import io.fsctx.fltmgr.FltFilesystemType;
import io.fsctx.fltmgr.FltFilter;
import io.fsctx.fltmgr.FltOperationRegistration;
import io.fsctx.fltmgr.FltPostopCallbackStatus;
import io.fsctx.fltmgr.FltPreopCallbackStatus;
import io.fsctx.fltmgr.FltRegistration;
import io.fsctx.fltmgr.FltRelatedObjects;
import io.fsctx.fltmgr.UnloadReport;
import io.fsctx.io.FileInformationClass;
import io.fsctx.io.FsControlCodes;
import io.fsctx.io.IoConstants;
import io.fsctx.io.IrpMajorFunction;
import io.fsctx.io.IrpParameters;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import io.fsctx.tm.KTransaction;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The change sample ({@code filesys/miniFilter/change}, {@code change.c}) ported to the {@link Flt}
 * facade: it tracks whether each file was modified. A file context remembers {@code Dirty} (written
 * outside a transaction) and {@code TxDirty} (written in the transaction it is listed in); a
 * transaction context lists the files its transacted writers opened; at commit the transaction's
 * {@code TxDirty} becomes {@code Dirty}, at rollback it is dropped. On a file system without file
 * contexts ({@code FltGetFileContext} is {@code STATUS_NOT_SUPPORTED}) the filter passes everything
 * through; on a single-stream file system Filter Manager emulates them.
 *
 * <h2>The five cases of {@link #cgProcessPreviousTransaction}</h2>
 * When a file is opened for writing, its file context moves from the transaction it was listed in
 * ({@code oldTxCtx}) to the opening's transaction ({@code transCtx}): (1) none → B: reference B for
 * the pointer and the file context for B's list; (2) A → none and (3) A → B: propagate A's outcome
 * (queried from KTM), unlink from A, and for (3) reference B and move the list reference (released
 * when B's list is already drained), for (2) release it; both release the pointer's reference on A;
 * (4) A → A and (5) none → none change nothing.
 *
 * <h2>Where the port differs from the sample ({@code PORT:})</h2>
 * <ol>
 *   <li>{@code FLT_ASSERTMSG} is logged (and never breaks into a debugger); the {@code DBG}-only
 *       cross-check in {@link #cgPreOperationCallback} is left out, as in a free build.
 *   <li>{@code CgQueryTransactionOutcome} opens the transaction by pointer and calls {@code
 *       ZwQueryInformationTransaction}; the port asks the kernel transaction for its outcome
 *       ({@link KTransaction#outcome()}).
 *   <li>The transaction context's {@code FAST_MUTEX} is a Java lock ({@link CgTransactionContext}).
 *   <li>The create's desired access reaches filters as the caller gave it (the model's I/O manager
 *       does not map generic rights), so {@code GENERIC_WRITE} and {@code GENERIC_ALL} count as
 *       write access in {@link #cgPostCreate}.
 *   <li>The NTFS-like model does not lock a file for its transacted writer (TxF would refuse a
 *       second writer with {@code STATUS_TRANSACTIONAL_CONFLICT}), so cases (2) and (3) are reached
 *       while the earlier transaction is still active and its outcome undetermined, which the
 *       sample handles by dropping {@code TxDirty} without propagating it; on Windows they happen
 *       when the earlier transaction has ended but its notification is still on its way.
 * </ol>
 *
 * <p>Thread safety: safe for concurrent use once loaded, as the sample is.
 */
public final class Change {
  /** {@code CGDBG_TRACE_ROUTINES}. */
  public static final int CGDBG_TRACE_ROUTINES = 0x00000001;
  /** {@code CGDBG_TRACE_OPERATION_STATUS}. */
  public static final int CGDBG_TRACE_OPERATION_STATUS = 0x00000002;
  /** {@code CGDBG_TRACE_DEBUG}. */
  public static final int CGDBG_TRACE_DEBUG = 0x00000004;
  /** {@code CGDBG_TRACE_ERROR}. */
  public static final int CGDBG_TRACE_ERROR = 0x00000008;
  /** The sample's {@code gTraceFlags}. */
  public static final int DEFAULT_TRACE_FLAGS = CGDBG_TRACE_DEBUG | CGDBG_TRACE_ERROR;
  /** The service name. */
  public static final String SERVICE_NAME = "Change";
  /** The altitude in {@code change.inf} (FSFilter Activity Monitor). */
  public static final String ALTITUDE = "370160";

  private final FilterManager filterManager;
  private final DbgPrint log;
  private final ChangeContexts contexts;
  private volatile @Nullable FltFilter gFilterInstance;
  private volatile @Nullable UnloadReport unloadReport;

  /**
   * Creates the driver, not loaded yet.
   *
   * @param filterManager the Filter Manager to register with
   * @param log the debugger output; its mask is {@code gTraceFlags}
   */
  public Change(FilterManager filterManager, DbgPrint log) {
    this.filterManager = filterManager;
    this.log = log;
    this.contexts = new ChangeContexts(this);
  }

  /** The debugger output. */
  public DbgPrint log() {
    return log;
  }

  /** {@code gFilterInstance}, or null when not loaded. */
  public @Nullable FltFilter filter() {
    return gFilterInstance;
  }

  FltFilter requireFilter() {
    return Objects.requireNonNull(gFilterInstance, "gFilterInstance is NULL: change is not loaded");
  }

  ChangeContexts contexts() {
    return contexts;
  }

  // ---- Registration ------------------------------------------------------------------------

  /** {@code Callbacks[]}. */
  List<FltOperationRegistration> callbacks() {
    return List.of(
        new FltOperationRegistration(IrpMajorFunction.CREATE.code(), 0, this::cgPreCreate, this::cgPostCreate),
        new FltOperationRegistration(IrpMajorFunction.CLOSE.code(), 0, this::cgPreClose, null),
        new FltOperationRegistration(IrpMajorFunction.WRITE.code(), 0, this::cgPreOperationCallback, null),
        new FltOperationRegistration(IrpMajorFunction.SET_INFORMATION.code(), 0, this::cgPreOperationCallback, null),
        new FltOperationRegistration(IrpMajorFunction.FILE_SYSTEM_CONTROL.code(), 0, this::cgPreFsControl, null));
  }

  /** {@code FilterRegistration}. */
  FltRegistration filterRegistration() {
    return FltRegistration.builder()
        .contextRegistration(contexts.contextRegistration())
        .operationRegistration(callbacks())
        .filterUnloadCallback(this::cgUnload)
        .instanceSetupCallback(this::cgInstanceSetup)
        .instanceQueryTeardownCallback(this::cgInstanceQueryTeardown)
        .instanceTeardownStartCallback((o, f) -> log.print(CGDBG_TRACE_ROUTINES, "[CG] CgInstanceTeardownStart: Entered"))
        .instanceTeardownCompleteCallback((o, f) -> log.print(CGDBG_TRACE_ROUTINES, "[CG] CgInstanceTeardownComplete: Entered"))
        .transactionNotificationCallback(this::cgKtmNotificationCallback)
        .build();
  }

  // ---- Load and unload ---------------------------------------------------------------------

  /**
   * {@code DriverEntry}: registers and starts filtering; unregisters when the start fails.
   *
   * @ddi DriverEntry
   * @return the status
   */
  public NtStatus driverEntry() {
    log.print(CGDBG_TRACE_ROUTINES, "[CG] DriverEntry: Entered");
    Out<FltFilter> f = new Out<>();
    NtStatus status = Flt.registerFilter(filterManager, DriverObject.of(SERVICE_NAME, ALTITUDE), filterRegistration(), f);
    if (status.isSuccess()) {
      FltFilter filter = Objects.requireNonNull(f.get());
      gFilterInstance = filter;
      status = Flt.startFiltering(filter);
      if (!status.isSuccess()) {
        unloadReport = filter.unregister();
        gFilterInstance = null;
      }
    }
    return status;
  }

  /**
   * Unloads as the service control manager would ({@code CgUnload}).
   *
   * @return what {@code FltUnregisterFilter} reported
   */
  public UnloadReport unload() {
    requireFilter();
    cgUnload(0);
    return Objects.requireNonNull(unloadReport);
  }

  /** {@code CgUnload}. */
  NtStatus cgUnload(int flags) {
    log.print(CGDBG_TRACE_ROUTINES, "[CG] CgUnload: Entered");
    FltFilter f = gFilterInstance;
    if (f != null) {
      unloadReport = f.unregister();
    }
    gFilterInstance = null;
    return NtStatus.STATUS_SUCCESS;
  }

  /** {@code CgInstanceSetup}: attaches everywhere. */
  NtStatus cgInstanceSetup(FltRelatedObjects fltObjects, int flags, int volumeDeviceType, FltFilesystemType volumeFilesystemType) {
    log.print(CGDBG_TRACE_ROUTINES, "[CG] CgInstanceSetup: Entered");
    return NtStatus.STATUS_SUCCESS;
  }

  /** {@code CgInstanceQueryTeardown}: allows manual detach. */
  NtStatus cgInstanceQueryTeardown(FltRelatedObjects fltObjects, int flags) {
    log.print(CGDBG_TRACE_ROUTINES, "[CG] CgInstanceQueryTeardown: Entered");
    return NtStatus.STATUS_SUCCESS;
  }

  // ---- Local routines ------------------------------------------------------------------------

  /**
   * {@code CgOperationsNeedDirty}: writes, the data-changing controls, and end-of-file and
   * valid-data-length sets make a file dirty.
   */
  static boolean cgOperationsNeedDirty(FltCallbackData data) {
    int major = data.iopb().majorFunction();
    if (major == IrpMajorFunction.WRITE.code()) {
      return true;
    }
    if (major == IrpMajorFunction.FILE_SYSTEM_CONTROL.code()
        && data.iopb().parameters() instanceof IrpParameters.FileSystemControl c) {
      int code = c.fsControlCode();
      return code == FsControlCodes.FSCTL_OFFLOAD_WRITE || code == FsControlCodes.FSCTL_WRITE_RAW_ENCRYPTED
          || code == FsControlCodes.FSCTL_SET_ZERO_DATA;
    }
    if (major == IrpMajorFunction.SET_INFORMATION.code()
        && data.iopb().parameters() instanceof IrpParameters.SetInformation s) {
      // FileValidDataLengthInformation (39) is not among the classes the model names.
      return s.informationClass() == FileInformationClass.FILE_END_OF_FILE_INFORMATION;
    }
    return false;
  }

  /** {@code CgQueryTransactionOutcome}. PORT: the kernel transaction answers directly. */
  static NtStatus cgQueryTransactionOutcome(KTransaction transaction, Out<KTransaction.Outcome> txOutcome) {
    txOutcome.set(transaction.outcome());
    return NtStatus.STATUS_SUCCESS;
  }

  /** {@code CgPropagateDirty}: on commit {@code Dirty |= TxDirty}; {@code TxDirty} is cleared either way. */
  static void cgPropagateDirty(CgFileContext fileContext, KTransaction.Outcome outcome) {
    if (outcome == KTransaction.Outcome.COMMITTED) {
      fileContext.dirty |= fileContext.txDirty;
    }
    fileContext.txDirty = false;
  }

  /**
   * {@code CgProcessPreviousTransaction}: in post-create of a writer, finds or creates the
   * opening's transaction context (enlisting for commit-finalize and rollback), then moves the
   * file context from the transaction it was listed in to this one (the five cases on {@link
   * Change}).
   *
   * @return success, or the transaction context's or enlistment's failure
   */
  NtStatus cgProcessPreviousTransaction(FltRelatedObjects fltObjects, FltContext fileContext) {
    NtStatus status = NtStatus.STATUS_SUCCESS;
    FltContext transactionContext = null;
    CgFileContext fc = fileContext.payload(CgFileContext.class);
    try {
      KTransaction tx = fltObjects.transaction();
      if (tx != null) {
        Out<FltContext> found = new Out<>();
        status = contexts.cgFindOrCreateTransactionContext(fltObjects, found);
        if (!status.isSuccess()) {
          log.print(CGDBG_TRACE_ERROR, "[CG] CgProcessPreviousTransaction: CgFindOrCreateTransactionContext FAILED");
          return status;
        }
        transactionContext = Objects.requireNonNull(found.get());
        CgTransactionContext tc = transactionContext.payload(CgTransactionContext.class);
        if (!tc.enlisted) {
          status = Flt.enlistInTransaction(Objects.requireNonNull(fltObjects.instance()), tx, transactionContext,
              KTransaction.TRANSACTION_NOTIFY_COMMIT_FINALIZE | KTransaction.TRANSACTION_NOTIFY_ROLLBACK);
          if (!status.isSuccess() && !status.equals(NtStatus.STATUS_FLT_ALREADY_ENLISTED)) {
            log.print(CGDBG_TRACE_ERROR, "[CG] CgProcessPreviousTransaction: FltEnlistInTransaction FAILED!!!!");
            return status;
          }
          status = NtStatus.STATUS_SUCCESS;
          tc.enlisted = true;
        }
      }
      FltContext oldTxCtx = fc.txContext.getAndSet(transactionContext);
      if (oldTxCtx != transactionContext) { // cases 1, 2, 3
        if (oldTxCtx == null) { // case 1
          FltContext tcx = Objects.requireNonNull(transactionContext);
          Flt.referenceContext(tcx); // the file context's TxContext pointer
          CgTransactionContext tc = tcx.payload(CgTransactionContext.class);
          ReentrantLock m = Objects.requireNonNull(tc.mutex);
          m.lock();
          try {
            if (!tc.listDrained) {
              Flt.referenceContext(fileContext); // Q: the list's reference
              tc.scList.add(fileContext);
            }
          } finally {
            m.unlock();
          }
          return status;
        }
        // Cases 2 and 3: the file leaves the earlier transaction; its outcome decides TxDirty.
        CgTransactionContext old = oldTxCtx.payload(CgTransactionContext.class);
        Out<KTransaction.Outcome> outcome = new Out<>();
        outcome.set(KTransaction.Outcome.UNDETERMINED);
        KTransaction oldTx = old.transaction;
        if (oldTx == null || !cgQueryTransactionOutcome(oldTx, outcome).isSuccess()) {
          log.print(CGDBG_TRACE_ERROR, "[CG] CgProcessPreviousTransaction: CgQueryTransactionOutcome FAILED!!!!");
        }
        ReentrantLock om = Objects.requireNonNull(old.mutex);
        om.lock();
        try {
          old.scList.remove(fileContext);
        } finally {
          om.unlock();
        }
        cgPropagateDirty(fc, Objects.requireNonNull(outcome.get()));
        if (transactionContext != null) { // case 3
          Flt.referenceContext(transactionContext);
          CgTransactionContext tc = transactionContext.payload(CgTransactionContext.class);
          ReentrantLock m = Objects.requireNonNull(tc.mutex);
          m.lock();
          try {
            if (!tc.listDrained) {
              tc.scList.add(fileContext);
            } else {
              Flt.releaseContext(fileContext);
            }
          } finally {
            m.unlock();
          }
        } else { // case 2
          Flt.releaseContext(fileContext); // the list's reference (Q)
        }
        Flt.releaseContext(oldTxCtx); // the TxContext pointer's reference on the earlier transaction context
      }
      return status; // cases 4 and 5 change nothing
    } finally {
      if (transactionContext != null) {
        Flt.releaseContext(transactionContext); // from CgFindOrCreateTransactionContext
      }
    }
  }

  /**
   * {@code CgProcessTransactionOutcome}: for each file context still listed (and still pointing at
   * this transaction context), unlink it, propagate {@code TxDirty}, release both references, and
   * report a file that became dirty; then mark the list drained.
   */
  NtStatus cgProcessTransactionOutcome(FltContext transactionContext, KTransaction.Outcome outcome) {
    CgTransactionContext tc = transactionContext.payload(CgTransactionContext.class);
    ReentrantLock m = Objects.requireNonNull(tc.mutex);
    m.lock();
    try {
      for (FltContext fileContext : List.copyOf(tc.scList)) {
        CgFileContext fc = fileContext.payload(CgFileContext.class);
        if (fc.txContext.compareAndSet(transactionContext, null)) {
          tc.scList.remove(fileContext);
          cgPropagateDirty(fc, outcome);
          Flt.releaseContext(transactionContext);
          if (fc.dirty) {
            log.print(CGDBG_TRACE_DEBUG, "[CG] CgProcessTransactionOutcome: Transacted file ID %016x,%016x is dirty",
                fc.fileId.upper(), fc.fileId.lower());
          }
          Flt.releaseContext(fileContext);
        }
      }
      tc.listDrained = true;
    } finally {
      m.unlock();
    }
    return NtStatus.STATUS_SUCCESS;
  }

  // ---- Callbacks -----------------------------------------------------------------------------

  /** {@code CgPreOperationCallback}: marks the file dirty, or transactionally dirty. */
  FltPreopCallbackStatus cgPreOperationCallback(FltCallbackData data, FltRelatedObjects fltObjects, Out<Object> cc) {
    log.print(CGDBG_TRACE_ROUTINES, "[CG] CgPreOperationCallback: Entered");
    if (!cgOperationsNeedDirty(data)) {
      return FltPreopCallbackStatus.SUCCESS_NO_CALLBACK;
    }
    Out<FltContext> got = new Out<>();
    NtStatus status = Flt.getFileContext(Objects.requireNonNull(fltObjects.instance()), fltObjects.fileObject(), got);
    if (!status.isSuccess()) {
      log.print(CGDBG_TRACE_ROUTINES, "[CG] CgPreOperationCallback: get file context failed. rq: %d", data.iopb().majorFunction());
      return FltPreopCallbackStatus.SUCCESS_NO_CALLBACK;
    }
    FltContext fileContext = Objects.requireNonNull(got.get());
    CgFileContext fc = fileContext.payload(CgFileContext.class);
    if (fc.txContext.get() != null) {
      fc.txDirty = true;
    } else {
      fc.dirty = true;
    }
    Flt.releaseContext(fileContext);
    return FltPreopCallbackStatus.SUCCESS_NO_CALLBACK;
  }

  /** {@code CgPreFsControl}: fails savepoint requests, otherwise as any dirtying operation. */
  FltPreopCallbackStatus cgPreFsControl(FltCallbackData data, FltRelatedObjects fltObjects, Out<Object> cc) {
    if (data.iopb().parameters() instanceof IrpParameters.FileSystemControl c
        && c.fsControlCode() == FsControlCodes.FSCTL_TXFS_SAVEPOINT_INFORMATION) {
      data.setIoStatus(NtStatus.STATUS_NOT_SUPPORTED, 0);
      return FltPreopCallbackStatus.COMPLETE;
    }
    return cgPreOperationCallback(data, fltObjects, cc);
  }

  /** {@code CgPreCreate}: synchronize, so post-create runs at passive level. */
  FltPreopCallbackStatus cgPreCreate(FltCallbackData data, FltRelatedObjects fltObjects, Out<Object> cc) {
    log.print(CGDBG_TRACE_ROUTINES, "[CG] CgPreOperationCallback: Entered");
    return FltPreopCallbackStatus.SYNCHRONIZE;
  }

  /** The access rights {@code CgPostCreate} treats as a transacted writer's. */
  private static final int WRITE_ACCESS = IoConstants.FILE_WRITE_DATA | IoConstants.FILE_APPEND_DATA
      | IoConstants.DELETE | IoConstants.FILE_WRITE_ATTRIBUTES | IoConstants.FILE_WRITE_EA | IoConstants.WRITE_DAC
      | IoConstants.WRITE_OWNER | IoConstants.ACCESS_SYSTEM_SECURITY
      // PORT: the model does not map generic rights before the create reaches filters.
      | IoConstants.GENERIC_WRITE | IoConstants.GENERIC_ALL;

  /** {@code CgPostCreate}: find or create the file context; a writer processes the previous transaction. */
  FltPostopCallbackStatus cgPostCreate(FltCallbackData data, FltRelatedObjects fltObjects, @Nullable Object cc, int flags) {
    NtStatus status = data.ioStatus();
    if (!status.isSuccess() || status.equals(NtStatus.STATUS_REPARSE)) {
      log.print(CGDBG_TRACE_ROUTINES, "[CG] CgPostCreate: file creation failed");
      return FltPostopCallbackStatus.FINISHED_PROCESSING;
    }
    Out<FltContext> found = new Out<>();
    status = contexts.cgFindOrCreateFileContext(data, found);
    if (!status.isSuccess()) {
      log.print(CGDBG_TRACE_ROUTINES, "[CG] CgPostCreate: find file context failed. ");
      return FltPostopCallbackStatus.FINISHED_PROCESSING;
    }
    FltContext fileContext = Objects.requireNonNull(found.get());
    try {
      int access = data.iopb().parameters(IrpParameters.Create.class).options().desiredAccess();
      if ((access & WRITE_ACCESS) != 0) {
        status = cgProcessPreviousTransaction(fltObjects, fileContext);
        if (!status.isSuccess()) {
          log.print(CGDBG_TRACE_ERROR, "[CG] CgPostCreate: CgProcessTransaction FAILED!! ");
        }
      }
    } finally {
      Flt.releaseContext(fileContext);
    }
    return FltPostopCallbackStatus.FINISHED_PROCESSING;
  }

  /** {@code CgPreClose}: reports a dirty, non-transacted file. */
  FltPreopCallbackStatus cgPreClose(FltCallbackData data, FltRelatedObjects fltObjects, Out<Object> cc) {
    Out<FltContext> got = new Out<>();
    NtStatus status = Flt.getFileContext(Objects.requireNonNull(fltObjects.instance()), fltObjects.fileObject(), got);
    if (!status.isSuccess()) {
      log.print(CGDBG_TRACE_ROUTINES, "[CG] CgPreClose: find file context failed.");
      return FltPreopCallbackStatus.SUCCESS_NO_CALLBACK;
    }
    FltContext fileContext = Objects.requireNonNull(got.get());
    CgFileContext fc = fileContext.payload(CgFileContext.class);
    if (fltObjects.transaction() == null && fc.dirty) {
      log.print(CGDBG_TRACE_DEBUG, "[CG] CgPreClose: Non-transacted file ID %016x,%016x is dirty", fc.fileId.upper(), fc.fileId.lower());
    }
    Flt.releaseContext(fileContext);
    return FltPreopCallbackStatus.SUCCESS_NO_CALLBACK;
  }

  /** {@code CgKtmNotificationCallback}: commit-finalize propagates, rollback drops. */
  NtStatus cgKtmNotificationCallback(FltRelatedObjects fltObjects, FltContext transactionContext, int notification) {
    log.print(CGDBG_TRACE_ROUTINES, "[CG] CgKtmNotificationCallback: Entered");
    if ((notification & (KTransaction.TRANSACTION_NOTIFY_COMMIT_FINALIZE | KTransaction.TRANSACTION_NOTIFY_ROLLBACK)) == 0) {
      log.print(CGDBG_TRACE_ERROR, "[CG] ASSERT: CgKtmNotificationCallback: The expected type of notifications registered at FltEnlistInTransaction(...).");
    }
    if ((notification & KTransaction.TRANSACTION_NOTIFY_COMMIT_FINALIZE) != 0) {
      return cgProcessTransactionOutcome(transactionContext, KTransaction.Outcome.COMMITTED);
    }
    return cgProcessTransactionOutcome(transactionContext, KTransaction.Outcome.ABORTED);
  }
}
