package io.fsctx.examples.walkthrough;

import io.fsctx.fltmgr.ContextEvent;
import io.fsctx.fltmgr.ContextEventListener;
import io.fsctx.fltmgr.DriverObject;
import io.fsctx.fltmgr.FilterManager;
import io.fsctx.fltmgr.Flt;
import io.fsctx.fltmgr.FltCallbackData;
import io.fsctx.fltmgr.FltContext;
import io.fsctx.fltmgr.FltContextRegistration;
import io.fsctx.fltmgr.FltContextType;
import io.fsctx.fltmgr.FltFilter;
import io.fsctx.fltmgr.FltOperationRegistration;
import io.fsctx.fltmgr.FltPostopCallbackStatus;
import io.fsctx.fltmgr.FltPreopCallbackStatus;
import io.fsctx.fltmgr.FltRegistration;
import io.fsctx.fltmgr.FltRelatedObjects;
import io.fsctx.nt.PoolType;
import io.fsctx.fltmgr.UnloadReport;
import io.fsctx.io.CreateParameters;
import io.fsctx.io.CreateResult;
import io.fsctx.io.FileObject;
import io.fsctx.io.FileSystemDriver;
import io.fsctx.io.IoManager;
import io.fsctx.io.IrpMajorFunction;
import io.fsctx.io.Volume;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The reference-count walkthrough: a minimal filter that does exactly what the Windows
 * documentation's "Referencing Contexts" example does with one stream context, and a runner that
 * drives one file through create, read, cleanup and close and turns the Filter Manager's {@link
 * ContextEvent}s into one row per step.
 *
 * <p>The filter allocates the stream context in pre-create and passes it to post-create as the
 * completion context (contexts cannot be set on an unopened file object); post-create sets it
 * (KEEP) and releases its own reference, leaving the stream's; pre-read and pre-cleanup get and
 * release it; the file system tears the stream down at close and the cleanup callback runs. On a
 * file system that cannot hold stream contexts the set fails with {@code STATUS_NOT_SUPPORTED},
 * the count stays 1, and post-create's release frees the context.
 *
 * <p>Thread safety: each {@link #run} builds its own managers; confined to the calling thread.
 */
public final class RefCountWalkthrough {
  /** The walkthrough filter's service name. */
  public static final String FILTER_NAME = "RefCountWalkthrough";
  /** Its altitude (an arbitrary activity-monitor altitude). */
  public static final String ALTITUDE = "370100";
  /** The pool tag of its stream context, shown as {@code WkSc}. */
  public static final int TAG = FltContextRegistration.tag("WkSc");
  /** The size of its stream context payload. */
  public static final int SIZE = 8;
  /** The callback column of the cleanup row. */
  public static final String CLEANUP_CALLBACK = "ContextCleanup";

  private static final Set<ContextEvent.Kind> SHOWN = EnumSet.of(
      ContextEvent.Kind.ALLOCATE, ContextEvent.Kind.SET, ContextEvent.Kind.SET_FAILED, ContextEvent.Kind.GET,
      ContextEvent.Kind.REFERENCE, ContextEvent.Kind.OLD_CONTEXT_RETURNED, ContextEvent.Kind.RELEASE,
      ContextEvent.Kind.CLEANUP);

  private RefCountWalkthrough() {}

  /**
   * One step of the walkthrough.
   *
   * <p>Thread safety: immutable.
   *
   * @param callback the filter callback it happened in, or {@link #CLEANUP_CALLBACK} for the
   *     cleanup callback
   * @param routine the Flt routine the filter called, or {@code -} for the cleanup row
   * @param referenceCount the count after the step
   * @param status the routine's status when it failed, else null
   * @param note what triggered a cleanup (the routine that dropped the last reference)
   */
  public record Row(String callback, String routine, int referenceCount, @Nullable NtStatus status, String note) {
    /** The row as printed: callback, routine, count, then the failure status or note if any. */
    public String format() {
      String tail = status != null ? "  " + status : note.isEmpty() ? "" : "  (" + note + ")";
      return String.format("%-15s %-20s %d%s", callback, routine, referenceCount, tail).stripTrailing();
    }
  }

  /**
   * The result of a walkthrough.
   *
   * @param rows the steps, in order
   * @param unloadReport what unload found still referenced
   */
  public record Result(List<Row> rows, UnloadReport unloadReport) {
    /** Copies the rows. */
    public Result {
      rows = List.copyOf(rows);
    }
  }

  /**
   * Runs create, read, cleanup and close of one new file on a volume of {@code fileSystem} with
   * the walkthrough filter attached, then unloads the filter.
   *
   * @param fileSystem an unmounted file system (an immediate close policy tears the stream down
   *     inside the close)
   * @return the rows and the unload report
   */
  public static Result run(FileSystemDriver fileSystem) {
    return run(fileSystem, e -> {});
  }

  /**
   * Runs the walkthrough with one more listener on its Filter Manager (a report recorder, say).
   *
   * @param fileSystem an unmounted file system
   * @param observer receives every context event of the run, in the thread that caused it
   * @return the rows and the unload report
   */
  public static Result run(FileSystemDriver fileSystem, ContextEventListener observer) {
    IoManager io = new IoManager();
    FilterManager mgr = new FilterManager();
    List<ContextEvent> events = Collections.synchronizedList(new ArrayList<>());
    mgr.addListener(events::add);
    mgr.addListener(observer);
    Volume vol = io.mount("\\Device\\HarddiskVolume1", 'C', fileSystem);
    mgr.followMounts(io);
    Out<FltFilter> filter = new Out<>();
    NtStatus st = Flt.registerFilter(mgr, DriverObject.of(FILTER_NAME, ALTITUDE), registration(), filter);
    if (!st.isSuccess()) {
      throw new IllegalStateException("FltRegisterFilter failed: " + st);
    }
    FltFilter f = Objects.requireNonNull(filter.get());
    st = Flt.startFiltering(f);
    if (!st.isSuccess()) {
      throw new IllegalStateException("FltStartFiltering failed: " + st);
    }
    CreateResult r = io.createFile(vol, "\\walkthrough.txt", CreateParameters.create());
    FileObject fo = r.fileObject();
    if (fo == null) {
      throw new IllegalStateException("create failed: " + r.status());
    }
    io.read(fo, 0, 512);
    io.closeHandle(fo);
    UnloadReport report = f.unregister();
    io.dismount(vol);
    return new Result(rows(List.copyOf(events)), report);
  }

  /**
   * Turns the walkthrough filter's events into rows: every reference-count step the filter made,
   * and the cleanup callback (count 0); when the filter's own release dropped the last reference,
   * that release gets its row (count 0) before the cleanup row. Detaching (the link reference going with its object) and
   * the free after cleanup are folded into the cleanup row, as the documentation's table does.
   *
   * @param events the run's events
   */
  public static List<Row> rows(List<ContextEvent> events) {
    List<Row> rows = new ArrayList<>();
    for (ContextEvent e : events) {
      if (!e.filterName().equals(FILTER_NAME) || !SHOWN.contains(e.kind())) {
        continue;
      }
      if (e.kind() == ContextEvent.Kind.CLEANUP) {
        if (e.callback() != null && e.routine().startsWith("Flt")) {
          // The filter's own call dropped the last reference: show that step, then the cleanup.
          rows.add(new Row(String.valueOf(e.callback()), e.routine(), 0, null, ""));
        }
        String where = e.callback() == null ? "" : " in " + e.callback();
        rows.add(new Row(CLEANUP_CALLBACK, "-", 0, null, "last reference dropped by " + e.routine() + where));
      } else {
        NtStatus s = e.status();
        rows.add(new Row(String.valueOf(e.callback()), e.routine(), e.referenceCount(),
            s != null && !s.isSuccess() ? s : null, ""));
      }
    }
    return rows;
  }

  /**
   * Registers the walkthrough filter with {@code manager} and starts filtering, so it attaches to
   * every volume the manager has or gets (used by {@code fsctx replay --filter walkthrough}).
   *
   * @param manager the Filter Manager
   * @return the filter, to unregister later
   * @throws IllegalStateException when registration or start fails
   */
  public static FltFilter register(FilterManager manager) {
    Out<FltFilter> filter = new Out<>();
    NtStatus st = Flt.registerFilter(manager, DriverObject.of(FILTER_NAME, ALTITUDE), registration(), filter);
    if (!st.isSuccess()) {
      throw new IllegalStateException("FltRegisterFilter failed: " + st);
    }
    FltFilter f = Objects.requireNonNull(filter.get());
    st = Flt.startFiltering(f);
    if (!st.isSuccess()) {
      f.unregister();
      throw new IllegalStateException("FltStartFiltering failed: " + st);
    }
    return f;
  }

  private static FltRegistration registration() {
    return FltRegistration.builder()
        .contextRegistration(
            FltContextRegistration.of(FltContextType.STREAM, 0, (c, t) -> { }, SIZE, TAG, null),
            FltContextRegistration.END)
        .operationRegistration(
            new FltOperationRegistration(IrpMajorFunction.CREATE.code(), 0,
                RefCountWalkthrough::preCreate, RefCountWalkthrough::postCreate),
            new FltOperationRegistration(IrpMajorFunction.READ.code(), 0, RefCountWalkthrough::getAndRelease, null),
            new FltOperationRegistration(IrpMajorFunction.CLEANUP.code(), 0, RefCountWalkthrough::getAndRelease, null))
        .build();
  }

  /** PreCreate: allocate (count 1) and hand our reference to post-create. */
  private static FltPreopCallbackStatus preCreate(FltCallbackData data, FltRelatedObjects objs, Out<Object> cc) {
    Out<FltContext> c = new Out<>();
    if (!Flt.allocateContext(objs.filter(), FltContextType.STREAM.code(), SIZE, PoolType.PAGED_POOL, c).isSuccess()) {
      return FltPreopCallbackStatus.SUCCESS_NO_CALLBACK;
    }
    cc.set(c.get());
    return FltPreopCallbackStatus.SUCCESS_WITH_CALLBACK;
  }

  /** PostCreate: set (count 2 on success), then give our reference back. */
  private static FltPostopCallbackStatus postCreate(
      FltCallbackData data, FltRelatedObjects objs, @Nullable Object cc, int flags) {
    FltContext c = (FltContext) Objects.requireNonNull(cc);
    if (data.ioStatus().isSuccess() && !data.ioStatus().equals(NtStatus.STATUS_REPARSE)) {
      Flt.setStreamContext(Objects.requireNonNull(objs.instance()), objs.fileObject(), 1, c, null);
    }
    // On success the stream now owns the remaining reference; on failure this frees the context.
    Flt.releaseContext(c);
    return FltPostopCallbackStatus.FINISHED_PROCESSING;
  }

  /** PreRead and PreCleanup: get (count + 1) and release (count - 1). */
  private static FltPreopCallbackStatus getAndRelease(FltCallbackData data, FltRelatedObjects objs, Out<Object> cc) {
    Out<FltContext> c = new Out<>();
    if (Flt.getStreamContext(Objects.requireNonNull(objs.instance()), objs.fileObject(), c).isSuccess()) {
      Flt.releaseContext(Objects.requireNonNull(c.get()));
    }
    return FltPreopCallbackStatus.SUCCESS_NO_CALLBACK;
  }
}
