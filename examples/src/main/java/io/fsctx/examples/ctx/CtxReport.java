package io.fsctx.examples.ctx;

import io.fsctx.fltmgr.ContextEvent;
import io.fsctx.fltmgr.FltContextType;
import io.fsctx.fltmgr.UnloadReport;
import io.fsctx.nt.NtStatus;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What a CTX run left behind, derived from observable output only: allocations and frees per
 * context type from the Filter Manager's {@link ContextEvent}s, each stream context's counters
 * from CTX's own cleanup log lines, the statuses of CTX's ERROR lines, CTX's pool counters, and
 * {@code FltUnregisterFilter}'s report.
 *
 * <p>Thread safety: immutable.
 *
 * @param fileSystem the model file system's name
 * @param allocated {@code FltAllocateContext} successes per type
 * @param freed frees per type
 * @param streams one entry per stream-context cleanup line, in log order
 * @param errorStatuses how many ERROR lines carried each status
 * @param poolOutstanding CTX's pool allocations not freed, per tag
 * @param unloadReport what unload found still referenced, or null if CTX was not unloaded
 * @param liveAfterUnload contexts of CTX still alive after unload (from the verifier)
 */
public record CtxReport(
    String fileSystem,
    Map<FltContextType, Integer> allocated,
    Map<FltContextType, Integer> freed,
    List<StreamCounters> streams,
    Map<String, Integer> errorStatuses,
    Map<String, Integer> poolOutstanding,
    @Nullable UnloadReport unloadReport,
    int liveAfterUnload) {

  /** The four types CTX uses, in report order. */
  public static final List<FltContextType> CTX_TYPES =
      List.of(FltContextType.INSTANCE, FltContextType.FILE, FltContextType.STREAM, FltContextType.STREAMHANDLE);

  /** Copies the collections. */
  public CtxReport {
    allocated = Map.copyOf(allocated);
    freed = Map.copyOf(freed);
    streams = List.copyOf(streams);
    errorStatuses = Map.copyOf(errorStatuses);
    poolOutstanding = Map.copyOf(poolOutstanding);
  }

  /**
   * A stream context's counters as its cleanup line reported them.
   *
   * @param fileName the stream's last name
   * @param contextId the context
   * @param createCount {@code CreateCount}
   * @param cleanupCount {@code CleanupCount}
   * @param closeCount {@code CloseCount}
   */
  public record StreamCounters(String fileName, String contextId, long createCount, long cleanupCount, long closeCount) {}

  /**
   * Builds the report.
   *
   * @param fileSystem the file system's name
   * @param filterName the filter whose events count ({@link Ctx#SERVICE_NAME})
   * @param events every context event of the run
   * @param log CTX's log
   * @param poolOutstanding CTX's pool counters after unload
   * @param unloadReport the unload report, or null
   * @param liveAfterUnload CTX contexts still alive after unload
   */
  public static CtxReport from(
      String fileSystem, String filterName, List<ContextEvent> events, CtxLog log,
      Map<String, Integer> poolOutstanding, @Nullable UnloadReport unloadReport, int liveAfterUnload) {
    Map<FltContextType, Integer> alloc = new EnumMap<>(FltContextType.class);
    Map<FltContextType, Integer> free = new EnumMap<>(FltContextType.class);
    for (FltContextType t : CTX_TYPES) {
      alloc.put(t, 0);
      free.put(t, 0);
    }
    for (ContextEvent e : events) {
      if (!e.filterName().equals(filterName)) {
        continue;
      }
      if (e.kind() == ContextEvent.Kind.ALLOCATE) {
        alloc.merge(e.contextType(), 1, Integer::sum);
      } else if (e.kind() == ContextEvent.Kind.FREE) {
        free.merge(e.contextType(), 1, Integer::sum);
      }
    }
    List<StreamCounters> streams = new ArrayList<>();
    Map<String, Integer> errors = new TreeMap<>();
    for (CtxLog.Line l : log.lines()) {
      if (l.format().equals(Ctx.STREAM_CLEANUP_FORMAT)) {
        List<Object> a = l.args();
        streams.add(new StreamCounters(String.valueOf(a.get(0)), String.valueOf(a.get(1)),
            ((Number) a.get(2)).longValue(), ((Number) a.get(3)).longValue(), ((Number) a.get(4)).longValue()));
      }
      if ((l.level() & CtxLog.DEBUG_TRACE_ERROR) != 0) {
        NtStatus s = l.status();
        errors.merge(s == null ? "(no status)" : s.name(), 1, Integer::sum);
      }
    }
    return new CtxReport(fileSystem, alloc, free, streams, errors, poolOutstanding, unloadReport, liveAfterUnload);
  }

  /** Contexts allocated and never freed, over all types. */
  public int leakedContexts() {
    int n = 0;
    for (FltContextType t : CTX_TYPES) {
      n += allocated.getOrDefault(t, 0) - freed.getOrDefault(t, 0);
    }
    UnloadReport u = unloadReport;
    int reported = u == null ? 0 : u.leakedCount();
    return Math.max(Math.max(n, reported), liveAfterUnload);
  }

  /** Whether nothing leaked: no context, nothing in the unload report, no pool. */
  public boolean clean() {
    UnloadReport u = unloadReport;
    boolean poolClean = poolOutstanding.values().stream().allMatch(v -> v == 0);
    return leakedContexts() == 0 && (u == null || u.clean()) && poolClean;
  }

  /** The report as the CLI prints it. */
  public String format() {
    StringBuilder sb = new StringBuilder();
    sb.append("CTX report (").append(fileSystem).append(")\n");
    sb.append(String.format("  %-14s %9s %7s%n", "context type", "allocated", "freed"));
    for (FltContextType t : CTX_TYPES) {
      sb.append(String.format("  %-14s %9d %7d%n", t.name(), allocated.getOrDefault(t, 0), freed.getOrDefault(t, 0)));
    }
    sb.append("  stream contexts, as their cleanup reported them:\n");
    if (streams.isEmpty()) {
      sb.append("    (none)\n");
    }
    for (StreamCounters s : streams) {
      sb.append(String.format("    %-8s creates=%d cleanups=%d closes=%d  %s%n",
          s.contextId(), s.createCount(), s.cleanupCount(), s.closeCount(), s.fileName()));
    }
    sb.append("  CTX error lines by status:");
    if (errorStatuses.isEmpty()) {
      sb.append(" none");
    }
    new TreeMap<>(errorStatuses).forEach((k, v) -> sb.append(' ').append(k).append(" x").append(v));
    sb.append('\n');
    sb.append("  CTX pool outstanding:");
    new TreeMap<>(poolOutstanding).forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
    sb.append('\n');
    UnloadReport u = unloadReport;
    if (u != null && !u.clean()) {
      sb.append(u.format().indent(2));
    }
    sb.append("leaked contexts: ").append(leakedContexts()).append('\n');
    return sb.toString();
  }
}
