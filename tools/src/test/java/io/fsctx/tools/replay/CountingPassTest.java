package io.fsctx.tools.replay;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The counting pass ({@link TraceReader#forEachCounted}) judges rows on their bytes; iteration
 * with {@link ReplayEngine#isCounted} judges them on strings. The two must agree on every input:
 * the same rows counted with the same paths, or the same error on the same line.
 */
class CountingPassTest {
  private static final String HEADER8 =
      "\"Time of Day\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\",\"Event Class\"";

  /** What a pass saw: the counted rows' lines, first path characters and paths, or its error. */
  private record Seen(List<String> rows, String error) {}

  private static Seen counting(byte[] csv) {
    List<String> rows = new ArrayList<>();
    try (TraceReader r = TraceReader.open(new ByteArrayInputStream(csv), TraceReader.Columns.COUNTING)) {
      long n = r.forEachCounted(row -> rows.add(row.line() + "|" + (int) row.firstPathChar() + "|" + row.path()));
      assertEquals(rows.size(), n, "the count returned is the rows handed over");
      return new Seen(rows, "");
    } catch (TraceFormatException e) {
      return new Seen(rows, e.line() + ": " + e.getMessage());
    } catch (IOException | UncheckedIOException e) {
      return new Seen(rows, "I/O: " + e.getMessage());
    }
  }

  private static Seen iterating(byte[] csv) {
    List<String> rows = new ArrayList<>();
    try (TraceReader r = TraceReader.open(new ByteArrayInputStream(csv), TraceReader.Columns.COUNTING)) {
      boolean ec = r.hasEventClass();
      for (TraceRow row : r) {
        if (ReplayEngine.isCounted(row, ec)) {
          String p = row.path();
          rows.add(row.line() + "|" + (p.isEmpty() ? 0 : (int) p.charAt(0)) + "|" + p);
        }
      }
      return new Seen(rows, "");
    } catch (TraceFormatException e) {
      return new Seen(rows, e.line() + ": " + e.getMessage());
    } catch (IOException | UncheckedIOException e) {
      return new Seen(rows, "I/O: " + e.getMessage());
    }
  }

  private static String row8(String pid, String path, String result, String eventClass) {
    return String.join(",", Traces.q("1:00"), Traces.q("a.exe"), Traces.q(pid), Traces.q("ReadFile"), Traces.q(path),
        Traces.q(result), Traces.q(""), Traces.q(eventClass));
  }

  @ParameterizedTest(name = "PID ''{0}'', Path ''{1}'', Result ''{2}'', Event Class ''{3}''")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      12           | C:\\a         | SUCCESS        | File System
      ` 12 `       | c:\\a         | SUCCESS        | ` File System `
      12           | C:\\a         | SUCCESS        | `File System\u2003`
      12           | C:\\a         | SUCCESS        | File\u00A0System
      12           | C:\\a         | SUCCESS        | Registry
      12           | C:\\a         | `\u2003`       | File System
      12           | C:\\a         | `\u00A0`       | File System
      12           | C:\\a         | ` \t `         | File System
      12           | C:\\a         | ''             | File System
      12           | é:\\a         | SUCCESS        | File System
      12           | ''            | SUCCESS        | File System
      12           | C:\\a\"\"b    | SUCCESS        | File System
      12           | \u00DF:\\x    | NAME NOT FOUND | File System
      \u0661\u0662 | C:\\a         | SUCCESS        | File System
      ''           | C:\\a         | SUCCESS        | File System
      12345678901  | C:\\a         | SUCCESS        | File System
      1\u20032     | C:\\a         | SUCCESS        | File System
      0x1F         | C:\\a         | SUCCESS        | Registry
      """)
  void countingPass_sameAsIteration(String pid, String path, String result, String eventClass) {
    String csv = HEADER8 + "\r\n" + row8("7", "D:\\first", "SUCCESS", "File System") + "\r\n"
        + row8(pid, path, result, eventClass) + "\r\n";
    byte[] b = csv.getBytes(UTF_8);
    Seen expected = iterating(b);
    assertEquals(expected, counting(b));
  }

  @Test
  void countingPass_handsOverRowsAndPaths() {
    byte[] b = (HEADER8 + "\n" + row8("1", "C:\\x", "SUCCESS", "File System") + "\n"
        + row8("1", "\\\\srv\\s", "SUCCESS", "File System") + "\n" + row8("1", "é:\\y", "", "File System") + "\n"
        + row8("1", "Ω:\\z", "OK", "File System") + "\n").getBytes(UTF_8);
    assertEquals(new Seen(List.of("2|67|C:\\x", "3|92|\\\\srv\\s", "5|937|Ω:\\z"), ""), counting(b));
  }

  @Test
  void countingPass_afterIteration_refused() throws IOException {
    try (TraceReader r = TraceReader.open(new ByteArrayInputStream((HEADER8 + "\n").getBytes(UTF_8)))) {
      var unused = r.iterator();
      assertThrows(IllegalStateException.class, () -> r.forEachCounted(row -> {}));
    }
  }

  @Test
  void countingPass_sevenColumnsAndAll_sameAsIteration() throws IOException {
    byte[] b = Traces.csv(
            "1|CreateFile|C:\\a.txt|SUCCESS",
            "1|ReadFile|C:\\a.txt|",
            "2|QueryOpen|\\\\srv\\s\\x|SUCCESS",
            "1|CloseFile|c:\\a.txt|SUCCESS")
        .getBytes(UTF_8);
    Seen expected = iterating(b);
    assertEquals(3, expected.rows().size(), expected::toString);
    assertEquals(expected, counting(b));
    // The reader keeping every column counts the same way.
    List<String> rows = new ArrayList<>();
    try (TraceReader r = TraceReader.open(new ByteArrayInputStream(b))) {
      r.forEachCounted(row -> rows.add(row.line() + "|" + (int) row.firstPathChar() + "|" + row.path()));
    }
    assertEquals(expected.rows(), rows);
  }

  /**
   * Random edits of a trace with every kind of field the pass judges (blanks, non-ASCII, quotes,
   * line ends): both passes see the same rows or the same error, on every mutant.
   */
  @Test
  void countingPass_randomMutations_sameAsIteration() {
    long seed = Long.getLong("fsctx.fuzzSeed", System.nanoTime());
    System.out.println("CountingPassTest seed " + seed + " (rerun with -Dfsctx.fuzzSeed=" + seed + ")");
    Random rnd = new Random(seed);
    String valid = HEADER8 + "\r\n"
        + row8("4", "C:\\a.txt", "SUCCESS", "File System") + "\r\n"
        + row8(" 4", "d:\\é\"\"q", " NAME NOT FOUND", " File System ") + "\r\n"
        + row8("4 ", "\\\\srv\\x", "", "File System") + "\r\n"
        + row8("12", "E:", "\u2003", "Registry") + "\r\n"
        + row8("12", "ß:\\x", "SUCCESS", "File System\u2003") + "\r\n";
    byte[] base = valid.getBytes(UTF_8);
    byte[] alphabet = " \t\",\r\n\\:x09".getBytes(UTF_8);
    byte[][] multi = {"é".getBytes(UTF_8), "\u2003".getBytes(UTF_8), "\u00A0".getBytes(UTF_8)};
    int counted = 0;
    for (int i = 0; i < 3000; i++) {
      byte[] b = Arrays.copyOf(base, base.length);
      int edits = 1 + rnd.nextInt(3);
      for (int e = 0; e < edits && b.length > 0; e++) {
        int at = rnd.nextInt(b.length);
        byte[] insert = switch (rnd.nextInt(5)) {
          case 0 -> new byte[] {(byte) rnd.nextInt(256)};
          case 1 -> multi[rnd.nextInt(multi.length)];
          default -> new byte[] {alphabet[rnd.nextInt(alphabet.length)]};
        };
        boolean replace = rnd.nextBoolean();
        byte[] c = new byte[b.length + insert.length - (replace ? 1 : 0)];
        System.arraycopy(b, 0, c, 0, at);
        System.arraycopy(insert, 0, c, at, insert.length);
        int rest = replace ? at + 1 : at;
        System.arraycopy(b, rest, c, at + insert.length, b.length - rest);
        b = c;
      }
      Seen expected = iterating(b);
      Seen got = counting(b);
      byte[] mutant = b;
      assertEquals(expected, got, () -> "seed " + seed + ", mutant:\n" + new String(mutant, UTF_8));
      counted += expected.rows().size();
    }
    assertTrue(counted > 1000, "the mutants still had rows that count: " + counted);
  }
}
