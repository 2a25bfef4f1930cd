package io.fsctx.fltmgr.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
import io.fsctx.fltmgr.FltVolume;
import io.fsctx.fltmgr.InstanceSetupCallback;
import io.fsctx.nt.PoolType;
import io.fsctx.fltmgr.SetContextOperation;
import io.fsctx.io.FileObject;
import io.fsctx.io.IrpMajorFunction;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A minifilter for the frame's scenario tests. It registers pre- and post-operation callbacks for
 * the operations in {@link #OPERATIONS} and every context type except transactions, and writes
 * each callback (altitude, name, file object, completion context, result, status) and each
 * context cleanup into a {@link Journal} shared with the other filters of the test.
 *
 * <p>By default a pre-operation callback stores a fresh {@link Token} as its completion context
 * and returns {@code SUCCESS_WITH_CALLBACK}; a test changes that per major function with {@link
 * #onPre} and adds work to the post-operation callback with {@link #onPost}. Contexts carry a
 * {@link Tag} whose label the cleanup records, so a test can tell which context died when.
 *
 * <p>Thread safety: safe for concurrent use; hooks are set before I/O starts.
 */
final class TestMinifilter {
  /** The major functions it registers for unless told otherwise. */
  static final List<IrpMajorFunction> OPERATIONS =
      List.of(
          IrpMajorFunction.CREATE,
          IrpMajorFunction.READ,
          IrpMajorFunction.WRITE,
          IrpMajorFunction.QUERY_INFORMATION,
          IrpMajorFunction.SET_INFORMATION,
          IrpMajorFunction.DIRECTORY_CONTROL,
          IrpMajorFunction.CLEANUP,
          IrpMajorFunction.CLOSE,
          IrpMajorFunction.NETWORK_QUERY_OPEN,
          IrpMajorFunction.QUERY_VOLUME_INFORMATION,
          IrpMajorFunction.FILE_SYSTEM_CONTROL);

  /** A context payload: a label for the journal. */
  static final class Tag {
    volatile String label = "?";
  }

  /** A completion context: which pre-callback made it. */
  record Token(String altitude, String callback, long serial) {}

  /** A replacement pre-operation body. */
  @FunctionalInterface
  interface PreHook {
    FltPreopCallbackStatus pre(FltCallbackData data, FltRelatedObjects objects, Out<Object> completionContext);
  }

  /** Extra post-operation work, run before the call is journalled. */
  @FunctionalInterface
  interface PostHook {
    void post(FltCallbackData data, FltRelatedObjects objects, @Nullable Object completionContext, int flags);
  }

  /** Instance teardown as seen: which callback and reason. */
  record Teardown(String callback, int reason) {}

  private final String altitude;
  private final Journal journal;
  private final FltFilter filter;
  private final Map<IrpMajorFunction, PreHook> preHooks = new ConcurrentHashMap<>();
  private final Map<IrpMajorFunction, PostHook> postHooks = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> cleanupsById = new ConcurrentHashMap<>();
  private final AtomicLong serials = new AtomicLong();
  private final List<Teardown> teardowns = new ArrayList<>();
  private volatile @Nullable InstanceSetupCallback setupHook;

  private TestMinifilter(FilterManager manager, String altitude, Journal journal, Builder b) {
    this.altitude = altitude;
    this.journal = journal;
    List<FltContextRegistration> contexts = new ArrayList<>();
    for (FltContextType t :
        List.of(
            FltContextType.VOLUME,
            FltContextType.INSTANCE,
            FltContextType.FILE,
            FltContextType.STREAM,
            FltContextType.STREAMHANDLE)) {
      contexts.add(FltContextRegistration.of(t, 0, this::cleanup, 16, FltContextRegistration.tag("TsMf"), n -> new Tag()));
    }
    contexts.add(FltContextRegistration.END);
    List<FltOperationRegistration> ops = new ArrayList<>();
    for (IrpMajorFunction m : b.operations) {
      ops.add(
          new FltOperationRegistration(
              m.code(),
              b.flags.getOrDefault(m, 0),
              (data, objs, cc) -> pre(m, data, objs, cc),
              b.withoutPost.contains(m) ? null : (data, objs, cc, flags) -> post(m, data, objs, cc, flags)));
    }
    FltRegistration reg =
        FltRegistration.builder()
            .contextRegistration(contexts)
            .operationRegistration(ops)
            .instanceSetupCallback(this::setup)
            .instanceQueryTeardownCallback((objs, flags) -> NtStatus.STATUS_SUCCESS)
            .instanceTeardownStartCallback((objs, reason) -> teardown("InstanceTeardownStart", reason))
            .instanceTeardownCompleteCallback((objs, reason) -> teardown("InstanceTeardownComplete", reason))
            .build();
    Out<FltFilter> f = new Out<>();
    assertEquals(NtStatus.STATUS_SUCCESS, Flt.registerFilter(manager, DriverObject.of("Test" + altitude, altitude), reg, f));
    FltFilter registered = java.util.Objects.requireNonNull(f.get());
    assertEquals(NtStatus.STATUS_SUCCESS, Flt.startFiltering(registered));
    this.filter = registered;
  }

  /** Starts building a filter at {@code altitude} that writes into {@code journal}. */
  static Builder at(String altitude, Journal journal) {
    return new Builder(altitude, journal);
  }

  /** Options that change the filter's registration. */
  static final class Builder {
    private final String altitude;
    private final Journal journal;
    private final List<IrpMajorFunction> operations = new ArrayList<>(OPERATIONS);
    private final List<IrpMajorFunction> withoutPost = new ArrayList<>();
    private final Map<IrpMajorFunction, Integer> flags = new EnumMap<>(IrpMajorFunction.class);

    private Builder(String altitude, Journal journal) {
      this.altitude = altitude;
      this.journal = journal;
    }

    /** Registers no post-operation callback for {@code major}. */
    Builder withoutPost(IrpMajorFunction major) {
      withoutPost.add(major);
      return this;
    }

    /** {@code FLTFL_OPERATION_REGISTRATION_*} flags for {@code major}. */
    Builder operationFlags(IrpMajorFunction major, int operationFlags) {
      flags.put(major, operationFlags);
      return this;
    }

    /** Registers and starts filtering. */
    TestMinifilter register(FilterManager manager) {
      return new TestMinifilter(manager, altitude, journal, this);
    }
  }

  // ---- Hooks ----------------------------------------------------------------------------------

  /** Replaces the pre-operation body for {@code major}. */
  TestMinifilter onPre(IrpMajorFunction major, PreHook hook) {
    preHooks.put(major, hook);
    return this;
  }

  /** Adds post-operation work for {@code major}. */
  TestMinifilter onPost(IrpMajorFunction major, PostHook hook) {
    postHooks.put(major, hook);
    return this;
  }

  /** Runs in instance setup instead of the default (attach). */
  TestMinifilter onSetup(InstanceSetupCallback hook) {
    setupHook = hook;
    return this;
  }

  /** The default pre-operation result: a fresh token and SUCCESS_WITH_CALLBACK. */
  FltPreopCallbackStatus withToken(Out<Object> cc, String callback) {
    cc.set(new Token(altitude, callback, serials.incrementAndGet()));
    return FltPreopCallbackStatus.SUCCESS_WITH_CALLBACK;
  }

  private FltPreopCallbackStatus pre(IrpMajorFunction m, FltCallbackData data, FltRelatedObjects objs, Out<Object> cc) {
    String name = "Pre" + camel(m);
    PreHook hook = preHooks.get(m);
    FltPreopCallbackStatus st = hook == null ? withToken(cc, name) : hook.pre(data, objs, cc);
    journal.add(
        new Journal.Call(
            altitude, name, data.iopb().targetFileObject(), cc.get(), st, data.ioStatus(), data.ioInformation(), 0,
            Thread.currentThread()));
    return st;
  }

  private FltPostopCallbackStatus post(
      IrpMajorFunction m, FltCallbackData data, FltRelatedObjects objs, @Nullable Object cc, int flags) {
    PostHook hook = postHooks.get(m);
    if (hook != null) {
      hook.post(data, objs, cc, flags);
    }
    journal.add(
        new Journal.Call(
            altitude, "Post" + camel(m), data.iopb().targetFileObject(), cc, null, data.ioStatus(),
            data.ioInformation(), flags, Thread.currentThread()));
    return FltPostopCallbackStatus.FINISHED_PROCESSING;
  }

  private NtStatus setup(FltRelatedObjects objs, int flags, int deviceType, io.fsctx.fltmgr.FltFilesystemType fsType) {
    InstanceSetupCallback hook = setupHook;
    return hook == null ? NtStatus.STATUS_SUCCESS : hook.setup(objs, flags, deviceType, fsType);
  }

  private void teardown(String callback, int reason) {
    synchronized (teardowns) {
      teardowns.add(new Teardown(callback, reason));
    }
  }

  private void cleanup(FltContext ctx, FltContextType type) {
    cleanupsById.computeIfAbsent(ctx.id(), k -> new AtomicInteger()).incrementAndGet();
    journal.add(new Journal.Cleanup(altitude, type, ctx.payload(Tag.class).label, ctx.id()));
  }

  static String camel(IrpMajorFunction m) {
    StringBuilder sb = new StringBuilder();
    for (String part : m.name().split("_")) {
      sb.append(part.charAt(0)).append(part.substring(1).toLowerCase(java.util.Locale.ROOT));
    }
    return sb.toString();
  }

  // ---- Accessors ------------------------------------------------------------------------------

  String altitude() {
    return altitude;
  }

  FltFilter filter() {
    return filter;
  }

  /** The filter's instance on a volume. */
  FltInstance instance(FltVolume volume) {
    for (FltInstance i : filter.instances()) {
      if (i.volume() == volume) {
        return i;
      }
    }
    throw new AssertionError(filter.name() + " has no instance on " + volume);
  }

  List<Teardown> teardowns() {
    synchronized (teardowns) {
      return List.copyOf(teardowns);
    }
  }

  /** How many times each context's cleanup ran, by context id. */
  Map<String, Integer> cleanupCounts() {
    Map<String, Integer> out = new java.util.TreeMap<>();
    cleanupsById.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  // ---- Context helpers (through the DDI facade, as a ported C filter would) --------------------

  /**
   * Allocates a context of {@code type} labelled {@code label}, sets it on the object {@code
   * objs} names (KEEP_IF_EXISTS, or REPLACE_IF_EXISTS when {@code replace}), releases the
   * allocation reference and any old context handed back, and returns the set's status.
   */
  NtStatus attach(FltContextType type, FltRelatedObjects objs, String label, boolean replace) {
    Out<FltContext> c = new Out<>();
    PoolType pool = type == FltContextType.VOLUME ? PoolType.NON_PAGED_POOL : PoolType.PAGED_POOL;
    NtStatus st = Flt.allocateContext(filter, type.code(), 16, pool, c);
    if (!st.isSuccess()) {
      return st;
    }
    FltContext ctx = java.util.Objects.requireNonNull(c.get());
    ctx.payload(Tag.class).label = label;
    int op = (replace ? SetContextOperation.REPLACE_IF_EXISTS : SetContextOperation.KEEP_IF_EXISTS).code();
    Out<FltContext> old = new Out<>();
    FltInstance i = java.util.Objects.requireNonNull(objs.instance());
    FileObject fo = objs.fileObject();
    st =
        switch (type) {
          case VOLUME -> Flt.setVolumeContext(java.util.Objects.requireNonNull(objs.volume()), op, ctx, old);
          case INSTANCE -> Flt.setInstanceContext(i, op, ctx, old);
          case FILE -> Flt.setFileContext(i, fo, op, ctx, old);
          case STREAM -> Flt.setStreamContext(i, fo, op, ctx, old);
          case STREAMHANDLE -> Flt.setStreamHandleContext(i, fo, op, ctx, old);
          default -> throw new IllegalArgumentException(type.toString());
        };
    FltContext previous = old.get();
    if (previous != null) {
      Flt.releaseContext(previous);
    }
    Flt.releaseContext(ctx);
    return st;
  }

  /** {@link #attach} with KEEP_IF_EXISTS. */
  NtStatus attach(FltContextType type, FltRelatedObjects objs, String label) {
    return attach(type, objs, label, false);
  }

  /**
   * Gets the context of {@code type} on the object {@code objs} names, puts its label in {@code
   * label} (or null), releases it, and returns the get's status.
   */
  NtStatus get(FltContextType type, FltRelatedObjects objs, @Nullable Out<String> label) {
    Out<FltContext> c = new Out<>();
    FltInstance i = java.util.Objects.requireNonNull(objs.instance());
    FileObject fo = objs.fileObject();
    NtStatus st =
        switch (type) {
          case VOLUME -> Flt.getVolumeContext(filter, java.util.Objects.requireNonNull(objs.volume()), c);
          case INSTANCE -> Flt.getInstanceContext(i, c);
          case FILE -> Flt.getFileContext(i, fo, c);
          case STREAM -> Flt.getStreamContext(i, fo, c);
          case STREAMHANDLE -> Flt.getStreamHandleContext(i, fo, c);
          default -> throw new IllegalArgumentException(type.toString());
        };
    FltContext got = c.get();
    if (label != null) {
      label.set(got == null ? null : got.payload(Tag.class).label);
    }
    if (got != null) {
      Flt.releaseContext(got);
    }
    return st;
  }

  @Override
  public String toString() {
    return "TestMinifilter(" + altitude + ")";
  }
}
