package io.fsctx.fltmgr;

import io.fsctx.nt.PoolType;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fsctx.fsrtl.AdvancedFcbHeader;
import io.fsctx.fsrtl.CommonFcbHeader;
import io.fsctx.fsrtl.FastMutex;
import io.fsctx.fsrtl.FsRtl;
import io.fsctx.fsrtl.FsRtlConstants;
import io.fsctx.fsrtl.PerFileContextSlot;
import io.fsctx.io.FileObject;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import io.fsctx.tm.KTransaction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Shared fixtures for the Filter Manager conformance tests: a filter that registers every context
 * type and records every callback, streams of every shape a file system can hand out, and {@link
 * Kind}, which lets one test run against each context type through the same three calls.
 */
final class FltTestSupport {
  private FltTestSupport() {}

  /** The fixed size every definition of the all-types filter registers. */
  static final long SIZE = 32;

  static final String ALTITUDE = "370000";

  static final int TAG = FltContextRegistration.tag("FxCt");

  /** A configuration that does not make a leaking test wait five seconds in unregistration. */
  static FltConfig.Builder quickUnload() {
    return FltConfig.builder().unloadWaitTimeout(Duration.ofMillis(1));
  }

  // ---- Recording callbacks ----------------------------------------------------------------------

  /** Records cleanup callbacks (per context id, with the count they saw) and instance callbacks. */
  static final class Recorder {
    final Map<String, AtomicInteger> cleanups = new ConcurrentHashMap<>();
    final List<String> log = Collections.synchronizedList(new ArrayList<>());
    final List<String> problems = new CopyOnWriteArrayList<>();
    volatile @Nullable Consumer<FltRelatedObjects> onTeardownStart;
    volatile @Nullable Consumer<FltRelatedObjects> onTeardownComplete;
    final AtomicInteger queryTeardowns = new AtomicInteger();
    final List<FltContext> notified = new CopyOnWriteArrayList<>();

    void cleanup(FltContext c, FltContextType t) {
      cleanups.computeIfAbsent(c.id(), k -> new AtomicInteger()).incrementAndGet();
      if (c.referenceCount() != 0) {
        problems.add("cleanup of " + c + " with refs " + c.referenceCount());
      }
      if (c.state() == FltContext.State.FREED) {
        problems.add("cleanup of " + c + " after its free");
      }
      if (Thread.holdsLock(c)) {
        problems.add("cleanup of " + c + " under the context's monitor");
      }
      log.add("Cleanup:" + t + ":" + c.id());
    }

    int cleanupsOf(FltContext c) {
      AtomicInteger n = cleanups.get(c.id());
      return n == null ? 0 : n.get();
    }

    int totalCleanups() {
      return cleanups.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    List<String> logSnapshot() {
      synchronized (log) {
        return new ArrayList<>(log);
      }
    }
  }

  /** One definition per context type the version has, fixed {@link #SIZE}, cleanups recorded. */
  static List<FltContextRegistration> allTypes(Recorder rec, WindowsVersion version) {
    List<FltContextRegistration> regs = new ArrayList<>();
    for (FltContextType t : FltContextType.values()) {
      if (version.atLeast(t.since())) {
        regs.add(FltContextRegistration.of(t, 0, rec::cleanup, SIZE, TAG, null));
      }
    }
    regs.add(FltContextRegistration.END);
    return regs;
  }

  /** The all-types registration with every instance callback recorded. */
  static FltRegistration.Builder allTypesRegistration(Recorder rec, WindowsVersion version) {
    FltRegistration.Builder b =
        FltRegistration.builder()
            .contextRegistration(allTypes(rec, version))
            .instanceSetupCallback((o, flags, deviceType, fs) -> NtStatus.STATUS_SUCCESS)
            .instanceQueryTeardownCallback(
                (o, flags) -> {
                  rec.queryTeardowns.incrementAndGet();
                  rec.log.add("QueryTeardown:" + o.instance());
                  return NtStatus.STATUS_SUCCESS;
                })
            .instanceTeardownStartCallback(
                (o, reason) -> {
                  rec.log.add("TeardownStart:" + id(o.instance()));
                  Consumer<FltRelatedObjects> hook = rec.onTeardownStart;
                  if (hook != null) {
                    hook.accept(o);
                  }
                })
            .instanceTeardownCompleteCallback(
                (o, reason) -> {
                  rec.log.add("TeardownComplete:" + id(o.instance()));
                  Consumer<FltRelatedObjects> hook = rec.onTeardownComplete;
                  if (hook != null) {
                    hook.accept(o);
                  }
                });
    if (version.atLeast(WindowsVersion.VISTA)) {
      b.transactionNotificationCallback(
          (o, ctx, mask) -> {
            rec.notified.add(ctx);
            rec.log.add("TxNotify:" + Integer.toHexString(mask) + ":" + ctx.id());
            return NtStatus.STATUS_SUCCESS;
          });
    }
    return b;
  }

