package io.fsctx.tools.report;

import com.google.common.base.Preconditions;
import io.fsctx.fltmgr.FltContext;
import io.fsctx.fltmgr.HeldReference;
import io.fsctx.fltmgr.UnloadReport;
import io.fsctx.fltmgr.VerifierFinding;
import io.fsctx.tools.checkfs.CheckReport;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One self-contained HTML page that shows a run's contexts: summary figures, a chart of the
 * contexts alive over the run (or over the trace's rows), a filterable, paged table of every
 * context with its life span, and, for the selected context, its whole history (callback, routine,
 * reference count after each step) with a chart of its count; leaked contexts are highlighted with
 * where they were allocated and last used and, when the verifier tracked them, the references
 * still held. A replay adds the files with the most contexts; {@code check-fs} adds its
 * requirement rows with links to the FCB headers their evidence names; {@code run --filter leaky}
 * adds the verifier's findings.
 *
 * <p>The page needs no network: the charting library ({@link ChartLibrary}), the page's script
 * and style and the data (JSON) are inline, and a Content-Security-Policy forbids any fetch, so a
 * report that tried one would show an error in the browser's console. Large runs stay usable: the
 * alive chart has at most {@link ReportJson#MAX_CHART_POINTS} points (each the peak of its
 * stretch), tables show one page at a time, and events are stored compactly (see {@code
 * tools/REPORT.md} for the sizes measured).
 *
 * <p>Thread safety: immutable once built; {@link #writeTo} may run in any thread.
 */
public final class HtmlReport {

  /** Which command made the report; decides the sections the page shows. */
  public enum Kind {
    /** {@code fsctx run}. */
    RUN("run"),
    /** {@code fsctx walkthrough}. */
    WALKTHROUGH("walkthrough"),
    /** {@code fsctx replay}. */
    REPLAY("replay"),
    /** {@code fsctx check-fs}. */
    CHECK_FS("check-fs");

    private final String cliName;

    Kind(String cliName) {
      this.cliName = cliName;
    }

    /** The command's name, as the page shows it. */
    public String cliName() {
      return cliName;
    }
  }

  /**
   * What the report says about one leaked context beyond its events, from the verifier.
   *
   * @param description type, pool tag, payload class and count ({@link FltContext#describe()})
   * @param allocatedAt the caller's line that allocated it, or null when not tracked
   * @param lastAccessAt the caller's line that last referenced or released it, or null
   * @param held the references still held, one text each ({@link HeldReference#format()})
   */
  record LeakDetail(String description, @Nullable String allocatedAt, @Nullable String lastAccessAt, List<String> held) {
    LeakDetail {
      held = List.copyOf(held);
    }
  }

  private static final Pattern PRINTED_FIGURE = Pattern.compile("(\\S(?:.*?\\S)?)\\s{2,}(\\S.*)");

  final Kind kind;
  final String title;
  final ContextRecorder.Snapshot data;
  /** For a replay, the counted rows replayed (positions after it are the end of the run); -1 otherwise. */
  final long lastRow;
  final List<Map.Entry<String, String>> figures;
  final Map<String, LeakDetail> leaks;
  final List<Map.Entry<String, String>> findings;
  final @Nullable CheckReport requirements;

  private HtmlReport(Builder b) {
    this.kind = b.kind;
    this.title = b.title;
    this.data = b.recorder.snapshot();
    this.lastRow = b.recorder.axis() == ContextRecorder.Axis.TRACE_ROW ? b.recorder.rowsDone() : -1;
    this.figures = List.copyOf(b.figures);
    this.leaks = Map.copyOf(b.leaks);
    this.findings = List.copyOf(b.findings);
    this.requirements = b.requirements;
  }

  /**
   * Starts a report.
   *
   * @param kind the command
   * @param title the page's title, such as {@code fsctx run --filter leaky}
   * @param recorder what the run recorded; read when {@link Builder#build()} is called
   * @return the builder
   */
  public static Builder builder(Kind kind, String title, ContextRecorder recorder) {
    return new Builder(kind, title, recorder);
  }

  /** How many contexts the report shows. */
  public int contextCount() {
    return data.contexts();
  }

  /**
   * Writes the page.
   *
   * @param out where to; not closed, flushed
   * @throws IOException when writing fails
   */
  public void writeTo(OutputStream out) throws IOException {
    Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
    new ReportPage(this, ChartLibrary.load()).write(w);
    w.flush();
  }

  /**
   * Writes the page to a file, replacing it. When writing fails the partial file is deleted, so a
   * report on disk is always complete.
   *
   * @param file the file
   * @throws IOException when the file cannot be written (its directory is missing, the disk is
   *     full, ...)
   */
  public void writeTo(Path file) throws IOException {
    boolean done = false;
    try (OutputStream out = Files.newOutputStream(file)) {
      writeTo(out);
      done = true;
    } finally {
      if (!done) {
        deleteQuietly(file);
      }
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      if (Files.isRegularFile(file)) {
        Files.delete(file);
      }
    } catch (IOException e) {
      // The write already failed; that failure is the one reported.
    }
  }

  /**
   * Builds a report.
   *
   * <p>Thread safety: confined to one thread.
   */
  public static final class Builder {
    private final Kind kind;
    private final String title;
    private final ContextRecorder recorder;
    private final List<Map.Entry<String, String>> figures = new ArrayList<>();
    private final Map<String, LeakDetail> leaks = new LinkedHashMap<>();
    private final List<Map.Entry<String, String>> findings = new ArrayList<>();
    private @Nullable CheckReport requirements;

    private Builder(Kind kind, String title, ContextRecorder recorder) {
      this.kind = Preconditions.checkNotNull(kind, "kind");
      this.title = Preconditions.checkNotNull(title, "title");
      this.recorder = Preconditions.checkNotNull(recorder, "recorder");
    }

    /**
     * Adds a summary figure.
     *
     * @param label such as {@code leaked contexts}
     * @param value as printed
     * @return this
     */
    public Builder figure(String label, Object value) {
      figures.add(Map.entry(label, String.valueOf(value)));
      return this;
    }

    /**
     * Adds the figures of a summary as the command prints them, one {@code label   value} line each
     * (the label and the value apart by at least two spaces; other lines are skipped), so the page
     * shows exactly the printed figures.
     *
     * @param printed the printed summary
     * @return this
     */
    public Builder printedFigures(String printed) {
      for (String line : printed.split("\\R")) {
        var m = PRINTED_FIGURE.matcher(line.strip());
        if (m.matches()) {
          String label = line.startsWith(" ") ? "\u2003" + m.group(1) : m.group(1);
          figure(label, m.group(2));
        }
      }
      return this;
    }

    /**
     * Adds what an unload report knows about each leaked context: its description, allocation and
     * last-access sites, and the references still held.
     *
     * @param report a filter's unload report
     * @return this
     */
    public Builder leaks(UnloadReport report) {
      for (FltContext c : report.leaked()) {
        leak(c, report.outstandingReferences(c));
      }
      return this;
    }

    /**
     * Adds what the verifier knows about contexts still alive at the end of the run.
     *
     * @param contexts the contexts (the Filter Manager's {@code liveContexts()} after the unload)
     * @return this
     */
    public Builder leaked(Collection<FltContext> contexts) {
      for (FltContext c : contexts) {
        leak(c, c.outstandingReferences());
      }
      return this;
    }

    private void leak(FltContext c, List<HeldReference> held) {
      List<String> lines = new ArrayList<>();
      for (HeldReference r : held) {
        lines.add(r.format());
      }
      leaks.put(
          c.id(),
          new LeakDetail(
              c.describe(),
              text(VerifierFinding.callerFrame(c.allocationSite())),
              text(VerifierFinding.callerFrame(c.lastAccessSite())),
              lines));
    }

    private static @Nullable String text(@Nullable StackTraceElement frame) {
      return frame == null ? null : frame.toString();
    }

    /**
     * Adds the verifier's findings, one row each.
     *
     * @param list the findings
     * @return this
     */
    public Builder findings(List<VerifierFinding> list) {
      for (VerifierFinding f : list) {
        findings.add(Map.entry(f.kind().name(), f.format()));
      }
      return this;
    }

    /**
     * Adds {@code check-fs}'s requirement rows.
     *
     * @param report the check's report
     * @return this
     */
    public Builder requirements(CheckReport report) {
      this.requirements = report;
      return this;
    }

    /** Takes the recorder's snapshot and makes the report. */
    public HtmlReport build() {
      return new HtmlReport(this);
    }
  }
}
