package io.fsctx.tools.replay;

import static java.nio.charset.StandardCharsets.UTF_16LE;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The byte parser of UTF-8 traces ({@link Utf8CsvRecords}) against the character path that UTF-16
 * traces take (the strict decoder and FastCSV): the same text, encoded both ways, must give the
 * same rows, or the same refusal on the same line. Random texts (seeded, printed on failure)
 * cover quoting, doubled quotes, line ends inside fields, non-ASCII characters, fields that
 * straddle the 64 KiB read buffer, and each kind of malformed record. Well-formed traces must
 * give identical rows; a trace with faults must be refused by both, with the same rows where both
 * handed rows out (which fault is named first may differ, see the test).
 */
class Utf8CsvRecordsTest {

  /** The rows of a trace as strings, or its refusal as "refused at line N: kind". */
  private static List<String> outcome(byte[] bytes) {
    List<String> out = new ArrayList<>();
    try (TraceReader r = TraceReader.open(new ByteArrayInputStream(bytes))) {
      for (TraceRow row : r) {
        out.add(row.line() + "|" + row.timeOfDay() + "|" + row.processName() + "|" + row.pid() + "|" + row.operation()
            + "|" + row.path() + "|" + row.result() + "|" + row.detail());
      }
    } catch (TraceFormatException e) {
      // The first words say what is wrong; the UTF-8 path words the CSV fault its own way.
      String m = e.getMessage();
      String kind = m.substring(m.indexOf(": ") + 2);
      kind = kind.substring(0, Math.min(kind.length(), kind.startsWith("not valid CSV") ? 13 : 24));
      out.add("refused at line " + e.line() + ": " + kind);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return out;
  }

  private static byte[] utf16WithBom(String text) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(0xFF);
    b.write(0xFE);
    byte[] t = text.getBytes(UTF_16LE);
    b.write(t, 0, t.length);
    return b.toByteArray();
  }

  private static String field(Random rnd, int longField) {
    String[] pieces = {"a", "C:\\Windows", "é", "日本", "\"\"", ",", " ", "\r\n", "\n", "x y", "😀"};
    StringBuilder b = new StringBuilder("\"");
    int n = rnd.nextInt(6);
    for (int i = 0; i < n; i++) {
      b.append(pieces[rnd.nextInt(pieces.length)]);
    }
    if (longField > 0) {
      b.append("é".repeat(longField / 2)).append("\"\"").append("a".repeat(longField / 2));
    }
    return b.append('"').toString();
  }

  private static String randomTrace(Random rnd, boolean faults) {
    StringBuilder b = new StringBuilder(Traces.HEADER7);
    String[] ends = {"\r\n", "\n", "\r"};
    String end = ends[rnd.nextInt(ends.length)];
    int records = 1 + rnd.nextInt(40);
    for (int r = 0; r < records; r++) {
      b.append(end);
      if (rnd.nextInt(10) == 0) {
        b.append(end); // an empty line, skipped
      }
      for (int f = 0; f < 7; f++) {
        if (f > 0) {
          b.append(',');
        }
        if (f == 2) {
          b.append(rnd.nextBoolean() ? "\"" + rnd.nextInt(10000) + "\"" : String.valueOf(rnd.nextInt(10000)));
        } else if (rnd.nextInt(8) == 0) {
          b.append("plain é");
        } else {
          b.append(field(rnd, rnd.nextInt(25) == 0 ? 70_000 + rnd.nextInt(70_000) : 0));
        }
      }
      if (faults && rnd.nextInt(30) == 0) {
        switch (rnd.nextInt(4)) {
          case 0 -> b.append(",\"extra\""); // one field too many
          case 1 -> b.append(",ab\"c"); // a stray quote
          case 2 -> b.append("\"x"); // a character after a closing quote
          default -> b.append(",\"open to the end"); // an unterminated quote
        }
      }
    }
    if (rnd.nextBoolean()) {
      b.append(end);
    }
    return b.toString();
  }

