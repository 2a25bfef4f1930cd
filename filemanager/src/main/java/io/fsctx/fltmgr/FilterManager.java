package io.fsctx.fltmgr;

import io.fsctx.nt.IdSource;
import io.fsctx.nt.NtStatus;
import io.fsctx.verifier.FileSystemVerifier;
import io.fsctx.verifier.FsViolation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/**
 * One Filter Manager: its configuration, the registered filters, the volumes it knows, and the
 * context machinery they share. There is no global state; tests create as many as they like.
 *
 * <h2>Design note</h2>
 * Contexts are stored on the objects they attach to, as fltmgr.sys does: volume contexts in a map
 * on {@link FltVolume}, the instance context on {@link FltInstance}, stream, stream-handle and
 * (emulated) file contexts in a per-stream control block ({@link StreamListCtrl}) that this
 * manager inserts into the FCB header's {@code FilterContexts} list through the FsRtl layer (one
 * per stream per volume), native file contexts in a per-file control block linked through the
 * file system's per-file slot, and transaction contexts on the instance keyed by transaction. A
 * file system whose FCBs have only the common header therefore gets {@code STATUS_NOT_SUPPORTED}
 * for file, stream and stream-handle contexts because FsRtl refuses the control block, not because
 * of a special case here. The set, get and delete algorithms are written once, in {@link
 * ContextStore}; the stores differ only in storage.
 *
 * <p>Storage is shaped by the context every operation looks up, the stream context (issue 8:
 * at most 128 bytes per attached stream context beyond the payload, with the verifier off):
 * <ul>
 *   <li>The control block keeps its stream contexts inline, in one volatile field holding the
 *       single context or an immutable array of them (keyed by {@link
 *       FltContext#attachedInstance()}), replaced under the block's monitor. Its stream-handle and
 *       emulated file tables are created on first use.
 *   <li>No per-instance registry of control blocks: each volume links its blocks into an
 *       intrusive list, which instance teardown walks.
 *   <li>{@link FltContext} is 56 bytes: an int reference word, ordinals for state, type and pool,
 *       a numeric id formatted on demand, and the verifier's sites and reference ledger and a legacy
 *       allocation block in a side object that exists only when needed (the ledger only at {@link
 *       VerifierLevel#TRACKING} and above). At verifier level {@link
 *       VerifierLevel#COUNTING} (the default) the verifier's live set adds a map node per context.
 * </ul>
 *
 * <p>Lookups are lock-free: a get reads the published entry and takes a reference with one
 * {@code getAndAdd} that backs out, and never resurrects, when the count already reached zero,
 * then checks that the context is still attached to the same object, backing out otherwise. Sets,
 * deletes and teardowns take the store's monitor; the link reference they drop, and with it any
 * cleanup callback, happens after the monitor is released.
 *
 * <h2>The ends of lifecycles (issue 18)</h2>
 * Each end has one linearization point that every racing operation is ordered against; the
 * classes that own them say more.
 * <ul>
 *   <li>Transaction end ({@link KTransaction}): commit or rollback moving the state off ACTIVE
 *       under the transaction's monitor. A {@code FltSetTransactionContext} or {@code
 *       FltEnlistInTransaction} ordered after it gets {@code STATUS_FLT_DELETING_OBJECT}; a set
 *       ordered before it succeeds and its context is detached by the end.
 *   <li>Filter unload ({@link FltFilter}): the state becoming UNLOADING under the filter's
 *       monitor. An attach ordered after it gets {@code STATUS_FLT_DELETING_OBJECT}; one ordered
 *       before it succeeds and the unload tears its instance down once its setup has returned.
 *   <li>Volume dismount ({@link #followMounts}): the file system's dismount returning. Filter
 *       Manager judges nothing at dismount; the kernel's FileSystemVerifier judges a stream's
 *       teardown when its header is freed, and what is left allocated for the volume only once
 *       the dismount has returned and its last file object is gone (both under one monitor per
 *       volume; a file object counts from the start of its create), so neither a close nor a
 *       create racing the dismount causes a finding.
 *   <li>Instance teardown ({@link FltInstance}): the state becoming TEARING_DOWN, together with
 *       the operation rundown refusing new entries, under the instance's monitor. A set or delete
 *       ordered after it gets {@code STATUS_FLT_DELETING_OBJECT}, a request passes the instance
 *       over, a {@code FltDetachVolume} gets {@code STATUS_FLT_INSTANCE_NOT_FOUND}; operations
 *       ordered before it are drained before the teardown-complete callback, and an enlistment
 *       that a transaction's end is closing on another thread is waited for until it has given
 *       its context reference back, before the leak check.
 *   <li>The detach of a context ({@link FltContext}): its move to DELETED under its monitor; the
 *       verifier reads a context's state around its count, and knows a link reference that a
 *       detach has yet to drop, so neither {@code FltDeleteContext} by a reference holder nor
 *       the leak check at instance teardown reports a race as a fault.
 * </ul>
 *
 * <p>Lock order (outer to inner): instance monitor (also where a teardown waits for a setup
 * still running) → FCB header monitor (control block creation) → the volume's control-block list
 * lock (a leaf) or a store's monitor → FsRtl list lock (a leaf) → context monitor (state changes,
 * the drop of a link reference, and a release of the last reference). A volume's monitor is taken
 * before its filter's (an attach registering its instance). The monitors of an instance's
 * operation rundown is a leaf. No callback of a filter, and
 * no event listener, runs while any of them is held.
 *
 * <p>Thread safety: safe for concurrent use.
 */
