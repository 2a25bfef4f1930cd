package io.fsctx.nt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class UnicodeStringTest {

  @Test
  void of_lengthsAreInBytes() {
    UnicodeString s = UnicodeString.of("\\a.txt");
    assertEquals(12, s.length());
    assertEquals(12, s.maximumLength());
    assertEquals("\\a.txt", s.toString());
  }

  @Test
  void copyFrom_truncatesToMaximumLength() {
    UnicodeString dst = UnicodeString.allocate(6);
    dst.copyFrom(UnicodeString.of("abcdef"));
    assertEquals("abc", dst.toString());
    assertEquals(6, dst.length());
  }

  @Test
  void alias_sharesTheBufferWithoutCopying() {
    UnicodeString full = UnicodeString.of("\\f.txt:ads");
    UnicodeString file = full.alias(full.length() - 8);
    assertEquals("\\f.txt", file.toString());
    assertThrows(IllegalArgumentException.class, () -> full.alias(full.length() + 2));
  }

  @Test
  void free_clearsBufferAndLengths() {
    UnicodeString s = UnicodeString.of("x");
    s.free();
    assertFalse(s.hasBuffer());
    assertEquals(0, s.length());
    assertEquals("", s.toString());
  }

  @Test
  void allocate_rejectsLengthsBeyondUshort() {
    assertThrows(IllegalArgumentException.class, () -> UnicodeString.allocate(0x10000));
  }

  @Test
  void unzeroed_hasAGarbageBuffer_andFreeingItIsBadPoolCaller0x46() {
    UnicodeString u = UnicodeString.unzeroed();
    assertTrue(u.hasBuffer(), "garbage is not NULL");
    assertTrue(u.isUnzeroed());
    BugCheckException e = assertThrows(BugCheckException.class, u::free);
    assertEquals(Pool.BAD_POOL_CALLER, e.bugCheckCode());
    assertEquals(Pool.BAD_POOL_CALLER_INVALID_ADDRESS, e.parameter1());
  }

  @Test
  void append_withRoom_appendsElseBufferTooSmall() {
    UnicodeString u = UnicodeString.allocate(8);
    u.copyFrom(UnicodeString.of("C"));
    assertEquals(NtStatus.STATUS_SUCCESS, u.append(":"));
    assertEquals("C:", u.toString());
    assertEquals(NtStatus.STATUS_BUFFER_TOO_SMALL, u.append("abc"));
    assertEquals("C:", u.toString());
  }

  @Test
  void copyFrom_intoFreshBuffer_isACopy_writesOnEitherSideStayApart() {
    UnicodeString name = UnicodeString.of("\\Device\\HarddiskVolume1\\dir\\a.txt");
    UnicodeString dir = name.alias(2 * "\\Device\\HarddiskVolume1\\dir\\".length());
    UnicodeString kept = UnicodeString.allocate(dir.length());
    kept.copyFrom(dir);
    assertEquals("\\Device\\HarddiskVolume1\\dir\\", kept.toString());
    // A write to the source after the copy does not show in the copy, and the other way round.
    name.setLength(0);
    assertEquals(NtStatus.STATUS_SUCCESS, name.append("\\X"));
    assertEquals("\\X", name.toString());
    assertEquals("\\Xevice", dir.toString().substring(0, 7), "an alias shares its original's buffer");
    assertEquals("\\Device\\HarddiskVolume1\\dir\\", kept.toString());
    kept.setLength(0);
    assertEquals(NtStatus.STATUS_SUCCESS, kept.append("\\Y"));
    assertEquals("\\Y", kept.toString());
    assertEquals("\\X", name.toString());
  }

  @Test
  void copyFrom_shorterSource_restOfAllocationStaysZero() {
    UnicodeString u = UnicodeString.allocate(8);
    u.copyFrom(UnicodeString.of("ab"));
    assertEquals("ab", u.toString());
    u.setLength(8);
    assertEquals("ab\0\0", u.toString(), "what was never written reads as the zeroed allocation");
    UnicodeString alias = u.alias(4);
    assertEquals(NtStatus.STATUS_SUCCESS, u.append(""));
    u.setLength(2);
    assertEquals(NtStatus.STATUS_SUCCESS, u.append("Z"));
    assertEquals("aZ", alias.toString(), "a write after sharing shows through every alias");
  }

  @Test
  void alias_writesThroughOriginal_fromEitherSide() {
    UnicodeString owner = UnicodeString.allocate(12);
    owner.copyFrom(UnicodeString.of("abcdef"));
    UnicodeString alias = owner.alias(6);
    alias.setLength(2);
    assertEquals(NtStatus.STATUS_SUCCESS, alias.append("XY"));
    assertEquals("aXYdef", owner.toString(), "a write through the alias lands in the owner's buffer");
    owner.setLength(0);
    assertEquals(NtStatus.STATUS_SUCCESS, owner.append("Q"));
    assertEquals("QXY", alias.toString());
  }

  @Test
  void alias_afterItsOwnerIsFreed_stillReadsWhatTheMemoryHeld() {
    UnicodeString owner = UnicodeString.of("\\a.txt");
    UnicodeString alias = owner.alias(4);
    owner.free();
    assertFalse(owner.hasBuffer());
    assertEquals("\\a", alias.toString(), "freeing the owner does not rewrite the alias's view");
  }

  @Test
  void alias_writeAfterItsOwnerIsFreed_landsInTheFreedMemory() {
    UnicodeString owner = UnicodeString.allocate(8);
    owner.copyFrom(UnicodeString.of("abcd"));
    UnicodeString writer = owner.alias(8);
    UnicodeString reader = owner.alias(8);
    owner.free();
    assertFalse(owner.hasBuffer());
    assertTrue(writer.hasBuffer(), "the alias still points at the memory");
    writer.setLength(0);
    assertEquals(NtStatus.STATUS_SUCCESS, writer.append("XY"));
    assertEquals("XYcd", reader.toString(), "another alias reads the write: one memory, freed or not");
    assertEquals("", owner.toString());
  }

  @Test
  void alias_ofAnUnzeroedString_hasNoBuffer_andFreeingTheAliasIsHarmless() {
    UnicodeString wild = UnicodeString.unzeroed();
    UnicodeString alias = wild.alias(4);
    assertFalse(alias.hasBuffer());
    assertFalse(alias.isUnzeroed());
    assertEquals("", alias.toString());
    assertEquals(NtStatus.STATUS_BUFFER_TOO_SMALL, wild.append("x"), "a pointer nobody set takes no write");
  }

  @Test
  void copyFrom_wholeTextShared_aPrefixCopied_andAWriteGivesTheCopyItsOwnCharacters() {
    String text = "\\Device\\dir\\a.txt";
    UnicodeString source = UnicodeString.of(text);
    UnicodeString whole = UnicodeString.allocate(source.length());
    whole.copyFrom(source);
    assertSame(text, whole.toString(), "copying immutable characters shares them");
    UnicodeString prefix = UnicodeString.allocate(8);
    prefix.copyFrom(source);
    assertEquals(text.substring(0, 4), prefix.toString());
    prefix.setLength(2);
    assertEquals(NtStatus.STATUS_SUCCESS, prefix.append("!"));
    assertEquals(text.substring(0, 1) + "!", prefix.toString());
    assertSame(text, source.toString(), "the source's characters are untouched");
  }

  @Test
  void zeroed_keepsAStringThatReadsAsZero_replacesAnyOther() {
    UnicodeString empty = new UnicodeString();
    assertSame(empty, UnicodeString.zeroed(empty));
    UnicodeString freed = UnicodeString.of("x");
    freed.free();
    assertSame(freed, UnicodeString.zeroed(freed), "a freed string reads as zero");
    for (UnicodeString other : new UnicodeString[] {UnicodeString.allocate(8), UnicodeString.of("ab"),
        UnicodeString.unzeroed(), null}) {
      UnicodeString z = UnicodeString.zeroed(other);
      assertNotSame(other, z);
      assertFalse(z.hasBuffer());
      assertEquals(0, z.length());
      assertEquals(0, z.maximumLength());
    }
  }

  @Test
  void lengths_wholeUshortRange_keptExactly() {
    UnicodeString big = UnicodeString.allocate(0xFFFF);
    assertEquals(0xFFFF, big.maximumLength());
    String text = "x".repeat(0x7FFF);
    UnicodeString u = UnicodeString.of(text);
    assertEquals(0xFFFE, u.length());
    assertEquals(0xFFFE, u.maximumLength());
    big.copyFrom(u);
    assertEquals(0xFFFE, big.length());
    assertSame(text, big.toString(), "copied into untouched memory, the characters are shared");
    assertEquals(NtStatus.STATUS_BUFFER_TOO_SMALL, big.append("yz"));
    big.setLength(0xFFFC);
    assertEquals(NtStatus.STATUS_SUCCESS, big.append("y"));
    assertEquals("x".repeat(0x7FFE) + "y", big.toString());
    assertEquals(text, u.toString(), "the write gave the copy an array of its own");
    assertThrows(IllegalArgumentException.class, () -> UnicodeString.allocate(0x10000));
    assertThrows(IllegalArgumentException.class, () -> UnicodeString.of("x".repeat(0x8000)));
  }
}
