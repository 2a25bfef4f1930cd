package io.fsctx.nt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
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
  void aFreedBlock_keepsItsDescription_andASecondFreeIsBadPoolCallerNamingTheFirst() {
    PoolBlock a = pool.allocate(PoolType.PAGED_POOL, "FcbN", "FCB");
    assertFalse(a.isFreed());
    assertNull(a.freedAt());
    pool.free(a); // outside any request
    assertTrue(a.isFreed());
    assertNull(a.freedAt(), "freed outside any request");
    assertEquals(pool, a.pool());
    assertEquals(PoolType.PAGED_POOL, a.type());
    assertEquals("FcbN", a.tag());
    assertEquals("FCB", a.what());
    assertEquals(a.id() + " 'FcbN' FCB", a.toString());
    BugCheckException e = assertThrows(BugCheckException.class, () -> pool.free(a));
    assertEquals(Pool.BAD_POOL_CALLER, e.bugCheckCode());
    assertEquals(Pool.BAD_POOL_CALLER_DOUBLE_FREE, e.parameter1());
    assertTrue(e.getMessage().contains(a.id() + " 'FcbN' FCB was freed twice: first outside any request"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> a.checkNotFreed("a header"));
  }

  @Test
  void racingFrees_exactlyOneWins() throws InterruptedException {
    for (int round = 0; round < 200; round++) {
      PoolBlock b = pool.allocate(PoolType.NON_PAGED_POOL, "Race", "block");
      AtomicInteger wins = new AtomicInteger();
      AtomicInteger bugChecks = new AtomicInteger();
      CountDownLatch go = new CountDownLatch(1);
      Thread[] threads = new Thread[4];
      for (int i = 0; i < threads.length; i++) {
        threads[i] = new Thread(() -> {
          try {
            go.await();
            pool.free(b);
            wins.incrementAndGet();
          } catch (BugCheckException e) {
            bugChecks.incrementAndGet();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
        threads[i].start();
      }
      go.countDown();
      for (Thread t : threads) {
        t.join();
      }
      assertEquals(1, wins.get(), "round " + round);
      assertEquals(threads.length - 1, bugChecks.get(), "round " + round);
      assertEquals("block", b.what());
    }
  }

  @Test
  void idsPrintTheirNumberUnsigned() {
    PoolBlock.Kind k = pool.kindOf(PoolType.PAGED_POOL, "FcbN", "FCB");
    for (long n : new long[] {1, 0x7FFF_FFFFL, 0x8000_0000L, 0xFFFF_FFFFL}) {
      assertEquals("Pool#" + n, new PoolBlock(k, n, null).id());
    }
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
