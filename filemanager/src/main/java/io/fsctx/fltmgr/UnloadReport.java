package io.fsctx.fltmgr;

import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code FltUnregisterFilter} found still referenced when its wait ended, shaped like
 * {@code !fltkd}'s object usage: counts per context type, then one line per context, each
 * followed (at {@link VerifierLevel#TRACKING} and above) by the references still held, with the
 * routine, callback and line that took each, and then the allocation site; then the file name
 * information objects the filter still holds, the same way.
 *
 * <pre>
 * Filter WriteCounter: 1 leaked context reference holder(s)
 *   References to FLT_CONTEXT by type:
 *     STREAM: 1
 *   Ctx#3 STREAM tag 'WcSc' WriteCount refs=1 filter=WriteCounter
 *       reference taken by FltGetStreamContext in PreWrite at com.example.WriteCounter.preWrite(WriteCounter.java:57), thread main
 *       allocated at com.example.WriteCounter.postCreate(WriteCounter.java:41)
 *   References to FLT_FILE_NAME_INFORMATION: 1
 *   Name#5 \Device\HarddiskVolume1\a.txt: 1 reference(s) held by WriteCounter
 *       reference taken by FltGetFileNameInformation in PreWrite at ...
 * </pre>
 *
 * <p>Thread safety: immutable (the contexts it lists are live objects; their counts are read when
 * the report is formatted).
 *
 * @param filterName the filter
 * @param leakedCount how many of its contexts were still alive
 * @param leaked the contexts, when the verifier tracks them (level COUNTING or above)
 * @param outstanding per leaked context, the references still held when the report was made
 *     (TRACKING and above; absent below)
 * @param leakedNames the file name information objects the filter still held references on
 */
public record UnloadReport(
    String filterName,
    int leakedCount,
    List<FltContext> leaked,
    Map<FltContext, List<HeldReference>> outstanding,
    List<LeakedName> leakedNames) {

  /**
   * A file name information object a filter still held references on when it unloaded.
   *
   * <p>Thread safety: immutable.
   *
   * @param id its identity, such as {@code Name#5}
   * @param name the full name
   * @param references how many references the filter held
   * @param outstanding those references with their sites (TRACKING and above; empty below)
   */
  public record LeakedName(String id, String name, int references, List<HeldReference> outstanding) {
    /** Copies the list. */
    public LeakedName {
      outstanding = List.copyOf(outstanding);
    }
  }

  /** Copies the collections; {@code outstanding} keeps the contexts' identities as keys. */
  public UnloadReport {
    leaked = List.copyOf(leaked);
    IdentityHashMap<FltContext, List<HeldReference>> copy = new IdentityHashMap<>();
    outstanding.forEach((c, refs) -> copy.put(c, List.copyOf(refs)));
    outstanding = java.util.Collections.unmodifiableMap(copy);
    leakedNames = List.copyOf(leakedNames);
  }

  /** Whether nothing was left: no context and no name information reference. */
  public boolean clean() {
    return leakedCount == 0 && leakedNames.isEmpty();
  }

  /** Leaked contexts per type. */
  public Map<FltContextType, Integer> countsByType() {
    Map<FltContextType, Integer> m = new EnumMap<>(FltContextType.class);
    for (FltContext c : leaked) {
      m.merge(c.type(), 1, Integer::sum);
    }
    return m;
  }

  /**
   * The references still held on a leaked context when the report was made, oldest first (see
   * {@link FltContext#outstandingReferences()}); empty below TRACKING or for another context.
   */
  public List<HeldReference> outstandingReferences(FltContext context) {
    return outstanding.getOrDefault(context, List.of());
  }

  /** The report as text (see the class comment for its shape). */
  public String format() {
    StringBuilder sb = new StringBuilder();
    sb.append("Filter ").append(filterName).append(": ").append(leakedCount).append(" leaked context reference holder(s)\n");
    if (leakedCount > 0) {
      sb.append("  References to FLT_CONTEXT by type:\n");
      for (Map.Entry<FltContextType, Integer> e : countsByType().entrySet()) {
        sb.append("    ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
      }
      if (leaked.isEmpty()) {
        sb.append("    (not listed: the verifier level is OFF, which only counts)\n");
      }
      for (FltContext c : leaked) {
        sb.append("  ").append(c.describe()).append('\n');
        appendReferences(sb, outstandingReferences(c));
        StackTraceElement site = VerifierFinding.userFrame(c.allocationSite());
        if (site != null) {
          sb.append("      allocated at ").append(site).append('\n');
        }
      }
    }
    if (!leakedNames.isEmpty()) {
      sb.append("  References to FLT_FILE_NAME_INFORMATION: ").append(leakedNames.size()).append('\n');
      for (LeakedName n : leakedNames) {
        sb.append("  ").append(n.id()).append(' ').append(n.name()).append(": ").append(n.references())
            .append(" reference(s) held by ").append(filterName).append('\n');
        appendReferences(sb, n.outstanding());
      }
    }
    return sb.toString();
  }

  private static void appendReferences(StringBuilder sb, List<HeldReference> refs) {
    for (HeldReference r : refs) {
      sb.append("      ").append(r.reportLine("      ")).append('\n');
    }
  }
}
