package io.fsctx.tools.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import io.fsctx.fltmgr.ContextEvent;
import io.fsctx.fltmgr.FltContextType;
import io.fsctx.tools.checkfs.CheckReport;
import io.fsctx.tools.checkfs.Requirement;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Writes a report's data as one JSON object, streamed (a million events never become a tree in
 * memory), with every {@code <}, {@code >} and {@code &} escaped so the JSON can sit inside a
 * {@code <script>} element whatever the file names contain.
 *
 * <h2>Shape</h2>
 * {@code kind}, {@code title}, {@code axis} ({@code event} or {@code row}), {@code axisEnd} (the
 * last position that is a real event or row; later positions are "the end of the run"), {@code
 * figures} ([label, value] pairs), {@code strings} (the string table), {@code types} (context type
 * names by ordinal), {@code steps} ([kind, routine, callback, status]), {@code contexts} (parallel
 * arrays: {@code id}, {@code type}, {@code filter}, {@code file}, {@code object}, {@code header}
 * as string indexes or -1, {@code allocated} and {@code freed} positions (-1: never freed), {@code
 * peak} count, and {@code first}, where context {@code i}'s events start), {@code events} (three
 * numbers an event, grouped by context: step index, count after it, position minus the previous
 * event's position of the same context), {@code leaks}, {@code chart}, {@code topFiles}, {@code
 * findings} and {@code requirements}.
 *
 * <p>Thread safety: stateless.
 */
final class ReportJson {
  /** The most points the alive chart has; longer runs are cut into stretches, each plotted at its peak. */
  static final int MAX_CHART_POINTS = 1000;

  /** How many files the "most contexts" table lists. */
  static final int TOP_FILES = 25;

  private ReportJson() {}

  static void write(HtmlReport r, Writer out) throws IOException {
    JsonFactory factory = new JsonFactory();
    factory.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
    try (JsonGenerator g = factory.createGenerator(out)) {
      g.setCharacterEscapes(new ScriptSafe());
      ContextRecorder.Snapshot d = r.data;
      int axisEnd = r.lastRow >= 0 ? (int) Math.min(Integer.MAX_VALUE, r.lastRow) : d.events();
      g.writeStartObject();
      g.writeNumberField("version", 1);
      g.writeStringField("kind", r.kind.cliName());
      g.writeStringField("title", r.title);
      g.writeStringField("axis", d.axis() == ContextRecorder.Axis.TRACE_ROW ? "row" : "event");
      g.writeNumberField("axisEnd", axisEnd);
      g.writeArrayFieldStart("figures");
      for (Map.Entry<String, String> f : r.figures) {
        pair(g, f.getKey(), f.getValue());
      }
      g.writeEndArray();
      g.writeArrayFieldStart("strings");
      for (String s : d.strings()) {
        g.writeString(s);
      }
      g.writeEndArray();
      g.writeArrayFieldStart("types");
      for (FltContextType t : FltContextType.values()) {
        g.writeString(t.name());
      }
      g.writeEndArray();
      g.writeArrayFieldStart("steps");
      for (ContextRecorder.Step s : d.steps()) {
        g.writeStartArray();
        g.writeString(s.kind().name());
        g.writeString(s.routine());
        nullableString(g, s.callback());
        nullableString(g, s.status());
        g.writeEndArray();
      }
      g.writeEndArray();
      contextsAndEvents(g, d);
      leaks(g, r);
      chart(g, d);
      topFiles(g, d);
      g.writeArrayFieldStart("findings");
      for (Map.Entry<String, String> f : r.findings) {
        pair(g, f.getKey(), f.getValue());
      }
      g.writeEndArray();
      requirements(g, r.requirements);
      g.writeEndObject();
    }
  }

