package io.fsctx.nt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The per-thread IRQL and spin locks (issue 13). */
class IrqlTest {

  @Test
  @DisplayName("a thread starts at PASSIVE_LEVEL; raise returns the old level and lower restores it")
  void raiseLower_paired_restoresLevel() {
    assertEquals(Irql.PASSIVE_LEVEL, Irql.current());
    Irql old = Irql.raise(Irql.APC_LEVEL);
    assertEquals(Irql.PASSIVE_LEVEL, old);
    Irql older = Irql.raise(Irql.DISPATCH_LEVEL);
    assertEquals(Irql.APC_LEVEL, older);
    assertEquals(Irql.DISPATCH_LEVEL, Irql.current());
    Irql.lower(older);
    Irql.lower(old);
    assertEquals(Irql.PASSIVE_LEVEL, Irql.current());
  }

  @Test
  @DisplayName("KeRaiseIrql to a lower level is bug check 0x9; KeLowerIrql to a higher one is 0xA")
  void raiseLower_wrongDirection_bugChecks() {
    Irql old = Irql.raise(Irql.APC_LEVEL);
    try {
      assertEquals(0x9, assertThrows(BugCheckException.class, () -> Irql.raise(Irql.PASSIVE_LEVEL)).bugCheckCode());
      assertEquals(0xA, assertThrows(BugCheckException.class, () -> Irql.lower(Irql.DISPATCH_LEVEL)).bugCheckCode());
      assertEquals(Irql.APC_LEVEL, Irql.current(), "a refused change leaves the level alone");
    } finally {
      Irql.lower(old);
    }
  }

  @Test
  @DisplayName("the level is per thread: another thread stays at PASSIVE_LEVEL while this one is at DISPATCH")
  void current_otherThread_isIndependent() throws InterruptedException {
    Irql old = Irql.raise(Irql.DISPATCH_LEVEL);
    AtomicReference<Irql> seen = new AtomicReference<>();
    try {
      Thread t = new Thread(() -> seen.set(Irql.current()));
      t.start();
      t.join();
    } finally {
      Irql.lower(old);
    }
    assertEquals(Irql.PASSIVE_LEVEL, seen.get());
  }

  @Test
  @DisplayName("a spin lock raises its holder to DISPATCH_LEVEL and its release lowers it back")
  void spinLock_acquireRelease_raisesAndLowers() {
    KSpinLock lock = new KSpinLock();
    Irql old = lock.acquire();
    assertEquals(Irql.DISPATCH_LEVEL, Irql.current());
    assertTrue(lock.isHeldByCurrentThread());
    assertThrows(BugCheckException.class, lock::acquire, "not reentrant");
    lock.release(old);
    assertEquals(Irql.PASSIVE_LEVEL, Irql.current());
    assertFalse(lock.isHeldByCurrentThread());
    assertThrows(IllegalStateException.class, () -> lock.release(Irql.PASSIVE_LEVEL));
  }

  @Test
  @DisplayName("a spin lock excludes: two threads incrementing under it lose no update")
  void spinLock_twoThreads_mutualExclusion() throws InterruptedException {
    KSpinLock lock = new KSpinLock();
    int[] counter = new int[1];
    Runnable work = () -> {
      for (int i = 0; i < 10_000; i++) {
        Irql old = lock.acquire();
        try {
          counter[0]++;
        } finally {
          lock.release(old);
        }
      }
    };
    Thread a = new Thread(work);
    Thread b = new Thread(work);
    a.start();
    b.start();
    a.join();
    b.join();
    assertEquals(20_000, counter[0]);
  }
}
