package io.fsctx.nt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EResourceTest {

  @Test
  void acquireExclusive_recursively_isAllowedAndCounted() {
    EResource r = new EResource("R");
    int before = KeThread.resourcesHeld();
    r.acquireExclusive();
    r.acquireExclusive();
    assertTrue(r.isAcquiredExclusive());
    assertEquals(2, r.isAcquiredShared());
    assertEquals(before + 2, KeThread.resourcesHeld());
    r.release();
    r.release();
    assertFalse(r.isHeld());
    assertEquals(before, KeThread.resourcesHeld());
  }

  /**
   * The owner's recursive holds share the lock's counts with the holders and waiters
   * (MonitorRwLock): 1,024 holds are counted, one more is refused without changing the count, and
   * a thread waiting meanwhile gets the resource only after the last release.
   */
  @Test
  void acquireExclusive_recursiveHoldsToTheBound_countedThenRefused_waiterGetsInAfterLastRelease() throws Exception {
    EResource r = new EResource("R");
    int bound = 1024;
    for (int i = 0; i < bound; i++) {
      r.acquireExclusive();
    }
    assertEquals(bound, r.isAcquiredShared());
    IllegalStateException refused = assertThrows(IllegalStateException.class, r::acquireExclusive);
    assertTrue(refused.getMessage().contains("1024 holds of one lock by its owner"), refused.getMessage());
    assertEquals(bound, r.isAcquiredShared());
    CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
      r.acquireShared();
      r.release();
      return true;
    });
    for (int i = 0; i < bound - 1; i++) {
      r.release();
    }
    assertTrue(r.isAcquiredExclusive());
    assertFalse(waiter.isDone(), "a shared waiter got in while the owner still held it");
    r.release();
    assertTrue(waiter.get(5, TimeUnit.SECONDS));
    assertFalse(r.isHeld());
    r.delete();
    assertThrows(IllegalStateException.class, r::acquireShared);
  }

  @Test
  void acquireExclusive_whileHeldSharedOnly_throwsInsteadOfDeadlocking() {
    EResource r = new EResource("R");
    r.acquireShared();
    IllegalStateException e = assertThrows(IllegalStateException.class, r::acquireExclusive);
    assertTrue(e.getMessage().contains("deadlock"));
    r.release();
  }

  @Test
  void acquireExclusive_blocksOtherThreadsUntilReleased() throws Exception {
    EResource r = new EResource("R");
    r.acquireExclusive();
    CompletableFuture<Boolean> other = CompletableFuture.supplyAsync(() -> {
      r.acquireShared();
      r.release();
      return true;
    });
    assertThrows(java.util.concurrent.TimeoutException.class, () -> other.get(100, TimeUnit.MILLISECONDS));
    r.release();
    assertTrue(other.get(5, TimeUnit.SECONDS));
  }

  @Test
  void acquireShared_recursivelyWhileAWriterWaits_grantedWithoutWaiting() throws Exception {
    EResource r = new EResource(() -> "Lazy#1");
    r.acquireShared();
    CompletableFuture<Boolean> writer = CompletableFuture.supplyAsync(() -> {
      r.acquireExclusive();
      r.release();
      return true;
    });
    assertThrows(java.util.concurrent.TimeoutException.class, () -> writer.get(100, TimeUnit.MILLISECONDS));
    // ERESOURCE grants a shared owner's recursive acquire even with an exclusive waiter.
    r.acquireShared();
    assertEquals(2, r.isAcquiredShared());
    r.release();
    assertTrue(r.isHeld());
    r.release();
    assertTrue(writer.get(5, TimeUnit.SECONDS));
    assertFalse(r.isHeld());
    assertEquals("Lazy#1", r.id());
  }

  @Test
  void acquireShared_byTheExclusiveOwner_countedAndReleasedFirst() {
    EResource r = new EResource("R");
    r.acquireExclusive();
    r.acquireShared();
    assertEquals(2, r.isAcquiredShared());
    r.release();
    assertTrue(r.isAcquiredExclusive(), "the shared hold went first");
    assertEquals(1, r.isAcquiredShared());
    r.release();
    assertFalse(r.isHeld());
    assertEquals(0, KeThread.sharedHolds(r));
  }

  @Test
  void release_byAnotherThread_throwsAndKeepsTheHold() throws Exception {
    EResource r = new EResource("R");
    r.acquireShared();
    CompletableFuture<Throwable> other = CompletableFuture.supplyAsync(() -> {
      try {
        r.release();
        return null;
      } catch (IllegalStateException e) {
        return e;
      }
    });
    assertTrue(other.get(5, TimeUnit.SECONDS) instanceof IllegalStateException);
    assertTrue(r.isHeld());
    r.release();
    assertFalse(r.isHeld());
  }

  @Test
  void delete_whileHeld_throws_andReleaseUnheld_throws() {
    EResource r = new EResource("R");
    r.acquireExclusive();
    assertThrows(IllegalStateException.class, r::delete);
    r.release();
    assertThrows(IllegalStateException.class, r::release);
    r.delete();
    assertThrows(IllegalStateException.class, r::acquireShared);
  }

  @Test
  void delete_afterRecursiveHoldsEnd_refusesLaterAcquisitions_keepsItsName() {
    EResource r = new EResource("CxRc test");
    r.acquireExclusive();
    r.acquireExclusive();
    r.release();
    assertThrows(IllegalStateException.class, r::delete, "one hold left");
    r.release();
    r.delete();
    IllegalStateException e = assertThrows(IllegalStateException.class, r::acquireExclusive);
    assertEquals("ExAcquireResourceExclusiveLite on deleted resource CxRc test", e.getMessage());
    assertEquals(0, r.isAcquiredShared());
    assertFalse(r.isHeld());
  }

  @Test
  void delete_racingAWaitingAcquirer_eitherTheDeleteOrTheAcquisitionFails_200Times() throws Exception {
    for (int i = 0; i < 200; i++) {
      EResource r = new EResource("R" + i);
      r.acquireExclusive();
      java.util.concurrent.CountDownLatch mayRelease = new java.util.concurrent.CountDownLatch(1);
      CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
        try {
          r.acquireExclusive();
        } catch (IllegalStateException deleted) {
          return false;
        }
        try {
          mayRelease.await();
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
        }
        r.release();
        return true;
      });
      Thread.sleep(0, 200_000); // most rounds: the other thread is waiting by now
      r.release();
      boolean deleted;
      try {
        r.delete();
        deleted = true;
      } catch (IllegalStateException held) {
        deleted = false;
      }
      mayRelease.countDown();
      boolean acquired = waiter.get(10, TimeUnit.SECONDS);
      assertTrue(deleted != acquired, "round " + i + ": deleted " + deleted + ", acquired " + acquired);
    }
  }

  @Test
  void criticalRegion_nestsAndRejectsUnbalancedLeave() {
    int d = KeThread.criticalRegionDepth();
    KeThread.enterCriticalRegion();
    KeThread.enterCriticalRegion();
    assertEquals(d + 2, KeThread.criticalRegionDepth());
    KeThread.leaveCriticalRegion();
    KeThread.leaveCriticalRegion();
    assertEquals(d, KeThread.criticalRegionDepth());
    if (d == 0) {
      assertThrows(IllegalStateException.class, KeThread::leaveCriticalRegion);
    }
  }

  @Test
  void acquireShared_whileAnExclusiveWaiterIsQueued_waitsBehindIt() throws Exception {
    // ExAcquireResourceSharedLite waits while exclusive waiters are queued; a holder's own
    // recursive shared acquire does not (it never touches the lock).
    EResource r = new EResource("Resource#queue");
    r.acquireShared();
    java.util.List<String> order = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
      r.acquireExclusive();
      order.add("exclusive");
      r.release();
    });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!writerQueued(r) && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertTrue(writerQueued(r), "the exclusive acquire is waiting for the shared holder");
    CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
      r.acquireShared();
      order.add("shared");
      r.release();
    });
    Thread.sleep(100); // the new reader would get in now if it could barge past the waiter
    assertTrue(order.isEmpty(), "nobody got in while the first shared hold is held: " + order);
    r.acquireShared(); // recursive: counted on this thread, no wait behind the queued writer
    assertEquals(2, r.isAcquiredShared());
    r.release();
    r.release();
    writer.get(10, TimeUnit.SECONDS);
    reader.get(10, TimeUnit.SECONDS);
    assertEquals(java.util.List.of("exclusive", "shared"), order);
    assertFalse(r.isHeld());
  }

  /** Whether a thread waits in the lock's monitor for exclusive access (seen through its state). */
  private static boolean writerQueued(EResource r) {
    for (java.util.Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
      if (e.getKey().getState() == Thread.State.WAITING) {
        for (StackTraceElement f : e.getValue()) {
          if (f.getMethodName().equals("lockExclusive")) {
            return true;
          }
        }
      }
    }
    return false;
  }

  @Test
  void manyThreads_sharedAndExclusive_exclusionHoldsAndNoWakeUpIsLost() throws Exception {
    // Four threads mixing shared and exclusive holds on one resource: an exclusive holder never
    // overlaps anyone, shared holders overlap only each other, and every thread finishes (a lost
    // wake-up would leave one waiting, caught by the timeout).
    EResource r = new EResource("Resource#stress");
    java.util.concurrent.atomic.AtomicInteger readers = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger writers = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger violations = new java.util.concurrent.atomic.AtomicInteger();
    int rounds = 20_000;
    java.util.List<CompletableFuture<Void>> all = new java.util.ArrayList<>();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    for (int t = 0; t < 4; t++) {
      int seed = t;
      all.add(CompletableFuture.runAsync(() -> {
        java.util.Random random = new java.util.Random(seed);
        for (int i = 0; i < rounds; i++) {
          if (random.nextInt(4) == 0) {
            r.acquireExclusive();
            if (writers.incrementAndGet() != 1 || readers.get() != 0) {
              violations.incrementAndGet();
            }
            writers.decrementAndGet();
            r.release();
          } else {
            r.acquireShared();
            readers.incrementAndGet();
            if (writers.get() != 0) {
              violations.incrementAndGet();
            }
            readers.decrementAndGet();
            r.release();
          }
        }
      }, pool));
    }
    try {
      CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).get(120, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
    assertEquals(0, violations.get());
    assertFalse(r.isHeld());
  }

  @Test
  void ownerNamed_nameIsPrefixAndOwner_builtOnlyWhenAsked_once() {
    java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
    Object owner = new Object() {
      @Override
      public String toString() {
        asked.incrementAndGet();
        return "Ctx#7";
      }
    };
    EResource r = new EResource("CxRc StreamContext ", owner);
    r.acquireExclusive();
    r.release();
    assertEquals(0, asked.get(), "acquiring and releasing builds no name");
    assertEquals("CxRc StreamContext Ctx#7", r.id());
    assertEquals("CxRc StreamContext Ctx#7", r.toString());
    assertEquals(1, asked.get(), "the name is built once and kept");
  }

  @Test
  void supplierNamed_nameIsTheSuppliers_builtOnce() {
    java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
    EResource r = new EResource(() -> "R" + asked.incrementAndGet());
    assertEquals("R1", r.id());
    assertEquals("R1", r.id());
  }
}
