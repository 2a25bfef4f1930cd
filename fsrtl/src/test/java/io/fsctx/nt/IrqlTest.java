package io.fsctx.nt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
  @DisplayName("a thread counts as raised from its first raise above PASSIVE_LEVEL until it lowers back to it, once")
  void raisedThreads_nestedRaises_countTheThreadOnce() {
    int before = Irql.raisedThreads();
    Irql passive = Irql.raise(Irql.APC_LEVEL);
    assertEquals(before + 1, Irql.raisedThreads());
    Irql apc = Irql.raise(Irql.DISPATCH_LEVEL);
    Irql same = Irql.raise(Irql.DISPATCH_LEVEL);
    assertEquals(before + 1, Irql.raisedThreads(), "raising a raised thread does not count it again");
    Irql.lower(same);
    Irql.lower(apc);
    assertEquals(Irql.APC_LEVEL, Irql.current());
    assertEquals(before + 1, Irql.raisedThreads(), "lowering to APC_LEVEL leaves it raised");
    Irql.lower(passive);
    assertEquals(before, Irql.raisedThreads());
    assertEquals(Irql.PASSIVE_LEVEL, Irql.current());
    Irql.lower(Irql.PASSIVE_LEVEL);
    assertEquals(before, Irql.raisedThreads(), "a lower from passive to passive takes nothing away");
  }

  @Test
  @DisplayName("a raised thread keeps reading its own level while other threads raise and lower theirs")
  void current_othersRaiseAndLower_ownLevelHolds() throws InterruptedException {
    int before = Irql.raisedThreads();
    CountDownLatch raised = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(1);
    AtomicInteger wrongReads = new AtomicInteger();
    Thread holder = new Thread(() -> {
      Irql old = Irql.raise(Irql.DISPATCH_LEVEL);
      raised.countDown();
      try {
        while (done.getCount() > 0) {
          if (Irql.current() != Irql.DISPATCH_LEVEL) {
            wrongReads.incrementAndGet();
          }
        }
      } finally {
        Irql.lower(old);
      }
    });
    holder.start();
    assertTrue(raised.await(10, TimeUnit.SECONDS));
    Runnable flipper = () -> {
      for (int i = 0; i < 20_000; i++) {
        Irql old = Irql.raise(Irql.APC_LEVEL);
        if (Irql.current() != Irql.APC_LEVEL) {
          wrongReads.incrementAndGet();
        }
        Irql.lower(old);
        if (Irql.current() != Irql.PASSIVE_LEVEL) {
          wrongReads.incrementAndGet();
        }
      }
    };
    Thread a = new Thread(flipper);
    Thread b = new Thread(flipper);
    a.start();
    b.start();
    a.join();
    b.join();
    done.countDown();
    holder.join();
    assertEquals(0, wrongReads.get());
    assertEquals(before, Irql.raisedThreads(), "every thread that lowered back to passive left the count");
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