  private static String id(@Nullable FltInstance i) {
    return i == null ? "null" : i.id();
  }

  // ---- Streams ----------------------------------------------------------------------------------

  /** The shapes of FCB a file system can give a file object. */
  enum StreamKind {
    /** Advanced header set up with a per-file slot (NTFS-like). */
    PER_FILE_SLOT,
    /** Advanced header without a per-file slot (FAT-like). */
    NO_SLOT,
    /** A paging file: slot present, but the filter-context bit cleared after setup. */
    PAGING,
    /** A legacy file system: only the common header. */
    LEGACY,
    /** An advanced header the file system never set up. */
    ADVANCED_NOT_SET_UP,
    /** Pre-create: the file object has no FsContext yet. */
    PRE_CREATE
  }

  /** One stream (an FCB header) and its file objects. */
  static final class Stream {
    private static final AtomicInteger IDS = new AtomicInteger();
    final StreamKind kind;
    final @Nullable CommonFcbHeader header;
    final @Nullable PerFileContextSlot slot;
    final FileObject fo;

    private Stream(StreamKind kind, @Nullable CommonFcbHeader header, @Nullable PerFileContextSlot slot) {
      this.kind = kind;
      this.header = header;
      this.slot = slot;
      this.fo = open();
    }

    /** A new file object opened on this stream. */
    FileObject open() {
      FileObject f = new FileObject("FileObject#" + IDS.incrementAndGet(), "\\file.txt");
      if (kind != StreamKind.PRE_CREATE) {
        f.setFsContext(header);
      }
      return f;
    }

    AdvancedFcbHeader advanced() {
      return (AdvancedFcbHeader) java.util.Objects.requireNonNull(header);
    }

    /** The file system frees the stream (and, with {@code andFile}, the per-file structure). */
    void teardown(boolean andFile) {
      if (header != null) {
        FsRtl.teardownPerStreamContexts(header);
      }
      if (andFile && slot != null) {
        FsRtl.teardownPerFileContexts(slot);
      }
    }
  }

  /** Makes a stream of the given shape with one file object on it. */
  static Stream stream(StreamKind kind) {
    int n = Stream.IDS.incrementAndGet();
    return switch (kind) {
      case PER_FILE_SLOT, PAGING -> {
        AdvancedFcbHeader h = new AdvancedFcbHeader("Scb#" + n);
        PerFileContextSlot slot = new PerFileContextSlot("Fcb#" + n);
        FsRtl.setupAdvancedHeaderEx(h, new FastMutex(), slot);
        if (kind == StreamKind.PAGING) {
          h.setFlags2Bits(FsRtlConstants.FSRTL_FLAG2_IS_PAGING_FILE);
          h.clearFlags2Bits(FsRtlConstants.FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS);
        }
        yield new Stream(kind, h, slot);
      }
      case NO_SLOT -> {
        AdvancedFcbHeader h = new AdvancedFcbHeader("Scb#" + n);
        FsRtl.setupAdvancedHeader(h, new FastMutex());
        yield new Stream(kind, h, null);
      }
      case LEGACY -> new Stream(kind, new CommonFcbHeader("Fcb#" + n), null);
      case ADVANCED_NOT_SET_UP -> new Stream(kind, new AdvancedFcbHeader("Scb#" + n), null);
      case PRE_CREATE -> new Stream(kind, null, null);
    };
  }

  /** A second stream of the same file as {@code first} (an alternate data stream): same slot. */
  static Stream siblingStream(Stream first) {
    AdvancedFcbHeader h = new AdvancedFcbHeader("Scb#" + Stream.IDS.incrementAndGet());
    FsRtl.setupAdvancedHeaderEx(h, new FastMutex(), first.slot);
    return new Stream(first.kind, h, first.slot);
  }

