package io.fsctx.tools.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fsctx.tools.replay.Traces;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code fsctx replay} at the edges of its input, each case run through the real entry point as a
 * user would meet it: the exit status, the message (with the argument as written and the line
 * where the problem starts), and standard output empty or complete.
 */
class ReplayInputTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HEADER = Traces.HEADER7 + "\r\n";

  /** The model names \Device\HarddiskVolume1 + the path after "C:": 32,767 UTF-16 units at most. */
  private static final int LONGEST_ON_VOLUME_1 = 32_767 - "\\Device\\HarddiskVolume1".length() + 2;

  @TempDir Path dir;

  private static String row(String pid, String op, String path, String result, String detail) {
    return "\"1:00:00 AM\",\"t.exe\",\"" + pid + "\",\"" + op + "\",\"" + path + "\",\"" + result
        + "\",\"" + detail + "\"\r\n";
  }

  private static String row(String op, String path) {
    return row("1", op, path, "SUCCESS", "");
  }

  /** A small trace that opens, reads and closes two files. */
  private static final String SMALL =
      HEADER
          + row("CreateFile", "C:\\a")
          + row("ReadFile", "C:\\a")
          + row("CreateFile", "C:\\dir\\b.txt")
          + row("CloseFile", "C:\\dir\\b.txt")
          + row("CloseFile", "C:\\a");

  private Path write(String name, byte[] bytes) throws IOException {
    return Files.write(dir.resolve(name), bytes);
  }

  private Path write(String name, String text) throws IOException {
    return write(name, text.getBytes(UTF_8));
  }

  private static JsonNode onlyObject(String out) throws IOException {
    try (JsonParser p = JSON.getFactory().createParser(out)) {
      JsonNode n = JSON.readTree(p);
      assertEquals(null, p.nextToken(), "nothing may follow the JSON object");
      assertTrue(n.isObject(), out);
      return n;
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  // ---- Names longer than a UNICODE_STRING ----------------------------------------------------

  @Test
  @DisplayName("A path one character too long for a UNICODE_STRING is skipped and counted, not a crash")
  void replay_pathTooLongForUnicodeString_skippedAndCounted() throws IOException {
    String tooLong = "C:\\" + "a".repeat(LONGEST_ON_VOLUME_1 - 2); // C:\ + 32,744 characters
    String fits = "C:\\" + "b".repeat(LONGEST_ON_VOLUME_1 - 3);
    Path t = write("long.csv", HEADER
        + row("CreateFile", tooLong) + row("CloseFile", tooLong)
        + row("CreateFile", fits) + row("ReadFile", fits) + row("CloseFile", fits));
    Cli.Result r = Cli.run("replay", "--json", t.toString()).assertNoStackTrace();
    assertEquals(0, r.exit(), r::toString);
    JsonNode n = onlyObject(r.out());
    assertEquals(5, n.get("rows").asLong());
    assertEquals(3, n.get("replayed").asLong(), "the longest name that fits is replayed");
    assertEquals(2, n.at("/skipped/unsupportedPath").asLong());
    assertEquals(2, n.get("namesTooLong").asLong());
    assertEquals(1, n.at("/creates/succeeded").asLong());
  }

  @Test
  @DisplayName("The text summary says how many names were too long")
  void replay_pathTooLong_textSummaryLine() throws IOException {
    String tooLong = "C:\\" + "a".repeat(LONGEST_ON_VOLUME_1 - 2);
    Path t = write("long.csv", HEADER + row("CreateFile", tooLong));
    Cli.Result r = Cli.run("replay", t.toString());
    assertEquals(0, r.exit(), r::toString);
    assertTrue(r.out().contains("\n  of which names too long        1\n"), r.out());
    assertTrue(r.out().contains("leaked contexts                  0"), r.out());
  }

  @Test
  @DisplayName("A rename target of 100,000 characters is skipped and counted, not a crash")
  void replay_renameTargetTooLong_skippedAndCounted() throws IOException {
    Path t = write("rename.csv", HEADER
        + row("CreateFile", "C:\\a")
        + row("1", "SetRenameInformationFile", "C:\\a", "SUCCESS",
            "ReplaceIfExists: False, FileName: C:\\" + "b".repeat(100_000))
        + row("1", "SetRenameInformationFile", "C:\\a", "SUCCESS", "ReplaceIfExists: False, FileName: C:\\c")
        + row("CloseFile", "C:\\c"));
    Cli.Result r = Cli.run("replay", "--json", t.toString()).assertNoStackTrace();
    assertEquals(0, r.exit(), r::toString);
    JsonNode n = onlyObject(r.out());
    assertEquals(1, n.get("namesTooLong").asLong());
    assertEquals(3, n.get("replayed").asLong(), "the second rename and the close of the new name are replayed");
    assertEquals(0, n.get("leakedContexts").asLong());
  }

  @Test
  @DisplayName("A link target too long for a UNICODE_STRING is skipped like a rename target")
  void replay_linkTargetTooLong_skippedAndCounted() throws IOException {
    Path t = write("link.csv", HEADER
        + row("CreateFile", "C:\\a")
        + row("1", "SetLinkInformationFile", "C:\\a", "SUCCESS",
            "ReplaceIfExists: False, FileName: C:\\" + "l".repeat(LONGEST_ON_VOLUME_1))
        + row("CloseFile", "C:\\a"));
    Cli.Result r = Cli.run("replay", "--json", t.toString()).assertNoStackTrace();
    assertEquals(0, r.exit(), r::toString);
    assertEquals(1, onlyObject(r.out()).get("namesTooLong").asLong());
  }

  // ---- Where errors are reported -------------------------------------------------------------

  /**
   * Cases whose problem starts on line 3 of a 10-line trace: the third line, then seven lines
   * that follow it.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      stray quote in an unquoted field (was reported on line 10) | 1:00,t.exe,1,ReadFile,C:\\a"b,SUCCESS,x | ROW | stray quote: a '"' inside a field
      quote left open, however far it runs                       | "1:00","t.exe","1","ReadFile","C:\\a","SUCCESS","oops | 1,2,3,4,5,6,7 | unterminated quote: the quoted field that opens on this line
      a record with a missing field                              | "1:00","t.exe","1","ReadFile","C:\\a","SUCCESS" | ROW | the record has 6 fields; the header has 7
      """)
  @DisplayName("An error is reported on the line where it starts")
  void replay_errorOnLine3_reportedOnLine3(String what, String line3, String following, String says)
      throws IOException {
    StringBuilder b = new StringBuilder(HEADER).append(row("CreateFile", "C:\\a"));
    b.append(line3).append("\r\n");
    for (int i = 0; i < 7; i++) {
      b.append(following.equals("ROW") ? row("ReadFile", "C:\\a") : following + "\r\n");
    }
    Path t = write("line3.csv", b.toString());
    Cli.Result r = Cli.run("replay", t.toString()).assertRefused(2);
    assertTrue(r.err().startsWith("fsctx replay: " + t + ": line 3: " + says), r.err());
  }

  // ---- Compressed input ----------------------------------------------------------------------

  /** A compressed trace damaged in one way, and what the message must say. */
  @SuppressWarnings("ArrayRecordComponent") // test data, never compared
  record Damaged(String what, byte[] bytes, String says) {
    @Override
    public String toString() {
      return what;
    }
  }

  static List<Damaged> damagedContainers() {
    byte[] text = SMALL.getBytes(UTF_8);
    byte[] longer = SMALL.repeat(20).getBytes(UTF_8);
    byte[] gz = Traces.gzip(text);
    byte[] badCrc = gz.clone();
    badCrc[badCrc.length - 8] ^= 0x55; // first byte of the CRC-32 in the trailer
    byte[] z = Traces.zlib(text);
    byte[] badAdler = z.clone();
    badAdler[badAdler.length - 1] ^= 0x55;
    byte[] zLonger = Traces.zlib(longer);
    return List.of(
        new Damaged("gzip trailer cut off (it used to say 'null')", Arrays.copyOf(gz, gz.length - 4),
            "truncated gzip stream (unexpected end of input)"),
        new Damaged("gzip data cut in the middle", Arrays.copyOf(Traces.gzip(longer), Traces.gzip(longer).length / 2),
            "truncated gzip stream (unexpected end of input)"),
        new Damaged("gzip CRC-32 wrong", badCrc,
            "corrupt gzip trailer: the data's checksum or length does not match (a damaged file)"),
        new Damaged("zlib stream cut off", Arrays.copyOf(zLonger, zLonger.length - 10),
            "truncated zlib stream (unexpected end of input)"),
        new Damaged("zlib Adler-32 wrong", badAdler,
            "corrupt zlib stream: the data's checksum does not match (a damaged file)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("damagedContainers")
  @DisplayName("Damaged gzip or zlib data says in words what is wrong, with the file and line")
  void replay_damagedContainer_saysWhatIsWrong(Damaged d) throws IOException {
    Path t = write("t.csv.z", d.bytes());
    Cli.Result r = Cli.run("replay", t.toString()).assertRefused(2);
    assertTrue(r.err().matches("fsctx replay: " + Pattern.quote(t.toString()) + ": line \\d+: "
        + Pattern.quote(d.says()) + "\\R"), r.err());
  }

  // ---- Encodings -----------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"UTF-16LE with BOM", "UTF-16BE with BOM", "UTF-16LE without BOM", "UTF-8 with BOM"})
  @DisplayName("A UTF-16 export is read, and gives the figures of the UTF-8 one")
  void replay_utf16Export_readLikeUtf8(String form) throws IOException {
    Charset cs = form.startsWith("UTF-16BE") ? StandardCharsets.UTF_16BE
        : form.startsWith("UTF-16LE") ? StandardCharsets.UTF_16LE : UTF_8;
    String text = (form.endsWith("with BOM") ? "\uFEFF" : "") + SMALL.replace("C:\\a", "C:\\caf\u00e9 \u4e2d");
    Path t = write("t.csv", text.getBytes(cs));
    Path plain = write("plain.csv", SMALL.replace("C:\\a", "C:\\caf\u00e9 \u4e2d"));
    Cli.Result r = Cli.run("replay", "--json", t.toString());
    assertEquals(0, r.exit(), r::toString);
    assertEquals(onlyObject(Cli.run("replay", "--json", plain.toString()).out()), onlyObject(r.out()));
    assertEquals(2, onlyObject(r.out()).at("/creates/succeeded").asLong());
  }

  @Test
  @DisplayName("A UTF-16 export compressed with gzip is read too")
  void replay_gzippedUtf16_read() throws IOException {
    Path t = write("t.csv.gz", Traces.gzip(("\uFEFF" + SMALL).getBytes(StandardCharsets.UTF_16LE)));
    Cli.Result r = Cli.run("replay", "--json", t.toString());
    assertEquals(0, r.exit(), r::toString);
    assertEquals(5, onlyObject(r.out()).get("rows").asLong());
  }

  @Test
  @DisplayName("A UTF-32 export is named as such")
  void replay_utf32_namedAsSuch() throws IOException {
    byte[] bom = {(byte) 0xFF, (byte) 0xFE, 0, 0};
    Path t = write("t.csv", concat(bom, SMALL.getBytes(Charset.forName("UTF-32LE"))));
    Cli.Result r = Cli.run("replay", t.toString()).assertRefused(2);
    assertTrue(r.err().contains(": line 1: UTF-32 text (byte-order mark FF FE 00 00) is not supported"), r.err());
  }

  @Test
  @DisplayName("An ANSI (Windows-1252) export is named as such, on the line of the first non-UTF-8 byte")
  void replay_ansiExport_namedAsAnsi() throws IOException {
    String text = HEADER + row("CreateFile", "C:\\a") + row("CreateFile", "C:\\caf\u00e9");
    Path t = write("ansi.csv", text.getBytes(Charset.forName("windows-1252")));
    Cli.Result r = Cli.run("replay", t.toString()).assertRefused(2);
    assertTrue(r.err().startsWith("fsctx replay: " + t + ": line 3: not UTF-8 text: byte 0xE9 is not UTF-8;"
        + " this looks like an ANSI (Windows code page) export"), r.err());
  }

  @Test
  @DisplayName("Binary junk is called binary, not ANSI")
  void replay_binary_namedAsBinary() throws IOException {
    byte[] junk = new byte[2048];
    new java.util.Random(7).nextBytes(junk);
    junk[0] = 'P';
    junk[1] = 'K';
    Path t = write("t.zip", junk);
    Cli.Result r = Cli.run("replay", t.toString()).assertRefused(2);
    assertTrue(r.err().contains("binary file") || r.err().contains("NUL character"), r.err());
  }

  // ---- The header ----------------------------------------------------------------------------

  @Test
  @DisplayName("Two Path columns are refused, naming the column and both positions")
  void replay_duplicateRequiredColumn_refusedByName() throws IOException {
    Path t = write("dup.csv",
        "\"Time of Day\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Path\",\"Result\",\"Detail\"\r\n"
            + "\"1\",\"t.exe\",\"1\",\"CreateFile\",\"C:\\a\",\"C:\\b\",\"SUCCESS\",\"\"\r\n");
    Cli.Result r = Cli.run("replay", t.toString()).assertRefused(2);
    assertEquals("fsctx replay: " + t + ": line 1: the header names the column 'Path' twice (columns 5 and 6);"
        + " each column the replay reads must appear once", r.err().strip());
  }

  @Test
  @DisplayName("An unused column may appear twice")
  void replay_duplicateUnusedColumn_accepted() throws IOException {
    Path t = write("dup.csv", SMALL.replaceFirst("\"Detail\"", "\"Detail\",\"Extra\",\"Extra\"")
        .replace("\"\"\r\n", "\"\",\"x\",\"y\"\r\n"));
    Cli.Result r = Cli.run("replay", "--json", t.toString());
    assertEquals(0, r.exit(), r::toString);
  }

  // ---- The argument --------------------------------------------------------------------------

  @Test
  @DisplayName("replay '' says the argument is empty (it used to say 'Is a directory')")
  void replay_emptyArgument_saysEmpty() {
    Cli.Result r = Cli.run("replay", "").assertRefused(2);
    assertEquals("fsctx replay: the TRACE argument is empty: give a trace file, or '-' for standard input",
        r.err().strip());
  }

  @Test
  @DisplayName("A directory is a corpus: one without trace files fails as bad input, naming the directory")
  void replay_directoryWithoutTraces_saysSo() {
    Cli.Result r = Cli.run("replay", dir.toString()).assertNoStackTrace();
    assertEquals(2, r.exit(), r::toString);
    assertEquals("fsctx replay: " + dir + ": no trace files (*.csv, *.csv.gz) in this directory", r.err().strip());
  }

  @Test
  @DisplayName("A missing file keeps the name as the user wrote it")
  void replay_missingRelativeFile_nameAsWritten() {
    Cli.Result r = Cli.run("replay", "./no/such/../trace.csv").assertRefused(2);
    assertEquals("fsctx replay: ./no/such/../trace.csv: no such file", r.err().strip());
  }

  @Test
  @DisplayName("A file name with a NUL character is not a valid file name")
  void replay_nulInFileName_invalidName() {
    Cli.Result r = Cli.run("replay", "a\0b.csv").assertRefused(2);
    assertTrue(r.err().contains(": not a valid file name: "), r.err());
  }

  @Test
  @DisplayName("A file that cannot be read says permission denied")
  void replay_unreadableFile_permissionDenied() throws IOException {
    Path t = write("secret.csv", SMALL);
    boolean changed = t.toFile().setReadable(false, false);
    org.junit.jupiter.api.Assumptions.assumeTrue(changed && !Files.isReadable(t), "running as a user who can read anything");
    Cli.Result r = Cli.run("replay", t.toString()).assertRefused(2);
    assertEquals("fsctx replay: " + t + ": permission denied", r.err().strip());
  }

  // ---- Standard input ------------------------------------------------------------------------

  @Test
  @DisplayName("replay - with standard input closed (<&-) is an input error, and stdin is not read")
  void replay_stdinClosed_inputError() {
    InputStream mustNotRead = new InputStream() {
      @Override
      public int read() {
        throw new AssertionError("a closed standard input was read");
      }

      @Override
      public int read(byte[] b, int off, int len) {
        throw new AssertionError("a closed standard input was read");
      }
    };
    Cli.Result r = Cli.run(mustNotRead, io -> io.withInState(Stdio.State.CLOSED), "replay", "-").assertRefused(2);
    assertEquals("fsctx replay: standard input is closed: give a trace file, or pipe a trace in", r.err().strip());
  }

  @Test
  @DisplayName("replay - with an empty standard input is an input error naming standard input")
  void replay_stdinEmpty_inputError() {
    Cli.Result r = Cli.run(new byte[0], "replay", "-").assertRefused(2);
    assertEquals("fsctx replay: standard input: line 1: empty input: no header row", r.err().strip());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"plain", "gzip", "zlib"})
  @DisplayName("replay - reads standard input, compressed or not, with the figures of the file")
  void replay_stdin_sameFiguresAsFile(String container) throws IOException {
    byte[] text = SMALL.getBytes(UTF_8);
    byte[] bytes = container.equals("gzip") ? Traces.gzip(text) : container.equals("zlib") ? Traces.zlib(text) : text;
    Path t = write("t.csv", text);
    Cli.Result fromStdin = Cli.run(bytes, "replay", "--json", "-");
    assertEquals(0, fromStdin.exit(), fromStdin::toString);
    assertEquals(onlyObject(Cli.run("replay", "--json", t.toString()).out()), onlyObject(fromStdin.out()));
  }

  @Test
  @DisplayName("replay - of a trace on two drive letters mounts both as they appear")
  void replay_stdinTwoVolumes_sameFiguresAsFile() throws IOException {
    String text = HEADER + row("CreateFile", "D:\\x") + row("CreateFile", "C:\\y") + row("CloseFile", "C:\\y")
        + row("QueryOpen", "\\\\server\\share\\z") + row("CloseFile", "D:\\x");
    Path t = write("t.csv", text);
    Cli.Result fromStdin = Cli.run(text.getBytes(UTF_8), "replay", "--json", "-");
    assertEquals(0, fromStdin.exit(), fromStdin::toString);
    JsonNode n = onlyObject(fromStdin.out());
    assertEquals(onlyObject(Cli.run("replay", "--json", t.toString()).out()), n);
    assertEquals("[\"C:\",\"D:\"]", n.get("volumes").toString());
    assertEquals(2, n.at("/contexts/INSTANCE/allocated").asLong());
  }

  /**
   * Standard input is streamed in one pass: by the time the last part of the trace is asked for,
   * the first rows have already gone through the filter (its log says so), so nothing was copied
   * or buffered whole first.
   */
  @Test
  @DisplayName("replay - streams standard input in one pass: rows reach the filter before the input ends")
  void replay_stdin_streamedInOnePass() {
    List<byte[]> parts = new ArrayList<>();
    parts.add((HEADER + row("CreateFile", "C:\\first") + row("CloseFile", "C:\\first")).getBytes(UTF_8));
    StringBuilder filler = new StringBuilder();
    for (int i = 0; i < 10_000; i++) {
      filler.append(row("QueryOpen", "C:\\q" + i)); // enough to pass every read-ahead buffer
    }
    parts.add(filler.toString().getBytes(UTF_8));
    parts.add(row("CreateFile", "C:\\last").getBytes(UTF_8));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<String> errWhenLastPartAsked = new ArrayList<>();
    InputStream in = new InputStream() {
      private int part;
      private int pos;

      @Override
      public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (part == parts.size()) {
          return -1;
        }
        if (part == parts.size() - 1 && pos == 0) {
          errWhenLastPartAsked.add(err.toString(UTF_8));
        }
        byte[] p = parts.get(part);
        int n = Math.min(len, p.length - pos);
        System.arraycopy(p, pos, b, off, n);
        pos += n;
        if (pos == p.length) {
          part++;
          pos = 0;
        }
        return n;
      }
    };
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int exit = FsctxCommand.execute(
        new String[] {"replay", "--json", "--debug-level", "all", "-"}, Stdio.of(in, out, err));
    assertEquals(0, exit, err.toString(UTF_8));
    assertEquals(1, errWhenLastPartAsked.size());
    assertTrue(errWhenLastPartAsked.get(0).contains("\\first"),
        "the first row had reached the filter before the end of the input was read");
    assertTrue(out.toString(UTF_8).contains("\"rows\" : 10003"), out.toString(UTF_8));
  }

  @Test
  @DisplayName("replay - of a bad trace prints no summary, names standard input and the line")
  void replay_stdinBadRowLater_noSummary() {
    String text = HEADER + row("CreateFile", "C:\\a") + row("CloseFile", "C:\\a")
        + "\"1:00\",\"t.exe\",\"x1\",\"CreateFile\",\"C:\\b\",\"SUCCESS\",\"\"\r\n";
    Cli.Result r = Cli.run(text.getBytes(UTF_8), "replay", "-").assertRefused(2);
    assertEquals("fsctx replay: standard input: line 4: PID 'x1' is not a number", r.err().strip());
  }

  @Test
  @DisplayName("replay - never closes standard input (it belongs to the process)")
  void replay_stdin_notClosed() {
    boolean[] closed = {false};
    InputStream in = new ByteArrayInputStream(SMALL.getBytes(UTF_8)) {
      @Override
      public void close() {
        closed[0] = true;
      }
    };
    Cli.Result r = Cli.run(in, UnaryOperator.identity(), "replay", "-");
    assertEquals(0, r.exit(), r::toString);
    assertEquals(false, closed[0]);
  }
}
