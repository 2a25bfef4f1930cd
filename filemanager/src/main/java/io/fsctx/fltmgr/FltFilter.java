package io.fsctx.fltmgr;

import io.fsctx.nt.PoolType;
import static io.fsctx.nt.NtStatus.STATUS_FLT_CONTEXT_ALLOCATION_NOT_FOUND;
import static io.fsctx.nt.NtStatus.STATUS_FLT_DELETING_OBJECT;
import static io.fsctx.nt.NtStatus.STATUS_FLT_MUST_BE_NONPAGED_POOL;
import static io.fsctx.nt.NtStatus.STATUS_INSUFFICIENT_RESOURCES;
import static io.fsctx.nt.NtStatus.STATUS_INVALID_BUFFER_SIZE;
import static io.fsctx.nt.NtStatus.STATUS_INVALID_PARAMETER;

import io.fsctx.nt.NtStatus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;

/**
 * {@code PFLT_FILTER}: a registered minifilter, its context definitions, its instances, and the
 * count of its live contexts, which holds off the end of {@link #unregister()} as rundown
 * references do on Windows.
 *
 * <h2>Unload (issue 18.2)</h2>
 * {@code FltUnregisterFilter} has one linearization point: under this filter's monitor the state
 * becomes {@link State#UNLOADING} and the instances to tear down are taken. An attach registers
 * its instance under the same monitor, before the instance's setup callback runs, so it is
 * ordered either before that point (the attach succeeds and the unload tears the instance down,
 * waiting for its setup callback to return first) or after it (the attach returns {@code
 * STATUS_FLT_DELETING_OBJECT} and calls no callback). The filter therefore never reaches {@link
 * State#UNLOADED} with an instance attached. Allocation after that point is {@code
 * STATUS_FLT_DELETING_OBJECT} as well (fltmgr.md 2.4).
 *
 * <p>Thread safety: safe for concurrent use. Lock order: a volume's monitor, then this filter's
 * monitor (a leaf: nothing is called while it is held).
 */
public final class FltFilter {
  /** The lifecycle of a filter. */
  public enum State {
    /** Registered, not yet filtering. */
    REGISTERED,
    /** {@code FltStartFiltering} succeeded. */
    FILTERING,
    /** {@code FltUnregisterFilter} is running. */
    UNLOADING,
    /** Unregistered. */
    UNLOADED
  }

  /** Size of Filter Manager's header before the filter's portion, passed to allocate routines. */
  public static final long CONTEXT_HEADER_SIZE = 0x60;

  private final FilterManager manager;
  private final DriverObject driver;
  private final FltRegistration registration;
  private Map<FltContextType, List<ContextDefinition>> definitions = Map.of();
  private final CopyOnWriteArrayList<FltInstance> instances = new CopyOnWriteArrayList<>();
  private final AtomicInteger liveContexts = new AtomicInteger();
  private final Object rundown = new Object();
  private volatile State state = State.REGISTERED;
  private volatile @Nullable UnloadReport unloadReport;
  /** Whether {@code FltStartFiltering} ever succeeded (the verifier's never-attached check). */
  private volatile boolean startedFiltering;
  /** Whether an instance of this filter was ever attached (the verifier's never-attached check). */
  private volatile boolean everAttached;
  private final FltOperationRegistration[] operations = new FltOperationRegistration[256];

  FltFilter(FilterManager manager, DriverObject driver, FltRegistration registration) {
    this.manager = manager;
    this.driver = driver;
    this.registration = registration;
    List<FltOperationRegistration> ops = registration.operationRegistration();
    if (ops != null) {
      for (FltOperationRegistration op : ops) {
        int m = op.majorFunction() & 0xFF;
        if (operations[m] == null) {
          operations[m] = op;
        }
      }
    }
  }

  NtStatus buildDefinitions() {
    List<FltContextRegistration> regs = registration.contextRegistration();
    if (regs == null) {
      return NtStatus.STATUS_SUCCESS;
    }
    NtStatus[] st = new NtStatus[1];
    definitions = Registrations.definitions(manager, this, regs, st);
    manager.countWith(definitions);
    return st[0];
  }

  /** The manager it is registered with. */
  public FilterManager manager() {
    return manager;
  }

  /** Its driver object. */
  public DriverObject driver() {
    return driver;
  }

  /** Its name (the service name). */
  public String name() {
    return driver.serviceName();
  }

  /** Its registration. */
  public FltRegistration registration() {
    return registration;
  }

  /** Its state. */
  public State state() {
    return state;
  }

  /** Whether {@code FltStartFiltering} has run and unloading has not begun. */
  public boolean isFiltering() {
    return state == State.FILTERING;
  }

  /** The operation registration for a major function, or null. */
  public @Nullable FltOperationRegistration operation(int majorFunction) {
    return operations[majorFunction & 0xFF];
  }

