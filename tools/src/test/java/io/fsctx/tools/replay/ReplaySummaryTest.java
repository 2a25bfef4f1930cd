package io.fsctx.tools.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.collect.ImmutableSortedSet;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The summary's JSON and text forms, and the progress bar's throttle. */
class ReplaySummaryTest {

  private static ReplaySummary sample() {
    return sample(0);
  }

  private static ReplaySummary sample(long diverged) {
    return new ReplaySummary(
        10, 6, 2, 1, 1, 3, 1, 1, ImmutableSortedSet.of('C', 'D'), 0, 0, diverged,
        CountingReplayTarget.sampleCounts(), 1);
  }

  @Test
  void toJson_exactlyTheContractMembers() throws Exception {
    JsonNode n = new ObjectMapper().readTree(sample().toJson());
    List<String> names = new ArrayList<>();
    n.fieldNames().forEachRemaining(names::add);
    assertEquals(
        List.of("rows", "replayed", "skipped", "creates", "contexts", "leakedContexts", "volumes",
            "unrecognisedResults", "unknownOperations", "namesTooLong", "diverged"),
        names);
    assertEquals(10, n.get("rows").asLong());
    assertEquals(2, n.at("/skipped/noOpenHandle").asLong());
    assertEquals(1, n.at("/skipped/unsupportedPath").asLong());
    assertEquals(1, n.at("/skipped/unsupportedOperation").asLong());
    assertEquals(3, n.at("/creates/succeeded").asLong());
    assertEquals(1, n.at("/creates/failed").asLong());
    assertEquals(1, n.at("/creates/reparse").asLong());
    assertEquals(7, n.at("/contexts/STREAM/allocated").asLong());
    assertEquals(0, n.at("/contexts/FILE/freed").asLong());
    assertEquals(0, n.at("/contexts/STREAMHANDLE/allocated").asLong());
    assertEquals(1, n.get("leakedContexts").asLong());
    assertEquals("[\"C:\",\"D:\"]", n.get("volumes").toString());
    assertEquals(1, n.get("namesTooLong").asLong());
    assertEquals(0, n.get("diverged").asLong());
    assertEquals(2, new ObjectMapper().readTree(sample(2).toJson()).get("diverged").asLong());
  }

  @Test
  void toText_namesEveryFigure() {
    String t = sample().toText();
    assertTrue(t.contains("skipped, no open handle"), t);
    assertTrue(t.contains("STREAM contexts"), t);
    assertTrue(t.contains("volumes                          C: D:"), t);
    assertTrue(t.contains("skipped, unsupported path        1\n  of which names too long        1\n"), t);
    assertFalse(t.contains("diverged"), "no line for a replay that did what the trace says: " + t);
    assertTrue(sample(2).toText().contains("diverged from the trace          2"), sample(2).toText());
  }

  @Test
  void constructor_brokenInvariant_refused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new ReplaySummary(5, 1, 1, 1, 1, 0, 0, 0, ImmutableSortedSet.of(), 0, 0, 0, ContextCounts.none(), 0));
    assertThrows(
        IllegalArgumentException.class,
        () -> new ReplaySummary(4, 1, 1, 1, 1, 0, 0, 0, ImmutableSortedSet.of(), 0, 0, 0, ContextCounts.none(), 2),
        "more names too long than unsupported paths");
  }

  @Test
  void progress_atMostTenDrawsPerSecondAndErasedAtEnd() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    AtomicLong now = new AtomicLong(0);
    ProgressReporter p =
        new ProgressReporter(new PrintStream(buf, true, StandardCharsets.UTF_8), now::get);
    p.started(100_000);
    for (int i = 1; i <= 100_000; i++) {
      now.addAndGet(20_000); // 2 s in all
      p.advanced(i);
    }
    assertTrue(p.draws() <= 21 && p.draws() >= 19, "draws " + p.draws());
    p.finished();
    String out = buf.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("%"), out);
    assertTrue(out.endsWith("\r"), out);
  }
}
