package io.fsctx.examples.avscan;

import io.fsctx.fltmgr.DriverObject;
import io.fsctx.fltmgr.FilterManager;
import io.fsctx.fltmgr.Flt;
import io.fsctx.fltmgr.FltCallbackData;
import io.fsctx.fltmgr.FltContext;
import io.fsctx.fltmgr.FltContextRegistration;
import io.fsctx.fltmgr.FltContextType;
import io.fsctx.fltmgr.FltFilter;
import io.fsctx.fltmgr.FltInstance;
import io.fsctx.fltmgr.FltOperationRegistration;
import io.fsctx.fltmgr.FltPostopCallbackStatus;
import io.fsctx.fltmgr.FltPreopCallbackStatus;
import io.fsctx.fltmgr.FltRegistration;
import io.fsctx.fltmgr.FltRelatedObjects;
import io.fsctx.fltmgr.FltSection;
import io.fsctx.io.CreateParameters;
import io.fsctx.io.FileObject;
import io.fsctx.io.IoConstants;
import io.fsctx.tm.KTransaction;
import io.fsctx.io.IrpMajorFunction;
import io.fsctx.io.IrpParameters;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import io.fsctx.nt.PoolType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * The avscan sample's context handling (samples.md "avscan"), ported to the {@link Flt} facade.
 * Only the context parts are ported; scanning itself is a state change.
 *
 * <h2>What it does</h2>
 * <ul>
 *   <li>Instance setup allocates the instance context (NonPagedPoolNx), sets it KEEP with no old
 *       context, releases it, and registers for data scans (a failure refuses the attach);
 *       teardown start gets and releases it, then calls {@code FltDeleteInstanceContext(NULL)}.
 *   <li>Post-create skips failed opens and directories. A prefetcher open gets a stream-handle
 *       context (no cleanup callback) when {@code FltSupportsStreamHandleContexts} says so; its
 *       pre-cleanup deletes it again ({@code FltDeleteStreamHandleContext(NULL)}), because the
 *       memory manager may reuse the file object. Any other open gets or creates the stream
 *       context (KEEP, race handled), processes the previous transaction for write-class
 *       opens, and scans a modified stream through a data-scan section.
 *   <li>Pre-write and pre-set-information mark the stream modified.
 *   <li>The section path ({@link #scanInKernel}): allocate a section context, {@code
 *       FltCreateSectionForDataScan}, scan, {@code FltCloseSectionForDataScan}, release. The
 *       section-conflict callback closes the section (it may run before the create returns).
 *   <li>Transactions: a transaction context holds the transaction and a list of the stream
 *       contexts written in it, each with a reference; the stream context points back at it,
 *       also with a reference. The KTM callback drains the list at commit or rollback.
 * </ul>
 *
 * <h2>The sample's two defects, kept (samples.md "Known or observed bugs")</h2>
 * <ol>
 *   <li>{@link #scanInKernel} returns without releasing the section context when {@code
 *       FltCreateSectionForDataScan} fails (Windows-driver-samples issue 847): a leaked context.
 *   <li>{@link #processPreviousTransaction} "case 3" (the stream moves from transaction A to
 *       transaction B) references the stream context where {@code change} references the new
 *       transaction context: the stream context leaks a reference (reported at instance teardown
 *       and unload with its allocation site) and B's context is one reference short. On Windows
 *       B's outcome processing would then release it once too many; here the enlistment holds
 *       its own reference on the transaction context (Filter Manager's policy, see
 *       FltEnlistment), which absorbs the shortfall, so the leak is what the verifier reports.
 * </ol>
 * The default workload never reaches either; {@link AvScanWorkload.Provoke} does.
 *
 * <h2>PORT notes</h2>
 * <ul>
 *   <li>PORT: no user-mode scanner service; the kernel scan path ({@code AvScanInKernel}, the
 *       sample's non-default mode) is the only one, and a "scan" reads nothing.
 *   <li>PORT: the model has no ECPs; a prefetcher open is recognised by its path starting with
 *       {@link #PREFETCH_DIRECTORY}.
 *   <li>PORT: the sample's ERESOURCE around the transaction list and its per-stream scan event
 *       are Java monitors; the file-state cache keyed by file ID is not ported.
 * </ul>
 *
 * <p>Thread safety: the callbacks are safe for concurrent use, as Filter Manager calls them.
 */
public final class AvScan {
  /** The altitude the sample registers at. */
  public static final String ALTITUDE = "328000";
  /** Where the prefetcher's opens come from (PORT: replaces the prefetch ECP). */
  public static final String PREFETCH_DIRECTORY = "\\Prefetch\\";
  /** {@code SEC_COMMIT}. */
  static final int SEC_COMMIT = 0x8000000;

  static final int INSTANCE_TAG = FltContextRegistration.tag("AvIc");
  static final int STREAM_TAG = FltContextRegistration.tag("AvSc");
  static final int STREAMHANDLE_TAG = FltContextRegistration.tag("AvSh");
  static final int TRANSACTION_TAG = FltContextRegistration.tag("AvTc");
  static final int SECTION_TAG = FltContextRegistration.tag("AvSe");

  /** The instance context (the sample's cache and ERESOURCE are not ported). */
  public static final class InstanceContext {
    /** Scans done through this instance. */
    public final java.util.concurrent.atomic.AtomicInteger scans = new java.util.concurrent.atomic.AtomicInteger();
  }

  /** Stream states: the sample's AV_FILE_* values that matter here. */
  enum State {
    MODIFIED,
    SCANNED
  }

  /** The stream context: scan state and the transaction the stream was last written in. */
  public static final class StreamContext {
    volatile State state = State.MODIFIED;
    /** {@code TxContext}: the transaction context, holding one reference, or null. */
    final AtomicReference<@Nullable FltContext> txContext = new AtomicReference<>();
  }

  /** The stream-handle context: only marks a prefetcher open. */
  public static final class StreamHandleContext {
    boolean prefetch;
  }

  /** The transaction context: the transaction and the stream contexts written in it. */
  public static final class TransactionContext {
    @Nullable KTransaction transaction;
    final List<FltContext> streams = new ArrayList<>();
    boolean enlisted;
    boolean listDrained;
  }

  /** The section context: the open section, cleared before the context's cleanup. */
  public static final class SectionContext {
    volatile @Nullable FltSection section;
  }

  private AvScan() {}

  /**
   * Registers and starts the filter ({@code DriverEntry}).
   *
   * @return the filter, to unregister later
   */
  public static FltFilter register(FilterManager manager) {
    FltRegistration reg = FltRegistration.builder()
        .contextRegistration(
            FltContextRegistration.of(FltContextType.STREAM, 0, AvScan::streamCleanup, 64, STREAM_TAG, n -> new StreamContext()),
            // The sample's stream-handle definition has no cleanup callback.
            FltContextRegistration.of(FltContextType.STREAMHANDLE, 0, null, 16, STREAMHANDLE_TAG, n -> new StreamHandleContext()),
            FltContextRegistration.of(FltContextType.TRANSACTION, 0, AvScan::transactionCleanup, 64, TRANSACTION_TAG,
                n -> new TransactionContext()),
            FltContextRegistration.of(FltContextType.SECTION, 0, AvScan::sectionCleanup, 16, SECTION_TAG, n -> new SectionContext()),
            FltContextRegistration.of(FltContextType.INSTANCE, 0, null, 32, INSTANCE_TAG, n -> new InstanceContext()),
            FltContextRegistration.END)
        .operationRegistration(
            new FltOperationRegistration(IrpMajorFunction.CREATE.code(), 0, null, AvScan::postCreate),
            new FltOperationRegistration(IrpMajorFunction.CLEANUP.code(), 0, AvScan::preCleanup, null),
            new FltOperationRegistration(IrpMajorFunction.WRITE.code(), 0, AvScan::preModify, null),
            new FltOperationRegistration(IrpMajorFunction.SET_INFORMATION.code(), 0, AvScan::preModify, null))
        .instanceSetupCallback((objects, flags, deviceType, fsType) -> instanceSetup(objects))
        .instanceTeardownStartCallback((objects, reason) -> instanceTeardownStart(objects))
        .transactionNotificationCallback(AvScan::ktmNotification)
        .sectionNotificationCallback((instance, sectionContext, data) -> {
          Flt.closeSectionForDataScan(sectionContext); // AvScanAbortCallbackAsync: stop scanning, close
          return NtStatus.STATUS_SUCCESS;
        })
        .build();
    Out<FltFilter> filter = new Out<>();
    NtStatus st = Flt.registerFilter(manager, DriverObject.of("AvScan", ALTITUDE), reg, filter);
    FltFilter f = filter.get();
    if (!st.isSuccess() || f == null) {
      throw new IllegalStateException("AvScan: FltRegisterFilter failed with " + st);
    }
    Flt.startFiltering(f);
    return f;
  }

  // ---- Instance --------------------------------------------------------------------------------

  private static NtStatus instanceSetup(FltRelatedObjects objects) {
    FltInstance instance = java.util.Objects.requireNonNull(objects.instance());
    Out<FltContext> ctx = new Out<>();
    NtStatus st = Flt.allocateContext(objects.filter(), FltContextType.INSTANCE.code(), 32, PoolType.NON_PAGED_POOL_NX, ctx);
    if (!st.isSuccess()) {
      return st;
    }
    st = Flt.setInstanceContext(instance, 1, ctx.get(), null);
    Flt.releaseContext(ctx.get()); // released whatever the set did
    if (!st.isSuccess()) {
      return st;
    }
    return Flt.registerForDataScan(instance); // a failure means no attach
  }

  private static void instanceTeardownStart(FltRelatedObjects objects) {
    FltInstance instance = java.util.Objects.requireNonNull(objects.instance());
    Out<FltContext> ctx = new Out<>();
    if (Flt.getInstanceContext(instance, ctx).isSuccess()) {
      Flt.releaseContext(ctx.get());
    }
    Flt.deleteInstanceContext(instance, null); // explicit, as the sample does
  }

  // ---- Create and cleanup ----------------------------------------------------------------------

  private static FltPostopCallbackStatus postCreate(
      FltCallbackData data, FltRelatedObjects objects, @Nullable Object completionContext, int flags) {
    FileObject fo = objects.fileObject();
    FltInstance instance = objects.instance();
    if (!data.ioStatus().isSuccess() || data.ioStatus().equals(NtStatus.STATUS_REPARSE) || fo == null || instance == null
        || (flags & io.fsctx.fltmgr.PostOperationCallback.FLTFL_POST_OPERATION_DRAINING) != 0
        || !(data.iopb().parameters() instanceof IrpParameters.Create create)
        || (create.options().createOptions() & IoConstants.FILE_DIRECTORY_FILE) != 0) {
      return FltPostopCallbackStatus.FINISHED_PROCESSING;
    }
    if (create.fileName().toUpperCase(java.util.Locale.ROOT).startsWith(PREFETCH_DIRECTORY.toUpperCase(java.util.Locale.ROOT))) {
      markPrefetchOpen(instance, fo);
      return FltPostopCallbackStatus.FINISHED_PROCESSING;
    }
    FltContext stream = findOrCreateStreamContext(instance, fo);
    if (stream == null) {
      return FltPostopCallbackStatus.FINISHED_PROCESSING;
    }
    try {
      if (isWriteClass(create.options())) {
        processPreviousTransaction(instance, stream, objects.transaction());
      }
      StreamContext s = stream.payload(StreamContext.class);
      if (s.state == State.MODIFIED && scanInKernel(instance, fo).isSuccess()) {
        s.state = State.SCANNED;
      }
    } finally {
      Flt.releaseContext(stream);
    }
    return FltPostopCallbackStatus.FINISHED_PROCESSING;
  }

  private static boolean isWriteClass(CreateParameters p) {
    return (p.desiredAccess() & (IoConstants.FILE_WRITE_DATA | IoConstants.GENERIC_WRITE | IoConstants.DELETE)) != 0;
  }

  private static void markPrefetchOpen(FltInstance instance, FileObject fo) {
    if (!Flt.supportsStreamHandleContexts(fo)) {
      return;
    }
    Out<FltContext> ctx = new Out<>();
    if (!Flt.allocateContext(instance.filter(), FltContextType.STREAMHANDLE.code(), 16, PoolType.PAGED_POOL, ctx).isSuccess()) {
      return;
    }
    ctx.get().payload(StreamHandleContext.class).prefetch = true;
    Flt.setStreamHandleContext(instance, fo, 1, ctx.get(), null);
    Flt.releaseContext(ctx.get());
  }

  private static @Nullable FltContext findOrCreateStreamContext(FltInstance instance, FileObject fo) {
    Out<FltContext> ctx = new Out<>();
    NtStatus st = Flt.getStreamContext(instance, fo, ctx);
    if (st.isSuccess()) {
      return ctx.get();
    }
    if (!st.equals(NtStatus.STATUS_NOT_FOUND)) {
      return null; // NOT_SUPPORTED: nothing to track on this file object
    }
    if (!Flt.allocateContext(instance.filter(), FltContextType.STREAM.code(), 64, PoolType.PAGED_POOL, ctx).isSuccess()) {
      return null;
    }
    FltContext fresh = ctx.get();
    Out<FltContext> old = new Out<>();
    st = Flt.setStreamContext(instance, fo, 1, fresh, old);
    if (st.isSuccess()) {
      return fresh;
    }
    Flt.releaseContext(fresh);
    if (st.equals(NtStatus.STATUS_FLT_CONTEXT_ALREADY_DEFINED)) {
      return old.get(); // lost the race: use the winner (referenced for us)
    }
    return null;
  }

  private static FltPreopCallbackStatus preCleanup(FltCallbackData data, FltRelatedObjects objects, Out<Object> cc) {
    FltInstance instance = objects.instance();
    FileObject fo = objects.fileObject();
    if (instance == null || fo == null) {
      return FltPreopCallbackStatus.SUCCESS_NO_CALLBACK;
    }
    Out<FltContext> handle = new Out<>();
    if (Flt.getStreamHandleContext(instance, fo, handle).isSuccess()) {
      // The memory manager may reuse a prefetcher's file object: forget the marking now.
      handle.get().payload(StreamHandleContext.class).prefetch = false;
      Flt.deleteStreamHandleContext(instance, fo, null);
      Flt.releaseContext(handle.get());
    }
    return FltPreopCallbackStatus.SUCCESS_NO_CALLBACK;
  }

  private static FltPreopCallbackStatus preModify(FltCallbackData data, FltRelatedObjects objects, Out<Object> cc) {
    FltInstance instance = objects.instance();
    Out<FltContext> ctx = new Out<>();
    if (instance != null && Flt.getStreamContext(instance, objects.fileObject(), ctx).isSuccess()) {
      ctx.get().payload(StreamContext.class).state = State.MODIFIED;
      Flt.releaseContext(ctx.get());
    }
    return FltPreopCallbackStatus.SUCCESS_NO_CALLBACK;
  }

  // ---- The data-scan section path --------------------------------------------------------------

  /**
   * {@code AvScanInKernel}: scans the stream through a data-scan section. DEFECT 1 (kept): when
   * {@code FltCreateSectionForDataScan} fails, it returns without releasing the section context.
   *
   * @return the create's status, or SUCCESS after the scan
   */
  static NtStatus scanInKernel(FltInstance instance, FileObject fo) {
    Out<FltContext> ctx = new Out<>();
    NtStatus st = Flt.allocateContext(instance.filter(), FltContextType.SECTION.code(), 16, PoolType.PAGED_POOL, ctx);
    if (!st.isSuccess()) {
      return st;
    }
    FltContext sectionContext = ctx.get();
    Out<FltSection> handle = new Out<>();
    st = Flt.createSectionForDataScan(instance, fo, sectionContext, 0x4 /* SECTION_MAP_READ */, null, null,
        0x02 /* PAGE_READONLY */, SEC_COMMIT, 0, handle, new Out<>(), null);
    if (!st.isSuccess()) {
      return st; // DEFECT 1: the section context is not released here
    }
    // The conflict callback may already have closed the section (even before the create returned).
    sectionContext.payload(SectionContext.class).section = handle.get();
    Out<FltContext> instanceContext = new Out<>();
    if (Flt.getInstanceContext(instance, instanceContext).isSuccess()) {
      instanceContext.get().payload(InstanceContext.class).scans.incrementAndGet();
      Flt.releaseContext(instanceContext.get());
    }
    sectionContext.payload(SectionContext.class).section = null;
    Flt.closeSectionForDataScan(sectionContext); // NOT_FOUND when the conflict callback closed it
    Flt.releaseContext(sectionContext);
    return NtStatus.STATUS_SUCCESS;
  }

  /**
   * PORT: the sample's user-mode scan keeps a section open while its service reads the file; the
   * workload uses this to hold one open (to provoke defect 1). The caller owns the returned
   * section context's reference and ends the scan with {@link #endUserScan}.
   */
  static @Nullable FltContext beginUserScan(FltInstance instance, FileObject fo) {
    Out<FltContext> ctx = new Out<>();
    if (!Flt.allocateContext(instance.filter(), FltContextType.SECTION.code(), 16, PoolType.PAGED_POOL, ctx).isSuccess()) {
      return null;
    }
    Out<FltSection> handle = new Out<>();
    if (!Flt.createSectionForDataScan(instance, fo, ctx.get(), 0x4, null, null, 0x02, SEC_COMMIT, 0, handle, new Out<>(), null)
        .isSuccess()) {
      Flt.releaseContext(ctx.get());
      return null;
    }
    ctx.get().payload(SectionContext.class).section = handle.get();
    return ctx.get();
  }

  /** Ends what {@link #beginUserScan} began: closes the section and releases the context. */
  static void endUserScan(FltContext sectionContext) {
    sectionContext.payload(SectionContext.class).section = null;
    Flt.closeSectionForDataScan(sectionContext);
    Flt.releaseContext(sectionContext);
  }

  // ---- Transactions ----------------------------------------------------------------------------

  /**
   * The transaction context of {@code tx} for this instance, created, set and enlisted when
   * missing; referenced for the caller.
   */
  private static @Nullable FltContext findOrCreateTransactionContext(FltInstance instance, KTransaction tx) {
    Out<FltContext> ctx = new Out<>();
    if (Flt.getTransactionContext(instance, tx, ctx).isSuccess()) {
      return ctx.get();
    }
    if (!Flt.allocateContext(instance.filter(), FltContextType.TRANSACTION.code(), 64, PoolType.PAGED_POOL, ctx).isSuccess()) {
      return null;
    }
    FltContext fresh = ctx.get();
    fresh.payload(TransactionContext.class).transaction = tx; // ObReferenceObject in the sample
    Out<FltContext> old = new Out<>();
    NtStatus st = Flt.setTransactionContext(instance, tx, 1, fresh, old);
    if (!st.isSuccess()) {
      Flt.releaseContext(fresh);
      return st.equals(NtStatus.STATUS_FLT_CONTEXT_ALREADY_DEFINED) ? old.get() : null;
    }
    st = Flt.enlistInTransaction(instance, tx, fresh,
        KTransaction.TRANSACTION_NOTIFY_COMMIT_FINALIZE | KTransaction.TRANSACTION_NOTIFY_ROLLBACK);
    if (!st.isSuccess() && !st.equals(NtStatus.STATUS_FLT_ALREADY_ENLISTED)) {
      Flt.deleteContext(fresh);
      Flt.releaseContext(fresh);
      return null;
    }
    synchronized (fresh.payload(TransactionContext.class)) {
      fresh.payload(TransactionContext.class).enlisted = true;
    }
    return fresh;
  }

  /**
   * {@code AvProcessPreviousTransaction}: moves the stream between transactions on a write-class
   * open. DEFECT 2 (kept) in case 3.
   */
  static void processPreviousTransaction(FltInstance instance, FltContext stream, @Nullable KTransaction tx) {
    StreamContext s = stream.payload(StreamContext.class);
    FltContext newTx = tx == null ? null : findOrCreateTransactionContext(instance, tx);
    try {
      FltContext oldTx = s.txContext.get();
      if (oldTx == newTx) {
        return; // same transaction (or none, twice): nothing moves
      }
      if (oldTx == null && newTx != null) {
        // Case 1: the stream joins a transaction.
        if (!addToList(newTx, stream)) {
          return; // the transaction's outcome was processed already
        }
        Flt.referenceContext(newTx); // for TxContext
        if (!s.txContext.compareAndSet(null, newTx)) {
          Flt.releaseContext(newTx);
        }
        return;
      }
      if (newTx == null) {
        // Case 2: written outside any transaction: leave the old one's list.
        if (s.txContext.compareAndSet(oldTx, null)) {
          if (removeFromList(oldTx, stream)) {
            Flt.releaseContext(stream); // the list's reference
          }
          Flt.releaseContext(oldTx); // TxContext's reference
        }
        return;
      }
      // Case 3: from one transaction to another.
      if (s.txContext.compareAndSet(oldTx, newTx)) {
        Flt.referenceContext(stream); // DEFECT 2: change.c references newTx here
        boolean moved = removeFromList(oldTx, stream);
        if (moved && !addToList(newTx, stream, false)) {
          Flt.releaseContext(stream); // the new list drained already: drop the moved list reference
        }
        Flt.releaseContext(oldTx);
      }
    } finally {
      if (newTx != null) {
        Flt.releaseContext(newTx);
      }
    }
  }

  private static boolean addToList(FltContext txContext, FltContext stream) {
    return addToList(txContext, stream, true);
  }

  /** Adds the stream to the list, referencing it when {@code reference}; false if the list drained. */
  private static boolean addToList(FltContext txContext, FltContext stream, boolean reference) {
    TransactionContext t = txContext.payload(TransactionContext.class);
    synchronized (t) {
      if (t.listDrained) {
        return false;
      }
      if (reference) {
        Flt.referenceContext(stream);
      }
      t.streams.add(stream);
      return true;
    }
  }

  /** Removes the stream (its list reference moves to the caller, who releases or moves it). */
  private static boolean removeFromList(FltContext txContext, FltContext stream) {
    TransactionContext t = txContext.payload(TransactionContext.class);
    synchronized (t) {
      return t.streams.remove(stream);
    }
  }

  /** {@code AvKtmNotificationCallback} → {@code AvProcessTransactionOutcome}. */
  private static NtStatus ktmNotification(FltRelatedObjects objects, FltContext txContext, int notification) {
    TransactionContext t = txContext.payload(TransactionContext.class);
    List<FltContext> drained;
    synchronized (t) {
      drained = new ArrayList<>(t.streams);
      t.streams.clear();
      t.listDrained = true;
    }
    boolean committed = notification == KTransaction.TRANSACTION_NOTIFY_COMMIT_FINALIZE;
    for (FltContext stream : drained) {
      StreamContext s = stream.payload(StreamContext.class);
      if (s.txContext.compareAndSet(txContext, null)) {
        Flt.releaseContext(txContext); // the TxContext pointer's reference
      }
      if (!committed) {
        s.state = State.MODIFIED; // rolled back: what was scanned in the transaction is gone
      }
      Flt.releaseContext(stream); // the list's reference
    }
    return NtStatus.STATUS_SUCCESS;
  }

  // ---- Cleanup callbacks -----------------------------------------------------------------------

  private static void streamCleanup(FltContext context, FltContextType type) {
    // The sample frees its scan event here; the TxContext reference is gone by now (the outcome
    // processing or a case-2 move dropped it), or the transaction context would still hold this
    // stream's list reference.
  }

  private static void transactionCleanup(FltContext context, FltContextType type) {
    context.payload(TransactionContext.class).transaction = null; // ObDereferenceObject
  }

  private static void sectionCleanup(FltContext context, FltContextType type) {
    // The sample asserts that the section handle and object were cleared before the last release.
    if (context.payload(SectionContext.class).section != null) {
      throw new IllegalStateException("AvScan: section context " + context.id() + " freed with its section still set");
    }
  }
}
