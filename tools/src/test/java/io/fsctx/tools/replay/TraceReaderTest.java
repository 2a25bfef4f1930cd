package io.fsctx.tools.replay;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The reader: encodings, containers, quoting, line numbers, and refusals naming the line. */
class TraceReaderTest {

  private static List<TraceRow> read(byte[] bytes) throws IOException {
    List<TraceRow> out = new ArrayList<>();
    try (TraceReader r = TraceReader.open(new ByteArrayInputStream(bytes))) {
      r.forEach(out::add);
    }
    return out;
  }

  private static List<TraceRow> read(String text) throws IOException {
    return read(text.getBytes(UTF_8));
  }

  private static TraceFormatException refused(String text) {
    return refused(text.getBytes(UTF_8));
  }

  private static TraceFormatException refused(byte[] bytes) {
    return assertThrows(TraceFormatException.class, () -> read(bytes));
  }

  @Test
  void read_embeddedQuotesAndNewlines_physicalLineNumbers() throws IOException {
    String csv =
        Traces.HEADER7
            + "\r\n"
            + "\"t\",\"p\",\"1\",\"ReadFile\",\"C:\\a \"\"b\"\"\",\"SUCCESS\",\"two\r\nlines\"\r\n"
            + "\"t\",\"p\",\"2\",\"ReadFile\",\"C:\\c\",\"SUCCESS\",\"\"\r\n";
    List<TraceRow> rows = read(csv);
    assertEquals(2, rows.size());
    assertEquals("C:\\a \"b\"", rows.get(0).path());
    assertEquals("two\r\nlines", rows.get(0).detail());
    assertEquals(2, rows.get(0).line());
    assertEquals(4, rows.get(1).line());
    assertEquals(2, rows.get(1).pid());
  }

  @Test
  void read_columnsInAnyOrderWithoutTimeOfDay_foundByName() throws IOException {
    String csv =
        "\"Detail\",\"Result\",\"Path\",\"Operation\",\"PID\",\"Process Name\",\"Extra\"\n"
            + "\"d\",\"SUCCESS\",\"C:\\x\",\"CreateFile\",\"7\",\"p.exe\",\"e\"\n";
    TraceRow r = read(csv).get(0);
    assertEquals(new TraceRow(2, "", "p.exe", 7, "CreateFile", "C:\\x", "SUCCESS", "d", ""), r);
  }

  @Test
  void read_bomGzipZlibAndCrOnly_sameRows() throws IOException {
    String csv = Traces.csv("1|CreateFile|C:\\x|SUCCESS", "1|CloseFile|C:\\x|SUCCESS");
    List<TraceRow> plain = read(csv);
    byte[] bom = ("\uFEFF" + csv).getBytes(UTF_8);
    assertEquals(plain, read(bom));
    assertEquals(plain, read(Traces.gzip(bom)));
    assertEquals(plain, read(Traces.zlib(csv.getBytes(UTF_8))));
    assertEquals(plain, read(csv.replace("\r\n", "\r")));
    assertEquals(plain, read(csv.replace("\r\n", "\n") + "\n\n"));
  }

  @Test
  void zlibHeader_checksumVerified() {
    assertTrue(TraceInput.isZlibHeader(0x78, 0x9c));
    assertTrue(TraceInput.isZlibHeader(0x78, 0x01));
    assertTrue(TraceInput.isZlibHeader(0x78, 0xda));
    assertFalse(TraceInput.isZlibHeader(0x78, 'y'));
    assertFalse(TraceInput.isZlibHeader('"', 'T'));
  }

