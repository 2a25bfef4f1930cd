package io.fsctx.fltmgr;

import io.fsctx.nt.PoolType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.io.CreateParameters;
import io.fsctx.io.CreateResult;
import io.fsctx.io.FileObject;
import io.fsctx.io.IoManager;
import io.fsctx.io.IrpMajorFunction;
import io.fsctx.io.Volume;
import io.fsctx.modelfs.NtfsLikeFileSystem;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The world of the lifecycle race tests (issue 18): an I/O manager with the NTFS-like model file
 * system mounted, a Filter Manager following it, and one correct filter, {@code Life}, that
 * registers every context type and balances every reference it takes:
 * <ul>
 *   <li>instance setup attaches an instance context;
 *   <li>post-create finds or creates the stream context (the CTX sample's KEEP pattern);
 *   <li>post-read gets the stream context and holds it while {@link #whileHoldingInPostRead}
 *       runs, then releases it;
 *   <li>the teardown callbacks log, and run the recorder's teardown hooks when set;
 *       query-teardown allows a manual detach.
 * </ul>
 * The verifier is at {@link VerifierLevel#COUNTING}, so every finding is recorded, and
 * unregistration waits {@link #UNLOAD_WAIT} for outstanding references.
 *
 * <p>Thread safety: built by one thread; the objects it holds are safe for concurrent use, and
 * the hooks are volatile.
 */
final class LifecycleWorld {
  static final String ALTITUDE = "370000";
  static final long SIZE = FltTestSupport.SIZE;
  static final Duration UNLOAD_WAIT = Duration.ofSeconds(30);

  final IoManager io = new IoManager();
  final FilterManager manager;
  final FltTestSupport.Recorder rec = new FltTestSupport.Recorder();
  final FltFilter filter;
  final Volume volume;
  final FltVolume fltVolume;
  final FltInstance instance;
  /** Whether instance setup attaches an instance context (see {@link LincheckWorlds}). */
  volatile boolean instanceContexts;
  volatile @Nullable Consumer<FltRelatedObjects> onSetup;
  volatile @Nullable Consumer<FltContext> whileHoldingInPostRead;

  LifecycleWorld() {
    this(FltConfig.builder().verifierLevel(VerifierLevel.COUNTING).unloadWaitTimeout(UNLOAD_WAIT).build());
  }

  LifecycleWorld(FltConfig config) {
    this(config, true);
  }

  /**
   * A world; with {@code instanceContextOnFirstInstance} false the instance attached at mount
   * gets no instance context (instances attached later do).
   */
  LifecycleWorld(FltConfig config, boolean instanceContextOnFirstInstance) {
    instanceContexts = instanceContextOnFirstInstance;
    manager = new FilterManager(config);
    FltRegistration reg =
        FltTestSupport.allTypesRegistration(rec, config.windowsVersion())
            .instanceSetupCallback(this::setup)
            .operationRegistration(
                new FltOperationRegistration(IrpMajorFunction.CREATE.code(), 0, null, this::postCreate),
                new FltOperationRegistration(IrpMajorFunction.READ.code(), 0, null, this::postRead))
            .build();
    Out<FltFilter> f = new Out<>();
    assertEquals(NtStatus.STATUS_SUCCESS, Flt.registerFilter(manager, DriverObject.of("Life", ALTITUDE), reg, f));
    filter = Objects.requireNonNull(f.get());
    manager.followMounts(io);
    assertEquals(NtStatus.STATUS_SUCCESS, Flt.startFiltering(filter));
    volume = io.mount("\\Device\\HarddiskVolume1", 'C', new NtfsLikeFileSystem());
    fltVolume = Objects.requireNonNull(manager.volumeOf(volume));
    instance = fltVolume.instances().get(0);
    instanceContexts = true;
  }

  private NtStatus setup(FltRelatedObjects o, int flags, int volumeDeviceType, FltFilesystemType fileSystemType) {
    NtStatus st = NtStatus.STATUS_SUCCESS;
    if (instanceContexts) {
      // The allocation fails once the filter's unload has begun: the setup then refuses.
      Out<FltContext> out = new Out<>();
      st = Flt.allocateContext(o.filter(), FltContextType.INSTANCE.code(), SIZE, PoolType.NON_PAGED_POOL, out);
      FltContext c = out.get();
      if (c != null) {
        st = Flt.setInstanceContext(Objects.requireNonNull(o.instance()), 1, c, null);
        Flt.releaseContext(c);
      }
    }
    Consumer<FltRelatedObjects> hook = onSetup;
    if (hook != null) {
      hook.accept(o);
    }
    return st.isSuccess() || st.equals(NtStatus.STATUS_FLT_CONTEXT_ALREADY_DEFINED) ? NtStatus.STATUS_SUCCESS : st;
  }

  private FltPostopCallbackStatus postCreate(FltCallbackData d, FltRelatedObjects o, @Nullable Object cc, int flags) {
    if (d.ioStatus().isSuccess() && !d.ioStatus().equals(NtStatus.STATUS_REPARSE)) {
      FltInstance i = Objects.requireNonNull(o.instance());
      Out<FltContext> got = new Out<>();
      if (Flt.getStreamContext(i, o.fileObject(), got).isSuccess()) {
        Flt.releaseContext(Objects.requireNonNull(got.get()));
      } else {
        FltContext mine = alloc(o.filter(), FltContextType.STREAM);
        Out<FltContext> old = new Out<>();
        Flt.setStreamContext(i, o.fileObject(), 1, mine, old);
        FltContext existing = old.get();
        if (existing != null) {
          Flt.releaseContext(existing);
        }
        Flt.releaseContext(mine);
      }
    }
    return FltPostopCallbackStatus.FINISHED_PROCESSING;
  }

  private FltPostopCallbackStatus postRead(FltCallbackData d, FltRelatedObjects o, @Nullable Object cc, int flags) {
    Out<FltContext> got = new Out<>();
    if (Flt.getStreamContext(Objects.requireNonNull(o.instance()), o.fileObject(), got).isSuccess()) {
      FltContext c = Objects.requireNonNull(got.get());
      try {
        Consumer<FltContext> hook = whileHoldingInPostRead;
        if (hook != null) {
          hook.accept(c);
        }
      } finally {
        Flt.releaseContext(c);
      }
    }
    return FltPostopCallbackStatus.FINISHED_PROCESSING;
  }

  /** A context of {@code filter}; the caller owns its reference. */
  static FltContext alloc(FltFilter filter, FltContextType type) {
    Out<FltContext> c = new Out<>();
    assertEquals(NtStatus.STATUS_SUCCESS, Flt.allocateContext(filter, type.code(), SIZE, PoolType.PAGED_POOL, c));
    return Objects.requireNonNull(c.get());
  }

  /** Opens (or creates) {@code path} through the whole stack. */
  FileObject open(String path) {
    CreateResult r = io.createFile(volume, path, CreateParameters.openIf());
    assertTrue(r.isOpened(), () -> "open " + path + ": " + r.status());
    return r.openedFileObject();
  }

  List<VerifierFinding> findings() {
    return manager.verifierFindings();
  }

  /** The findings, one line each, for assertion messages and equality with an empty list. */
  List<String> formattedFindings() {
    return manager.verifierFindings().stream().map(VerifierFinding::format).toList();
  }

  /** Every live context, described. */
  List<String> liveContexts() {
    return manager.liveContexts().stream().map(FltContext::describe).toList();
  }

  /**
   * Ends the world: unregisters the filter if it is still registered and dismounts the volume if
   * it is still mounted, and returns the unload report (null when the test had unloaded it).
   */
  @Nullable UnloadReport shutDown() {
    UnloadReport r = null;
    if (filter.state() != FltFilter.State.UNLOADED && filter.state() != FltFilter.State.UNLOADING) {
      r = filter.unregister();
    }
    if (!volume.isDismounted()) {
      io.dismount(volume);
    }
    return r;
  }
}