  @Test
  @DisplayName("issue 14: UTF-8 bytes parse to the same rows and refusals as the same text in UTF-16 (FastCSV path), over 300 random traces")
  void randomTraces_utf8AndUtf16_sameOutcome() {
    long seed = Long.getLong("fsctx.csv.seed", System.nanoTime()); // -Dfsctx.csv.seed replays a run
    Random rnd = new Random(seed);
    for (int t = 0; t < 300; t++) {
      String text = randomTrace(rnd, t % 2 == 1);
      byte[] utf8 = text.getBytes(UTF_8);
      if (rnd.nextBoolean()) {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] with = Arrays.copyOf(bom, 3 + utf8.length);
        System.arraycopy(utf8, 0, with, 3, utf8.length);
        utf8 = with;
      }
      int trace = t;
      List<String> chars = outcome(utf16WithBom(text));
      List<String> bytes = outcome(utf8);
      String last16 = chars.get(chars.size() - 1);
      String last8 = bytes.isEmpty() ? "" : bytes.get(bytes.size() - 1);
      if (trace % 2 == 1 && !chars.equals(bytes)) {
        // A trace with faults: both paths refuse it. Where a record has several faults, or the
        // character path reads ahead of the record it hands out (its quoting check runs ahead
        // of FastCSV, and FastCSV's line for a character after a closing quote undercounts line
        // ends inside quoted fields), they may name different faults after different numbers of
        // rows; the byte path names the first one in file order. Where both handed rows out,
        // the rows agree.
        assertTrue(last16.startsWith("refused") && last8.startsWith("refused"),
            () -> "seed " + seed + ", trace " + trace + ": " + last8 + " vs " + last16);
        int rows = Math.min(chars.size(), bytes.size()) - 1;
        assertEquals(chars.subList(0, rows), bytes.subList(0, rows), () -> "seed " + seed + ", trace " + trace);
      } else {
        assertEquals(chars, bytes, () -> "seed " + seed + ", trace " + trace);
      }
    }
  }

  @Test
  @DisplayName("a multi-byte character, a doubled quote and a CRLF split by the 64 KiB read buffer are read whole")
  void boundaries_splitSequences_readWhole() throws IOException {
    for (int shift = 0; shift < 6; shift++) {
      String filler = "a".repeat(65_536 - Traces.HEADER7.length() - 30 + shift);
      String text = Traces.HEADER7 + "\r\n\"t\",\"p\",\"1\",\"op\",\"" + filler + "é\"\"😀\",\"r\",\"d\"\r\n";
      List<String> rows = outcome(text.getBytes(UTF_8));
      assertEquals(1, rows.size(), rows::toString);
      assertTrue(rows.get(0).endsWith("|" + filler + "é\"😀|r|d"), () -> "shift " + text.length());
    }
  }

  @Test
  @DisplayName("bytes that are not UTF-8 are refused on their line, wherever they fall in the buffer")
  void malformed_acrossBuffer_refusedOnItsLine() {
    String head = Traces.HEADER7 + "\n\"t\",\"p\",\"1\",\"op\",\"" + "a".repeat(65_530) + "\n";
    byte[] h = head.getBytes(UTF_8);
    byte[] bytes = Arrays.copyOf(h, h.length + 8);
    bytes[h.length] = (byte) 0xE9; // é in Windows-1252
    bytes[h.length + 1] = ';';
    bytes[h.length + 2] = '"';
    TraceFormatException e =
        assertThrows(TraceFormatException.class, () -> {
          try (TraceReader r = TraceReader.open(new ByteArrayInputStream(bytes))) {
            r.forEach(row -> { });
          }
        });
    assertEquals(3, e.line(), e.getMessage());
    assertTrue(e.getMessage().contains("byte 0xE9 is not UTF-8"), e.getMessage());
  }

  @Test
  @DisplayName("a field longer than 16 MiB is refused on its record's line; an unterminated quote is still named as such")
  void hugeField_refused() {
    String big = "a".repeat(Utf8CsvRecords.MAX_FIELD + 10);
    String closed = Traces.HEADER7 + "\n\"t\",\"p\",\"1\",\"op\",\"" + big + "\",\"r\",\"d\"\n";
    List<String> rows = outcome(closed.getBytes(UTF_8));
    assertEquals(List.of("refused at line 2: not valid CSV"), rows);
    String open = Traces.HEADER7 + "\n\"t\",\"p\",\"1\",\"op\",\"" + big + "\n";
    assertEquals(List.of("refused at line 2: unterminated quote: the "), outcome(open.getBytes(UTF_8)));
  }
}
