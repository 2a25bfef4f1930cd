package io.fsctx.tools.checkfs;

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
import io.fsctx.fltmgr.FltRegistration;
import io.fsctx.fltmgr.FltRelatedObjects;
import io.fsctx.nt.PoolType;
import io.fsctx.fsrtl.AdvancedFcbHeader;
import io.fsctx.fsrtl.CommonFcbHeader;
import io.fsctx.fsrtl.PerFileContextSlot;
import io.fsctx.io.FileObject;
import io.fsctx.io.IrpMajorFunction;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The probing minifilter of {@code check-fs}: it registers every attachable context type and a
 * post-create callback that snapshots the FCB header of each opened file object and tries to set
 * and get a stream, a stream-handle and a file context on it. It keeps no reference: each
 * allocation reference and each reference a set or get returns is released before the callback
 * returns, so only the file system's objects hold the contexts.
 *
 * <p>Thread safety: safe for concurrent creates (the workload's race phase opens from several
 * threads): what post-create records goes into synchronized maps; the workload labels each
 * {@link Opened} only after the thread that opened it has been joined.
 */
final class Probe {
  /** {@code FLT_SET_CONTEXT_KEEP_IF_EXISTS}. */
  private static final int KEEP_IF_EXISTS = 1;
  private static final long CONTEXT_SIZE = 16;

  /** What the probe saw when one create succeeded. */
  static final class Opened {
    final FileObject fileObject;
    final CommonFcbHeader header;
    final boolean advanced;
    final boolean setUp;
    final int flags;
    final int flags2;
    final int version;
    final @Nullable PerFileContextSlot slot;
    final boolean supportsStream;
    final boolean supportsStreamHandle;
    final boolean supportsFile;
    final boolean supportsFileEx;
    final Attempt stream;
    final Attempt streamHandle;
    final Attempt file;
    /** Set by the workload once the create returns: what was opened, such as {@code file \dir\a.txt}. */
    volatile String label = "?";
    /** Set by the workload: the open class. */
    volatile Kind kind = Kind.OTHER;
    /**
     * Set by the workload: which file this open is of ({@code \dir\a.txt} for its default
     * stream, a named stream, a hard link and the name it was renamed to alike), so file contexts
     * can be compared within one file and across files.
     */
    volatile String fileKey = "?";

    Opened(FileObject fo, CommonFcbHeader h, FltInstance instance, Attempt stream, Attempt handle, Attempt file) {
      this.fileObject = fo;
      this.header = h;
      this.advanced = h instanceof AdvancedFcbHeader;
      this.setUp = h instanceof AdvancedFcbHeader a && a.isSetUp();
      this.flags = h.flags();
      this.flags2 = h.flags2();
      this.version = h.version();
      this.slot = h instanceof AdvancedFcbHeader a && a.version() >= 1 ? a.fileContextSupportPointer() : null;
      this.supportsStream = Flt.supportsStreamContexts(fo);
      this.supportsStreamHandle = Flt.supportsStreamHandleContexts(fo);
      this.supportsFile = Flt.supportsFileContexts(fo);
      this.supportsFileEx = Flt.supportsFileContextsEx(fo, instance);
      this.stream = stream;
      this.streamHandle = handle;
      this.file = file;
    }

    /** {@code Scb#3 (file \dir\a.txt)}. */
    String describe() {
      return header.id() + " (" + label + ")";
    }
  }

  /** The open classes the workload produces. */
  enum Kind {
    FILE("file"),
    DIRECTORY("directory"),
    NAMED_STREAM("named stream"),
    HARD_LINK("hard link"),
    VOLUME("volume open"),
    PAGING_FILE("paging file"),
    OTHER("other");

    final String text;

    Kind(String text) {
      this.text = text;
    }
  }

  /**
   * One set-then-get try of a context type.
   *
   * @param setStatus what {@code FltSet*Context} returned ({@code ALREADY_DEFINED} when the
   *     object already had one); the allocation's failure status when allocation failed
   * @param getStatus what {@code FltGet*Context} returned
   * @param contextId the context the get returned, or null
   */
  record Attempt(NtStatus setStatus, NtStatus getStatus, @Nullable String contextId) {
    boolean worked() {
      return (setStatus.isSuccess() || setStatus.equals(NtStatus.STATUS_FLT_CONTEXT_ALREADY_DEFINED))
          && getStatus.isSuccess()
          && contextId != null;
    }
  }

  @FunctionalInterface
  private interface Setter {
    NtStatus set(FltInstance instance, FileObject fo, int operation, FltContext context, Out<FltContext> old);
  }

