package io.fsctx.fsrtl;

import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FLAG2_IS_PAGING_FILE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.nt.IdSource;
import io.fsctx.nt.Pool;
import io.fsctx.nt.PoolBlock;
import io.fsctx.nt.PoolType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a header and a per-file slot keep about their identity, now that a
 * numbered identity is formatted only when asked and the flag fields are bytes (issue 14, heap
 * per open file).
 */
class HeaderIdentityTest {

  @Test
  void numberedHeader_printsKindAndNumber_likeAGivenId() {
    AdvancedFcbHeader numbered = new AdvancedFcbHeader(null, "Scb", 4);
    assertEquals("Scb#4", numbered.id());
    assertEquals("Scb#4", numbered.toString());
    assertEquals(new AdvancedFcbHeader(null, "Scb#4").id(), numbered.id());
  }

  @Test
  void numberedHeader_beyondAnInt_keepsTheWholeNumber() {
    long big = Integer.MAX_VALUE + 5L;
    assertEquals("Scb#" + big, new AdvancedFcbHeader(null, "Scb", big).id());
    assertEquals("Fcb#" + Integer.MAX_VALUE, new CommonFcbHeader(null, "Fcb", Integer.MAX_VALUE).id());
  }

  @Test
  void numberedHeader_numberBelowOne_isRefused() {
    assertThrows(IllegalArgumentException.class, () -> new AdvancedFcbHeader(null, "Scb", 0));
    assertThrows(IllegalArgumentException.class, () -> new PerFileContextSlot(null, "Fcb", -1));
  }

  @Test
  void numberedSlot_printsKindAndNumber() {
    PerFileContextSlot slot = new PerFileContextSlot(null, "Fcb", 7);
    assertEquals("Fcb#7", slot.id());
    assertEquals("Fcb#7.FileContextSupportPointer", slot.toString());
  }

  @Test
  void headerLocks_keepTheirBlockUnlisted_andAreRefusedInFreedMemory() {
    Pool pool = new Pool(new IdSource());
    PoolBlock block = pool.allocate(PoolType.NON_PAGED_POOL_NX, "Test", "SCB");
    AdvancedFcbHeader h = new AdvancedFcbHeader(block, "Scb", 2);
    FastMutex m = new FastMutex(block);
    PushLock p = PushLock.autoExpand(block);
    assertSame(block, m.memory());
    assertSame(block, p.memory());
    assertEquals(List.of(h), block.members(), "locks are judged through their block, not listed in it");
    assertNull(new PushLock().memory());
    assertNull(new FastMutex().memory());
    pool.free(block);
    assertThrows(IllegalStateException.class, () -> new FastMutex(block));
    assertThrows(IllegalStateException.class, () -> PushLock.autoExpand(block));
  }

  @Test
  void numberedHeaderAndSlot_joinTheirPoolBlock() {
    Pool pool = new Pool(new IdSource());
    PoolBlock block = pool.allocate(PoolType.PAGED_POOL, "Test", "FCB");
    AdvancedFcbHeader h = new AdvancedFcbHeader(block, "Scb", 1);
    PerFileContextSlot s = new PerFileContextSlot(block, "Fcb", 1);
    assertSame(block, h.memory());
    assertSame(block, s.memory());
    assertEquals(List.of(h, s), block.members());
  }

  @Test
  void flags_areBytesReadBackUnsigned() {
    AdvancedFcbHeader h = new AdvancedFcbHeader("H");
    h.setFlags(0x1FF);
    assertEquals(0xFF, h.flags(), "Flags is a UCHAR: the ninth bit is lost, the eighth reads positive");
    h.setFlags2(0);
    h.setFlags2Bits(0x80 | FSRTL_FLAG2_IS_PAGING_FILE);
    assertEquals(0x80 | FSRTL_FLAG2_IS_PAGING_FILE, h.flags2());
    assertTrue(h.isPagingFile());
    h.clearFlags2Bits(0x80);
    assertEquals(FSRTL_FLAG2_IS_PAGING_FILE, h.flags2());
    h.setIsFastIoPossible(0x102);
    assertEquals(0x02, h.isFastIoPossible());
    h.setReserved(0x1F);
    assertEquals(0xF, h.reserved(), "Reserved is a nibble");
    h.setVersion(0xF);
    assertEquals(0xF, h.version());
  }
}
