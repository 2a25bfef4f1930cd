package io.fsctx.tools.replay;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The parser's table of recent field values ({@link SharedStrings}): the same bytes give the same
 * string, other bytes never do (whatever slot they share), and the reader shares the columns that
 * repeat but not the time of day.
 */
class SharedStringsTest {

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  @Test
  void sameBytesAtAnotherOffset_sameString() {
    SharedStrings t = new SharedStrings();
    byte[] a = bytes("xxC:\\data\\dir1\\file1.txt");
    byte[] b = bytes("C:\\data\\dir1\\file1.txt,yy");
    String first = t.of(a, 2, a.length, true);
    String second = t.of(b, 0, b.length - 3, true);
    assertEquals("C:\\data\\dir1\\file1.txt", first);
    assertSame(first, second);
  }

  @Test
  void manyDistinctValues_eachDecodedExactly_evenWhenSlotsCollide() {
    SharedStrings t = new SharedStrings();
    Random random = new Random(14);
    List<String> values = new ArrayList<>();
    for (int i = 0; i < 4 * SharedStrings.SLOTS; i++) {
      // Lengths 0 to 40 around the eight-byte words; some non-ASCII.
      StringBuilder s = new StringBuilder();
      int n = random.nextInt(41);
      for (int k = 0; k < n; k++) {
        s.append(random.nextInt(10) == 0 ? '\u00e9' : (char) ('a' + random.nextInt(3)));
      }
      values.add(s.toString());
    }
    for (int round = 0; round < 2; round++) {
      for (String v : values) {
        byte[] b = bytes("," + v + ",");
        boolean ascii = v.chars().allMatch(c -> c < 0x80);
        assertEquals(v, t.of(b, 1, b.length - 1, ascii));
      }
    }
  }

  @Test
  void utf8Value_decoded() {
    SharedStrings t = new SharedStrings();
    byte[] b = bytes("D:\\caf\u00e9\\\u65e5\u672c.txt");
    assertEquals("D:\\caf\u00e9\\\u65e5\u672c.txt", t.of(b, 0, b.length, false));
    assertSame(t.of(b, 0, b.length, false), t.of(b.clone(), 0, b.length, false));
  }

  @Test
  void longValue_madeAnewEachTime() {
    SharedStrings t = new SharedStrings();
    byte[] b = bytes("x".repeat(SharedStrings.LONGEST + 1));
    String one = t.of(b, 0, b.length, true);
    String two = t.of(b, 0, b.length, true);
    assertEquals(one, two);
    assertNotSame(one, two);
    byte[] c = bytes("y".repeat(SharedStrings.LONGEST));
    assertSame(t.of(c, 0, c.length, true), t.of(c, 0, c.length, true));
  }

  @Test
  void reader_sharesRepeatedColumns_notTheTimeOfDay() throws Exception {
    String csv = "\"Time of Day\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\"\n"
        + "\"1:00:00.0 AM\",\"a.exe\",\"10\",\"ReadFile\",\"C:\\x.txt\",\"SUCCESS\",\"Offset: 0\"\n"
        + "\"1:00:00.0 AM\",\"a.exe\",\"10\",\"ReadFile\",\"C:\\x.txt\",\"SUCCESS\",\"Offset: 0\"\n"
        + "\"1:00:00.0 AM\",\"a.exe\",\"10\",\"ReadFile\",\"C:\\y.txt\",\"SUCCESS\",\"Offset: 0\"\n";
    List<TraceRow> rows = new ArrayList<>();
    try (TraceReader r = TraceReader.open(new ByteArrayInputStream(bytes(csv)))) {
      r.forEach(rows::add);
    }
    assertEquals(3, rows.size());
    assertSame(rows.get(0).path(), rows.get(1).path());
    assertSame(rows.get(0).operation(), rows.get(1).operation());
    assertSame(rows.get(0).detail(), rows.get(2).detail());
    assertSame(rows.get(0).processName(), rows.get(2).processName());
    assertEquals("C:\\y.txt", rows.get(2).path());
    assertEquals(rows.get(0).timeOfDay(), rows.get(1).timeOfDay());
    assertNotSame(rows.get(0).timeOfDay(), rows.get(1).timeOfDay(), "a unique column would only evict the others");
  }
}
