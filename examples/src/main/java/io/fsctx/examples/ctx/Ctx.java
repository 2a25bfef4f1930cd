package io.fsctx.examples.ctx;

import static io.fsctx.examples.ctx.CtxLog.DEBUG_TRACE_ERROR;
import static io.fsctx.examples.ctx.CtxLog.DEBUG_TRACE_FILE_CONTEXT_OPERATIONS;
import static io.fsctx.examples.ctx.CtxLog.DEBUG_TRACE_INSTANCES;
import static io.fsctx.examples.ctx.CtxLog.DEBUG_TRACE_INSTANCE_CONTEXT_OPERATIONS;
import static io.fsctx.examples.ctx.CtxLog.DEBUG_TRACE_LOAD_UNLOAD;
import static io.fsctx.examples.ctx.CtxLog.DEBUG_TRACE_STREAMHANDLE_CONTEXT_OPERATIONS;
import static io.fsctx.examples.ctx.CtxLog.DEBUG_TRACE_STREAM_CONTEXT_OPERATIONS;

import io.fsctx.fltmgr.DriverObject;
import io.fsctx.fltmgr.FilterManager;
import io.fsctx.fltmgr.Flt;
import io.fsctx.fltmgr.FltContext;
import io.fsctx.fltmgr.FltContextRegistration;
import io.fsctx.fltmgr.FltContextType;
import io.fsctx.fltmgr.FltFilesystemType;
import io.fsctx.fltmgr.FltFilter;
import io.fsctx.fltmgr.FltOperationRegistration;
import io.fsctx.fltmgr.FltRegistration;
import io.fsctx.fltmgr.FltRelatedObjects;
import io.fsctx.nt.PoolType;
import io.fsctx.fltmgr.UnloadReport;
import io.fsctx.io.IrpMajorFunction;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import io.fsctx.nt.UnicodeString;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The CTX sample minifilter ({@code filesys/miniFilter/ctx}) ported to the {@link Flt} facade:
 * this class is {@code CtxInit.c} (the registration tables, {@code DriverEntry}, {@code
 * CtxUnload}, the instance callbacks and {@code CtxContextCleanup}) and owns what the sample keeps
 * in {@code CTX_GLOBAL_DATA Globals}: the filter, the log with its {@code DebugLevel}, and the
 * pool counters. {@link CtxOperations} is {@code operations.c}, {@link CtxContexts} is {@code
 * context.c}, {@link CtxSupport} is {@code support.c} plus the resource helpers.
 *
 * <p>CTX attaches an instance context to every volume, and a stream, a stream-handle and a file
 * context to every file it sees opened; it never deletes a context itself. Filter Manager deletes
 * them when their objects go away and then {@link #ctxContextCleanup} frees what they own.
 *
 * <h2>Where the port deliberately differs from the sample</h2>
 * Each difference fixes a latent bug listed in ctx-sample §1.11 and is marked {@code PORT:} in the
 * code:
 * <ol>
 *   <li><b>Unzeroed contexts read by cleanup</b> (§1.11.5). {@code FltAllocateContext} does not
 *       zero, and the sample neither zeroes the instance and file contexts nor checks the
 *       instance context's {@code VolumeName.Buffer} before freeing it, so a setup that fails
 *       early hands garbage to {@code ExFreePoolWithTag}. The port initialises every payload
 *       field right after allocation and {@link CtxSupport#ctxFreeUnicodeString} ignores a string
 *       without a buffer.
 *   <li><b>A failed name allocation reported as success</b> (§1.11.5). {@code
 *       CtxCreateFileContext} returns success when the file name could not be allocated, leaving
 *       a file context with an unset name. The port releases the half-built context and returns
 *       {@code STATUS_INSUFFICIENT_RESOURCES} ({@link CtxContexts#ctxCreateFileContext}).
 *   <li><b>{@code STATUS_REPARSE} not excluded</b> (§1.11.7). The sample's post-create only checks
 *       {@code NT_SUCCESS}, and a reparse is a success code although nothing was opened. The port
 *       skips reparsed creates, as the {@code delete}, {@code avscan}, {@code scanner} and {@code
 *       change} samples do ({@link CtxOperations#ctxPostCreate}).
 *   <li><b>{@code Stream} used without parsing</b> (§1.11.6). The sample strips {@code
 *       nameInfo->Stream} from the name without calling {@code FltParseFileNameInformation}, so
 *       whether an alternate stream's suffix ends up in the file context depends on another
 *       filter having parsed the shared name object. The port parses first, so a file context
 *       never carries a stream suffix.
 *   <li><b>Instance-context logging</b> (§1.7, {@code CtxPostSetInfo}). The sample logs the
 *       addresses of the {@code Instance} and {@code Volume} fields; the port logs their values.
 * </ol>
 *
 * <p>Thread safety: safe for concurrent use once {@link #driverEntry} returned; callbacks run on
 * whatever threads issue I/O, and share only the payloads, which are guarded by their {@code
 * ERESOURCE}s as in the sample.
 */
public final class Ctx {
  /** The service name in {@code ctx.inf}. */
  public static final String SERVICE_NAME = "Ctx";
  /** The altitude in {@code ctx.inf} (FSFilter Activity Monitor). */
  public static final String ALTITUDE = "370070";

  /** The format of the stream-context cleanup line; {@link CtxReport} reads its arguments. */
  static final String STREAM_CLEANUP_FORMAT =
      "CtxContextCleanup -> Cleaning up stream context for file %wZ (StreamContext = %p)"
          + " CreateCount = %x CleanupCount = %x CloseCount = %x";

  private final FilterManager filterManager;
  private final CtxLog log;
  private final CtxSupport support;
  private final CtxContexts contexts;
  private final CtxOperations operations;
  private volatile @Nullable FltFilter filter;
  private volatile @Nullable UnloadReport unloadReport;

  /**
   * Creates the driver, not yet loaded.
   *
   * @param filterManager the Filter Manager to register with
   * @param log the log; its level is this driver's {@code DebugLevel}
   */
  public Ctx(FilterManager filterManager, CtxLog log) {
    this.filterManager = filterManager;
    this.log = log;
    this.support = new CtxSupport(log);
    this.contexts = new CtxContexts(this);
    this.operations = new CtxOperations(this);
  }

  /** The log (every line CTX traced, printed or not). */
  public CtxLog log() {
    return log;
  }

  /** The pool helpers and counters ({@code support.c}). */
  public CtxSupport support() {
    return support;
  }

  /** {@code Globals.Filter}: the registered filter, or null before load and after unload. */
  public @Nullable FltFilter filter() {
    return filter;
  }

  FltFilter requireFilter() {
    return Objects.requireNonNull(filter, "Globals.Filter is NULL: CTX is not loaded");
  }

  CtxContexts contexts() {
    return contexts;
  }

  /** The report {@code FltUnregisterFilter} returned at unload, or null before. */
  public @Nullable UnloadReport unloadReport() {
    return unloadReport;
  }

  // ---- Registration tables ----------------------------------------------------------------

  /** {@code ContextRegistration[]}: one definition per type, all with {@code CtxContextCleanup}. */
  List<FltContextRegistration> contextRegistration() {
    return List.of(
        FltContextRegistration.embedded(FltContextType.INSTANCE, 0, this::ctxContextCleanup,
            CtxInstanceContext.SIZE, CtxInstanceContext.TAG, CtxInstanceContext::new),
        FltContextRegistration.embedded(FltContextType.FILE, 0, this::ctxContextCleanup,
            CtxFileContext.SIZE, CtxFileContext.TAG, CtxFileContext::new),
        FltContextRegistration.embedded(FltContextType.STREAM, 0, this::ctxContextCleanup,
            CtxStreamContext.SIZE, CtxStreamContext.TAG, CtxStreamContext::new),
        FltContextRegistration.embedded(FltContextType.STREAMHANDLE, 0, this::ctxContextCleanup,
            CtxStreamHandleContext.SIZE, CtxStreamHandleContext.TAG, CtxStreamHandleContext::new),
        FltContextRegistration.END);
  }

  /** {@code Callbacks[]}: create, cleanup, close and set-information, all skipping paging I/O. */
  List<FltOperationRegistration> callbacks() {
    int skip = FltOperationRegistration.FLTFL_OPERATION_REGISTRATION_SKIP_PAGING_IO;
    return List.of(
        new FltOperationRegistration(IrpMajorFunction.CREATE.code(), skip,
            operations::ctxPreCreate, operations::ctxPostCreate),
        new FltOperationRegistration(IrpMajorFunction.CLEANUP.code(), skip, operations::ctxPreCleanup, null),
        new FltOperationRegistration(IrpMajorFunction.CLOSE.code(), skip, operations::ctxPreClose, null),
        new FltOperationRegistration(IrpMajorFunction.SET_INFORMATION.code(), skip,
            operations::ctxPreSetInfo, operations::ctxPostSetInfo));
  }

  /** {@code FilterRegistration}. */
  FltRegistration filterRegistration() {
    return FltRegistration.builder()
        .flags(0)
        .contextRegistration(contextRegistration())
        .operationRegistration(callbacks())
        .filterUnloadCallback(this::ctxUnload)
        .instanceSetupCallback(this::ctxInstanceSetup)
        .instanceQueryTeardownCallback(this::ctxInstanceQueryTeardown)
        .instanceTeardownStartCallback(this::ctxInstanceTeardownStart)
        .instanceTeardownCompleteCallback(this::ctxInstanceTeardownComplete)
        .build();
  }

  // ---- DriverEntry and unload -------------------------------------------------------------

  /**
   * {@code DriverEntry}: registers the filter and starts filtering (its instance then attaches to
   * every volume the manager knows); on a start failure unregisters again.
   *
   * @ddi DriverEntry
   * @return the status of registration or start
   */
  public NtStatus driverEntry() {
    log.trace(DEBUG_TRACE_LOAD_UNLOAD, "DriverEntry: Driver loading");
    Out<FltFilter> f = new Out<>();
    NtStatus status = Flt.registerFilter(
        filterManager, DriverObject.of(SERVICE_NAME, ALTITUDE), filterRegistration(), f);
    if (!status.isSuccess()) {
      log.trace(DEBUG_TRACE_LOAD_UNLOAD | DEBUG_TRACE_ERROR, "DriverEntry: FltRegisterFilter failed, status = %s", status);
      return status;
    }
    FltFilter registered = Objects.requireNonNull(f.get());
    filter = registered;
    status = Flt.startFiltering(registered);
    if (!status.isSuccess()) {
      unloadReport = registered.unregister();
      filter = null;
    }
    log.trace(DEBUG_TRACE_LOAD_UNLOAD, "DriverEntry: Driver loaded complete (Status = %s)", status);
    return status;
  }

  /**
   * Unloads the driver as the service control manager would: calls {@link #ctxUnload} with no
   * flags and returns what {@code FltUnregisterFilter} reported.
   *
   * @return the unload report: clean when no context was left
   * @throws IllegalStateException when CTX is not loaded
   */
  public UnloadReport unload() {
    requireFilter();
    ctxUnload(0);
    return Objects.requireNonNull(unloadReport);
  }

  /**
   * {@code CtxUnload}: unregisters the filter (which tears down every instance and deletes every
   * context) and never refuses.
   *
   * @ddi PFLT_FILTER_UNLOAD_CALLBACK
   * @param flags {@code FLTFL_FILTER_UNLOAD_MANDATORY} or 0
   * @return success
   */
  NtStatus ctxUnload(int flags) {
    log.trace(DEBUG_TRACE_LOAD_UNLOAD, "CtxUnload: Unloading driver");
    FltFilter f = filter;
    if (f != null) {
      unloadReport = f.unregister();
    }
    filter = null;
    log.trace(DEBUG_TRACE_LOAD_UNLOAD, "CtxUnload: Driver unloaded");
    return NtStatus.STATUS_SUCCESS;
  }

  // ---- Context cleanup --------------------------------------------------------------------

  /**
   * {@code CtxContextCleanup}: frees what a context's payload owns, dispatching on its type. Runs
   * once per context just before Filter Manager frees it, with no Filter Manager lock held; it
   * never frees the context itself.
   *
   * @ddi PFLT_CONTEXT_CLEANUP_CALLBACK
   * @param context the context being freed
   * @param contextType its type
   */
  void ctxContextCleanup(FltContext context, FltContextType contextType) {
    switch (contextType) {
      case INSTANCE -> {
        CtxInstanceContext ic = context.payload(CtxInstanceContext.class);
        log.trace(DEBUG_TRACE_INSTANCE_CONTEXT_OPERATIONS,
            "CtxContextCleanup -> Cleaning up instance context for volume %wZ (%p)", ic.volumeName, context);
        // PORT: the sample frees VolumeName unconditionally; an early setup failure leaves no
        // buffer, which CtxFreeUnicodeString tolerates here.
        support.ctxFreeUnicodeString(ic.volumeName);
        log.trace(DEBUG_TRACE_INSTANCE_CONTEXT_OPERATIONS, "CtxContextCleanup -> Instance context cleanup complete");
      }
      case FILE -> {
        CtxFileContext fc = context.payload(CtxFileContext.class);
        log.trace(DEBUG_TRACE_FILE_CONTEXT_OPERATIONS,
            "CtxContextCleanup -> Cleaning up file context for file %wZ (FileContext = %p)", fc.fileName, context);
        support.ctxFreeUnicodeString(fc.fileName);
        log.trace(DEBUG_TRACE_FILE_CONTEXT_OPERATIONS, "CtxContextCleanup -> File context cleanup complete");
      }
      case STREAM -> {
        CtxStreamContext sc = context.payload(CtxStreamContext.class);
        log.trace(DEBUG_TRACE_STREAM_CONTEXT_OPERATIONS, STREAM_CLEANUP_FORMAT,
            sc.fileName, context, sc.createCount, sc.cleanupCount, sc.closeCount);
        if (sc.resource != null) {
          support.ctxFreeResource(sc.resource);
          sc.resource = null;
        }
        support.ctxFreeUnicodeString(sc.fileName);
        log.trace(DEBUG_TRACE_STREAM_CONTEXT_OPERATIONS, "CtxContextCleanup -> Stream context cleanup complete");
      }
      case STREAMHANDLE -> {
        CtxStreamHandleContext hc = context.payload(CtxStreamHandleContext.class);
        log.trace(DEBUG_TRACE_STREAMHANDLE_CONTEXT_OPERATIONS,
            "CtxContextCleanup -> Cleaning up stream handle context for file %wZ (StreamHandleContext = %p)",
            hc.fileName, context);
        if (hc.resource != null) {
          support.ctxFreeResource(hc.resource);
          hc.resource = null;
        }
        support.ctxFreeUnicodeString(hc.fileName);
        log.trace(DEBUG_TRACE_STREAMHANDLE_CONTEXT_OPERATIONS,
            "CtxContextCleanup -> Stream handle context cleanup complete");
      }
      default -> log.trace(DEBUG_TRACE_ERROR, "CtxContextCleanup -> Unexpected context type %s", contextType.name());
    }
  }

  // ---- Instance callbacks -----------------------------------------------------------------

  /**
   * {@code CtxInstanceSetup}: allocates the instance context, reads the volume's NT name into it
   * with the two-call {@code FltGetVolumeName} protocol, sets it (KEEP) and always releases the
   * allocation reference: after a successful set the instance owns the one remaining reference;
   * after a failed one the release frees the context. Any failure means "do not attach" (the raw
   * error, as in the sample).
   *
   * @ddi PFLT_INSTANCE_SETUP_CALLBACK
   */
  NtStatus ctxInstanceSetup(
      FltRelatedObjects fltObjects, int flags, int volumeDeviceType, FltFilesystemType volumeFilesystemType) {
    log.trace(DEBUG_TRACE_INSTANCES, "CtxInstanceSetup: Instance setup started (Volume = %p, Instance = %p)",
        fltObjects.volume(), fltObjects.instance());
    Out<FltContext> allocated = new Out<>();
    NtStatus status = instanceSetup(fltObjects, allocated);
    FltContext context = allocated.get();
    if (context != null) {
      // Our allocation reference goes back in every case: 2 -> 1 (the instance's) after a set,
      // 1 -> 0 (freed, cleanup runs) after a failure.
      log.trace(DEBUG_TRACE_INSTANCE_CONTEXT_OPERATIONS, "CtxInstanceSetup: Releasing instance context %p", context);
      Flt.releaseContext(context);
    }
    if (status.isSuccess()) {
      log.trace(DEBUG_TRACE_INSTANCES, "CtxInstanceSetup: Instance setup complete (Volume = %p, Instance = %p). Filter will attach to the volume.",
          fltObjects.volume(), fltObjects.instance());
    } else {
      log.trace(DEBUG_TRACE_INSTANCES, "CtxInstanceSetup: Instance setup complete (Volume = %p, Instance = %p). Filter will not attach to the volume.",
          fltObjects.volume(), fltObjects.instance());
    }
    return status;
  }

  /**
   * The body of {@link #ctxInstanceSetup} up to its cleanup label: stores the allocated context
   * (with the caller-owned allocation reference) in {@code allocated} as soon as it exists, so the
   * caller's cleanup can release it whatever happens after.
   */
  private NtStatus instanceSetup(FltRelatedObjects fltObjects, Out<FltContext> allocated) {
    NtStatus status = Flt.allocateContext(fltObjects.filter(), FltContextType.INSTANCE.code(), CtxInstanceContext.SIZE,
        PoolType.NON_PAGED_POOL, allocated);
    if (!status.isSuccess()) {
      log.trace(DEBUG_TRACE_INSTANCES | DEBUG_TRACE_ERROR,
          "CtxInstanceSetup: Failed to allocate instance context (Volume = %p, Instance = %p, Status = %s)",
          fltObjects.volume(), fltObjects.instance(), status);
      return status;
    }
    // We own the allocation reference (count 1).
    FltContext context = Objects.requireNonNull(allocated.get());
    CtxInstanceContext ic = context.payload(CtxInstanceContext.class);
    // PORT: the allocation is not zeroed; set every field before anything can read it.
    ic.instance = null;
    ic.volume = null;
    ic.volumeName = new UnicodeString();

    Out<Integer> needed = new Out<>();
    status = Flt.getVolumeName(Objects.requireNonNull(fltObjects.volume()), null, needed);
    if (!status.equals(NtStatus.STATUS_BUFFER_TOO_SMALL)) {
      if (status.isSuccess()) {
        status = NtStatus.STATUS_UNSUCCESSFUL;
      }
      log.trace(DEBUG_TRACE_INSTANCES | DEBUG_TRACE_ERROR,
          "CtxInstanceSetup: Unexpected failure in FltGetVolumeName (Volume = %p, Instance = %p, Status = %s)",
          fltObjects.volume(), fltObjects.instance(), status);
      return status;
    }
    Out<UnicodeString> name = new Out<>();
    status = support.ctxAllocateUnicodeString(Objects.requireNonNull(needed.get()), "InstanceContext.VolumeName", name);
    if (!status.isSuccess()) {
      log.trace(DEBUG_TRACE_INSTANCES | DEBUG_TRACE_ERROR,
          "CtxInstanceSetup: Failed to allocate the volume name (Volume = %p, Instance = %p, Status = %s)",
          fltObjects.volume(), fltObjects.instance(), status);
      return status;
    }
    ic.volumeName = Objects.requireNonNull(name.get());
    status = Flt.getVolumeName(Objects.requireNonNull(fltObjects.volume()), ic.volumeName, null);
    if (!status.isSuccess()) {
      log.trace(DEBUG_TRACE_INSTANCES | DEBUG_TRACE_ERROR,
          "CtxInstanceSetup: Failed to get the volume name (Volume = %p, Instance = %p, Status = %s)",
          fltObjects.volume(), fltObjects.instance(), status);
      return status;
    }
    ic.instance = fltObjects.instance();
    ic.volume = fltObjects.volume();

    log.trace(DEBUG_TRACE_INSTANCE_CONTEXT_OPERATIONS,
        "CtxInstanceSetup: Setting instance context %p for volume %wZ (Volume = %p, Instance = %p)",
        context, ic.volumeName, fltObjects.volume(), fltObjects.instance());
    status = Flt.setInstanceContext(Objects.requireNonNull(fltObjects.instance()),
        SetOp.KEEP_IF_EXISTS, context, null);
    if (!status.isSuccess()) {
      log.trace(DEBUG_TRACE_INSTANCES | DEBUG_TRACE_ERROR,
          "CtxInstanceSetup: Failed to set instance context for volume %wZ (Volume = %p, Instance = %p, Status = %s)",
          ic.volumeName, fltObjects.volume(), fltObjects.instance(), status);
    }
    // After a successful set the instance holds the link reference (count 2).
    return status;
  }

  /**
   * {@code CtxInstanceQueryTeardown}: allows every manual detach.
   *
   * @ddi PFLT_INSTANCE_QUERY_TEARDOWN_CALLBACK
   */
  NtStatus ctxInstanceQueryTeardown(FltRelatedObjects fltObjects, int flags) {
    log.trace(DEBUG_TRACE_INSTANCES, "CtxInstanceQueryTeardown: Instance query teardown started (Instance = %p)",
        fltObjects.instance());
    log.trace(DEBUG_TRACE_INSTANCES, "CtxInstanceQueryTeardown: Instance query teardown ended (Instance = %p)",
        fltObjects.instance());
    return NtStatus.STATUS_SUCCESS;
  }

  /**
   * {@code CtxInstanceTeardownStart}: only logs.
   *
   * @ddi PFLT_INSTANCE_TEARDOWN_CALLBACK
   */
  void ctxInstanceTeardownStart(FltRelatedObjects fltObjects, int reason) {
    log.trace(DEBUG_TRACE_INSTANCES, "CtxInstanceTeardownStart: Instance teardown start started (Instance = %p)",
        fltObjects.instance());
    log.trace(DEBUG_TRACE_INSTANCES, "CtxInstanceTeardownStart: Instance teardown start ended (Instance = %p)",
        fltObjects.instance());
  }

  /**
   * {@code CtxInstanceTeardownComplete}: the instance context is still retrievable here; logs its
   * volume name and releases the reference the get took. Memory the context owns is freed by its
   * cleanup callback, after Filter Manager deletes it.
   *
   * @ddi PFLT_INSTANCE_TEARDOWN_CALLBACK
   */
  void ctxInstanceTeardownComplete(FltRelatedObjects fltObjects, int reason) {
    log.trace(DEBUG_TRACE_INSTANCES, "CtxInstanceTeardownComplete: Instance teardown complete started (Instance = %p)",
        fltObjects.instance());
    log.trace(DEBUG_TRACE_INSTANCE_CONTEXT_OPERATIONS,
        "CtxInstanceTeardownComplete: Getting instance context (Volume = %p, Instance = %p)",
        fltObjects.volume(), fltObjects.instance());
    Out<FltContext> got = new Out<>();
    NtStatus status = Flt.getInstanceContext(Objects.requireNonNull(fltObjects.instance()), got);
    if (status.isSuccess()) {
      // The get gave us a reference on top of the instance's.
      FltContext context = Objects.requireNonNull(got.get());
      log.trace(DEBUG_TRACE_INSTANCE_CONTEXT_OPERATIONS,
          "CtxInstanceTeardownComplete: Instance volume name = %wZ", context.payload(CtxInstanceContext.class).volumeName);
      Flt.releaseContext(context);
    } else {
      log.trace(DEBUG_TRACE_ERROR | DEBUG_TRACE_INSTANCE_CONTEXT_OPERATIONS,
          "CtxInstanceTeardownComplete: Error getting instance context (Volume = %p, Instance = %p, Status = %s)",
          fltObjects.volume(), fltObjects.instance(), status);
    }
    log.trace(DEBUG_TRACE_INSTANCES, "CtxInstanceTeardownComplete: Instance teardown complete ended (Instance = %p)",
        fltObjects.instance());
  }

  /** {@code FLT_SET_CONTEXT_OPERATION} values as the facade takes them. */
  static final class SetOp {
    /** {@code FLT_SET_CONTEXT_REPLACE_IF_EXISTS}. */
    static final int REPLACE_IF_EXISTS = 0;
    /** {@code FLT_SET_CONTEXT_KEEP_IF_EXISTS}. */
    static final int KEEP_IF_EXISTS = 1;

    private SetOp() {}
  }
}