  /**
   * Its instances, in attachment order: those attached and those whose setup callback is running
   * or whose teardown has not finished.
   */
  public List<FltInstance> instances() {
    return new ArrayList<>(instances);
  }

  /**
   * How many of its contexts are alive (allocated, not yet freed), counting allocations in
   * progress.
   */
  public int liveContextCount() {
    return liveContexts.get();
  }

  /** Allocation accounting per definition. */
  public List<LookasideStats> lookasideStats() {
    List<LookasideStats> out = new ArrayList<>();
    for (List<ContextDefinition> defs : definitions.values()) {
      for (ContextDefinition d : defs) {
        out.add(d.stats());
      }
    }
    return out;
  }

  /** The report of the last {@link #unregister()}, or null. */
  public @Nullable UnloadReport unloadReport() {
    return unloadReport;
  }

  // ---- Filtering and instances --------------------------------------------------------------

  /**
   * {@code FltStartFiltering}: from now on the filter's callbacks run, and its default instance
   * attaches to every mounted volume (setup flag {@code AUTOMATIC_ATTACHMENT}).
   *
   * @return success, or {@code STATUS_INVALID_PARAMETER} when not in the registered state
   */
  public NtStatus startFiltering() {
    if (state != State.REGISTERED) {
      return STATUS_INVALID_PARAMETER;
    }
    state = State.FILTERING;
    startedFiltering = true;
    for (FltVolume v : manager.volumes()) {
      autoAttach(v, InstanceSetupCallback.FLTFL_INSTANCE_SETUP_AUTOMATIC_ATTACHMENT);
    }
    return NtStatus.STATUS_SUCCESS;
  }

  void autoAttach(FltVolume v, int setupFlags) {
    String altitude = driver.defaultAltitude();
    if (altitude != null) {
      v.attach(this, driver.defaultInstanceName(), altitude, setupFlags);
    }
  }

  /**
   * {@code FltAttachVolume} with the default instance's name and altitude.
   *
   * @return the status and the instance
   */
  public AttachResult attachVolume(FltVolume volume) {
    String altitude = driver.defaultAltitude();
    if (altitude == null) {
      return new AttachResult(STATUS_INVALID_PARAMETER, null);
    }
    return volume.attach(this, driver.defaultInstanceName(), altitude,
        InstanceSetupCallback.FLTFL_INSTANCE_SETUP_MANUAL_ATTACHMENT);
  }

  /**
   * {@code FltAttachVolumeAtAltitude}: attaches an instance with a name and an altitude; two
   * instances of one filter on one volume are allowed at different altitudes.
   *
   * @return success, {@code STATUS_FLT_INSTANCE_ALTITUDE_COLLISION}, {@code
   *     STATUS_FLT_INSTANCE_NAME_COLLISION}, {@code STATUS_FLT_DELETING_OBJECT} (the volume is
   *     being dismounted, or the filter's unload began before the attach reached it: see the
   *     class comment), or the setup callback's refusal. A success racing an unload or a
   *     dismount returns an instance that is already being torn down, or has been.
   */
  public AttachResult attachVolumeAtAltitude(FltVolume volume, String altitude, String instanceName) {
    return volume.attach(this, instanceName, altitude,
        InstanceSetupCallback.FLTFL_INSTANCE_SETUP_MANUAL_ATTACHMENT);
  }

  /**
   * {@code FltDetachVolume}: a manual detach; the query-teardown callback may refuse it. An
   * instance whose setup is still running or whose teardown has begun is not found.
   *
   * @return success, {@code STATUS_FLT_INSTANCE_NOT_FOUND}, or the query-teardown refusal
   */
  public NtStatus detachVolume(FltVolume volume, @Nullable String instanceName) {
    for (FltInstance i : instances) {
      if (i.volume() == volume
          && i.state() == FltInstance.State.ATTACHED
          && (instanceName == null || i.name().equals(instanceName))) {
        return i.detachManually();
      }
    }
    return NtStatus.STATUS_FLT_INSTANCE_NOT_FOUND;
  }

  /** The result of an attach. */
  public record AttachResult(NtStatus status, @Nullable FltInstance instance) {}

  /**
   * Registers an instance whose setup is about to run, unless unloading began: the attach's side
   * of the unload's linearization point (see the class comment).
   *
   * @return false when the filter is unloading or unloaded
   */
  synchronized boolean registerInstance(FltInstance i) {
    if (state == State.UNLOADING || state == State.UNLOADED) {
      return false;
    }
    everAttached = true;
    instances.add(i);
    return true;
  }

  boolean hasStartedFiltering() {
    return startedFiltering;
  }

  boolean hasEverAttached() {
    return everAttached;
  }