public final class FilterManager {
  private final FltConfig config;
  private final IdSource ids = new IdSource();
  private final IdSource.Counter contextIds = ids.counter("Ctx");
  private final IdSource.Counter nameIds = ids.counter("Name");
  /**
   * Every context definition of every filter registered with this manager, kept after the filter
   * unregisters: the contexts allocated and freed are counted once, in the definition used
   * (lookaside statistics), and the manager's totals by type are their sums, so an allocation and
   * a free each cost one counter update, not two (issue 14).
   */
  private final java.util.concurrent.CopyOnWriteArrayList<ContextDefinition> countedDefinitions =
      new java.util.concurrent.CopyOnWriteArrayList<>();
  private final EventBus events = new EventBus();
  private final ContextVerifier verifier;
  private final SystemWorkQueue workQueue = new SystemWorkQueue("fltmgr");
  private final PendedOperations pended = new PendedOperations();
  private final Map<DriverObject, FltFilter> filters = new ConcurrentHashMap<>();
  private final CopyOnWriteArrayList<FltVolume> volumes = new CopyOnWriteArrayList<>();
  private final FltTransactions transactions = new FltTransactions();
  /** Bug checks already recorded as findings, so one raised through several callbacks is reported once. */
  private final java.util.Set<io.fsctx.nt.BugCheckException> reportedBugChecks =
      java.util.Collections.synchronizedSet(java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>()));
  /** Whether this manager ever attached to an I/O manager's volume (followMounts, attachToVolume). */
  private volatile boolean attachedToIo;

  /** Creates a manager with {@link FltConfig#defaults()}. */
  public FilterManager() {
    this(FltConfig.defaults());
  }

  /**
   * Creates a manager.
   *
   * @param config its configuration
   */
  public FilterManager(FltConfig config) {
    this.config = config;
    this.verifier = new ContextVerifier(config.verifierLevel(), events, this::collectAttached);
  }

  /** The configuration. */
  public FltConfig config() {
    return config;
  }

  IdSource ids() {
    return ids;
  }

  /** The counter of context identities, kept in a field: one is drawn per context allocated. */
  IdSource.Counter contextIds() {
    return contextIds;
  }

  /** The counter of file name information identities, drawn per name handed out. */
  IdSource.Counter nameIds() {
    return nameIds;
  }

  EventBus events() {
    return events;
  }

  ContextVerifier verifier() {
    return verifier;
  }

  FltTransactions transactions() {
    return transactions;
  }

  /**
   * Verifier: a filter's callback raised a bug check. Filter Manager's own bug checks (0xF5) are
   * recorded where they are raised; any other is recorded here once, as {@link
   * VerifierFinding.Kind#BUG_CHECK_IN_CALLBACK}, before it propagates.
   *
   * @param callback the callback's name, such as {@code InstanceSetup}
   * @param filter the filter whose callback it was
   * @param subject the instance or context involved
   * @param e the bug check
   */
  void reportCallbackBugCheck(String callback, FltFilter filter, String subject, io.fsctx.nt.BugCheckException e) {
    if (e.bugCheckCode() == io.fsctx.nt.BugCheckException.FLTMGR_FILE_SYSTEM || !reportedBugChecks.add(e)) {
      return;
    }
    verifier.report(new VerifierFinding(VerifierFinding.Kind.BUG_CHECK_IN_CALLBACK, filter.name(), subject,
        filter.name() + " " + callback + " raised " + e.getMessage(), null, null));
  }

  SystemWorkQueue workQueue() {
    return workQueue;
  }

  PendedOperations pended() {
    return pended;
  }

  /**
   * Waits until the system worker threads have run every item queued so far (issue 13): the
   * deferred frees of contexts whose last reference was released at {@code DISPATCH_LEVEL}, and
   * the filters' work items. Tests call it before they check counts that such work changes. Not
   * from a work item.
   *
   * @return what the items threw so far (empty when every one returned normally)
   */
  public List<Throwable> awaitWorkItems() {
    workQueue.awaitIdle();
    return workQueue.failures();
  }

  /** The test seam of {@link RacePoint}; null outside the deterministic race tests. */
  private volatile RacePoint.@Nullable Probe raceProbe;

  /** Installs (or, with null, removes) the probe that deterministic race tests stop threads in. */
  void setRaceProbe(RacePoint.@Nullable Probe probe) {
    raceProbe = probe;
  }

  /** Lets an installed probe run a racing operation here; one volatile read otherwise. */
  void reach(RacePoint point) {
    RacePoint.Probe p = raceProbe;
    if (p != null) {
      p.reached(point);
    }
  }

  /** Subscribes to context events. */
  public void addListener(ContextEventListener listener) {
    events.add(listener);
  }

  /** Unsubscribes. */
  public void removeListener(ContextEventListener listener) {
    events.remove(listener);
  }

  /**
   * Marks the current thread as running a filter callback, so events name it; returns a token for
   * {@link #exitCallback}. The minifilter frame calls this around every callback.
   *
   * @param name such as {@code PreCreate}
   */
  public Object enterCallback(@Nullable String name) {
    return events.enterCallback(name, events.currentFilter());
  }

  /**
   * As {@link #enterCallback(String)}, also naming the filter whose callback runs, so that name
   * information references can be attributed to it.
   */
  public Object enterCallback(@Nullable String name, @Nullable FltFilter filter) {
    return events.enterCallback(name, filter);
  }

  /**
   * As {@link #enterCallback(String, FltFilter)} for a pre- or post-operation callback of {@code
   * instance}: a teardown of that instance started inside the callback does not wait for the
   * callback's own operation to drain.
   */
  Object enterOperationCallback(String name, FltInstance instance) {
    return events.enterCallback(name, instance.filter(), instance);
  }

  /** Ends what {@link #enterCallback} began. */
  public void exitCallback(Object token) {
    events.exitCallback(token);
  }

  /**
   * What the verifier has found so far, in the order found (empty at level OFF). Bug checks are
   * recorded here as well as thrown.
   */
  public List<VerifierFinding> verifierFindings() {
    return verifier.findings();
  }

  /** Forgets the findings so far. */
  public void clearVerifierFindings() {
    verifier.clearFindings();
  }

  /**
   * How many contexts of a type were allocated ({@code FltAllocateContext} succeeded) since this
   * manager was created, at any verifier level. A counter read, so a replay of millions of rows
   * needs no event listener to count contexts.
   *
   * @param type the context type
   * @return the count; thread-safe
   */
  public long contextsAllocated(FltContextType type) {
    long n = 0;
    for (ContextDefinition d : countedDefinitions) {
      if (d.type() == type) {
        n += d.allocations();
      }
    }
    return n;
  }

  /**
   * How many contexts of a type were freed (their last reference released, cleanup and free
   * callbacks run) since this manager was created, at any verifier level.
   *
   * @param type the context type
   * @return the count; thread-safe
   */
  public long contextsFreed(FltContextType type) {
    long n = 0;
    for (ContextDefinition d : countedDefinitions) {
      if (d.type() == type) {
        n += d.frees();
      }
    }
    return n;
  }

  /** Adds a filter's context definitions to those {@link #contextsAllocated} sums (once per registration). */
  void countWith(java.util.Map<FltContextType, List<ContextDefinition>> definitions) {
    for (List<ContextDefinition> defs : definitions.values()) {
      countedDefinitions.addAll(defs);
    }
  }

  /** Every context still alive (allocated and not freed), ordered by id; empty at level OFF. */
  public List<FltContext> liveContexts() {
    return verifier.liveContexts();
  }

  // ---- Filters ------------------------------------------------------------------------------

  /**
   * {@code FltRegisterFilter}: validates the registration and creates the filter. {@code Size} is
   * ignored; a {@code Version} whose major byte is not 0x02 is {@code STATUS_INVALID_PARAMETER}.
   * Every context-registration violation (an unknown or not-yet-existing type, a non-null {@code
   * Reserved1}, more than three fixed sizes or two fixed entries of one size, two variable entries,
   * an allocate routine that is not alone for its type or lacks a free routine, a fixed size above
   * 0xFFFF, a zero pool tag under {@link FltConfig.PoolTagPolicy#DDI_STRICT}) is {@code
   * STATUS_FLT_INVALID_CONTEXT_REGISTRATION} (fltmgr.md 2.2, [X] policies).
   *
   * @param driver the filter's driver object
   * @param registration what it registers
   * @return the status and, on success, the filter
   */
  public RegisterResult registerFilter(DriverObject driver, FltRegistration registration) {
    NtStatus st = Registrations.validate(this, registration);
    if (!st.isSuccess()) {
      return new RegisterResult(st, null);
    }
    FltFilter f = new FltFilter(this, driver, registration);
    NtStatus defs = f.buildDefinitions();
    if (!defs.isSuccess()) {
      return new RegisterResult(defs, null);
    }
    if (filters.putIfAbsent(driver, f) != null) {
      return new RegisterResult(NtStatus.STATUS_FLT_INSTANCE_ALTITUDE_COLLISION, null);
    }
    return new RegisterResult(NtStatus.STATUS_SUCCESS, f);
  }

  void forgetFilter(FltFilter f) {
    filters.remove(f.driver(), f);
  }

  /** The registered filters. */
  public List<FltFilter> filters() {
    return new ArrayList<>(filters.values());
  }

  /** The result of {@link #registerFilter}. */
  public record RegisterResult(NtStatus status, @Nullable FltFilter filter) {}

  // ---- Volumes ------------------------------------------------------------------------------

  /**
   * Makes a bare volume known to this manager: a Filter Manager volume with <em>no I/O stack</em>,
   * no file system and no frame, so no request ever reaches the instances attached to it. Every
   * filtering filter that has a default altitude attaches (instance setup reason {@code
   * NEWLY_MOUNTED_VOLUME}). It is for tests of the context machinery alone, which build their
   * streams and file objects by hand and call the {@code Flt} routines directly.
   *
   * <p>To run a filter on I/O, mount a file system with {@code IoManager.mount} and call {@link
   * #followMounts} (or {@link #attachToVolume}) instead; {@code FilterHarness} in {@code
   * io.fsctx.fltmgr.testing} does that in one line. A filter registered on a manager with only
   * bare volumes sees no I/O at all, and its tests pass without testing anything.
   *
   * @param deviceName the NT device name, such as {@code \Device\HarddiskVolume2}
   * @param fileSystemType the file system's name, such as {@code NTFS} ({@code FltGetFileSystemType}
   *     then reports {@code FLT_FSTYPE_NTFS})
   * @param supportsNamedStreams whether the file system has named streams; single-stream file
   *     systems get emulated file contexts
   * @return the volume
   */
  public FltVolume mountBareVolume(String deviceName, String fileSystemType, boolean supportsNamedStreams) {
    FltVolume v = new FltVolume(this, ids.next("Volume"), deviceName, fileSystemType,
        FltFilesystemType.fromFileSystemName(fileSystemType), supportsNamedStreams);
    volumes.add(v);
    for (FltFilter f : filters.values()) {
      if (f.isFiltering()) {
        f.autoAttach(v, InstanceSetupCallback.FLTFL_INSTANCE_SETUP_NEWLY_MOUNTED_VOLUME);
      }
    }
    return v;
  }

  /**
   * Attaches Filter Manager to a mounted volume of an I/O manager: puts its filter device (frame)
   * on the volume's device stack, and attaches every filtering filter that has a default altitude.
   * Requests sent to the volume from now on pass through the attached minifilters.
   *
   * @param volume the I/O manager's volume
   * @return Filter Manager's volume object for it
   */
  public FltVolume attachToVolume(io.fsctx.io.Volume volume) {
    attachedToIo = true;
    FltVolume existing = volumeOf(volume);
    if (existing != null) {
      return existing;
    }
    FltVolume v =
        new FltVolume(
            this,
            ids.next("Volume"),
            volume.ntDeviceName(),
            volume.fileSystem().fileSystemName(),
            FltFilesystemType.fromDriverName(volume.fileSystem().driverName()),
            volume.fileSystem().supportsNamedStreams());
    FltFrame frame = new FltFrame(ids.next("Frame"), v);
    v.bind(volume, frame);
    volume.deviceStack().attach(frame);
    volumes.add(v);
    for (FltFilter f : filters.values()) {
      if (f.isFiltering()) {
        f.autoAttach(v, InstanceSetupCallback.FLTFL_INSTANCE_SETUP_NEWLY_MOUNTED_VOLUME);
      }
    }
    return v;
  }

  /**
   * Follows an I/O manager: attaches to every volume it has mounted and every volume it mounts
   * later, and tears Filter Manager's volume down when the I/O manager dismounts it. Unless the
   * verifier is off, it also runs the file-system verifier ({@link FileSystemVerifier}) on the
   * I/O manager and reports each broken FCB-header rule as a {@link
   * VerifierFinding.Kind#FILE_SYSTEM_RULE} finding.
   *
   * @param ioManager the I/O manager to follow
   */
  public void followMounts(io.fsctx.io.IoManager ioManager) {
    attachedToIo = true;
    ioManager.addListener(
        e -> {
          if (e instanceof io.fsctx.io.IoEvent.VolumeMounted m) {
            attachToVolume(m.volume());
          } else if (e instanceof io.fsctx.io.IoEvent.VolumeDismounted d) {
            FltVolume v = volumeOf(d.volume());
            if (v != null) {
              dismountVolume(v);
            }
          }
        });
    if (config.verifierLevel() != VerifierLevel.OFF) {
      FileSystemVerifier.watch(ioManager).addListener(this::reportFileSystemRule);
    }
    for (io.fsctx.io.Volume v : ioManager.volumes()) {
      attachToVolume(v);
    }
  }

  private void reportFileSystemRule(FsViolation violation) {
    verifier.report(
        new VerifierFinding(
            VerifierFinding.Kind.FILE_SYSTEM_RULE,
            "file system",
            violation.subject(),
            violation.rule().id() + ": " + violation.message(),
            null,
            null));
  }

  private final java.util.Set<FltFileNameInformation> heldNames = ConcurrentHashMap.newKeySet();

  void trackName(FltFileNameInformation n) {
    heldNames.add(n);
  }

  void untrackName(FltFileNameInformation n) {
    heldNames.remove(n);
  }

  /** How many name objects filters hold references on right now (verifier bookkeeping). */
  int trackedNameCount() {
    return heldNames.size();
  }

  /**
   * Verifier: name information references a filter still holds when it unloads, each reported as
   * a finding (with the references' sites at TRACKING) and returned for the unload report.
   */
  List<UnloadReport.LeakedName> checkNameLeaks(FltFilter filter) {
    List<UnloadReport.LeakedName> leaked = new ArrayList<>();
    for (FltFileNameInformation n : List.copyOf(heldNames)) {
      int held = n.heldBy(filter);
      if (held > 0) {
        List<HeldReference> refs = n.outstandingReferences(filter);
        leaked.add(new UnloadReport.LeakedName(n.id(), n.name(), held, refs));
        verifier.report(
            new VerifierFinding(
                VerifierFinding.Kind.NAME_INFORMATION_LEAKED,
                filter.name(),
                n.id(),
                filter.name() + " unloaded still holding " + held + " reference(s) on file name information "
                    + n.id() + " (" + n.name() + "); every FltGetFileNameInformation needs its FltReleaseFileNameInformation",
                null,
                null,
                refs));
      }
    }
    leaked.sort((a, b) -> ContextVerifier.compareIds(a.id(), b.id()));
    return leaked;
  }

  /**
   * Verifier: a filter that started filtering on this manager while it attached to no I/O
   * manager's volume, and never had an instance, could not have seen a single request; a test of
   * it passes without testing anything. Null when that is not so.
   */
  @Nullable VerifierFinding neverAttached(FltFilter filter) {
    if (attachedToIo || !filter.hasStartedFiltering() || filter.hasEverAttached()) {
      return null;
    }
    return new VerifierFinding(
        VerifierFinding.Kind.FILTER_NEVER_ATTACHED,
        filter.name(),
        filter.name(),
        filter.name() + " started filtering but never had an instance: this FilterManager follows no I/O manager"
            + " (FilterManager.followMounts(ioManager) or attachToVolume(volume) was never called) and no volume was"
            + " attached, so none of its callbacks could run and nothing was tested; mount a file system with"
            + " IoManager.mount and call followMounts, or use io.fsctx.fltmgr.testing.FilterHarness",
        null,
        null);
  }

  /**
   * The {@link VerifierFinding.Kind#FILTER_NEVER_ATTACHED} findings of the filters still
   * registered, as their unload would record them, without recording anything: the check the
   * verifier's JUnit extension runs after a test that did not unload its filter.
   *
   * @return one finding per started filter that never had an instance, on a manager that follows
   *     no I/O manager; empty when there is none
   */
  public List<VerifierFinding> unattachedFilterFindings() {
    List<VerifierFinding> out = new ArrayList<>();
    for (FltFilter f : filters.values()) {
      VerifierFinding finding = neverAttached(f);
      if (finding != null) {
        out.add(finding);
      }
    }
    out.sort((a, b) -> a.subject().compareTo(b.subject()));
    return out;
  }

  /** Filter Manager's volume for an I/O manager volume, or null when not attached. */
  public @Nullable FltVolume volumeOf(io.fsctx.io.Volume volume) {
    for (FltVolume v : volumes) {
      if (v.ioVolume() == volume) {
        return v;
      }
    }
    return null;
  }

  /**
   * Adds every context attached in this manager to {@code out}. Contexts on a dismounted volume
   * were all detached by its dismount (its instances' teardowns and its volume contexts' delete).
   */
  private void collectAttached(List<FltContext> out) {
    for (FltVolume v : volumes) {
      v.collectAttached(out);
    }
  }

  /** The mounted volumes. */
  public List<FltVolume> volumes() {
    return new ArrayList<>(volumes);
  }

  /**
   * The volume is going away: every instance on it is torn down (reason {@code VOLUME_DISMOUNT}),
   * then its volume contexts are deleted.
   */
  public void dismountVolume(FltVolume volume) {
    volume.dismount();
    volumes.remove(volume);
    io.fsctx.io.Volume ioVol = volume.ioVolume();
    FltFrame frame = volume.frame();
    if (ioVol != null && frame != null && ioVol.deviceStack().devices().contains(frame)) {
      ioVol.deviceStack().detach(frame);
    }
  }

  // ---- Freeing ------------------------------------------------------------------------------

  /**
   * Frees a context whose count reached zero: publishes CLEANUP, runs the cleanup callback (no
   * lock held), returns the memory, publishes FREE.
   */
  void freeContext(FltContext ctx, String routine) {
    if (io.fsctx.nt.Irql.current().above(io.fsctx.nt.Irql.APC_LEVEL)) {
      // fltmgr.md 5.4, assertion 74: the last release at DISPATCH_LEVEL hands the cleanup and the
      // free to a worker thread, so the cleanup callback still runs at or below APC_LEVEL.
      workQueue.queue(() -> freeNow(ctx, routine + " (deferred from DISPATCH_LEVEL)"));
      return;
    }
    freeNow(ctx, routine);
  }

  private void freeNow(FltContext ctx, String routine) {
    events.publish(ContextEvent.Kind.CLEANUP, routine, ctx, 0, null);
    FltContextRegistration reg = ctx.definition().registration();
    try {
      ContextCleanupCallback cleanup = reg.contextCleanupCallback();
      if (cleanup != null) {
        cleanup.cleanup(ctx, ctx.type());
      }
    } catch (io.fsctx.nt.BugCheckException e) {
      reportCallbackBugCheck("ContextCleanup of " + ctx.id(), ctx.filter(), ctx.id(), e);
      throw e;
    } finally {
      ContextFreeCallback free = reg.contextFreeCallback();
      Object block = ctx.block();
      if (free != null && block != null) {
        free.free(block, ctx.type());
      }
      ctx.definition().countFree(ctx.poolType()); // also the manager's count (contextsFreed)
      ctx.markFreed();
      verifier.onFree(ctx, routine);
      events.publish(ContextEvent.Kind.FREE, routine, ctx, 0, null);
      ctx.filter().contextFreed();
    }
  }
}
