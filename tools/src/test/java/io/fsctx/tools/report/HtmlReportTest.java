package io.fsctx.tools.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fsctx.examples.walkthrough.RefCountWalkthrough;
import io.fsctx.fltmgr.ContextEvent;
import io.fsctx.fltmgr.FltContextType;
import io.fsctx.modelfs.NtfsLikeFileSystem;
import io.fsctx.modelfs.toolkit.ClosePolicy;
import io.fsctx.tools.replay.ProgressListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report's data and page, without a browser (the browser tests are in the cli package). */
class HtmlReportTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DATA_START = "<script type=\"application/json\" id=\"fsctx-data\">";

  @TempDir Path dir;

  private static String page(HtmlReport r) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    r.writeTo(out);
    return out.toString(StandardCharsets.UTF_8);
  }

  /** The JSON of the data element. */
  static JsonNode data(String html) throws IOException {
    int start = html.indexOf(DATA_START) + DATA_START.length();
    int end = html.indexOf("</script>", start);
    return JSON.readTree(html.substring(start, end));
  }

  private static ContextEvent event(long seq, ContextEvent.Kind kind, String id, int count) {
    return new ContextEvent(seq, kind, kind.name(), "PreCreate", id, FltContextType.STREAM, "F", null, count, null);
  }

  @Test
  void writeTo_textThatWouldEndTheScript_isEscapedAndReadBack() throws IOException {
    String nasty = "</script><script>alert(1)</script><!-- & \u2028";
    ContextRecorder rec = new ContextRecorder();
    rec.onEvent(new ContextEvent(1, ContextEvent.Kind.ALLOCATE, "FltAllocateContext", nasty, "Ctx#1",
        FltContextType.STREAM, "F", null, 1, null));
    String html = page(HtmlReport.builder(HtmlReport.Kind.RUN, nasty, rec).figure(nasty, nasty).build());
    assertFalse(html.contains("<script>alert"), "no markup from the data reaches the page");
    JsonNode d = data(html);
    assertEquals(nasty, d.get("figures").get(0).get(0).asText());
    assertEquals(nasty, d.get("steps").get(0).get(2).asText());
    assertTrue(html.contains("<title>&lt;/script&gt;"), "the title is escaped");
  }

  @Test
  void writeTo_page_fetchesNothing() throws IOException {
    String html = page(HtmlReport.builder(HtmlReport.Kind.RUN, "t", new ContextRecorder()).build());
    assertTrue(html.startsWith("<!DOCTYPE html>"), html.substring(0, 40));
    assertTrue(html.contains("Content-Security-Policy\" content=\"default-src 'none'"), "a policy forbids fetches");
    for (String external : List.of("<script src", "<link", "@import", "url(http")) {
      assertFalse(html.contains(external), external);
    }
    assertTrue(html.contains("uPlot"), "the chart library is inline");
  }

  @Test
  void chart_longRun_hasAtMostMaxPointsAndKeepsTheSpike() throws IOException {
    ContextRecorder rec = new ContextRecorder();
    long seq = 0;
    int id = 0;
    for (int i = 0; i < 3000; i++) {
      String c = "Ctx#" + ++id;
      rec.onEvent(event(++seq, ContextEvent.Kind.ALLOCATE, c, 1));
      rec.onEvent(event(++seq, ContextEvent.Kind.FREE, c, 0));
      if (i == 1234) { // five contexts alive at once for a few events only
        List<String> spike = new ArrayList<>();
        for (int k = 0; k < 5; k++) {
          spike.add("Ctx#" + ++id);
          rec.onEvent(event(++seq, ContextEvent.Kind.ALLOCATE, spike.get(k), 1));
        }
        for (String s : spike) {
          rec.onEvent(event(++seq, ContextEvent.Kind.FREE, s, 0));
        }
      }
    }
    JsonNode chart = data(page(HtmlReport.builder(HtmlReport.Kind.RUN, "t", rec).build())).get("chart");
    assertTrue(chart.get("x").size() <= ReportJson.MAX_CHART_POINTS, "points: " + chart.get("x").size());
    assertTrue(chart.get("bucket").asInt() > 1);
    int peak = 0;
    for (JsonNode v : chart.get("series").get(chart.get("series").size() - 1).get("values")) {
      peak = Math.max(peak, v.asInt());
    }
    assertEquals(5, peak, "the five-context spike survives the aggregation");
  }

  @Test
  void recorder_walkthrough_knowsTheFileTheHeaderAndTheObject() {
    ContextRecorder rec = new ContextRecorder();
    RefCountWalkthrough.Result r = RefCountWalkthrough.run(new NtfsLikeFileSystem(ClosePolicy.IMMEDIATE), rec);
    ContextRecorder.Snapshot s = rec.snapshot();
    assertEquals(1, s.contexts());
    assertEquals("C:\\walkthrough.txt", s.strings().get(s.file()[0]));
    // A stream context attaches to its stream, whose FCB header is the request's.
    assertEquals(s.strings().get(s.header()[0]), s.strings().get(s.object()[0]));
    assertEquals(r.rows().size() + 2, s.events(), "the rows plus the detach and the free");
    assertEquals(0, rec.unfreedCount());
  }

  @Test
  void recorder_traceRows_positionIsTheRowBeingReplayed() {
    ContextRecorder rec = new ContextRecorder(ContextRecorder.Axis.TRACE_ROW);
    ProgressListener p = rec.trackRows(ProgressListener.NONE);
    p.started(10);
    rec.onEvent(event(1, ContextEvent.Kind.ALLOCATE, "Ctx#1", 1));
    p.advanced(1);
    p.advanced(2);
    rec.onEvent(event(2, ContextEvent.Kind.FREE, "Ctx#1", 0));
    ContextRecorder.Snapshot s = rec.snapshot();
    assertEquals(1, s.eventPosition()[0], "during row 1");
    assertEquals(3, s.eventPosition()[1], "during row 3");
    assertEquals(3, s.freedAt()[0]);
    assertThrows(IllegalStateException.class, () -> new ContextRecorder().trackRows(ProgressListener.NONE));
  }

  @Test
  void writeTo_fileThatCannotBeWritten_throwsAndLeavesNoFile() {
    Path missing = dir.resolve("no-such-dir").resolve("r.html");
    HtmlReport r = HtmlReport.builder(HtmlReport.Kind.RUN, "t", new ContextRecorder()).build();
    assertThrows(IOException.class, () -> r.writeTo(missing));
    assertFalse(Files.exists(missing));
  }
}