  void instanceDetached(FltInstance i) {
    instances.remove(i);
  }

  // ---- Allocation ---------------------------------------------------------------------------

  /**
   * {@code FltAllocateContext}: picks the definition by size and flags (fltmgr.md 3), creates the
   * payload and returns a context with one reference, owned by the caller.
   *
   * @param contextType a single {@code FLT_*_CONTEXT} value
   * @param contextSize the filter's portion, 1..0xFFFF; 0 is {@code STATUS_INVALID_PARAMETER} (a
   *     [C] item: the registration page allows a 0-byte definition, the allocation page forbids it)
   * @param poolType the pool; a volume context from paged pool is {@code
   *     STATUS_FLT_MUST_BE_NONPAGED_POOL} (both nonpaged kinds, NX included, are accepted)
   * @return the status and the context
   */
  public AllocateResult allocateContext(int contextType, long contextSize, PoolType poolType) {
    // Counted live before the state check, as a rundown reference is taken before the work it
    // protects: an unregister that begins while this allocation is past the check waits for its
    // context, and one that began before is seen by the check. Counting after the check let an
    // allocation slip in after the unload's wait had seen no context, which it then reported as a
    // leak (ContextConcurrencyStressTest, issue 14 round 12).
    liveContexts.incrementAndGet();
    boolean allocated = false;
    try {
      AllocateResult r = allocateCounted(contextType, contextSize, poolType);
      allocated = r.context() != null;
      return r;
    } finally {
      if (!allocated) {
        contextFreed();
      }
    }
  }

  private AllocateResult allocateCounted(int contextType, long contextSize, PoolType poolType) {
    if (state == State.UNLOADING || state == State.UNLOADED) {
      return AllocateResult.failed(STATUS_FLT_DELETING_OBJECT);
    }
    FltContextType type = FltContextType.of(contextType);
    if (type == null) {
      return AllocateResult.failed(STATUS_INVALID_PARAMETER);
    }
    if (contextSize > Registrations.MAX_CONTEXT_SIZE) {
      return AllocateResult.failed(STATUS_INVALID_BUFFER_SIZE);
    }
    if (contextSize <= 0) {
      // The registration page allows a 0-byte definition but the allocation page forbids a
      // 0-byte request; the model keeps both rules (fltmgr.md 3, a [C] item).
      return AllocateResult.failed(STATUS_INVALID_PARAMETER);
    }
    if (type == FltContextType.VOLUME && !poolType.isNonPaged()) {
      return AllocateResult.failed(STATUS_FLT_MUST_BE_NONPAGED_POOL);
    }
    if (!manager.config().windowsVersion().atLeast(type.since())) {
      return AllocateResult.failed(STATUS_INVALID_PARAMETER);
    }
    List<ContextDefinition> defs = definitions.get(type);
    if (defs == null || defs.isEmpty()) {
      return AllocateResult.failed(STATUS_FLT_CONTEXT_ALLOCATION_NOT_FOUND);
    }
    ContextDefinition chosen = null;
    ContextDefinition first = defs.get(0);
    Object block = null;
    if (first.kind() == ContextDefinition.Kind.ROUTINES) {
      ContextAllocateCallback alloc = first.registration().contextAllocateCallback();
      block = alloc == null ? null : alloc.allocate(poolType, CONTEXT_HEADER_SIZE + contextSize, type);
      if (block == null) {
        return AllocateResult.failed(STATUS_INSUFFICIENT_RESOURCES);
      }
      chosen = first;
    } else {
      for (ContextDefinition d : defs) {
        if (d.registration().isVariableSized()) {
          chosen = d;
          break;
        }
        if (d.size() == contextSize || (d.noExactSizeMatch() && contextSize <= d.size())) {
          chosen = d;
          break;
        }
      }
      if (chosen == null) {
        return AllocateResult.failed(STATUS_FLT_CONTEXT_ALLOCATION_NOT_FOUND);
      }
    }
    FltContext ctx =
        build(
            chosen,
            new FltContext.Allocation(
                manager.contextIds().nextNumber(),
                chosen,
                contextSize,
                poolType,
                block,
                manager.verifier().allocationSite(type),
                manager.verifier().level().atLeast(VerifierLevel.TRACKING)));
    chosen.countAllocation(poolType); // also the manager's count (FilterManager.contextsAllocated)
    manager.verifier().onAllocate(ctx);
    manager.events().publish(ContextEvent.Kind.ALLOCATE, "FltAllocateContext", ctx, 1, NtStatus.STATUS_SUCCESS);
    return new AllocateResult(NtStatus.STATUS_SUCCESS, ctx);
  }

