package io.fsctx.examples.minispy;

import io.fsctx.examples.support.DbgPrint;
import io.fsctx.fltmgr.DriverObject;
import io.fsctx.fltmgr.FilterManager;
import io.fsctx.fltmgr.Flt;
import io.fsctx.fltmgr.FltCallbackData;
import io.fsctx.fltmgr.FltContext;
import io.fsctx.fltmgr.FltContextRegistration;
import io.fsctx.fltmgr.FltContextType;
import io.fsctx.fltmgr.FltFileNameInformation;
import io.fsctx.fltmgr.FltFilter;
import io.fsctx.fltmgr.FltInstance;
import io.fsctx.fltmgr.FltOperationRegistration;
import io.fsctx.fltmgr.FltPostopCallbackStatus;
import io.fsctx.fltmgr.FltPreopCallbackStatus;
import io.fsctx.fltmgr.FltRegistration;
import io.fsctx.fltmgr.FltRelatedObjects;
import io.fsctx.fltmgr.PostOperationCallback;
import io.fsctx.fltmgr.SetContextOperation;
import io.fsctx.fltmgr.TransactionNotificationCallback;
import io.fsctx.fltmgr.UnloadReport;
import io.fsctx.io.FileObject;
import io.fsctx.io.IrpMajorFunction;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import io.fsctx.nt.PoolType;
import io.fsctx.tm.KTransaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The minispy sample's filter ({@code filesys/miniFilter/minispy/filter}: {@code minispy.c},
 * {@code RegistrationData.c}, {@code mspyLib.c}) ported to the {@link Flt} facade. One callback
 * pair sees every operation: the pre-operation callback takes a log record, names the file
 * (normalized, else opened, else a placeholder with the failure statuses) and records the
 * operation; the post-operation callback records the completion and logs the record (a draining
 * completion frees it unlogged). After a successful create in a transaction it enlists the
 * instance ({@code SpyEnlistInTransaction}): a transaction context per transaction, set with
 * {@code KEEP_IF_EXISTS}, marked enlisted after {@code FltEnlistInTransaction} with {@code
 * FLT_MAX_TRANSACTION_NOTIFICATIONS}; an enlistment that fails other than with {@code
 * STATUS_FLT_ALREADY_ENLISTED} deletes the context and releases it (only the first deleter takes
 * the set's reference). Every notification is logged ({@code SpyKtmNotificationCallback}).
 *
 * <h2>Where the port differs from the sample ({@code PORT:})</h2>
 * <ol>
 *   <li>The communication port and the user-mode reader ({@code minispy.exe}, {@code
 *       GetMiniSpyLog}) are replaced by the port keeping the records ({@link #records()}) and
 *       printing each as {@code SpyLog} queues it; no record limit ({@code MaxRecordsToAllocate})
 *       applies, as records are Java objects, not lookaside entries.
 *   <li>A record has no times, process or thread, device object or arguments ({@link
 *       SpyLogRecord}); ECPs ({@code SpyParseEcps}) and reparse tag data are not recorded.
 *   <li>{@code FltGetRoutineAddress} for the transaction routines always succeeds (the model is
 *       Vista or later), so they are called directly.
 *   <li>Operations the model never sends (named pipes, mailslots, fast I/O, MDL, mount) are
 *       registered as in the sample but simply never seen. {@code FLTFL_REGISTRATION_SUPPORT_NPFS_MSFS}
 *       is not modelled.
 *   <li>The {@code static ULONG Sequence} of {@code SpyEnlistInTransaction} belongs to the port's
 *       object.
 *   <li>{@code FLT_ASSERT}s are logged, never breaking into a debugger.
 * </ol>
 *
 * <p>Thread safety: safe for concurrent use once loaded, as the sample is.
 */
public final class MiniSpy {
  /** {@code DEFAULT_NAME_QUERY_METHOD}. */
  public static final int DEFAULT_NAME_QUERY_METHOD = FltFileNameInformation.FLT_FILE_NAME_QUERY_ALWAYS_ALLOW_CACHE_LOOKUP;
  /** The service name. */
  public static final String SERVICE_NAME = "MiniSpy";
  /** The altitude Microsoft allocated to the sample (minispy "top", FSFilter Activity Monitor). */
  public static final String ALTITUDE = "385000";

  /** The operations {@code Callbacks[]} registers; {@code IRP_MJ_SHUTDOWN} has no post-operation callback. */
  static final List<IrpMajorFunction> OPERATIONS = List.of(
      IrpMajorFunction.CREATE, IrpMajorFunction.CREATE_NAMED_PIPE, IrpMajorFunction.CLOSE, IrpMajorFunction.READ,
      IrpMajorFunction.WRITE, IrpMajorFunction.QUERY_INFORMATION, IrpMajorFunction.SET_INFORMATION,
      IrpMajorFunction.QUERY_EA, IrpMajorFunction.SET_EA, IrpMajorFunction.FLUSH_BUFFERS,
      IrpMajorFunction.QUERY_VOLUME_INFORMATION, IrpMajorFunction.SET_VOLUME_INFORMATION,
      IrpMajorFunction.DIRECTORY_CONTROL, IrpMajorFunction.FILE_SYSTEM_CONTROL, IrpMajorFunction.DEVICE_CONTROL,
      IrpMajorFunction.INTERNAL_DEVICE_CONTROL, IrpMajorFunction.SHUTDOWN, IrpMajorFunction.LOCK_CONTROL,
      IrpMajorFunction.CLEANUP, IrpMajorFunction.CREATE_MAILSLOT, IrpMajorFunction.QUERY_SECURITY,
      IrpMajorFunction.SET_SECURITY, IrpMajorFunction.QUERY_QUOTA, IrpMajorFunction.SET_QUOTA, IrpMajorFunction.PNP,
      IrpMajorFunction.ACQUIRE_FOR_SECTION_SYNCHRONIZATION, IrpMajorFunction.RELEASE_FOR_SECTION_SYNCHRONIZATION,
      IrpMajorFunction.ACQUIRE_FOR_MOD_WRITE, IrpMajorFunction.RELEASE_FOR_MOD_WRITE,
      IrpMajorFunction.ACQUIRE_FOR_CC_FLUSH, IrpMajorFunction.RELEASE_FOR_CC_FLUSH,
      IrpMajorFunction.FAST_IO_CHECK_IF_POSSIBLE, IrpMajorFunction.NETWORK_QUERY_OPEN, IrpMajorFunction.MDL_READ,
      IrpMajorFunction.MDL_READ_COMPLETE, IrpMajorFunction.PREPARE_MDL_WRITE, IrpMajorFunction.MDL_WRITE_COMPLETE,
      IrpMajorFunction.VOLUME_MOUNT, IrpMajorFunction.VOLUME_DISMOUNT);

  private final FilterManager filterManager;
  private final DbgPrint log;
  /** {@code MiniSpyData.LogSequenceNumber}. */
  private final AtomicLong logSequenceNumber = new AtomicLong();
  /** {@code MiniSpyData.RecordsAllocated}: records taken and not yet logged or freed. */
  private final AtomicInteger recordsAllocated = new AtomicInteger();
  /** {@code MiniSpyData.OutputBufferList}. */
  private final List<SpyLogRecord> outputBufferList = new ArrayList<>();
  /** {@code SpyEnlistInTransaction}'s {@code static ULONG Sequence}. */
  private final AtomicInteger sequence = new AtomicInteger(1);
  /** {@code MiniSpyData.NameQueryMethod}. */
  private final int nameQueryMethod = DEFAULT_NAME_QUERY_METHOD;
  private volatile @Nullable FltFilter filter;
  private volatile @Nullable UnloadReport unloadReport;

  /**
   * Creates the driver, not loaded yet.
   *
   * @param filterManager the Filter Manager to register with
   * @param log where each logged record is printed (the user-mode reader), and the port's asserts
   */
  public MiniSpy(FilterManager filterManager, DbgPrint log) {
    this.filterManager = filterManager;
    this.log = log;
  }

  /** {@code MiniSpyData.Filter}, or null when not loaded. */
  public @Nullable FltFilter filter() {
    return filter;
  }

  /** Every record logged so far, oldest first (a copy). */
  public List<SpyLogRecord> records() {
    synchronized (outputBufferList) {
      return List.copyOf(outputBufferList);
    }
  }

  /** Records taken by pre-operation callbacks and neither logged nor freed yet. */
  public int recordsOutstanding() {
    return recordsAllocated.get();
  }

  // ---- Registration ------------------------------------------------------------------------

  /** {@code Callbacks[]}. */
  List<FltOperationRegistration> callbacks() {
    List<FltOperationRegistration> ops = new ArrayList<>();
    for (IrpMajorFunction m : OPERATIONS) {
      ops.add(new FltOperationRegistration(m.code(), 0, this::spyPreOperationCallback,
          m == IrpMajorFunction.SHUTDOWN ? null : this::spyPostOperationCallback));
    }
    return ops;
  }

  /** {@code Contexts[]}: the transaction context. */
  List<FltContextRegistration> contexts() {
    return List.of(
        FltContextRegistration.of(FltContextType.TRANSACTION, 0, this::spyDeleteTxfContext,
            MiniSpyTransactionContext.SIZE, MiniSpyTransactionContext.TAG, MiniSpyTransactionContext::new),
        FltContextRegistration.END);
  }

  /** {@code FilterRegistration}: no instance setup, a KTM notification callback. */
  FltRegistration filterRegistration() {
    return FltRegistration.builder()
        .contextRegistration(contexts())
        .operationRegistration(callbacks())
        .filterUnloadCallback(this::spyFilterUnload)
        .instanceQueryTeardownCallback((o, f) -> NtStatus.STATUS_SUCCESS)
        .transactionNotificationCallback(this::spyKtmNotificationCallback)
        .build();
  }

  // ---- Load and unload ---------------------------------------------------------------------

  /**
   * {@code DriverEntry}: registers and starts filtering; unregisters on failure.
   *
   * @ddi DriverEntry
   * @return the status
   */
  public NtStatus driverEntry() {
    logSequenceNumber.set(0);
    Out<FltFilter> f = new Out<>();
    NtStatus status = Flt.registerFilter(filterManager, DriverObject.of(SERVICE_NAME, ALTITUDE), filterRegistration(), f);
    if (!status.isSuccess()) {
      return status;
    }
    FltFilter registered = Objects.requireNonNull(f.get());
    filter = registered;
    // PORT: FltCreateCommunicationPort: no port to create.
    status = Flt.startFiltering(registered);
    if (!status.isSuccess()) {
      unloadReport = registered.unregister();
      filter = null;
    }
    return status;
  }

  /**
   * Unloads as the service control manager would ({@code SpyFilterUnload}).
   *
   * @return what {@code FltUnregisterFilter} reported
   */
  public UnloadReport unload() {
    Objects.requireNonNull(filter, "minispy is not loaded");
    spyFilterUnload(0);
    return Objects.requireNonNull(unloadReport);
  }

  /** {@code SpyFilterUnload}: closes the port, unregisters; the records stay readable (PORT). */
  NtStatus spyFilterUnload(int flags) {
    FltFilter f = filter;
    if (f != null) {
      unloadReport = f.unregister();
    }
    filter = null;
    return NtStatus.STATUS_SUCCESS;
  }

  // ---- Operation callbacks -----------------------------------------------------------------

  /** {@code SpyNewRecord}. */
  private SpyLogRecord spyNewRecord(FltCallbackData data, FltRelatedObjects fltObjects, String name) {
    recordsAllocated.incrementAndGet();
    FileObject fo = fltObjects.fileObject();
    KTransaction tx = fltObjects.transaction();
    return SpyLogRecord.operation(logSequenceNumber.incrementAndGet(), data.iopb().majorFunction(),
        data.iopb().minorFunction(), data.iopb().irpFlags(), fo == null ? null : fo.id(), tx == null ? null : tx.id(),
        name);
  }

  /** {@code SpyFreeRecord}. */
  private void spyFreeRecord(SpyLogRecord record) {
    recordsAllocated.decrementAndGet();
  }

  /** {@code SpyLog}: queues the record for the reader. */
  private void spyLog(SpyLogRecord record) {
    recordsAllocated.decrementAndGet();
    synchronized (outputBufferList) {
      outputBufferList.add(record);
    }
    log.print("%s", record.format());
  }

  /** The name the pre-operation callback records: normalized, else opened, else a placeholder. */
  private String nameOf(FltCallbackData data, FltRelatedObjects fltObjects) {
    if (fltObjects.fileObject() == null) {
      return "<NO NAME>"; // Can't get a name when there's no file object.
    }
    Out<FltFileNameInformation> nameInfo = new Out<>();
    NtStatus status = Flt.getFileNameInformation(data, FltFileNameInformation.FLT_FILE_NAME_NORMALIZED | nameQueryMethod,
        nameInfo);
    if (status.isSuccess()) {
      FltFileNameInformation info = Objects.requireNonNull(nameInfo.get());
      String name = info.name();
      Flt.releaseFileNameInformation(info);
      return name;
    }
    // If we couldn't get the "normalized" name try and get the "opened" name.
    Out<FltFileNameInformation> lnameInfo = new Out<>();
    NtStatus lstatus = Flt.getFileNameInformation(data,
        FltFileNameInformation.FLT_FILE_NAME_OPENED | FltFileNameInformation.FLT_FILE_NAME_QUERY_ALWAYS_ALLOW_CACHE_LOOKUP,
        lnameInfo);
    if (lstatus.isSuccess()) {
      FltFileNameInformation info = Objects.requireNonNull(lnameInfo.get());
      String name = String.format(Locale.ROOT, "<%08x> %s", status.code(), info.name());
      Flt.releaseFileNameInformation(info);
      return name;
    }
    return String.format(Locale.ROOT, "<NO NAME: NormalizeStatus=%08x OpenedStatus=%08x>", status.code(), lstatus.code());
  }

  /**
   * {@code SpyPreOperationCallback}: records the operation and asks for the post-operation call
   * with the record as completion context ({@code IRP_MJ_SHUTDOWN}: completed at once).
   *
   * @ddi PFLT_PRE_OPERATION_CALLBACK
   */
  FltPreopCallbackStatus spyPreOperationCallback(FltCallbackData data, FltRelatedObjects fltObjects, Out<Object> completionContext) {
    SpyLogRecord record = spyNewRecord(data, fltObjects, nameOf(data, fltObjects));
    if (data.iopb().majorFunction() == IrpMajorFunction.SHUTDOWN.code()) {
      // Completion callbacks are not supported for this operation: do the completion processing now.
      spyPostOperationCallback(data, fltObjects, record, 0);
      return FltPreopCallbackStatus.SUCCESS_NO_CALLBACK;
    }
    completionContext.set(record);
    return FltPreopCallbackStatus.SUCCESS_WITH_CALLBACK;
  }

  /**
   * {@code SpyPostOperationCallback}: completes and logs the record; enlists after a successful
   * transacted create.
   *
   * @ddi PFLT_POST_OPERATION_CALLBACK
   */
  FltPostopCallbackStatus spyPostOperationCallback(
      FltCallbackData data, FltRelatedObjects fltObjects, @Nullable Object completionContext, int flags) {
    SpyLogRecord record = (SpyLogRecord) Objects.requireNonNull(completionContext);
    // If our instance is in the process of being torn down don't bother to log this record.
    if ((flags & PostOperationCallback.FLTFL_POST_OPERATION_DRAINING) != 0) {
      spyFreeRecord(record);
      return FltPostopCallbackStatus.FINISHED_PROCESSING;
    }
    record.complete(data.ioStatus(), data.ioInformation());
    spyLog(record);
    // For creates within a transaction enlist in the transaction if we haven't already done so.
    if (fltObjects.transaction() != null && data.iopb().majorFunction() == IrpMajorFunction.CREATE.code()
        && data.ioStatus().equals(NtStatus.STATUS_SUCCESS)) {
      spyEnlistInTransaction(fltObjects);
    }
    return FltPostopCallbackStatus.FINISHED_PROCESSING;
  }

  /**
   * {@code SpyEnlistInTransaction}: enlists the instance in the create's transaction once, with a
   * transaction context.
   *
   * @return success when enlisted now or before; otherwise the failure
   */
  NtStatus spyEnlistInTransaction(FltRelatedObjects fltObjects) {
    FltInstance instance = Objects.requireNonNull(fltObjects.instance());
    KTransaction transaction = Objects.requireNonNull(fltObjects.transaction());
    Out<FltContext> got = new Out<>();
    NtStatus status = Flt.getTransactionContext(instance, transaction, got);
    FltContext transactionContext;
    if (status.isSuccess()) {
      transactionContext = Objects.requireNonNull(got.get());
      if (transactionContext.payload(MiniSpyTransactionContext.class).enlisted()) {
        // FltGetTransactionContext put a reference on the context. Release it and return success.
        Flt.releaseContext(transactionContext);
        return NtStatus.STATUS_SUCCESS;
      }
      // Not enlisted yet: try to enlist (ENLIST_IN_TRANSACTION).
    } else {
      if (!status.equals(NtStatus.STATUS_NOT_FOUND)) {
        return status;
      }
      Out<FltContext> allocated = new Out<>();
      status = Flt.allocateContext(fltObjects.filter(), FltContextType.TRANSACTION.code(), MiniSpyTransactionContext.SIZE,
          PoolType.PAGED_POOL, allocated);
      if (!status.isSuccess()) {
        return status;
      }
      transactionContext = Objects.requireNonNull(allocated.get());
      // RtlZeroMemory: the fresh payload's Flags are 0.
      MiniSpyTransactionContext p = transactionContext.payload(MiniSpyTransactionContext.class);
      p.flags.set(0);
      p.count = sequence.getAndIncrement();
      Out<FltContext> oldTransactionContext = new Out<>();
      status = Flt.setTransactionContext(instance, transaction, SetContextOperation.KEEP_IF_EXISTS.code(),
          transactionContext, oldTransactionContext);
      if (!status.isSuccess()) {
        Flt.releaseContext(transactionContext); // this will free the context
        if (!status.equals(NtStatus.STATUS_FLT_CONTEXT_ALREADY_DEFINED)) {
          return status;
        }
        FltContext old = oldTransactionContext.get();
        if (old == null) {
          log.print("MiniSpy!SpyEnlistInTransaction: FLT_ASSERT failed: no old transaction context");
          return status;
        }
        if (old.payload(MiniSpyTransactionContext.class).enlisted()) {
          // Already enlisted: release the reference FltSetTransactionContext put on it.
          Flt.releaseContext(old);
          return NtStatus.STATUS_SUCCESS;
        }
        // Another thread set it and may yet fail to enlist and delete it; the sample ignores that race.
        transactionContext = old;
      }
    }

    // ENLIST_IN_TRANSACTION: enlist on this transaction for notifications.
    status = Flt.enlistInTransaction(instance, transaction, transactionContext,
        TransactionNotificationCallback.FLT_MAX_TRANSACTION_NOTIFICATIONS);
    if (!status.isSuccess()) {
      if (status.equals(NtStatus.STATUS_FLT_ALREADY_ENLISTED)) {
        status = NtStatus.STATUS_SUCCESS;
      } else {
        // Only the first caller of FltDeleteContext removes the reference added when it was set.
        Flt.deleteContext(transactionContext);
      }
      Flt.releaseContext(transactionContext);
      return status;
    }
    // Future enlistment efforts must know we enlisted (SetFlagInterlocked).
    transactionContext.payload(MiniSpyTransactionContext.class).flags
        .getAndUpdate(f -> f | MiniSpyTransactionContext.MINISPY_ENLISTED_IN_TRANSACTION);
    Flt.releaseContext(transactionContext);

    // Log a record that a new transaction has started.
    recordsAllocated.incrementAndGet();
    spyLog(SpyLogRecord.transactionNotify(logSequenceNumber.incrementAndGet(), transaction.id(), 0));
    return NtStatus.STATUS_SUCCESS;
  }

  /**
   * {@code SpyKtmNotificationCallback}: logs the notification.
   *
   * @ddi PFLT_TRANSACTION_NOTIFICATION_CALLBACK
   */
  NtStatus spyKtmNotificationCallback(FltRelatedObjects fltObjects, FltContext transactionContext, int notification) {
    KTransaction tx = fltObjects.transaction();
    recordsAllocated.incrementAndGet();
    spyLog(SpyLogRecord.transactionNotify(logSequenceNumber.incrementAndGet(), tx == null ? "-" : tx.id(), notification));
    return NtStatus.STATUS_SUCCESS;
  }

  /**
   * {@code SpyDeleteTxfContext}: only asserts the type and a nonzero count.
   *
   * @ddi PFLT_CONTEXT_CLEANUP_CALLBACK
   */
  void spyDeleteTxfContext(FltContext context, FltContextType contextType) {
    if (contextType != FltContextType.TRANSACTION || context.payload(MiniSpyTransactionContext.class).count == 0) {
      log.print("MiniSpy!SpyDeleteTxfContext: FLT_ASSERT failed: %s count %d", contextType,
          context.payload(MiniSpyTransactionContext.class).count);
    }
  }
}
