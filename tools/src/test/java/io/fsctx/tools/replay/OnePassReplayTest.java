package io.fsctx.tools.replay;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The engine over a stream (read once, volumes mounted as their letters appear), names too long
 * for the model, and failures of the target carrying the row's line.
 */
class OnePassReplayTest {
  private static final String TRACE =
      Traces.csv(
          "1|CreateFile|D:\\x|SUCCESS",
          "1|ReadFile|D:\\x|SUCCESS",
          "1|QueryOpen|\\\\srv\\share\\y|SUCCESS",
          "2|CreateFile|c:\\y|SUCCESS",
          "2|FASTIO_READ|C:\\y|SUCCESS",
          "2|CloseFile|C:\\y|SUCCESS",
          "1|CreateFile|E:\\z|NAME NOT FOUND");

  private static TraceSource stream(String text) {
    return TraceSource.stream("stdin", new ByteArrayInputStream(text.getBytes(UTF_8)));
  }

  @Test
  @DisplayName("A stream is read once; each volume is mounted just before the first row on it")
  void replay_stream_mountsEachLetterBeforeItsFirstRow() throws IOException {
    CountingReplayTarget t = new CountingReplayTarget();
    new ReplayEngine().replay(stream(TRACE), t);
    assertEquals("mount []", t.calls.get(0));
    assertEquals("mount D:", t.calls.get(1));
    assertEquals("open FO#1 D:\\x", t.calls.get(2));
    int c = t.calls.indexOf("mount C:");
    assertTrue(c > 0 && t.calls.get(c + 1).equals("open FO#2 c:\\y"), t.calls.toString());
    assertEquals(List.of('D', 'C', 'E'), t.volumes);
  }

  @Test
  @DisplayName("A stream gives the summary a file gives")
  void replay_stream_sameSummaryAsTwoPasses() throws IOException {
    ReplaySummary once = new ReplayEngine().replay(stream(TRACE), new CountingReplayTarget());
    ReplaySummary twice = new ReplayEngine().replay(Traces.source(TRACE), new CountingReplayTarget());
    assertEquals(twice, once);
  }

  @Test
  @DisplayName("The shared capture streamed gives the figures of the file")
  void replay_sharedCaptureStreamed_sameSummary() throws IOException {
    byte[] bytes = Files.readAllBytes(Traces.sharedCapture());
    ReplaySummary once = new ReplayEngine().replay(
        TraceSource.stream("stdin", new ByteArrayInputStream(bytes)), new CountingReplayTarget(false));
    ReplaySummary twice = new ReplayEngine().replay(
        TraceSource.of("file", bytes), new CountingReplayTarget(false));
    assertEquals(twice, once);
  }

  @Test
  @DisplayName("A stream source opens once")
  void stream_openedTwice_refused() throws IOException {
    TraceSource s = stream(TRACE);
    s.open();
    assertThrows(IllegalStateException.class, s::open);
  }

  @Test
  @DisplayName("A path or rename target longer than the target can name: skipped as unsupportedPath, counted")
  void replay_namesLongerThanTheTargetCanName_skippedAndCounted() throws IOException {
    CountingReplayTarget t = new CountingReplayTarget();
    t.longestPath = 12;
    ReplaySummary s = new ReplayEngine().replay(Traces.source(Traces.csv(
        "1|CreateFile|C:\\123456789|SUCCESS",
        "1|CreateFile|C:\\1234567890|SUCCESS",
        "1|SetRenameInformationFile|C:\\123456789|SUCCESS|FileName: C:\\abcdefghij",
        "1|SetRenameInformationFile|C:\\123456789|SUCCESS|FileName: C:\\abcdefghi",
        "1|CloseFile|C:\\abcdefghi|SUCCESS")), t);
    assertEquals(5, s.rows());
    assertEquals(3, s.replayed());
    assertEquals(2, s.unsupportedPath());
    assertEquals(2, s.namesTooLong());
  }

  @Test
  @DisplayName("What the target throws while replaying a row carries the row's line")
  void replay_targetThrows_lineAttached() {
    CountingReplayTarget t = new CountingReplayTarget() {
      @Override
      public void send(Fo fileObject, TraceRequest request) {
        throw new IllegalStateException("boom");
      }
    };
    TraceRowException e = assertThrows(TraceRowException.class, () -> new ReplayEngine().replay(stream(TRACE), t));
    assertEquals(3, e.line());
    assertInstanceOf(IllegalStateException.class, e.getCause());
  }

  @Test
  @DisplayName("A stream fed live: each row reaches the target as soon as its line has arrived, the stream still open")
  void replay_streamFedLive_rowReachesTargetBeforeMoreIsWritten() throws Exception {
    java.io.PipedOutputStream feed = new java.io.PipedOutputStream();
    java.io.PipedInputStream in = new java.io.PipedInputStream(feed, 1 << 16);
    java.util.concurrent.CountDownLatch opened = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch sent = new java.util.concurrent.CountDownLatch(1);
    CountingReplayTarget t = new CountingReplayTarget() {
      @Override
      public Fo open(TraceRequest create) {
        Fo fo = super.open(create);
        opened.countDown();
        return fo;
      }

      @Override
      public void send(Fo fileObject, TraceRequest request) {
        super.send(fileObject, request);
        sent.countDown();
      }
    };
    java.util.concurrent.CompletableFuture<ReplaySummary> replay = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        return new ReplayEngine().replay(TraceSource.stream("stdin", in), t);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    try {
      String[] lines = Traces.csv("1|CreateFile|D:\\x|SUCCESS", "1|ReadFile|D:\\x|SUCCESS").split("\r\n");
      feed.write((lines[0] + "\r\n" + lines[1] + "\r\n").getBytes(UTF_8));
      feed.flush();
      assertTrue(opened.await(10, java.util.concurrent.TimeUnit.SECONDS),
          "the create reached the target while the stream stays open");
      feed.write((lines[2] + "\r\n").getBytes(UTF_8));
      feed.flush();
      assertTrue(sent.await(10, java.util.concurrent.TimeUnit.SECONDS), "so did the read written after it");
    } finally {
      feed.close();
    }
    assertEquals(2, replay.get(10, java.util.concurrent.TimeUnit.SECONDS).replayed());
  }

  @Test
  @DisplayName("A stream with a malformed record: every row before it is replayed, then the failure names its line")
  void replay_streamMalformedRecord_rowsBeforeItReplayed() {
    String good = Traces.csv("1|CreateFile|D:\\x|SUCCESS", "1|ReadFile|D:\\x|SUCCESS");
    String bad = good + "\"1:00:00.9 AM\",\"test.exe\",\"1\",\"ReadFile\"\r\n"; // 4 fields; the header has 7
    CountingReplayTarget t = new CountingReplayTarget();
    TraceFormatException e = assertThrows(TraceFormatException.class, () -> new ReplayEngine().replay(stream(bad), t));
    assertEquals(4, e.line(), e.getMessage());
    assertTrue(t.calls.contains("open FO#1 D:\\x"), t.calls.toString());
    assertTrue(t.calls.stream().anyMatch(c -> c.startsWith("send FO#1")), "the row just before the bad one: " + t.calls);
  }
}
