package io.fsctx.fltmgr;

import io.fsctx.nt.PoolType;
import io.fsctx.fsrtl.AdvancedFcbHeader;
import io.fsctx.fsrtl.FastMutex;
import io.fsctx.fsrtl.FsRtl;
import io.fsctx.io.FileObject;
import io.fsctx.nt.NtStatus;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small world for the property, Lincheck and stress tests: one manager, one filter registering
 * stream, stream-handle and instance contexts with a counting cleanup callback, one volume and
 * one attached instance whose query-teardown callback allows a manual detach.
 *
 * <p>Thread safety: the rig is built by one thread; what it holds is safe for concurrent use.
 */
final class Rig {
  static final int SIZE = 16;

  final AtomicInteger cleanups = new AtomicInteger();
  /** How many times the cleanup callback ran for each context (must end at exactly one). */
  final ConcurrentHashMap<FltContext, Integer> cleanupsPerContext = new ConcurrentHashMap<>();
  final FilterManager manager;
  final FltFilter filter;
  final FltVolume volume;
  final FltInstance instance;

  Rig(VerifierLevel level) {
    this(FltConfig.builder().verifierLevel(level).build());
  }

  Rig(FltConfig config) {
    manager = new FilterManager(config);
    ContextCleanupCallback cleanup =
        (c, t) -> {
          cleanups.incrementAndGet();
          cleanupsPerContext.merge(c, 1, Integer::sum);
        };
    int tag = FltContextRegistration.tag("Rig ");
    FltRegistration reg =
        FltRegistration.builder()
            .contextRegistration(
                FltContextRegistration.of(FltContextType.STREAM, 0, cleanup, SIZE, tag, null),
                FltContextRegistration.of(FltContextType.STREAMHANDLE, 0, cleanup, SIZE, tag, null),
                FltContextRegistration.of(FltContextType.INSTANCE, 0, cleanup, SIZE, tag, null),
                FltContextRegistration.END)
            .instanceQueryTeardownCallback((objects, flags) -> NtStatus.STATUS_SUCCESS)
            .build();
    filter = Objects.requireNonNull(manager.registerFilter(DriverObject.of("Rig", "370000"), reg).filter());
    volume = manager.mountBareVolume("\\Device\\HarddiskVolume1", "NTFS", true);
    if (!filter.startFiltering().isSuccess()) {
      throw new IllegalStateException("FltStartFiltering failed");
    }
    instance = volume.instances().get(0);
  }

  /** An opened stream: a set-up advanced header and one file object on it. */
  static FileObject openStream(String id) {
    AdvancedFcbHeader h = new AdvancedFcbHeader("Scb#" + id);
    FsRtl.setupAdvancedHeader(h, new FastMutex());
    FileObject fo = new FileObject("FileObject#" + id, "\\" + id);
    fo.setFsContext(h);
    return fo;
  }

  /** A new stream context with one reference for the caller. */
  FltContext allocateStream() {
    return Objects.requireNonNull(
        filter.allocateContext(FltContextType.STREAM.code(), SIZE, PoolType.PAGED_POOL).context());
  }
}
