package io.fsctx.nt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The per-thread KTHREAD state ({@code KeGetCurrentThread}) and the identity counters. */
class KeThreadTest {

  @Test
  @DisplayName("KeThread.current() is the thread's own state: it sees the IRQL, critical regions and resources the static routines change")
  void current_readsWhatStaticRoutinesChange() {
    KeThread.State me = KeThread.current();
    assertSame(me, KeThread.current(), "one state per thread");
    assertTrue(me.isCurrentThread());
    assertEquals(Irql.PASSIVE_LEVEL, me.irql());
    Irql old = Irql.raise(Irql.APC_LEVEL);
    KeThread.enterCriticalRegion();
    EResource r = new EResource("Resource#test");
    r.acquireShared();
    try {
      assertEquals(Irql.APC_LEVEL, me.irql());
      assertEquals(1, me.criticalRegionDepth());
      assertEquals(1, me.resourcesHeld());
      assertEquals(1, me.sharedHolds(r));
    } finally {
      r.release();
      KeThread.leaveCriticalRegion();
      Irql.lower(old);
    }
    assertEquals(Irql.PASSIVE_LEVEL, me.irql());
    assertEquals(0, me.criticalRegionDepth());
    assertEquals(0, me.resourcesHeld());
    assertEquals(0, me.sharedHolds(r));
  }

  @Test
  @DisplayName("another thread has a state of its own, at PASSIVE_LEVEL whatever this thread's level")
  void current_otherThread_ownState() throws InterruptedException {
    KeThread.State me = KeThread.current();
    Irql old = Irql.raise(Irql.DISPATCH_LEVEL);
    AtomicReference<KeThread.State> other = new AtomicReference<>();
    AtomicReference<Irql> otherLevel = new AtomicReference<>();
    try {
      Thread t = new Thread(() -> {
        other.set(KeThread.current());
        otherLevel.set(KeThread.current().irql());
      });
      t.start();
      t.join();
    } finally {
      Irql.lower(old);
    }
    assertNotSame(me, other.get());
    assertEquals(Irql.PASSIVE_LEVEL, otherLevel.get());
    assertFalse(other.get().isCurrentThread());
  }

  @Test
  @DisplayName("a kind's counter shares its numbers with next and nextNumber")
  void counter_sharesNumbersWithSource() {
    IdSource ids = new IdSource();
    assertEquals("Irp#1", ids.next("Irp"));
    IdSource.Counter irps = ids.counter("Irp");
    assertEquals(2, irps.nextNumber());
    assertEquals(3, ids.nextNumber("Irp"));
    assertEquals("Irp#4", irps.next());
    assertEquals(1, ids.counter("Fcb").nextNumber(), "kinds count apart");
  }
}