  private static void contextsAndEvents(JsonGenerator g, ContextRecorder.Snapshot d) throws IOException {
    int n = d.contexts();
    int[] start = new int[n + 1];
    int[] order = d.eventsByContext(start);
    int[] pos = d.eventPosition();
    g.writeObjectFieldStart("contexts");
    g.writeArrayFieldStart("id");
    for (String id : d.contextIds()) {
      g.writeString(id);
    }
    g.writeEndArray();
    ints(g, "type", d.type());
    ints(g, "filter", d.filter());
    ints(g, "file", d.file());
    ints(g, "object", d.object());
    ints(g, "header", d.header());
    g.writeArrayFieldStart("allocated");
    for (int c = 0; c < n; c++) {
      g.writeNumber(start[c] < start[c + 1] ? pos[order[start[c]]] : 0);
    }
    g.writeEndArray();
    ints(g, "freed", d.freedAt());
    ints(g, "peak", d.peak());
    ints(g, "first", start);
    g.writeEndObject();
    g.writeArrayFieldStart("events");
    int[] step = d.eventStep();
    int[] count = d.eventCount();
    for (int c = 0; c < n; c++) {
      int previous = 0;
      for (int i = start[c]; i < start[c + 1]; i++) {
        int e = order[i];
        g.writeNumber(step[e]);
        g.writeNumber(count[e]);
        g.writeNumber(pos[e] - previous);
        previous = pos[e];
      }
    }
    g.writeEndArray();
  }