  // ---- The fixture ------------------------------------------------------------------------------

  /**
   * A manager with the all-types filter filtering one mounted volume (one instance), a stream with
   * a per-file slot, and an active transaction. {@link #close()} tears every stream down and
   * unregisters every filter, so what is left afterwards is exactly what the test leaked.
   */
  static final class Fx implements AutoCloseable {
    final FilterManager mgr;
    final Recorder rec = new Recorder();
    final FltFilter filter;
    final FltVolume volume;
    final FltInstance instance;
    final Stream stream;
    final KTransaction tx = new KTransaction("Tx#1");
    private final List<Stream> streams = new CopyOnWriteArrayList<>();
    private final List<FltFilter> filters = new CopyOnWriteArrayList<>();

    Fx(FilterManager mgr) {
      this(mgr, true);
    }

    Fx(FilterManager mgr, boolean namedStreams) {
      this.mgr = mgr;
      this.filter = register("AllTypes", ALTITUDE, rec);
      this.volume = mgr.mountBareVolume("\\Device\\HarddiskVolume1", namedStreams ? "NTFS" : "FAT", namedStreams);
      assertEquals(NtStatus.STATUS_SUCCESS, filter.startFiltering());
      assertEquals(1, volume.instances().size());
      this.instance = volume.instances().get(0);
      this.stream = stream(namedStreams ? StreamKind.PER_FILE_SLOT : StreamKind.NO_SLOT);
    }

    /** Registers another all-types filter recording into {@code r}; it is unregistered at close. */
    FltFilter register(String name, String altitude, Recorder r) {
      FilterManager.RegisterResult res =
          mgr.registerFilter(
              DriverObject.of(name, altitude),
              allTypesRegistration(r, mgr.config().windowsVersion()).build());
      assertEquals(NtStatus.STATUS_SUCCESS, res.status());
      FltFilter f = java.util.Objects.requireNonNull(res.filter());
      filters.add(f);
      return f;
    }

    /** A stream tracked for teardown at close. */
    Stream stream(StreamKind kind) {
      Stream s = FltTestSupport.stream(kind);
      streams.add(s);
      return s;
    }

    Stream sibling(Stream first) {
      Stream s = siblingStream(first);
      streams.add(s);
      return s;
    }

    /** A second instance of the all-types filter on the same volume. */
    FltInstance secondInstance() {
      Out<FltInstance> out = new Out<>();
      assertEquals(
          NtStatus.STATUS_SUCCESS,
          Flt.attachVolumeAtAltitude(filter, volume, "370001", "AllTypes Second", out));
      return java.util.Objects.requireNonNull(out.get());
    }

    /** The default target: this fixture's instance, volume, stream file object and transaction. */
    Target target() {
      return new Target(instance, volume, stream.fo, tx);
    }

    /** Allocates a context of the kind's type (nonpaged for volume contexts) and checks success. */
    FltContext alloc(FltContextType type) {
      return alloc(filter, type);
    }

    static FltContext alloc(FltFilter f, FltContextType type) {
      Out<FltContext> out = new Out<>();
      PoolType pool = type == FltContextType.VOLUME ? PoolType.NON_PAGED_POOL : PoolType.PAGED_POOL;
      assertEquals(NtStatus.STATUS_SUCCESS, Flt.allocateContext(f, type.code(), SIZE, pool, out));
      return java.util.Objects.requireNonNull(out.get());
    }

    @Override
    public void close() {
      for (Stream s : streams) {
        s.teardown(true);
      }
      for (FltFilter f : filters) {
        if (f.state() != FltFilter.State.UNLOADING && f.state() != FltFilter.State.UNLOADED) {
          f.unregister();
        }
      }
      if (!rec.problems.isEmpty()) {
        throw new AssertionError("cleanup callback problems: " + rec.problems);
      }
    }
  }

  /** Where a context of each kind goes. */
  record Target(FltInstance instance, FltVolume volume, @Nullable FileObject fo, KTransaction tx) {
    Target withFileObject(@Nullable FileObject f) {
      return new Target(instance, volume, f, tx);
    }

    Target withInstance(FltInstance i) {
      return new Target(i, i.volume(), fo, tx);
    }
  }

  // ---- One test, every context type ------------------------------------------------------------