  @Test
  void read_textStartingWithX_notTakenForZlib() {
    TraceFormatException e = refused("xyz,abc\n1,2\n");
    assertEquals(1, e.line());
    assertTrue(e.getMessage().contains("PID"), e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          missing column   | 1 | "Process Name","PID","Operation","Path","Detail"\\n"a","1","b","c","d"\\n | lacks the required column(s) Result
          empty input      | 1 | | empty input
          PID not a number | 3 | HDR"t","p","1","CreateFile","C:\\\\x","SUCCESS",""\\n"t","p","0x1F","CreateFile","C:\\\\x","SUCCESS",""\\n | PID '0x1F' is not a number
          field count      | 3 | HDR"t","p","1","CreateFile","C:\\\\x","SUCCESS",""\\n"t","p","1","CreateFile"\\n | fields
          unterminated     | 3 | HDR"t","p","1","CreateFile","C:\\\\x","SUCCESS",""\\n"t","p","1","CreateFile","C:\\\\x","SUCCESS","oops\\nmore\\n | unterminated quote
          junk after quote | 2 | HDR"t","p","1","CreateFile","C:\\\\x"x,"SUCCESS",""\\n | not valid CSV
          """)
  void read_malformed_refusedNamingLine(String what, long line, String text, String message) {
    String csv =
        (text == null ? "" : text)
            .replace("HDR", Traces.HEADER7 + "\n")
            .replace("\\n", "\n")
            .replace("\\\\", "\\");
    TraceFormatException e = refused(csv);
    assertEquals(line, e.line(), e.getMessage());
    assertTrue(e.getMessage().startsWith("line " + line + ": "), e.getMessage());
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  @Test
  void read_binaryJunk_refused() {
    byte[] junk = new byte[4096];
    new java.util.Random(42).nextBytes(junk);
    junk[0] = 0x50; // not a compression magic
    TraceFormatException e = refused(junk);
    assertTrue(e.getMessage().startsWith("line "), e.getMessage());
  }

  @Test
  void read_malformedUtf8OnLine3_namesLine3() {
    byte[] head = (Traces.HEADER7 + "\r\n\"t\",\"p\",\"1\",\"a\",\"b\",\"c\",\"d\"\r\n\"t\",\"").getBytes(UTF_8);
    byte[] bytes = Arrays.copyOf(head, head.length + 3);
    bytes[head.length] = (byte) 0xC3;
    bytes[head.length + 1] = (byte) 0x28;
    bytes[head.length + 2] = '"';
    TraceFormatException e = refused(bytes);
    assertEquals(3, e.line(), e.getMessage());
    assertTrue(e.getMessage().contains("not UTF-8"), e.getMessage());
  }

  @Test
  void read_nulCharacter_refusedNamingLine() {
    String csv = Traces.csv("1|CreateFile|C:\\x|SUCCESS", "1|Close\0File|C:\\x|SUCCESS");
    TraceFormatException e = refused(csv);
    assertEquals(3, e.line(), e.getMessage());
    assertTrue(e.getMessage().contains("NUL"), e.getMessage());
  }

  @Test
  void read_truncatedGzip_refused() {
    byte[] gz = Traces.gzip(Traces.csv("1|CreateFile|C:\\x|SUCCESS").repeat(50).getBytes(UTF_8));
    TraceFormatException e = refused(Arrays.copyOf(gz, gz.length / 2));
    assertTrue(e.getMessage().contains("gzip"), e.getMessage());
  }

  @Test
  void replayColumns_everyColumnButTimeAndProcess() throws IOException {
    String csv = "\"Time of Day\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\",\"Event Class\"\n"
        + "\"1:00:00.1 AM\",\"a.exe\",\" 12\",\"CreateFile\",\"C:\\x\"\"y\",\"SUCCESS\",\"Disposition: Open\",\"File System\"\n"
        + "\"1:00:00.2 AM\",\"b.exe\",\"7\",\"RegOpenKey\",\"HKLM\\é\",\"\",\"\",\"Registry\"\n";
    List<TraceRow> all = rows(csv, TraceReader.Columns.ALL);
    List<TraceRow> replay = rows(csv, TraceReader.Columns.REPLAY);
    assertEquals(2, all.size());
    List<TraceRow> expected = new ArrayList<>();
    for (TraceRow r : all) {
      assertFalse(r.timeOfDay().isEmpty() || r.processName().isEmpty(), r::toString);
      expected.add(new TraceRow(r.line(), "", "", r.pid(), r.operation(), r.path(), r.result(), r.detail(), r.eventClass()));
    }
    assertEquals(expected, replay);
  }

  private static List<TraceRow> rows(String csv, TraceReader.Columns columns) throws IOException {
    try (TraceReader r = TraceReader.open(new ByteArrayInputStream(csv.getBytes(UTF_8)), columns)) {
      return r.stream().toList();
    }
  }

  @Test
  void iterator_secondCall_refused() throws IOException {
    try (TraceReader r = TraceReader.open(new ByteArrayInputStream(Traces.csv().getBytes(UTF_8)))) {
      assertEquals(0, r.stream().count());
      assertThrows(IllegalStateException.class, r::iterator);
    }
  }
}
