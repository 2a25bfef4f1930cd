package io.fsctx.tools.replay;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The shared Windows 10 capture, read and replayed in full (traces/README.md, spec/replay.md). */
class SharedCaptureTest {
  private static byte[] bytes;

  @BeforeAll
  static void load() throws IOException {
    bytes = Files.readAllBytes(Traces.sharedCapture());
  }

  private static ReplaySummary replay(TraceSource s, CountingReplayTarget t) throws IOException {
    return new ReplayEngine().replay(s, t);
  }

  @Test
  @DisplayName("traces/README.md: the capture's facts, counted by the reader")
  void reader_sharedCapture_matchesReadmeFacts() throws IOException {
    Map<String, Integer> ops = new HashMap<>();
    int rows = 0;
    int emptyResult = 0;
    int createOk = 0;
    int createFailed = 0;
    int streams = 0;
    TreeSet<Character> letters = new TreeSet<>();
    long lastLine = 0;
    try (TraceReader r = TraceReader.open(Traces.sharedCapture())) {
      assertEquals(27, r.header().size());
      assertTrue(r.hasEventClass());
      for (TraceRow row : r) {
        rows++;
        assertEquals("File System", row.eventClass());
        assertTrue(row.line() > lastLine);
        lastLine = row.line();
        ops.merge(row.operation(), 1, Integer::sum);
        if (row.result().isEmpty()) {
          emptyResult++;
        }
        if (row.operation().equals("CreateFile") && !row.result().isEmpty()) {
          if (row.result().equals("SUCCESS")) {
            createOk++;
          } else {
            createFailed++;
          }
        }
        TracePath p = TracePath.parse(row.path());
        if (p != null) {
          letters.add(p.volume());
          if (!p.streamName().isEmpty()) {
            streams++;
          }
        }
      }
    }
    assertEquals(6795, rows);
    assertEquals(6796, lastLine, "one record per physical line after the header");
    assertEquals(2, emptyResult);
    assertEquals(948, createOk);
    assertEquals(128, createFailed);
    assertEquals(944, ops.get("CloseFile"));
    assertEquals(1381, ops.get("ReadFile"));
    assertEquals(301, ops.get("WriteFile"));
    assertEquals(7, ops.get("SetDispositionInformationFile"));
    assertEquals(299, ops.get("CreateFileMapping"));
    assertEquals(null, ops.get("SetRenameInformationFile"));
    assertEquals(null, ops.get("IRP_MJ_CLOSE"));
    assertEquals(TreeSet.class, letters.getClass());
    assertEquals("[C]", letters.toString());
    assertEquals(2, streams, "two :Zone.Identifier paths");
  }

  @Test
  @DisplayName("every Result text of the capture maps to a status; every operation is in the table")
  void classification_sharedCapture_knowsEveryTextAndOperation() throws IOException {
    try (TraceReader r = TraceReader.open(Traces.sharedCapture())) {
      for (TraceRow row : r) {
        if (!row.result().isEmpty()) {
          assertTrue(ResultStatus.isRecognised(row.result()), row.result());
        }
        if (!row.operation().equals("<Unknown>")) {
          assertTrue(TraceOperation.isKnownName(row.operation()), row.operation());
        }
      }
    }
  }

  @Test
  @DisplayName("spec/replay.md Summary: the engine's counts for the shared capture")
  void replay_sharedCapture_exactCounts() throws IOException {
    CountingReplayTarget t = new CountingReplayTarget(false);
    ReplaySummary s = replay(TraceSource.of(Traces.sharedCapture()), t);
    assertEquals(6793, s.rows());
    assertEquals(5367, s.replayed());
    assertEquals(1127, s.noOpenHandle());
    assertEquals(0, s.unsupportedPath());
    assertEquals(299, s.unsupportedOperation());
    assertEquals(948, s.createsSucceeded());
    assertEquals(128, s.createsFailed());
    assertEquals(0, s.createsReparse());
    assertEquals(s.rows(), s.replayed() + s.noOpenHandle() + s.unsupportedPath() + s.unsupportedOperation());
    assertEquals(0, s.unrecognisedResults());
    assertEquals(1, s.unknownOperations(), "Process Monitor's own <Unknown>");
    // The target saw exactly what the engine counted.
    assertEquals(java.util.List.of('C'), t.volumes);
    assertEquals(948, t.opens);
    assertEquals(128, t.createsFailed);
    assertEquals(948, t.rowCloses + t.endCloses);
    assertEquals(5, t.endCloses);
    assertEquals(s.replayed(), t.opens + t.createsFailed + t.queryOpens + t.sends + t.rowCloses);
    assertEquals(7, t.deletePending);
    assertEquals(0, t.renames);
    assertTrue(t.finished);
  }

  @Test
  @DisplayName("spec/replay.md Input: gzip and zlib copies replay identically")
  void replay_compressedCopies_identicalSummaries() throws IOException {
    String plain = replay(TraceSource.of("plain", bytes), new CountingReplayTarget(false)).toJson();
    byte[] gz = Traces.gzip(bytes);
    byte[] zl = Traces.zlib(bytes);
    assertEquals(0x1f, gz[0] & 0xff);
    assertEquals(0x78, zl[0] & 0xff);
    assertEquals(plain, replay(TraceSource.of("gz", gz), new CountingReplayTarget(false)).toJson());
    assertEquals(plain, replay(TraceSource.of("zlib", zl), new CountingReplayTarget(false)).toJson());
  }

  @Test
  @DisplayName("spec/replay.md Input: 7-column export, BOM and LF-only line ends replay identically")
  void replay_sevenColumnsBomAndLf_identicalSummaries() throws IOException {
    StringBuilder seven = new StringBuilder(Traces.HEADER7).append("\r\n");
    try (TraceReader r = TraceReader.open(Traces.sharedCapture())) {
      for (TraceRow row : r) {
        seven
            .append(String.join(
                ",",
                Traces.q(row.timeOfDay()),
                Traces.q(row.processName()),
                Traces.q(Long.toString(row.pid())),
                Traces.q(row.operation()),
                Traces.q(row.path()),
                Traces.q(row.result()),
                Traces.q(row.detail())))
            .append("\r\n");
      }
    }
    String plain = replay(TraceSource.of("plain", bytes), new CountingReplayTarget(false)).toJson();
    String s7 = seven.toString();
    assertEquals(plain, replay(Traces.source(s7), new CountingReplayTarget(false)).toJson());
    assertEquals(
        plain, replay(Traces.source("\uFEFF" + s7), new CountingReplayTarget(false)).toJson());
    String lf = new String(bytes, UTF_8).replace("\r\n", "\n");
    assertEquals(plain, replay(Traces.source(lf), new CountingReplayTarget(false)).toJson());
    assertEquals(
        plain,
        replay(TraceSource.of("bom+gz", Traces.gzip(("\uFEFF" + lf).getBytes(UTF_8))),
                new CountingReplayTarget(false))
            .toJson());
  }
}