  /** The six attachable context types, with their set/get/delete routines through {@link Flt}. */
  enum Kind {
    VOLUME(FltContextType.VOLUME),
    INSTANCE(FltContextType.INSTANCE),
    FILE(FltContextType.FILE),
    STREAM(FltContextType.STREAM),
    STREAMHANDLE(FltContextType.STREAMHANDLE),
    TRANSACTION(FltContextType.TRANSACTION);

    final FltContextType type;

    Kind(FltContextType type) {
      this.type = type;
    }

    /** Whether the context hangs off a file object (file, stream, stream handle). */
    boolean fileObjectBased() {
      return this == FILE || this == STREAM || this == STREAMHANDLE;
    }

    NtStatus set(Target t, int op, FltContext c, @Nullable Out<FltContext> old) {
      return switch (this) {
        case VOLUME -> Flt.setVolumeContext(t.volume(), op, c, old);
        case INSTANCE -> Flt.setInstanceContext(t.instance(), op, c, old);
        case FILE -> Flt.setFileContext(t.instance(), t.fo(), op, c, old);
        case STREAM -> Flt.setStreamContext(t.instance(), t.fo(), op, c, old);
        case STREAMHANDLE -> Flt.setStreamHandleContext(t.instance(), t.fo(), op, c, old);
        case TRANSACTION -> Flt.setTransactionContext(t.instance(), t.tx(), op, c, old);
      };
    }

    NtStatus get(Target t, Out<FltContext> out) {
      return switch (this) {
        case VOLUME -> Flt.getVolumeContext(t.instance().filter(), t.volume(), out);
        case INSTANCE -> Flt.getInstanceContext(t.instance(), out);
        case FILE -> Flt.getFileContext(t.instance(), t.fo(), out);
        case STREAM -> Flt.getStreamContext(t.instance(), t.fo(), out);
        case STREAMHANDLE -> Flt.getStreamHandleContext(t.instance(), t.fo(), out);
        case TRANSACTION -> Flt.getTransactionContext(t.instance(), t.tx(), out);
      };
    }

    NtStatus delete(Target t, @Nullable Out<FltContext> old) {
      return switch (this) {
        case VOLUME -> Flt.deleteVolumeContext(t.instance().filter(), t.volume(), old);
        case INSTANCE -> Flt.deleteInstanceContext(t.instance(), old);
        case FILE -> Flt.deleteFileContext(t.instance(), t.fo(), old);
        case STREAM -> Flt.deleteStreamContext(t.instance(), t.fo(), old);
        case STREAMHANDLE -> Flt.deleteStreamHandleContext(t.instance(), t.fo(), old);
        case TRANSACTION -> Flt.deleteTransactionContext(t.instance(), t.tx(), old);
      };
    }

    /** The Java API's set, which always asks for the other context. */
    SetResult setJava(Target t, SetContextOperation op, FltContext c) {
      return switch (this) {
        case VOLUME -> t.volume().setVolumeContext(op, c);
        case INSTANCE -> t.instance().setInstanceContext(op, c);
        case FILE -> t.instance().setFileContext(t.fo(), op, c);
        case STREAM -> t.instance().setStreamContext(t.fo(), op, c);
        case STREAMHANDLE -> t.instance().setStreamHandleContext(t.fo(), op, c);
        case TRANSACTION -> t.instance().setTransactionContext(t.tx(), op, c);
      };
    }

    GetResult getJava(Target t) {
      return switch (this) {
        case VOLUME -> t.volume().getVolumeContext(t.instance().filter());
        case INSTANCE -> t.instance().getInstanceContext();
        case FILE -> t.instance().getFileContext(t.fo());
        case STREAM -> t.instance().getStreamContext(t.fo());
        case STREAMHANDLE -> t.instance().getStreamHandleContext(t.fo());
        case TRANSACTION -> t.instance().getTransactionContext(t.tx());
      };
    }

    /** Sets {@code c} (KEEP) and checks success; the caller keeps its allocation reference. */
    void attach(Target t, FltContext c) {
      assertEquals(NtStatus.STATUS_SUCCESS, set(t, 1, c, null), () -> this + " set");
    }

    /** Gets, checks success, and returns the context (still referenced for the caller). */
    FltContext getOk(Target t) {
      Out<FltContext> out = new Out<>();
      assertEquals(NtStatus.STATUS_SUCCESS, get(t, out), () -> this + " get");
      return java.util.Objects.requireNonNull(out.get());
    }
  }
}