  /**
   * Builds the context: the filter's own class from an {@link FltContextRegistration#embedded}
   * registration's factory, else a context holding the payload object (or {@code byte[]}).
   */
  private FltContext build(ContextDefinition d, FltContext.Allocation a) {
    IntFunction<?> factory = d.registration().payloadFactory();
    if (factory instanceof FltContext.EmbeddedFactory e) {
      FltContext c = e.factory().create(a);
      if (c == null || c != a.built) {
        throw new IllegalStateException(name() + ": context factory for " + d.type()
            + (c == null ? " returned null" : " returned " + c.id() + ", not the context built from " + a));
      }
      return c;
    }
    return new FltContext.Boxed(a, createPayload(d, a.size));
  }

  private Object createPayload(ContextDefinition d, long size) {
    IntFunction<?> factory = d.registration().payloadFactory();
    if (factory != null) {
      Object p = factory.apply((int) size);
      if (p == null) {
        throw new IllegalStateException(
            name() + ": payload factory for " + d.type() + " returned null");
      }
      return p;
    }
    byte[] raw = new byte[(int) size];
    boolean zeroed =
        d.kind() == ContextDefinition.Kind.DIRECT
            && manager.config().windowsVersion().atLeast(WindowsVersion.WIN11);
    if (!zeroed && manager.config().poisonFixedSizeContexts()) {
      // Before Windows 11 nothing is zeroed, and lookaside blocks may hold stale data: make any
      // code that assumes zeroes fail in tests.
      Arrays.fill(raw, (byte) 0xCD);
    }
    return raw;
  }

  /** The result of {@link #allocateContext}: the context owns one reference for the caller. */
  public record AllocateResult(NtStatus status, @Nullable FltContext context) {
    static AllocateResult failed(NtStatus s) {
      return new AllocateResult(s, null);
    }
  }

  void contextFreed() {
    if (liveContexts.decrementAndGet() == 0) {
      synchronized (rundown) {
        rundown.notifyAll();
      }
    }
  }

  // ---- Unregistration -----------------------------------------------------------------------

  /**
   * {@code FltUnregisterFilter}: stops the callbacks, tears down every instance (teardown start
   * and complete, reason {@code FILTER_UNLOAD}, without asking query-teardown), deletes every
   * context the filter set, volume contexts included, then waits for the filter's remaining
   * context references for at most the configured timeout. It never frees a referenced context;
   * when the wait times out it returns a report of what is still referenced instead of hanging.
   *
   * @return the report; {@link UnloadReport#clean()} when nothing was left
   * @throws IllegalStateException when unregistration already began (a second {@code
   *     FltUnregisterFilter} is a caller error; Windows does not document it)
   */
  public UnloadReport unregister() {
    List<FltInstance> toTearDown;
    synchronized (this) {
      if (state == State.UNLOADING || state == State.UNLOADED) {
        throw new IllegalStateException(name() + " is already being unregistered (FltUnregisterFilter called twice)");
      }
      // The linearization point of the unload: every instance registered before it is torn down
      // below (after its setup, if that is still running); none registers after it.
      state = State.UNLOADING;
      toTearDown = new ArrayList<>(instances);
    }
    for (FltInstance i : toTearDown) {
      i.teardown(InstanceTeardownCallback.FLTFL_INSTANCE_TEARDOWN_FILTER_UNLOAD);
    }
    for (FltVolume v : manager.volumes()) {
      v.deleteVolumeContextOf(this);
    }
    long deadline = System.nanoTime() + manager.config().unloadWaitTimeout().toNanos();
    // The count the wait ended on is the report's: read again, it could include an allocation
    // that began after the unload and is backing out.
    int stillLive;
    synchronized (rundown) {
      while ((stillLive = liveContexts.get()) > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(rundown, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    List<FltContext> leaked = manager.verifier().liveContexts(this);
    java.util.IdentityHashMap<FltContext, List<HeldReference>> outstanding = new java.util.IdentityHashMap<>();
    for (FltContext c : leaked) {
      List<HeldReference> refs = c.outstandingReferences();
      if (!refs.isEmpty()) {
        outstanding.put(c, refs);
      }
      manager.verifier().report(
          VerifierFinding.Kind.LEAKED_CONTEXT_AT_UNLOAD,
          c,
          name() + " unloaded while still holding " + c.referenceCount() + " reference(s) on " + c.describe());
    }
    List<UnloadReport.LeakedName> names = manager.checkNameLeaks(this);
    VerifierFinding idle = manager.neverAttached(this);
    if (idle != null) {
      manager.verifier().report(idle);
    }
    UnloadReport report = new UnloadReport(name(), stillLive, leaked, outstanding, names);
    unloadReport = report;
    state = State.UNLOADED;
    manager.forgetFilter(this);
    return report;
  }

  @Override
  public String toString() {
    return "Filter[" + name() + "]";
  }
}
