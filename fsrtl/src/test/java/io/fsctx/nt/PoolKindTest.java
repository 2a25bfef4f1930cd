package io.fsctx.nt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** Blocks of one type, tag and description share their description; unbounded descriptions do not grow it. */
class PoolKindTest {
  private final Pool pool = new Pool(new IdSource());

  @Test
  void blocksOfOneKind_shareIt_andAnswerAsBefore() {
    PoolBlock a = pool.allocate(PoolType.PAGED_POOL, "FcbN", "FCB");
    PoolBlock b = pool.allocate(PoolType.PAGED_POOL, "FcbN", new String("FCB")); // equal, not the same string
    PoolBlock c = pool.allocate(PoolType.NON_PAGED_POOL_NX, "FcbN", "FCB");
    assertSame(pool.kindOf(PoolType.PAGED_POOL, "FcbN", "FCB"), pool.kindOf(PoolType.PAGED_POOL, "FcbN", "FCB"));
    assertNotSame(pool.kindOf(PoolType.PAGED_POOL, "FcbN", "FCB"), pool.kindOf(PoolType.NON_PAGED_POOL_NX, "FcbN", "FCB"));
    assertEquals(pool, a.pool());
    assertEquals(PoolType.PAGED_POOL, b.type());
    assertEquals(PoolType.NON_PAGED_POOL_NX, c.type());
    assertEquals("FcbN", c.tag());
    assertEquals("FCB", b.what());
    assertEquals(a.id() + " 'FcbN' FCB", a.toString());
  }

  @Test
  void descriptionsBuiltPerAllocation_stopBeingSharedAtTheCap() {
    for (int i = 0; i < Pool.MAX_SHARED_KINDS + 50; i++) {
      PoolBlock b = pool.allocate(PoolType.NON_PAGED_POOL, "Scan", "buffer of " + i + " bytes");
      assertEquals("buffer of " + i + " bytes", b.what());
      pool.free(b);
    }
    // Past the cap each call builds its own; below it, the kind made first is found again.
    assertNotSame(pool.kindOf(PoolType.NON_PAGED_POOL, "Scan", "buffer of 99999 bytes"),
        pool.kindOf(PoolType.NON_PAGED_POOL, "Scan", "buffer of 99999 bytes"));
    assertSame(pool.kindOf(PoolType.NON_PAGED_POOL, "Scan", "buffer of 0 bytes"),
        pool.kindOf(PoolType.NON_PAGED_POOL, "Scan", "buffer of 0 bytes"));
  }
}
