package io.fsctx.fltmgr;

import static io.fsctx.nt.NtStatus.STATUS_FLT_DELETING_OBJECT;
import static io.fsctx.nt.NtStatus.STATUS_INVALID_PARAMETER;
import static io.fsctx.nt.NtStatus.STATUS_NOT_FOUND;
import static io.fsctx.nt.NtStatus.STATUS_SUCCESS;

import io.fsctx.nt.FirstFailure;
import io.fsctx.io.FileObject;
import io.fsctx.nt.BugCheckException;
import io.fsctx.nt.Monitors;
import io.fsctx.nt.NtStatus;
import io.fsctx.tm.KTransaction;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code PFLT_INSTANCE}: one attachment of a filter to a volume at an altitude, with its instance
 * context, and the Java API for every context type set through it. The contexts it keeps on what
 * a file object leads to (stream, stream-handle, file) are in its {@link InstanceFileContexts},
 * its transaction contexts in its {@link InstanceTransactions}.
 *
 * <h2>Teardown</h2>
 * Teardown (manual detach, volume dismount, filter unload) runs: the teardown-start callback, the
 * drain of the operations in flight, the teardown-complete callback (the instance context can
 * still be got there, as CTX expects), then detaches the instance's stream-handle, stream, file
 * and transaction contexts, and last its instance context (fltmgr.md 6.3, [X] ordering). From the
 * moment teardown begins, sets and deletes on this instance return {@code
 * STATUS_FLT_DELETING_OBJECT}, including from inside the teardown callbacks; gets keep working
 * until the contexts are detached.
 *
 * <h2>Draining (issue 18.4)</h2>
 * The instance counts the operations in flight through it ({@link OperationRundown}): the frame
 * enters before calling the pre-operation callback and exits after the post-operation callback
 * (or after the pre-operation callback when no post-operation call is due). Teardown has one
 * linearization point: under this instance's monitor the state becomes {@link
 * State#TEARING_DOWN} and the rundown stops admitting operations. A request that entered before
 * it runs to the end (its post-operation callback gets {@code FLTFL_POST_OPERATION_DRAINING});
 * one that reaches the instance after it passes the instance over as if it were detached.
 * After the teardown-start callback, teardown waits until every operation in flight has left,
 * as Windows calls InstanceTeardownComplete only once outstanding operations have completed or
 * drained, so a callback still holding a context reference on another thread is never reported
 * as a leak. A teardown started from inside one of this instance's own operation callbacks (its
 * pre- or post-operation callback calling {@code FltDetachVolume}, {@code FltUnregisterFilter} or
 * a dismount) does not wait for that callback's own operation, which cannot finish meanwhile;
 * the leak check then runs when that operation leaves. A teardown started on a thread that is
 * inside an operation of this instance but outside its callbacks (a lower filter's callback of
 * the same request) would wait for itself; Windows documents no such use and the model does not
 * support it.
 *
 * <h2>Setup and teardown (issue 18.2)</h2>
 * An instance is registered with its filter and volume before its setup callback runs. A teardown
 * that finds the setup still running (an unload or dismount racing the attach) waits for it to
 * finish and then tears the instance down if the setup attached it; a setup that failed leaves
 * nothing to tear down.
 *
 * <h2>Where contexts are unavailable</h2>
 * File, stream and stream-handle contexts need an opened file object on a stream whose header
 * supports filter contexts: a null file object, a file object with no {@code FsContext} yet (pre-
 * create), a common-header FCB, or a paging file (flag cleared) give {@code STATUS_NOT_SUPPORTED}
 * (fltmgr.md 6.4).
 *
 * <h2>Transactions</h2>
 * An enlistment ({@link #enlistInTransaction}) receives the notifications it asked for until the
 * transaction ends, then it is closed and the instance's transaction context is deleted ({@link
 * InstanceTransactions#ended}, reached through {@link FltTransactions}). Teardown closes every enlistment of
 * the instance before it deletes the contexts, so a transaction that ends after the instance is
 * gone calls nothing; a notification hands the filter a context Filter Manager holds a reference
 * on, and a freed one would be reported (0xF5/0x6E) rather than passed on.
 *
 * <h2>Filter-initiated I/O</h2>
 * The requests a filter issues through this instance ({@link #createFile}, {@link #readFile},
 * {@link #queryInformationFile}, …; the {@code Flt} facade's {@code FltCreateFile}, {@code
 * FltReadFile}, …) go only to the instances below it and the file system ({@link FilterIo}).
 *
 * <p>Thread safety: safe for concurrent use.
 */
public final class FltInstance {
  /** Where an instance is in its life. */
  public enum State {
    /** The setup callback is running. */
    SETUP,
    /** Attached. */
    ATTACHED,
    /** Teardown has begun. */
    TEARING_DOWN,
    /** Detached. */
    DETACHED
  }

  private final FilterManager manager;
  private final String id;
  private final FltFilter filter;
  private final FltVolume volume;
  private final String name;
  private final String altitude;
  private final BigDecimal altitudeValue;
  private volatile State state = State.SETUP;
  /** The thread running the setup callback, while it runs. */
  @com.google.errorprone.annotations.concurrent.GuardedBy("this")
  private @Nullable Thread setupThread;
  private final OperationRundown rundown = new OperationRundown();
  private final ContextTable<FltInstance> instanceContext = new ContextTable<>(this);
  /** Its transaction contexts and enlistments. */
  private final InstanceTransactions transactions;
  /** Data scanning and the section contexts of its open sections (issue 13). */
  private final DataScan dataScan = new DataScan(this);
  /** Its stream, stream-handle and file contexts. */
  private final InstanceFileContexts files;

  FltInstance(
      FilterManager manager,
      String id,
      FltFilter filter,
      FltVolume volume,
      String name,
      String altitude,
      BigDecimal altitudeValue) {
    this.manager = manager;
    this.id = id;
    this.filter = filter;
    this.volume = volume;
    this.name = name;
    this.altitude = altitude;
    this.altitudeValue = altitudeValue;
    this.transactions = new InstanceTransactions(this, manager);
    this.files = new InstanceFileContexts(this, manager, volume);
  }

  /** Its transaction contexts and enlistments ({@code FltSetTransactionContext}, {@code FltEnlistInTransaction}). */
  InstanceTransactions transactions() {
    return transactions;
  }

  /** Its stream, stream-handle and file contexts ({@code FltSetStreamContext} and friends). */
  InstanceFileContexts files() {
    return files;
  }

  /** Its stable identity, such as {@code Instance#2}. */
  public String id() {
    return id;
  }

  /** Its filter. */
  public FltFilter filter() {
    return filter;
  }

  /** Its volume. */
  public FltVolume volume() {
    return volume;
  }

  /** Its instance name. */
  public String name() {
    return name;
  }

  /** Its altitude as registered. */
  public String altitude() {
    return altitude;
  }

  BigDecimal altitudeValue() {
    return altitudeValue;
  }

  /** Its state. */
  public State state() {
    return state;
  }

  /** Whether new operations reach this instance's callbacks: attached and its filter filtering. */
  boolean receivesIo() {
    return state == State.ATTACHED && filter.isFiltering();
  }

  /**
   * Enters an operation for the frame; false once teardown has begun, and the instance is then
   * passed over. Every true needs exactly one {@link #exitOperation()}, on any thread.
   */
  boolean enterOperation() {
    return rundown.tryEnter();
  }

  /** Leaves an operation that {@link #enterOperation()} admitted. */
  void exitOperation() {
    rundown.exit();
  }

  /** How many operations are in flight through this instance (a snapshot, for tests and tools). */
  int operationsInFlight() {
    return rundown.inFlight();
  }

  boolean isDying() {
    State s = state;
    return s == State.TEARING_DOWN || s == State.DETACHED;
  }

  private FltRelatedObjects related() {
    return FltRelatedObjects.forInstance(this);
  }

  // ---- Lifecycle ----------------------------------------------------------------------------

  /**
   * Runs the setup callback; on success the instance is attached (and a teardown waiting for the
   * setup proceeds). On failure the caller must {@link #abandonSetup()}.
   */
  NtStatus runSetup(int flags) {
    InstanceSetupCallback cb = filter.registration().instanceSetupCallback();
    if (cb == null) {
      setupDone(State.ATTACHED);
      return STATUS_SUCCESS;
    }
    synchronized (this) {
      setupThread = Thread.currentThread();
    }
    NtStatus st = NtStatus.STATUS_FLT_DO_NOT_ATTACH;
    Object token = manager.enterCallback("InstanceSetup", filter);
    try {
      st = cb.setup(related(), flags, volume.volumeDeviceType(), volume.fileSystemType());
    } catch (BugCheckException e) {
      manager.reportCallbackBugCheck("InstanceSetup", filter, id, e);
      throw e;
    } finally {
      manager.exitCallback(token);
      if (st.isSuccess() && !st.equals(NtStatus.STATUS_FLT_DO_NOT_ATTACH)) {
        setupDone(State.ATTACHED);
      }
    }
    return st;
  }

  private synchronized void setupDone(State next) {
    setupThread = null;
    state = next;
    notifyAll();
  }

  /** Setup refused: whatever it set is deleted, no teardown callbacks. */
  void abandonSetup() {
    synchronized (this) {
      setupThread = null;
      state = State.TEARING_DOWN;
      rundown.startDrain();
    }
    try {
      detachAllContexts("InstanceSetupFailed");
    } finally {
      setupDone(State.DETACHED);
    }
  }

  /**
   * Waits, under the monitor, while the setup callback runs on another thread. A teardown from
   * inside this instance's own setup callback is a caller error: the setup has not decided yet
   * whether there is an instance to tear down.
   */
  private void awaitSetupDone() {
    synchronized (this) {
      Monitors.awaitUninterruptibly(this, this::setupDecided);
    }
  }

  @SuppressWarnings("GuardedBy") // called by awaitSetupDone with the monitor held
  private boolean setupDecided() {
    if (state != State.SETUP) {
      return true;
    }
    com.google.common.base.Preconditions.checkState(
        setupThread != Thread.currentThread(),
        "%s: torn down (unload, dismount or detach) from inside its own InstanceSetup callback", id);
    return false;
  }

  NtStatus detachManually() {
    InstanceQueryTeardownCallback q = filter.registration().instanceQueryTeardownCallback();
    if (q == null) {
      return NtStatus.STATUS_FLT_DO_NOT_DETACH;
    }
    Object token = manager.enterCallback("InstanceQueryTeardown", filter);
    NtStatus st;
    try {
      st = q.queryTeardown(related(), 0);
    } finally {
      manager.exitCallback(token);
    }
    if (!st.isSuccess()) {
      return st;
    }
    // Another detach, the dismount or the unload may have begun the teardown meanwhile: it is
    // theirs, and this detach found no instance to detach.
    return teardown(InstanceTeardownCallback.FLTFL_INSTANCE_TEARDOWN_MANUAL)
        ? STATUS_SUCCESS
        : NtStatus.STATUS_FLT_INSTANCE_NOT_FOUND;
  }

  /**
   * Tears the instance down for {@code reason}: see the class comment for the order and for the
   * drain. Waits first for a setup still running on another thread.
   *
   * @return true if this call tore it down; false if teardown had already begun, or the setup
   *     failed
   */
  boolean teardown(int reason) {
    awaitSetupDone();
    synchronized (this) {
      if (state != State.ATTACHED) {
        return false;
      }
      // The linearization point of the teardown: no set, delete or operation is admitted after it.
      state = State.TEARING_DOWN;
      rundown.startDrain();
    }
    InstanceTeardownCallback start = filter.registration().instanceTeardownStartCallback();
    InstanceTeardownCallback complete = filter.registration().instanceTeardownCompleteCallback();
    int own = manager.events().operationCallbacksOn(this);
    try {
      if (start != null) {
        Object token = manager.enterCallback("InstanceTeardownStart", filter);
        try {
          start.teardown(related(), reason);
        } catch (BugCheckException e) {
          manager.reportCallbackBugCheck("InstanceTeardownStart", filter, id, e);
          throw e;
        } finally {
          manager.exitCallback(token);
        }
      }
      rundown.awaitDrained(own);
      if (complete != null) {
        Object token = manager.enterCallback("InstanceTeardownComplete", filter);
        try {
          complete.teardown(related(), reason);
        } catch (BugCheckException e) {
          manager.reportCallbackBugCheck("InstanceTeardownComplete", filter, id, e);
          throw e;
        } finally {
          manager.exitCallback(token);
        }
      }
    } finally {
      try {
        detachAllContexts("InstanceTeardown");
      } finally {
        // Even when a cleanup callback threw, the instance is gone from its volume and filter.
        state = State.DETACHED;
        volume.instanceGone(this);
        filter.instanceDetached(this);
        // From inside one of its own callbacks, that callback may still hold references: they
        // are judged when its operation leaves.
        rundown.whenDrained(this::reportLeaksAtTeardown);
      }
    }
    return true;
  }

  /**
   * Verifier: after teardown-complete and the detach, any context that was set through this
   * instance and is still alive is held by the filter, a leaked reference.
   */
  private void reportLeaksAtTeardown() {
    // Everything set through this instance was detached above: its live contexts are unattached.
    for (FltContext c : manager.verifier().unattachedContexts(filter)) {
      if (c.attachedInstance() != this) {
        continue;
      }
      // Not the link reference of a context whose detach (a stream torn down by a close, a
      // transaction ending) is dropping it on another thread right now: that one is no leak.
      // Nor the reference an enlistment of this instance holds for Filter Manager itself until
      // its transaction ends (issue 12's policy). The enlistment count is read around the
      // context's count, so an enlistment ending in between is never counted as the filter's.
      int held;
      while (true) {
        int enlisted = transactions.enlistmentReferencesOn(c);
        held = c.referencesBeyondLink() - enlisted;
        if (transactions.enlistmentReferencesOn(c) == enlisted) {
          break;
        }
      }
      if (held > 0) {
        manager.verifier().report(
            VerifierFinding.Kind.LEAKED_CONTEXT_AT_INSTANCE_TEARDOWN,
            c,
            "instance " + id + " torn down while " + filter.name() + " still holds " + held
                + " reference(s) on " + c.describe());
      }
    }
  }

  private void detachAllContexts(String routine) {
    // Every block on the volume: the state is TEARING_DOWN, so no set through this instance can
    // attach anything in a block registered after these snapshots (sets check under the block's
    // monitor, and a block is on the volume's list before any set reaches it). A file block that
    // a set used before the state changed was listed before that set's instance check.
    // Every step runs even if a cleanup callback throws in an earlier one (the first failure is
    // rethrown at the end), so one bad callback does not strand the instance's other contexts.
    List<Runnable> steps = new ArrayList<>();
    for (StreamListCtrl c : volume.streamControlBlocks()) {
      steps.add(() -> c.detachInstance(this, routine));
    }
    for (FileListCtrl c : volume.fileControlBlocks()) {
      steps.add(() -> c.detachWhere(k -> k == this, routine));
    }
    // Enlistments first: no transaction may call into the instance once it is going away.
    steps.add(transactions::closeEnlistments);
    steps.add(() -> transactions.detachAll(routine));
    steps.add(() -> dataScan.tearDown(routine));
    steps.add(() -> instanceContext.detachAll(routine));
    FirstFailure.forEach(steps, Runnable::run);
  }

  /** Adds the contexts attached to this instance, its transactions and its sections to {@code out}. */
  void collectAttached(List<FltContext> out) {
    instanceContext.collectAttached(out);
    transactions.collectAttached(out);
    dataScan.collectAttached(out);
  }

  DataScan dataScan() {
    return dataScan;
  }

  static ContextStore.SetOutcome fail(NtStatus s) {
    return new ContextStore.SetOutcome(s, null);
  }

  /** Type, filter and operation checks, which come after DELETING_OBJECT and NOT_SUPPORTED. */
  NtStatus checkArgs(FltContext ctx, FltContextType type, @Nullable SetContextOperation op, String routine) {
    ctx.checkNotFreed(routine);
    if (op == null) {
      return STATUS_INVALID_PARAMETER;
    }
    return ctx.type() == type && ctx.filter() == filter ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
  }

  // ---- Internal operations shared by both faces ---------------------------------------------

  ContextStore.SetOutcome setInstanceContextInternal(
      @Nullable SetContextOperation op, FltContext ctx, boolean wantOld, String routine) {
    if (isDying()) {
      return fail(STATUS_FLT_DELETING_OBJECT);
    }
    NtStatus t = checkArgs(ctx, FltContextType.INSTANCE, op, routine);
    if (!t.isSuccess()) {
      return fail(t);
    }
    return instanceContext.set(this, this, ctx, java.util.Objects.requireNonNull(op), wantOld, this::isDying, routine);
  }

  @Nullable FltContext getInstanceContextInternal(String routine) {
    FltContext c = instanceContext.get(this, routine);
    if (c != null) {
      manager.events().publish(ContextEvent.Kind.GET, routine, c, c.referenceCount(), STATUS_SUCCESS);
    }
    return c;
  }

  ContextStore.SetOutcome deleteInstanceContextInternal(boolean wantOld) {
    return instanceContext.delete(this, wantOld, this::isDying, "FltDeleteInstanceContext");
  }

  /** Get: status plus the referenced context on success. */
  record Got(NtStatus status, @Nullable FltContext context) {}

  Got got(@Nullable FltContext ctx, String routine) {
    if (ctx == null) {
      return new Got(STATUS_NOT_FOUND, null);
    }
    EventBus events = manager.events();
    if (events.hasListeners()) {
      events.publish(ContextEvent.Kind.GET, routine, ctx, ctx.referenceCount(), STATUS_SUCCESS);
    }
    return new Got(STATUS_SUCCESS, ctx);
  }

  // ---- Java API -----------------------------------------------------------------------------

  /** {@code FltSetInstanceContext}; close the result to release any context it carries. */
  public SetResult setInstanceContext(SetContextOperation op, FltContext context) {
    return SetResult.of(setInstanceContextInternal(op, context, true, "FltSetInstanceContext"));
  }

  /** {@code FltGetInstanceContext}: SUCCESS with a lease, or NOT_FOUND. */
  public GetResult getInstanceContext() {
    FltContext c = getInstanceContextInternal("FltGetInstanceContext");
    return c == null ? new GetResult(STATUS_NOT_FOUND, null) : new GetResult(STATUS_SUCCESS, new ContextLease(c));
  }

  /** {@code FltDeleteInstanceContext} asking for the old context. */
  public SetResult deleteInstanceContext() {
    return SetResult.of(deleteInstanceContextInternal(true));
  }

  /** {@code FltSetStreamContext}; close the result to release any context it carries. */
  public SetResult setStreamContext(@Nullable FileObject fileObject, SetContextOperation op, FltContext context) {
    return SetResult.of(files.setStreamContextInternal(fileObject, op, context, true, "FltSetStreamContext"));
  }

  /** {@code FltGetStreamContext}: SUCCESS with a lease, NOT_FOUND or NOT_SUPPORTED. */
  public GetResult getStreamContext(@Nullable FileObject fileObject) {
    return lease(files.getStreamContextInternal(fileObject, "FltGetStreamContext"));
  }

  /** {@code FltDeleteStreamContext} asking for the old context. */
  public SetResult deleteStreamContext(@Nullable FileObject fileObject) {
    return SetResult.of(files.deleteStreamContextInternal(fileObject, true));
  }

  /** {@code FltSetStreamHandleContext}; close the result to release any context it carries. */
  public SetResult setStreamHandleContext(@Nullable FileObject fileObject, SetContextOperation op, FltContext context) {
    return SetResult.of(files.setStreamHandleContextInternal(fileObject, op, context, true, "FltSetStreamHandleContext"));
  }

  /** {@code FltGetStreamHandleContext}. */
  public GetResult getStreamHandleContext(@Nullable FileObject fileObject) {
    return lease(files.getStreamHandleContextInternal(fileObject, "FltGetStreamHandleContext"));
  }

  /** {@code FltDeleteStreamHandleContext} asking for the old context. */
  public SetResult deleteStreamHandleContext(@Nullable FileObject fileObject) {
    return SetResult.of(files.deleteStreamHandleContextInternal(fileObject, true));
  }

  /** {@code FltSetFileContext}; close the result to release any context it carries. */
  public SetResult setFileContext(@Nullable FileObject fileObject, SetContextOperation op, FltContext context) {
    return SetResult.of(files.setFileContextInternal(fileObject, op, context, true, "FltSetFileContext"));
  }

  /** {@code FltGetFileContext}. */
  public GetResult getFileContext(@Nullable FileObject fileObject) {
    return lease(files.getFileContextInternal(fileObject, "FltGetFileContext"));
  }

  /** {@code FltDeleteFileContext} asking for the old context. */
  public SetResult deleteFileContext(@Nullable FileObject fileObject) {
    return SetResult.of(files.deleteFileContextInternal(fileObject, true));
  }

  /** {@code FltSetTransactionContext}; close the result to release any context it carries. */
  public SetResult setTransactionContext(KTransaction transaction, SetContextOperation op, FltContext context) {
    return SetResult.of(transactions.setContext(transaction, op, context, true, "FltSetTransactionContext"));
  }

  /** {@code FltGetTransactionContext}. */
  public GetResult getTransactionContext(KTransaction transaction) {
    return lease(transactions.getContext(transaction, "FltGetTransactionContext"));
  }

  /** {@code FltDeleteTransactionContext} asking for the old context. */
  public SetResult deleteTransactionContext(KTransaction transaction) {
    return SetResult.of(transactions.deleteContext(transaction, true));
  }

  /** {@code FltEnlistInTransaction}. */
  public NtStatus enlistInTransaction(KTransaction transaction, FltContext transactionContext, int notificationMask) {
    return transactions.enlist(transaction, transactionContext, notificationMask);
  }

  /**
   * {@code FltRollbackEnlistment}: rolls the transaction back on the filter's behalf.
   *
   * @param transaction the transaction
   * @return success, or {@code STATUS_NOT_FOUND} when the instance has no context on it
   */
  public NtStatus rollbackEnlistment(KTransaction transaction) {
    return transactions.rollbackEnlistment(transaction);
  }

  // ---- Java API: filter-initiated I/O --------------------------------------------------------

  /**
   * The outcome of {@link #createFile}: the status, the I/O status block ({@code Information} is
   * {@code FILE_OPENED}, {@code FILE_CREATED}…) and, on success, the handle, which the caller owns
   * and closes ({@code FltClose}).
   *
   * @param status the status
   * @param ioStatus the I/O status block
   * @param handle the handle, or null when nothing was opened
   */
  public record CreateFileResult(NtStatus status, io.fsctx.io.IoStatus ioStatus, @Nullable FltFileHandle handle) {
    /**
     * The handle of a successful create.
     *
     * @throws IllegalStateException when the create opened nothing
     */
    public FltFileHandle openedHandle() {
      FltFileHandle h = handle;
      if (h == null) {
        throw new IllegalStateException("the create opened nothing: " + status);
      }
      return h;
    }
  }

  /**
   * {@code FltCreateFileEx2} through this instance: the create goes only to the instances below it
   * and the file system, and so does every later request on the file object, cleanup and close
   * included. {@code FltCreateFile} never returns {@code STATUS_REPARSE}.
   *
   * @param objectAttributes the name (full, relative to a handle, or a file ID)
   * @param parameters access, share, disposition, options
   * @param transaction the transaction to open the file in ({@code TxnParameters}), or null
   * @return the outcome; the caller owns the handle
   */
  public CreateFileResult createFile(
      ObjectAttributes objectAttributes, io.fsctx.io.CreateParameters parameters, @Nullable KTransaction transaction) {
    FilterIo.Created c = FilterIo.create(filter, this, objectAttributes, parameters,
        transaction == null ? null : io.fsctx.io.IoDriverCreateContext.transacted(transaction));
    return new CreateFileResult(c.status(), c.ioStatus(), c.handle());
  }

  /**
   * {@code FltReadFile}, synchronous: a read that only the instances below this one and the file
   * system see.
   *
   * @param fileObject an open file object of this instance's volume
   * @param byteOffset where to read
   * @param length how many bytes
   * @param flags {@code FLTFL_IO_OPERATION_*} ({@link Flt})
   * @return the file system's status and, in {@code Information}, the bytes read
   */
  public io.fsctx.io.IoStatus readFile(FileObject fileObject, long byteOffset, int length, int flags) {
    return FilterIo.read(this, fileObject, byteOffset, length, flags);
  }

  /**
   * {@code FltWriteFile}, synchronous, below this instance.
   *
   * @param fileObject an open file object of this instance's volume
   * @param byteOffset where to write
   * @param length how many bytes
   * @param flags {@code FLTFL_IO_OPERATION_*}
   * @return the file system's status and, in {@code Information}, the bytes written
   */
  public io.fsctx.io.IoStatus writeFile(FileObject fileObject, long byteOffset, int length, int flags) {
    return FilterIo.write(this, fileObject, byteOffset, length, flags);
  }

  /**
   * {@code FltQueryInformationFile} below this instance.
   *
   * @param fileObject an open file object of this instance's volume
   * @param informationClass what to query
   * @param length the buffer size in bytes
   * @return the status and the {@link io.fsctx.io.FileInformation} record
   */
  public io.fsctx.io.IoResult queryInformationFile(
      FileObject fileObject, io.fsctx.io.FileInformationClass informationClass, int length) {
    return FilterIo.queryInformation(this, fileObject, informationClass, length);
  }

  /**
   * {@code FltSetInformationFile} below this instance (the class is the record's default one).
   *
   * @param fileObject an open file object of this instance's volume
   * @param information the buffer
   * @return the status
   */
  public io.fsctx.io.IoStatus setInformationFile(FileObject fileObject, io.fsctx.io.FileInformation information) {
    io.fsctx.io.FileInformationClass c = information.defaultClass();
    return FilterIo.setInformation(this, fileObject, c, information, Math.max(c.fixedSize(), 1));
  }

  /**
   * {@code FltQueryVolumeInformation}: a volume query below this instance (Filter Manager opens
   * the volume for it).
   *
   * @param informationClass what to query
   * @param length the buffer size in bytes
   * @return the status and the {@link io.fsctx.io.FsInformation} record
   */
  public io.fsctx.io.IoResult queryVolumeInformation(io.fsctx.io.FsInformationClass informationClass, int length) {
    return FilterIo.queryVolumeInformation(this, informationClass, length);
  }

  /**
   * {@code FltQueryVolumeInformationFile} below this instance.
   *
   * @param fileObject an open file object of this instance's volume
   * @param informationClass what to query
   * @param length the buffer size in bytes
   * @return the status and the {@link io.fsctx.io.FsInformation} record
   */
  public io.fsctx.io.IoResult queryVolumeInformationFile(
      FileObject fileObject, io.fsctx.io.FsInformationClass informationClass, int length) {
    return FilterIo.queryVolumeInformationFile(this, fileObject, informationClass, length);
  }

  /**
   * {@code FltFsControlFile} below this instance.
   *
   * @param fileObject an open file object of this instance's volume
   * @param fsControlCode the {@code FSCTL_*} code
   * @param inputBuffer the input record, or null
   * @param outputBufferLength the output buffer's size in bytes
   * @return the status and the output record, if any
   */
  public io.fsctx.io.IoResult fsControlFile(
      FileObject fileObject, int fsControlCode, @Nullable Object inputBuffer, int outputBufferLength) {
    return FilterIo.fsControl(this, fileObject, fsControlCode, inputBuffer, outputBufferLength);
  }

  /**
   * {@code FltCancelFileOpen}: from this instance's post-create callback, closes the file the file
   * system just opened below this instance; the caller should then fail the create ({@code
   * Data->IoStatus}), which the instances above and the create's caller see.
   *
   * @param fileObject the post-create's file object, with no handle created yet
   * @throws IllegalStateException outside a post-create callback, or after a handle was created
   */
  public void cancelFileOpen(FileObject fileObject) {
    FilterIo.cancelFileOpen(this, fileObject);
  }

  private static GetResult lease(Got g) {
    FltContext c = g.context();
    return c == null ? new GetResult(g.status(), null) : new GetResult(g.status(), new ContextLease(c));
  }

  @Override
  public String toString() {
    return id + "(" + filter.name() + "@" + altitude + " on " + volume.id() + ")";
  }
}