  @FunctionalInterface
  private interface Getter {
    NtStatus get(FltInstance instance, FileObject fo, Out<FltContext> context);
  }

  private final Map<FileObject, Opened> opened = Collections.synchronizedMap(new LinkedHashMap<>());
  private final FltFilter filter;
  private volatile @Nullable FltInstance instance;

  Probe(FilterManager manager) {
    List<FltContextRegistration> contexts = new ArrayList<>();
    for (FltContextType t : List.of(
        FltContextType.VOLUME,
        FltContextType.INSTANCE,
        FltContextType.FILE,
        FltContextType.STREAM,
        FltContextType.STREAMHANDLE,
        FltContextType.TRANSACTION)) {
      contexts.add(FltContextRegistration.of(t, 0, null, CONTEXT_SIZE, FltContextRegistration.tag("ChkF"), null));
    }
    contexts.add(FltContextRegistration.END);
    FltRegistration registration =
        FltRegistration.builder()
            .contextRegistration(contexts)
            .operationRegistration(
                new FltOperationRegistration(IrpMajorFunction.CREATE.code(), 0, null, this::postCreate))
            .build();
    Out<FltFilter> f = new Out<>();
    NtStatus st = Flt.registerFilter(manager, DriverObject.of("CheckFsProbe", "385100"), registration, f);
    FltFilter registered = f.get();
    if (!st.isSuccess() || registered == null) {
      throw new IllegalStateException("the check-fs probe could not register: " + st);
    }
    NtStatus started = Flt.startFiltering(registered);
    if (!started.isSuccess()) {
      throw new IllegalStateException("the check-fs probe could not start filtering: " + started);
    }
    this.filter = registered;
  }

  FltFilter filter() {
    return filter;
  }

  /** The probe's instance on the checked volume, once a create has passed through it. */
  @Nullable FltInstance instance() {
    return instance;
  }

  /** What post-create saw for a file object, or null when no successful create passed the probe. */
  @Nullable Opened opened(FileObject fo) {
    return opened.get(fo);
  }

  /** Every successful create seen, in order. */
  List<Opened> allOpened() {
    synchronized (opened) {
      return List.copyOf(opened.values());
    }
  }

  private FltPostopCallbackStatus postCreate(
      FltCallbackData data, FltRelatedObjects objects, @Nullable Object completionContext, int flags) {
    FileObject fo = objects.fileObject();
    FltInstance inst = objects.instance();
    NtStatus status = data.ioStatus();
    if (fo == null || inst == null || !status.isSuccess() || status.equals(NtStatus.STATUS_REPARSE)) {
      return FltPostopCallbackStatus.FINISHED_PROCESSING;
    }
    CommonFcbHeader h = fo.fsContext();
    if (h == null) {
      return FltPostopCallbackStatus.FINISHED_PROCESSING;
    }
    instance = inst;
    Attempt stream = attempt(inst, fo, FltContextType.STREAM, Flt::setStreamContext, Flt::getStreamContext);
    Attempt handle =
        attempt(inst, fo, FltContextType.STREAMHANDLE, Flt::setStreamHandleContext, Flt::getStreamHandleContext);
    Attempt file = attempt(inst, fo, FltContextType.FILE, Flt::setFileContext, Flt::getFileContext);
    opened.put(fo, new Opened(fo, h, inst, stream, handle, file));
    return FltPostopCallbackStatus.FINISHED_PROCESSING;
  }

  private Attempt attempt(
      FltInstance inst, FileObject fo, FltContextType type, Setter setter, Getter getter) {
    Out<FltContext> allocated = new Out<>();
    NtStatus a = Flt.allocateContext(filter, type.code(), CONTEXT_SIZE, PoolType.PAGED_POOL, allocated);
    FltContext mine = allocated.get();
    if (!a.isSuccess() || mine == null) {
      return new Attempt(a, a, null);
    }
    Out<FltContext> existing = new Out<>();
    NtStatus set;
    try {
      set = setter.set(inst, fo, KEEP_IF_EXISTS, mine, existing);
    } finally {
      Flt.releaseContext(mine);
    }
    FltContext old = existing.get();
    if (old != null) {
      Flt.releaseContext(old);
    }
    Out<FltContext> got = new Out<>();
    NtStatus get = getter.get(inst, fo, got);
    FltContext g = got.get();
    String id = null;
    if (g != null) {
      id = g.id();
      Flt.releaseContext(g);
    }
    return new Attempt(set, get, id);
  }
}
