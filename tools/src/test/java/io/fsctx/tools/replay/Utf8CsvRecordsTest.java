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
 * The byte parser of traces ({@link Utf8CsvRecords}) against an independent RFC 4180 reading
 * written in this test, and UTF-8 against UTF-16 input (re-encoded on the way): the same text,
 * encoded both ways, must give the same rows, or the same refusal on the same line. Random texts
 * (seeded, printed on failure) cover quoting, doubled quotes, line ends inside fields, non-ASCII
 * characters, fields that straddle the 64 KiB read buffer, and each kind of malformed record.
 * Against the reference, well-formed traces must give identical rows, and a trace the reference
 * refuses must be refused, with the same rows before the refusal.
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
    // Long runs of plain ASCII with spaces and control bytes: the parser skips plain bytes eight
    // at a time, so a stop must be found at every offset within a word.
    String[] pieces = {"a", "C:\\Windows", "é", "日本", "\"\"", ",", " ", "\r\n", "\n", "x y", "😀",
        "Desired Access: Generic Read, Disposition: Open", "\t", "\u000B", "\u0001", "\u000E\u001F !#", "\u007F~",
        "abcdefg", "C:\\Program Files\\Windows Defender\\MsMpEng.exe"};
    StringBuilder b = new StringBuilder("\"");
    int n = rnd.nextInt(9);
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
          b.append(rnd.nextBoolean() ? "plain é" : "an unquoted field long enough\tto span words");
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
  @DisplayName("over 300 random traces, the rows (or refusal) agree with an independent RFC 4180 reading, and UTF-8 and UTF-16 give exactly the same")
  void randomTraces_matchReferenceReading_sameInUtf8AndUtf16() {
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
      List<String> expected = reference(text);
      List<String> actual = outcome(utf8);
      if (expected.get(expected.size() - 1).equals(REFUSED)) {
        // Which fault is named first, and on which line, is the parser's own policy (tested in
        // TraceReaderTest); here: refused, with the rows before the fault handed out as read.
        String last = actual.get(actual.size() - 1);
        assertTrue(last.startsWith("refused"), () -> "seed " + seed + ", trace " + trace + ": " + last);
        int rows = Math.min(expected.size(), actual.size()) - 1;
        assertEquals(expected.subList(0, rows), actual.subList(0, rows), () -> "seed " + seed + ", trace " + trace);
      } else {
        assertEquals(expected, actual, () -> "seed " + seed + ", trace " + trace);
      }
      // One parser reads both encodings (UTF-16 is re-encoded on the way), so even a trace with
      // several faults is refused on the same line with the same words.
      assertEquals(actual, outcome(utf16WithBom(text)), () -> "seed " + seed + ", trace " + trace + " in UTF-16");
    }
  }

  @Test
  @DisplayName("a quoted field ending in a CR, with an LF after its closing quote, is one field (FastCSV 4.1.0 dropped it), in UTF-8 and UTF-16")
  void quotedFieldEndingInCr_lfAfterQuote_oneField() {
    String text = Traces.HEADER7 + "\r\"t\",\"p\",\"1\",\"op\",\"x\r\r\",\"r\",\"\"\"d\r\"\n\"t2\",\"p\",\"2\",\"op\",\"y\",\"r\",\"e\"\r";
    List<String> want = List.of("2|t|p|1|op|x\r\r|r|\"d\r", "6|t2|p|2|op|y|r|e");
    assertEquals(want, outcome(text.getBytes(UTF_8)));
    assertEquals(want, outcome(utf16WithBom(text)));
    assertEquals(want, reference(text));
  }

  @Test
  @DisplayName("a byte-order mark after the one read as the encoding's is treated alike in UTF-8 and UTF-16")
  void secondByteOrderMark_sameOutcomeInBothEncodings() {
    String text = "\uFEFF" + Traces.HEADER7 + "\r\n\"t\",\"p\",\"1\",\"op\",\"x\",\"r\",\"d\"\r\n";
    byte[] utf8 = ("\uFEFF" + text).getBytes(UTF_8); // two marks: the encoding's, then the text's
    List<String> bytes = outcome(utf8);
    assertEquals(bytes, outcome(utf16WithBom(text)));
    assertTrue(bytes.get(bytes.size() - 1).startsWith("refused"), bytes::toString);
  }

  private static final String REFUSED = "refused";

  /**
   * An independent reading of a 7-column trace, written for clarity, not speed: RFC 4180 with CR,
   * LF or CRLF record ends, empty lines skipped, each record as "line|field|...", ending with
   * {@link #REFUSED} at the first fault (field count, stray quote, character after a closing
   * quote, unterminated quote).
   */
  private static List<String> reference(String text) {
    List<String> out = new ArrayList<>();
    int n = text.length();
    int i = 0;
    long line = 1;
    boolean header = true;
    while (i < n) {
      char c = text.charAt(i);
      if (c == '\r' || c == '\n') { // an empty line
        i += c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n' ? 2 : 1;
        line++;
        continue;
      }
      long recordLine = line;
      List<String> fields = new ArrayList<>();
      while (true) {
        StringBuilder f = new StringBuilder();
        if (i < n && text.charAt(i) == '"') {
          i++;
          while (true) {
            if (i >= n) {
              out.add(REFUSED); // unterminated quote
              return out;
            }
            char d = text.charAt(i);
            if (d == '"') {
              if (i + 1 < n && text.charAt(i + 1) == '"') {
                f.append('"');
                i += 2;
                continue;
              }
              i++;
              break;
            }
            if (d == '\r' || (d == '\n' && text.charAt(i - 1) != '\r')) {
              line++;
            }
            f.append(d);
            i++;
          }
          if (i < n && ",\r\n".indexOf(text.charAt(i)) < 0) {
            out.add(REFUSED); // a character after the closing quote
            return out;
          }
        } else {
          while (i < n && ",\r\n".indexOf(text.charAt(i)) < 0) {
            if (text.charAt(i) == '"') {
              out.add(REFUSED); // a stray quote
              return out;
            }
            f.append(text.charAt(i++));
          }
        }
        fields.add(f.toString());
        if (i < n && text.charAt(i) == ',') {
          i++;
          continue;
        }
        break;
      }
      if (i < n) { // the record's line end
        i += text.charAt(i) == '\r' && i + 1 < n && text.charAt(i + 1) == '\n' ? 2 : 1;
        line++;
      }
      if (fields.size() != 7) {
        out.add(REFUSED);
        return out;
      }
      if (header) {
        header = false;
      } else {
        out.add(recordLine + "|" + String.join("|", fields));
      }
    }
    return out;
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
