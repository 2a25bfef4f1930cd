package io.fsctx.tools.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableSortedSet;
import io.fsctx.fltmgr.FltContextType;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * The figures of one replay, as {@code spec/replay.md} names them, with a few more members the
 * contract welcomes ({@code volumes}, {@code unrecognisedResults}, {@code unknownOperations},
 * {@code namesTooLong}, {@code diverged}).
 * The invariant {@code rows = replayed + skipped.*} always holds.
 *
 * <p>Thread safety: immutable.
 *
 * @param rows counted rows (after the Event Class and empty Result filters)
 * @param replayed rows sent down the stack
 * @param noOpenHandle rows that needed a file object their key did not have
 * @param unsupportedPath rows whose path is not on a drive letter, or whose path or rename/link
 *     target is too long for the model to name
 * @param unsupportedOperation fast I/O and section synchronization rows
 * @param createsSucceeded replayed {@code CreateFile} rows with {@code SUCCESS}
 * @param createsFailed replayed {@code CreateFile} rows with any result but success and reparse
 * @param createsReparse replayed {@code CreateFile} rows with {@code REPARSE}
 * @param volumes the drive letters mounted
 * @param unrecognisedResults counted rows whose {@code Result} text mapped to the fallback status
 * @param unknownOperations judged rows whose operation name is not in the table
 * @param diverged replayed rows the trace says succeeded that the target could not carry out
 *     ({@link ReplayTarget#diverged()})
 * @param contexts what the target counted
 * @param namesTooLong the rows among {@code unsupportedPath} whose path or rename/link target is
 *     too long for a {@code UNICODE_STRING} ({@link ReplayTarget#longestPath})
 */
public record ReplaySummary(
    long rows,
    long replayed,
    long noOpenHandle,
    long unsupportedPath,
    long unsupportedOperation,
    long createsSucceeded,
    long createsFailed,
    long createsReparse,
    ImmutableSortedSet<Character> volumes,
    long unrecognisedResults,
    long unknownOperations,
    long diverged,
    ContextCounts contexts,
    long namesTooLong) {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Checks {@code rows = replayed + skipped.*}. */
  public ReplaySummary {
    if (rows != replayed + noOpenHandle + unsupportedPath + unsupportedOperation) {
      throw new IllegalArgumentException(
          "rows " + rows + " != replayed + skipped (" + replayed + " + " + noOpenHandle + " + "
              + unsupportedPath + " + " + unsupportedOperation + ")");
    }
    if (namesTooLong < 0 || namesTooLong > unsupportedPath) {
      throw new IllegalArgumentException(
          "namesTooLong " + namesTooLong + " outside 0.." + unsupportedPath + " (unsupportedPath)");
    }
  }

  /** The number of contexts the leak check found alive after the unload. */
  public long leakedContexts() {
    return contexts.leaked();
  }

  /**
   * The summary as the JSON tree {@code --json} prints: {@code rows}, {@code replayed}, {@code
   * skipped}, {@code creates}, {@code contexts} (always with INSTANCE, FILE, STREAM and
   * STREAMHANDLE), {@code leakedContexts}, then the extra members.
   */
  public ObjectNode toJsonTree() {
    ObjectNode root = JSON.createObjectNode();
    root.put("rows", rows);
    root.put("replayed", replayed);
    ObjectNode skipped = root.putObject("skipped");
    skipped.put("noOpenHandle", noOpenHandle);
    skipped.put("unsupportedPath", unsupportedPath);
    skipped.put("unsupportedOperation", unsupportedOperation);
    ObjectNode creates = root.putObject("creates");
    creates.put("succeeded", createsSucceeded);
    creates.put("failed", createsFailed);
    creates.put("reparse", createsReparse);
    ObjectNode ctx = root.putObject("contexts");
    for (FltContextType t : ContextCounts.SUMMARY_TYPES) {
      putType(ctx, t);
    }
    for (FltContextType t : contexts.perType().keySet()) {
      if (!ctx.has(t.name())) {
        putType(ctx, t);
      }
    }
    root.put("leakedContexts", contexts.leaked());
    var vols = root.putArray("volumes");
    for (char v : volumes) {
      vols.add(v + ":");
    }
    root.put("unrecognisedResults", unrecognisedResults);
    root.put("unknownOperations", unknownOperations);
    root.put("namesTooLong", namesTooLong);
    root.put("diverged", diverged);
    return root;
  }

  private void putType(ObjectNode ctx, FltContextType t) {
    ContextCounts.TypeCounts c = contexts.of(t);
    ObjectNode n = ctx.putObject(t.name());
    n.put("allocated", c.allocated());
    n.put("freed", c.freed());
  }

  /** Exactly one JSON object, indented, without a trailing newline. */
  public String toJson() {
    try {
      return JSON.writeValueAsString(toJsonTree());
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The same figures for a person, one per line. */
  public String toText() {
    StringBuilder b = new StringBuilder();
    line(b, "rows", rows);
    line(b, "replayed", replayed);
    line(b, "skipped, no open handle", noOpenHandle);
    line(b, "skipped, unsupported path", unsupportedPath);
    if (namesTooLong > 0) {
      line(b, "  of which names too long", namesTooLong);
    }
    line(b, "skipped, unsupported operation", unsupportedOperation);
    line(b, "creates succeeded", createsSucceeded);
    line(b, "creates failed", createsFailed);
    line(b, "creates reparsed", createsReparse);
    StringBuilder v = new StringBuilder();
    for (char c : volumes) {
      v.append(v.length() == 0 ? "" : " ").append(c).append(':');
    }
    b.append(String.format(Locale.ROOT, "%-32s %s%n", "volumes", v.length() == 0 ? "none" : v));
    for (FltContextType t : ContextCounts.SUMMARY_TYPES) {
      ContextCounts.TypeCounts c = contexts.of(t);
      b.append(
          String.format(
              Locale.ROOT,
              "%-32s %,d allocated, %,d freed%n",
              t.name() + " contexts",
              c.allocated(),
              c.freed()));
    }
    line(b, "leaked contexts", contexts.leaked());
    if (unrecognisedResults > 0) {
      line(b, "unrecognised result texts", unrecognisedResults);
    }
    if (unknownOperations > 0) {
      line(b, "unknown operation names", unknownOperations);
    }
    if (diverged > 0) {
      line(b, "diverged from the trace", diverged);
    }
    return b.toString();
  }

  private static void line(StringBuilder b, String label, long value) {
    b.append(String.format(Locale.ROOT, "%-32s %,d%n", label, value));
  }
}
