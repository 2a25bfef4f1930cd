package io.fsctx.fltmgr;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code FltUnregisterFilter} found still referenced when its wait ended, shaped like
 * {@code !fltkd}'s object usage: counts per context type, then one line per context.
 *
 * <p>Thread safety: immutable.
 *
 * @param filterName the filter
 * @param leakedCount how many of its contexts were still alive
 * @param leaked the contexts, when the verifier tracks them (level COUNTING or above)
 */
public record UnloadReport(String filterName, int leakedCount, List<FltContext> leaked) {
  /** Copies the list. */
  public UnloadReport {
    leaked = List.copyOf(leaked);
  }

  /** Whether nothing was left. */
  public boolean clean() {
    return leakedCount == 0;
  }

  /** Leaked contexts per type. */
  public Map<FltContextType, Integer> countsByType() {
    Map<FltContextType, Integer> m = new EnumMap<>(FltContextType.class);
    for (FltContext c : leaked) {
      m.merge(c.type(), 1, Integer::sum);
    }
    return m;
  }

  /** The report as text. */
  public String format() {
    StringBuilder sb = new StringBuilder();
    sb.append("Filter ").append(filterName).append(": ").append(leakedCount).append(" leaked context reference holder(s)\n");
    if (leakedCount == 0) {
      return sb.toString();
    }
    sb.append("  References to FLT_CONTEXT by type:\n");
    for (Map.Entry<FltContextType, Integer> e : countsByType().entrySet()) {
      sb.append("    ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
    }
    if (leaked.isEmpty()) {
      sb.append("    (not listed: the verifier level is OFF, which only counts)\n");
    }
    for (FltContext c : leaked) {
      sb.append("  ").append(c.describe()).append('\n');
      StackTraceElement site = VerifierFinding.userFrame(c.allocationSite());
      if (site != null) {
        sb.append("      allocated at ").append(site).append('\n');
      }
    }
    return sb.toString();
  }
}
