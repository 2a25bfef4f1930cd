package io.fsctx.tools.replay;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The counting pass read in parts on several threads ({@link CountingPass}) gives what one reader
 * gives: the same count and drive letters, or the same first error on the same line, whatever
 * the cuts fall on (quoted fields that span lines and start a line with a quote, CRLF and LF,
 * errors in any part).
 */
class CountingPassPartsTest {
  @TempDir Path dir;

  /** How many passes were read in more than one part. */
  private int split;

  /** What one reader says, or its error. */
  private String oneReader(TraceSource s) throws IOException {
    return outcome(s, Long.MAX_VALUE, 1);
  }

  private String outcome(TraceSource s, long minPart, int maxParts) throws IOException {
    try {
      CountingPass.Result r = CountingPass.run(s, minPart, maxParts);
      split += r.parts() > 1 ? 1 : 0;
      return r.counted() + " " + r.volumes();
    } catch (TraceFormatException e) {
      return e.getMessage();
    }
  }

  private static String row(Random rnd, int i, String eol) {
    String letter = String.valueOf("CDEFcdx\\".charAt(rnd.nextInt(8)));
    String path = letter.equals("\\") ? "\\\\srv\\share\\f" + i : letter + ":\\dir\\f" + i;
    // A Detail that spans lines, with a line that starts with a quote: a cut may land on it.
    String detail = rnd.nextInt(5) == 0 ? "first" + eol + "\"\"quoted\"\" line" + eol + "\"\"x" : "Offset: " + i;
    String result = rnd.nextInt(6) == 0 ? "" : "SUCCESS";
    return String.join(",", Traces.q("1:00"), Traces.q("p.exe"), Traces.q(String.valueOf(1 + rnd.nextInt(9))),
        Traces.q("ReadFile"), Traces.q(path), Traces.q(result), Traces.q(detail)) + eol;
  }

  private static byte[] trace(Random rnd, int rows) {
    String eol = rnd.nextBoolean() ? "\r\n" : "\n";
    StringBuilder b = new StringBuilder(Traces.HEADER7).append(eol);
    for (int i = 0; i < rows; i++) {
      b.append(row(rnd, i, eol));
    }
    return b.toString().getBytes(UTF_8);
  }

  @Test
  void parts_randomTracesAndDamage_sameAsOneReader() throws IOException {
    long seed = Long.getLong("fsctx.fuzzSeed", System.nanoTime());
    System.out.println("CountingPassPartsTest seed " + seed + " (rerun with -Dfsctx.fuzzSeed=" + seed + ")");
    Random rnd = new Random(seed);
    int errors = 0;
    for (int i = 0; i < 400; i++) {
      byte[] b = trace(rnd, 20 + rnd.nextInt(200));
      int damage = rnd.nextInt(3);
      for (int d = 0; d < damage; d++) {
        b[rnd.nextInt(b.length)] = (byte) "\",\n\rx\0".charAt(rnd.nextInt(6));
      }
      TraceSource s = TraceSource.of("t", b);
      String expected = oneReader(s);
      errors += expected.startsWith("line ") ? 1 : 0;
      for (int parts = 2; parts <= 4; parts++) {
        long minPart = 1 + rnd.nextInt(Math.max(1, b.length / parts));
        byte[] trace = b;
        int p = parts;
        assertEquals(expected, outcome(s, minPart, parts),
            () -> "seed " + seed + ", " + p + " parts of at least " + minPart + " bytes:\n" + new String(trace, UTF_8));
      }
    }
    assertTrue(errors > 20 && errors < 380, "both good and bad traces were tried: " + errors + " bad");
    assertTrue(split > 300, "most passes were read in parts: " + split + " of 1200");
  }

  @Test
  void parts_errorInLastPart_lineCountsEveryPartBefore() throws IOException {
    StringBuilder b = new StringBuilder(Traces.HEADER7).append("\r\n");
    for (int i = 0; i < 300; i++) {
      b.append(row(new Random(i), i, "\r\n"));
    }
    b.append("\"1:00\",\"p.exe\",\"0x1F\",\"ReadFile\",\"C:\\a\",\"SUCCESS\",\"\"\r\n");
    byte[] bytes = b.toString().getBytes(UTF_8);
    TraceSource s = TraceSource.of("t", bytes);
    String expected = oneReader(s);
    assertTrue(expected.contains("PID '0x1F' is not a number"), expected);
    assertEquals(expected, outcome(s, bytes.length / 4, 4));
  }

  @Test
  void parts_fileAndGzipFile_sameAsOneReader() throws IOException {
    byte[] b = trace(new Random(7), 500);
    Path plain = Files.write(dir.resolve("t.csv"), b);
    Path gz = Files.write(dir.resolve("t.csv.gz"), Traces.gzip(b));
    String expected = oneReader(TraceSource.of("t", b));
    assertTrue(expected.matches("\\d+ \\[C, D, E, F, X]"), expected);
    CountingPass.Result inParts = CountingPass.run(TraceSource.of(plain), b.length / 3, 3);
    assertEquals(expected, inParts.counted() + " " + inParts.volumes());
    assertEquals(3, inParts.parts());
    CountingPass.Result compressed = CountingPass.run(TraceSource.of(gz), 100, 3);
    assertEquals(expected, compressed.counted() + " " + compressed.volumes());
    assertEquals(1, compressed.parts(), "a compressed trace is read by one reader");
  }

  @Test
  void openAt_fileAndBytes_startAtTheOffset() throws IOException {
    byte[] b = "0123456789".getBytes(UTF_8);
    Path f = Files.write(dir.resolve("d"), b);
    for (TraceSource s : new TraceSource[] {TraceSource.of("b", b), TraceSource.of(f)}) {
      assertEquals(10, s.size());
      try (var in = s.openAt(4)) {
        assertEquals("456789", new String(in.readAllBytes(), UTF_8));
      }
    }
  }

  @Test
  void parts_cutInsideQuotedField_oneReaderDecides() throws IOException {
    // One huge Detail whose lines start with a quote: every guess falls inside it.
    StringBuilder detail = new StringBuilder();
    for (int i = 0; i < 2000; i++) {
      detail.append("\n\"line ").append(i).append('"');
    }
    String csv = Traces.HEADER7 + "\n" + String.join(",", Traces.q("1"), Traces.q("p"), Traces.q("1"), Traces.q("ReadFile"),
        Traces.q("C:\\a"), Traces.q("SUCCESS"), Traces.q(detail.toString())) + "\n"
        + String.join(",", Traces.q("1"), Traces.q("p"), Traces.q("1"), Traces.q("ReadFile"), Traces.q("D:\\b"),
            Traces.q("SUCCESS"), Traces.q("")) + "\n";
    byte[] b = csv.getBytes(UTF_8);
    CountingPass.Result r = CountingPass.run(TraceSource.of("t", b), b.length / 4, 4);
    assertEquals(2, r.counted());
    assertEquals("[C, D]", r.volumes().toString());
    assertEquals(1, r.parts(), "every part but the last failed to end at its cut, so one reader read it");
  }
}
