package io.fsctx.nt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A block's members, kept as the sole member until a second comes (issue 14, heap per open file). */
class PoolBlockMembersTest {
  private final Pool pool = new Pool(new IdSource());

  @Test
  void members_inTheOrderTheyWereBuilt_whateverTheirNumber() {
    PoolBlock none = pool.allocate(PoolType.PAGED_POOL, "Ccb", "CCB");
    assertTrue(none.members().isEmpty());
    PoolBlock one = pool.allocate(PoolType.PAGED_POOL, "Fcb", "FCB");
    Object slot = new Object();
    one.embed(slot);
    assertEquals(List.of(slot), one.members());
    Object a = new Object();
    Object b = new Object();
    Object c = new Object();
    PoolBlock three = pool.allocate(PoolType.NON_PAGED_POOL_NX, "Scb", "SCB");
    three.embed(a);
    assertEquals(List.of(a), three.members());
    three.embed(b);
    assertEquals(List.of(a, b), three.members());
    three.embed(c);
    assertEquals(List.of(a, b, c), three.members());
  }

  @Test
  void members_cannotBeChangedThroughTheList() {
    PoolBlock block = pool.allocate(PoolType.PAGED_POOL, "Fcb", "FCB");
    block.embed(new Object());
    assertThrows(UnsupportedOperationException.class, () -> block.members().add(new Object()));
    block.embed(new Object());
    assertThrows(UnsupportedOperationException.class, () -> block.members().set(0, new Object()));
  }

  @Test
  void embed_inAFreedBlock_isRefused() {
    PoolBlock block = pool.allocate(PoolType.PAGED_POOL, "Fcb", "FCB");
    pool.free(block);
    assertThrows(IllegalStateException.class, () -> block.embed(new Object()));
  }
}
