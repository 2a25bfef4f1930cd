package io.fsctx.tools.report;

import com.google.common.base.Preconditions;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.fsctx.fltmgr.ContextEvent;
import io.fsctx.fltmgr.ContextEventListener;
import io.fsctx.fltmgr.FltContextType;
import io.fsctx.fsrtl.AdvancedFcbHeader;
import io.fsctx.fsrtl.CommonFcbHeader;
import io.fsctx.fsrtl.PerFileContextSlot;
import io.fsctx.io.FileObject;
import io.fsctx.io.Irp;
import io.fsctx.io.Volume;
import io.fsctx.io.VolumeRequest;
import io.fsctx.nt.KeThread;
import io.fsctx.nt.NtStatus;
import io.fsctx.tools.replay.ProgressListener;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Records every context event a Filter Manager publishes ({@link ContextEvent}) for an HTML
 * report: each context's type, filter, the object it was attached to and the file it belongs to,
 * and each step of its life with the routine, the callback and the reference count after it.
 * Register it with {@code FilterManager.addListener} (or a workload's observer parameter) before
 * the first context is allocated.
 *
 * <h2>Where a context lives</h2>
 * The events name the context, not its object, so the recorder looks at the request the
 * publishing thread is serving ({@link KeThread#currentRequest()}): when a context of a file (file,
 * stream, stream-handle, section) is allocated or set during an IRP, the IRP's file object gives
 * the file name (drive letter and path) and its FCB header (the {@code header} of the report); a
 * set also gives the object it attaches to: the file object for a stream-handle context, the
 * stream's header for a stream context, the per-file slot (or the header, when the file system has
 * none) for a file context, the instance for an instance context, the volume for a volume context.
 * A context set outside any request keeps what its allocation saw. A filter that sets a context on another file object than the request's would be shown
 * with the request's file; none of the bundled filters does.
 *
 * <h2>Positions</h2>
 * Each event gets a position on the report's time axis: its ordinal (1, 2, ...) for {@link
 * Axis#EVENT}, or for {@link Axis#TRACE_ROW} the counted trace row being replayed when it happened
 * (1-based, as {@link #trackRows} learns them from the replay's progress; events after the last
 * row, such as the final closes and the unload, get the number of rows plus one).
 *
 * <h2>Memory</h2>
 * Events are kept in parallel {@code int} arrays (16 bytes an event) and strings are interned,
 * so a replay of a million rows fits in a modest heap.
 *
 * <p>Thread safety: safe for concurrent use (the Filter Manager may publish from any thread);
 * {@link #onEvent} takes the recorder's lock, and never calls out while holding it.
 */
public final class ContextRecorder implements ContextEventListener {

  /** What a position on the report's time axis counts. */
  public enum Axis {
    /** The event's ordinal in the run, from 1. */
    EVENT,
    /** The counted trace row being replayed, from 1 (see {@link #trackRows}). */
    TRACE_ROW
  }

  /** No string: the index written where a context has no file, object or header. */
  static final int NONE = -1;


  private final Axis axis;

  @GuardedBy("this")
  private final Map<String, Integer> stringIndex = new HashMap<>();

  @GuardedBy("this")
  private final List<String> strings = new ArrayList<>();

  @GuardedBy("this")
  private final Map<Step, Integer> stepIndex = new HashMap<>();

  @GuardedBy("this")
  private final List<Step> steps = new ArrayList<>();

  @GuardedBy("this")
  private final Map<String, Integer> contextIndex = new HashMap<>();

  @GuardedBy("this")
  private final List<String> contextIds = new ArrayList<>();

  // Per context, by index.
  @GuardedBy("this")
  private final IntArray ctxType = new IntArray();

  @GuardedBy("this")
  private final IntArray ctxFilter = new IntArray();

  @GuardedBy("this")
  private final IntArray ctxFile = new IntArray();

  @GuardedBy("this")
  private final IntArray ctxObject = new IntArray();

  @GuardedBy("this")
  private final IntArray ctxHeader = new IntArray();

  @GuardedBy("this")
  private final IntArray ctxFreedAt = new IntArray();

  @GuardedBy("this")
  private final IntArray ctxPeak = new IntArray();

  // Per event, in publication order.
  @GuardedBy("this")
  private final IntArray evContext = new IntArray();

  @GuardedBy("this")
  private final IntArray evStep = new IntArray();

  @GuardedBy("this")
  private final IntArray evCount = new IntArray();

  @GuardedBy("this")
  private final IntArray evPosition = new IntArray();

  /** For {@link Axis#TRACE_ROW}: counted rows judged so far. */
  private volatile long rowsDone;

  /**
   * Creates a recorder.
   *
   * @param axis what positions count
   */
  public ContextRecorder(Axis axis) {
    this.axis = Preconditions.checkNotNull(axis, "axis");
  }

  /** A recorder whose positions are event ordinals. */
  public ContextRecorder() {
    this(Axis.EVENT);
  }

  /** What positions count. */
  public Axis axis() {
    return axis;
  }

  /**
   * A progress listener for a replay that also tells this recorder which row is being replayed,
   * then passes every call on to {@code delegate} (the terminal's progress bar, say).
   *
   * @param delegate told everything as well
   * @return the listener to hand to the replay engine
   * @throws IllegalStateException when this recorder does not count trace rows
   */
  public ProgressListener trackRows(ProgressListener delegate) {
    Preconditions.checkState(axis == Axis.TRACE_ROW, "this recorder counts %s, not trace rows", axis);
    Preconditions.checkNotNull(delegate, "delegate");
    return new ProgressListener() {
      @Override
      public void started(long totalRows) {
        delegate.started(totalRows);
      }

      @Override
      public void advanced(long doneRows) {
        rowsDone = doneRows;
        delegate.advanced(doneRows);
      }

      @Override
      public void finished() {
        delegate.finished();
      }
    };
  }

  /** The counted rows judged so far (a replay's progress), 0 when not a replay. */
  long rowsDone() {
    return rowsDone;
  }

  @Override
  public void onEvent(ContextEvent event) {
    synchronized (this) {
      record(event);
    }
  }

  @GuardedBy("this")
  private void record(ContextEvent e) {
    Integer known = contextIndex.get(e.contextId());
    int ctx;
    if (known == null) {
      ctx = contextIds.size();
      contextIndex.put(e.contextId(), ctx);
      contextIds.add(e.contextId());
      ctxType.add(e.contextType().ordinal());
      ctxFilter.add(intern(e.filterName()));
      ctxFile.add(NONE);
      ctxObject.add(NONE);
      ctxHeader.add(NONE);
      ctxFreedAt.add(NONE);
      ctxPeak.add(0);
    } else {
      ctx = known;
    }
    boolean set = e.kind() == ContextEvent.Kind.SET;
    if (set || (ctxFile.get(ctx) == NONE && onFile(e.contextType()))) {
      locate(ctx, e, set);
    }
    int position =
        axis == Axis.EVENT
            ? evContext.size() + 1
            : (int) Math.min(Integer.MAX_VALUE, rowsDone + 1);
    evContext.add(ctx);
    NtStatus status = e.status();
    evStep.add(step(new Step(e.kind(), e.routine(), e.callback(), status == null ? null : status.toString())));
    evCount.add(e.referenceCount());
    evPosition.add(position);
    if (e.referenceCount() > ctxPeak.get(ctx)) {
      ctxPeak.set(ctx, e.referenceCount());
    }
    if (e.kind() == ContextEvent.Kind.FREE) {
      ctxFreedAt.set(ctx, position);
    }
  }

  /**
   * Fills in the file and header (for contexts of a file) and, for a set, the object from the request the current thread is
   * serving. Called from the publishing thread, so the thread's request is the one that caused
   * the event.
   */
  @GuardedBy("this")
  private void locate(int ctx, ContextEvent e, boolean set) {
    Object request = KeThread.currentRequest();
    FileObject fo = request instanceof Irp irp ? irp.fileObject() : null;
    Volume volume =
        fo != null ? fo.volume() : request instanceof VolumeRequest v ? v.volume() : null;
    if (fo != null && onFile(e.contextType())) {
      String name = fo.fileName();
      ctxFile.set(ctx, intern(volume == null ? name : volume.dosName() + name));
      CommonFcbHeader h = fo.fsContext();
      if (h != null) {
        ctxHeader.set(ctx, intern(h.id()));
      }
    }
    if (!set) {
      return;
    }
    String object = objectOf(e, fo, volume);
    if (object != null) {
      ctxObject.set(ctx, intern(object));
    }
  }

  /**
   * Whether contexts of this type belong to one file (a volume's or an instance's do not, even
   * when the request that allocated them was opening one).
   */
  private static boolean onFile(FltContextType type) {
    return switch (type) {
      case FILE, STREAM, STREAMHANDLE, SECTION -> true;
      case VOLUME, INSTANCE, TRANSACTION -> false;
    };
  }

  /** What a context of the event's type attaches to, as far as the request tells. */
  private static @Nullable String objectOf(ContextEvent e, @Nullable FileObject fo, @Nullable Volume volume) {
    CommonFcbHeader h = fo == null ? null : fo.fsContext();
    return switch (e.contextType()) {
      case INSTANCE -> e.instanceId();
      case VOLUME -> volume == null ? null : volume.id() + " " + volume.dosName();
      case STREAMHANDLE, SECTION -> fo == null ? null : fo.id();
      case STREAM -> h != null ? h.id() : fo == null ? null : "stream of " + fo.id();
      case FILE -> {
        PerFileContextSlot slot = h instanceof AdvancedFcbHeader a ? a.fileContextSupportPointer() : null;
        yield slot != null ? slot.id() : h != null ? h.id() : fo == null ? null : "file of " + fo.id();
      }
      case TRANSACTION -> null;
    };
  }

  @GuardedBy("this")
  private int intern(String s) {
    Integer i = stringIndex.get(s);
    if (i != null) {
      return i;
    }
    int n = strings.size();
    strings.add(s);
    stringIndex.put(s, n);
    return n;
  }

  @GuardedBy("this")
  private int step(Step s) {
    Integer i = stepIndex.get(s);
    if (i != null) {
      return i;
    }
    int n = steps.size();
    steps.add(s);
    stepIndex.put(s, n);
    return n;
  }

  /** How many contexts were seen. */
  public synchronized int contextCount() {
    return contextIds.size();
  }

  /** How many events were recorded. */
  public synchronized int eventCount() {
    return evContext.size();
  }

  /** How many contexts were seen allocated (or used) and never freed: the leaked ones, once the run is over. */
  public synchronized int unfreedCount() {
    int n = 0;
    for (int i = 0; i < contextIds.size(); i++) {
      if (ctxFreedAt.get(i) == NONE) {
        n++;
      }
    }
    return n;
  }

  /** A copy of everything recorded, for the report's writer. */
  synchronized Snapshot snapshot() {
    int n = contextIds.size();
    int m = evContext.size();
    return new Snapshot(
        axis,
        List.copyOf(strings),
        List.copyOf(steps),
        List.copyOf(contextIds),
        copy(ctxType, n),
        copy(ctxFilter, n),
        copy(ctxFile, n),
        copy(ctxObject, n),
        copy(ctxHeader, n),
        copy(ctxFreedAt, n),
        copy(ctxPeak, n),
        copy(evContext, m),
        copy(evStep, m),
        copy(evCount, m),
        copy(evPosition, m));
  }

  private static int[] copy(IntArray a, int n) {
    return a.toArray(n);
  }

  /**
   * One kind of step: what happened, through which routine, in which callback, with which status.
   * A run has a few dozen of them, so each event stores the step's index.
   *
   * @param kind what happened
   * @param routine the routine
   * @param callback the filter callback, or null
   * @param status the status text, or null
   */
  record Step(ContextEvent.Kind kind, String routine, @Nullable String callback, @Nullable String status) {}

  /**
   * What the recorder held at one moment, as arrays; strings are referred to by index ({@link
   * #NONE} for none).
   *
   * <p>Thread safety: effectively immutable (the arrays are copies nobody else holds).
   */
  @SuppressWarnings("ArrayRecordComponent") // copies owned by the snapshot; compared by nobody
  record Snapshot(
      Axis axis,
      List<String> strings,
      List<Step> steps,
      List<String> contextIds,
      int[] type,
      int[] filter,
      int[] file,
      int[] object,
      int[] header,
      int[] freedAt,
      int[] peak,
      int[] eventContext,
      int[] eventStep,
      int[] eventCount,
      int[] eventPosition) {

    int contexts() {
      return contextIds.size();
    }

    int events() {
      return eventContext.length;
    }

    ContextEvent.Kind kind(int event) {
      return steps.get(eventStep[event]).kind();
    }

    /** Index of each context's events, grouped by context in publication order (a counting sort). */
    int[] eventsByContext(int[] start) {
      int n = contexts();
      Arrays.fill(start, 0);
      for (int c : eventContext) {
        start[c + 1]++;
      }
      for (int i = 0; i < n; i++) {
        start[i + 1] += start[i];
      }
      int[] next = Arrays.copyOf(start, n);
      int[] order = new int[events()];
      for (int e = 0; e < order.length; e++) {
        order[next[eventContext[e]]++] = e;
      }
      return order;
    }
  }
}