  private static void leaks(JsonGenerator g, HtmlReport r) throws IOException {
    g.writeObjectFieldStart("leaks");
    for (Map.Entry<String, HtmlReport.LeakDetail> e : r.leaks.entrySet()) {
      HtmlReport.LeakDetail l = e.getValue();
      g.writeObjectFieldStart(e.getKey());
      g.writeStringField("description", l.description());
      g.writeFieldName("allocatedAt");
      nullableString(g, l.allocatedAt());
      g.writeFieldName("lastAccessAt");
      nullableString(g, l.lastAccessAt());
      g.writeArrayFieldStart("held");
      for (String h : l.held()) {
        g.writeString(h);
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  /**
   * The contexts alive over the run, per type and in total: a context counts from its first event
   * (its allocation) until its {@code FREE}. Positions are cut into at most {@link
   * #MAX_CHART_POINTS} stretches; each point is the peak of its stretch, so no spike is lost.
   */
  private static void chart(JsonGenerator g, ContextRecorder.Snapshot d) throws IOException {
    int events = d.events();
    int[] pos = d.eventPosition();
    int axisMax = events == 0 ? 0 : pos[events - 1];
    int bucket = Math.max(1, (int) Math.ceil(axisMax / (double) MAX_CHART_POINTS));
    int buckets = axisMax == 0 ? 0 : (axisMax + bucket - 1) / bucket;
    int types = FltContextType.values().length;
    int[] current = new int[types + 1]; // the last slot is the total
    int[][] peak = new int[types + 1][buckets];
    boolean[] seen = new boolean[d.contexts()];
    boolean[] used = new boolean[types];
    int e = 0;
    for (int b = 0; b < buckets; b++) {
      for (int t = 0; t <= types; t++) {
        peak[t][b] = current[t];
      }
      long last = (long) (b + 1) * bucket;
      while (e < events && pos[e] <= last) {
        int c = d.eventContext()[e];
        int t = d.type()[c];
        int delta = 0;
        if (!seen[c]) {
          seen[c] = true;
          used[t] = true;
          delta = 1;
        }
        if (d.kind(e) == ContextEvent.Kind.FREE) {
          delta -= 1;
        }
        if (delta != 0) {
          current[t] += delta;
          current[types] += delta;
          peak[t][b] = Math.max(peak[t][b], current[t]);
          peak[types][b] = Math.max(peak[types][b], current[types]);
        }
        e++;
      }
    }
    g.writeObjectFieldStart("chart");
    g.writeNumberField("bucket", bucket);
    g.writeArrayFieldStart("x");
    for (int b = 0; b < buckets; b++) {
      g.writeNumber(Math.min((long) (b + 1) * bucket, axisMax));
    }
    g.writeEndArray();
    g.writeArrayFieldStart("series");
    for (int t = 0; t < types; t++) {
      if (used[t]) {
        series(g, FltContextType.values()[t].name(), peak[t]);
      }
    }
    series(g, "all", peak[types]);
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void series(JsonGenerator g, String label, int[] values) throws IOException {
    g.writeStartObject();
    g.writeStringField("label", label);
    ints(g, "values", values);
    g.writeEndObject();
  }

  /** The files with the most contexts: [file, contexts, leaked], most first. */
  private static void topFiles(JsonGenerator g, ContextRecorder.Snapshot d) throws IOException {
    int[] perFile = new int[d.strings().size()];
    int[] leakedPerFile = new int[d.strings().size()];
    List<Integer> files = new ArrayList<>();
    for (int c = 0; c < d.contexts(); c++) {
      int f = d.file()[c];
      if (f == ContextRecorder.NONE) {
        continue;
      }
      if (perFile[f]++ == 0) {
        files.add(f);
      }
      if (d.freedAt()[c] == ContextRecorder.NONE) {
        leakedPerFile[f]++;
      }
    }
    files.sort(
        Comparator.<Integer>comparingInt(f -> -perFile[f]).thenComparing(f -> d.strings().get(f)));
    g.writeArrayFieldStart("topFiles");
    for (int f : files.subList(0, Math.min(TOP_FILES, files.size()))) {
      g.writeStartArray();
      g.writeNumber(f);
      g.writeNumber(perFile[f]);
      g.writeNumber(leakedPerFile[f]);
      g.writeEndArray();
    }
    g.writeEndArray();
  }

  private static void requirements(JsonGenerator g, @Nullable CheckReport report) throws IOException {
    if (report == null) {
      g.writeNullField("requirements");
      return;
    }
    g.writeObjectFieldStart("requirements");
    g.writeStringField("fileSystem", report.fileSystemName());
    g.writeStringField("fileSystemClass", report.fileSystemClass());
    g.writeStringField("summary", report.summaryLine());
    g.writeArrayFieldStart("rows");
    for (Requirement q : report.requirements()) {
      g.writeStartArray();
      g.writeString(q.id());
      g.writeString(q.verdict().label());
      g.writeString(q.title());
      g.writeString(q.evidence());
      g.writeString(q.rule());
      g.writeEndArray();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void ints(JsonGenerator g, String name, int[] values) throws IOException {
    g.writeArrayFieldStart(name);
    for (int v : values) {
      g.writeNumber(v);
    }
    g.writeEndArray();
  }

  private static void pair(JsonGenerator g, String a, String b) throws IOException {
    g.writeStartArray();
    g.writeString(a);
    g.writeString(b);
    g.writeEndArray();
  }

  private static void nullableString(JsonGenerator g, @Nullable String s) throws IOException {
    if (s == null) {
      g.writeNull();
    } else {
      g.writeString(s);
    }
  }

  /**
   * JSON escapes that make the text safe inside an HTML {@code <script>} element: {@code <}, {@code
   * >} and {@code &} as {@code \\u003C} and friends (no {@code </script>}, no {@code <!--}), and
   * the two line separators JavaScript once treated as line ends.
   */
  private static final class ScriptSafe extends CharacterEscapes {
    private static final long serialVersionUID = 1L;
    private final int[] ascii = CharacterEscapes.standardAsciiEscapesForJSON();

    ScriptSafe() {
      ascii['<'] = CharacterEscapes.ESCAPE_STANDARD;
      ascii['>'] = CharacterEscapes.ESCAPE_STANDARD;
      ascii['&'] = CharacterEscapes.ESCAPE_STANDARD;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return ascii;
    }

    @Override
    public @Nullable SerializableString getEscapeSequence(int ch) {
      if (ch == 0x2028) {
        return new SerializedString("\\u2028");
      }
      if (ch == 0x2029) {
        return new SerializedString("\\u2029");
      }
      return null;
    }
  }
}
