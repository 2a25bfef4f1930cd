package io.fsctx.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A file object's number kept as an int, a larger one as its name; the Filter Manager slot. */
class FileObjectIdentityTest {

  @Test
  void numberedIdentity_withinAndBeyondAnInt() {
    assertEquals("FileObject#7", new FileObject(7, "\\a").id());
    assertEquals("FileObject#2147483647", new FileObject(Integer.MAX_VALUE, "\\a").id());
    assertEquals("FileObject#2147483652", new FileObject(Integer.MAX_VALUE + 5L, "\\a").id(), "no wrap");
    assertEquals("FileObject#Test", new FileObject("FileObject#Test", "\\a").id());
  }

  @Test
  void filterSlot_changesOnlyFromWhatTheCallerRead() {
    FileObject fo = new FileObject(1, "\\a");
    assertNull(fo.filterSlot());
    Object first = new Object();
    Object second = new Object();
    assertTrue(fo.compareAndSetFilterSlot(null, first));
    assertFalse(fo.compareAndSetFilterSlot(null, second), "another writer came first");
    assertSame(first, fo.filterSlot());
    assertTrue(fo.compareAndSetFilterSlot(first, null));
    assertNull(fo.filterSlot());
  }
}
