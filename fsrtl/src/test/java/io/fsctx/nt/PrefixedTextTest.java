package io.fsctx.nt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PrefixedTextTest {

  private static final String DEVICE = "\\Device\\HarddiskVolume1";

  @Test
  void readsAsTheConcatenation_everyRangeAndCharacter() {
    PrefixedText t = PrefixedText.of(DEVICE, "\\dir\\a.txt:ads");
    String whole = DEVICE + "\\dir\\a.txt:ads";
    assertEquals(whole, t.toString());
    assertEquals(whole.length(), t.length());
    for (int i = 0; i < whole.length(); i++) {
      assertEquals(whole.charAt(i), t.charAt(i), "character " + i);
    }
    for (int from = 0; from <= whole.length(); from++) {
      for (int to = from; to <= whole.length(); to++) {
        assertEquals(whole.substring(from, to), t.substring(from, to), from + ".." + to);
        assertEquals(whole.substring(from, to), t.subSequence(from, to).toString(), from + ".." + to);
        char[] got = new char[to - from + 2];
        t.getChars(from, to, got, 1);
        assertEquals(whole.substring(from, to), new String(got, 1, to - from), "getChars " + from + ".." + to);
        assertEquals(0, got[0], "getChars wrote before its offset");
        assertEquals(0, got[got.length - 1], "getChars wrote past its range");
      }
    }
  }

  @Test
  void theTailIsKept_notCopied() {
    String tail = new String("\\dir\\a.txt".toCharArray());
    PrefixedText t = PrefixedText.of(DEVICE, tail);
    assertSame(tail, t.tail());
    assertSame(DEVICE, t.prefix());
    assertSame(tail, t.substring(DEVICE.length(), t.length()), "the whole tail is the tail itself");
  }

  @Test
  void emptyParts_andOutOfRange() {
    assertEquals(DEVICE, PrefixedText.of(DEVICE, "").toString());
    assertEquals("\\a", PrefixedText.of("", "\\a").toString());
    PrefixedText t = PrefixedText.of("ab", "cd");
    assertThrows(IndexOutOfBoundsException.class, () -> t.charAt(4));
    assertThrows(IndexOutOfBoundsException.class, () -> t.charAt(-1));
    assertThrows(IndexOutOfBoundsException.class, () -> t.substring(3, 5));
    assertThrows(IndexOutOfBoundsException.class, () -> t.substring(2, 1));
    assertThrows(IndexOutOfBoundsException.class, () -> t.getChars(0, 5, new char[8], 0));
    assertThrows(NullPointerException.class, () -> PrefixedText.of("a", null));
  }

  @Test
  void unicodeString_overPrefixedText_readsCopiesAndWritesAsOverAString() {
    Random r = new Random(14);
    for (int round = 0; round < 200; round++) {
      String prefix = DEVICE.substring(0, r.nextInt(DEVICE.length() + 1));
      String tail = "\\d" + round + "\\f\u00e9" + r.nextInt(1000) + ".txt";
      String whole = prefix + tail;
      UnicodeString joined = UnicodeString.of(PrefixedText.of(prefix, tail));
      UnicodeString plain = UnicodeString.of(whole);
      assertEquals(plain.length(), joined.length());
      assertEquals(whole, joined.toString());
      int aliasBytes = 2 * r.nextInt(whole.length() + 1);
      assertEquals(plain.alias(aliasBytes).toString(), joined.alias(aliasBytes).toString());
      // A copy into a fresh buffer shares the text; a write gives it characters of its own.
      int room = 2 * (whole.length() + 3);
      UnicodeString copy = UnicodeString.allocate(room);
      copy.copyFrom(joined.alias(aliasBytes));
      assertEquals(whole.substring(0, aliasBytes / 2), copy.toString());
      assertEquals(NtStatus.STATUS_SUCCESS, copy.append("!"));
      assertEquals(whole.substring(0, aliasBytes / 2) + "!", copy.toString());
      assertEquals(whole, joined.toString(), "a write to the copy does not reach the name");
      // Reading past what was copied in reads the zeroed rest of the allocation.
      UnicodeString wide = UnicodeString.allocate(room);
      wide.copyFrom(joined);
      wide.setLength(room);
      assertEquals(whole + "\0\0\0", wide.toString());
    }
  }
}
