package io.fsctx.fsrtl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The header locks: shared where the kernel lock is shared, never recursive, owner-checked. */
class HeaderLockTest {

  @Test
  void acquireShared_pushLockFromTwoThreads_bothHoldItAtOnce() throws Exception {
    PushLock lock = new PushLock();
    lock.acquireShared();
    CountDownLatch inside = new CountDownLatch(1);
    CompletableFuture<Boolean> other = CompletableFuture.supplyAsync(() -> {
      lock.acquireShared();
      inside.countDown();
      boolean held = lock.isHeldByCurrentThread();
      lock.releaseShared();
      return held;
    });
    assertTrue(inside.await(5, TimeUnit.SECONDS), "a second reader got in while the first held it");
    assertTrue(other.get(5, TimeUnit.SECONDS));
    assertTrue(lock.isHeldByCurrentThread());
    lock.releaseShared();
    assertFalse(lock.isHeldByCurrentThread());
    assertEquals(2, lock.acquisitionCount());
  }

  @Test
  void acquireShared_fastMutex_isExclusive() throws Exception {
    FastMutex lock = new FastMutex();
    lock.acquireShared();
    CompletableFuture<Void> other = CompletableFuture.runAsync(() -> {
      lock.acquireShared();
      lock.releaseShared();
    });
    assertThrows(TimeoutException.class, () -> other.get(100, TimeUnit.MILLISECONDS));
    lock.releaseShared();
    other.get(5, TimeUnit.SECONDS);
  }

  @Test
  void acquire_recursively_throwsInsteadOfDeadlocking() {
    PushLock lock = new PushLock();
    lock.acquireShared();
    assertTrue(assertThrows(IllegalStateException.class, lock::acquireShared).getMessage()
        .contains("acquired recursively"));
    assertThrows(IllegalStateException.class, lock::acquireExclusive);
    lock.releaseShared();
    lock.acquireExclusive();
    assertThrows(IllegalStateException.class, lock::acquireShared);
    assertThrows(IllegalStateException.class, lock::acquireExclusive);
    lock.releaseExclusive();
    assertFalse(lock.isHeldByCurrentThread());
  }

  @Test
  void release_notHeldByTheCaller_throwsAndKeepsTheOwnersHold() throws Exception {
    PushLock lock = new PushLock();
    assertThrows(IllegalMonitorStateException.class, lock::releaseShared);
    assertThrows(IllegalMonitorStateException.class, lock::releaseExclusive);
    lock.acquireExclusive();
    Throwable fromOther = CompletableFuture.supplyAsync(() -> {
      try {
        lock.releaseExclusive();
        return null;
      } catch (IllegalMonitorStateException e) {
        return e;
      }
    }).get(5, TimeUnit.SECONDS);
    assertTrue(fromOther instanceof IllegalMonitorStateException);
    assertTrue(lock.isHeldByCurrentThread());
    lock.releaseExclusive();
  }

  /**
   * The lock's counts share one int (MonitorRwLock): 1,023 threads may wait for a shared hold, and
   * one more is refused with a message rather than wrapping into the holders' bits. Then the
   * writer's release lets all of them in at once, and every count returns to zero.
   */
  @Test
  void acquireShared_pastTheWaiterBound_throwsAndTheOthersStillGetIn() throws Exception {
    PushLock lock = new PushLock();
    lock.acquireExclusive();
    int bound = 1023;
    AtomicInteger got = new AtomicInteger();
    List<Thread> waiters = new ArrayList<>();
    for (int i = 0; i < bound; i++) {
      Thread t = new Thread(null, () -> {
        lock.acquireShared();
        got.incrementAndGet();
        lock.releaseShared();
      }, "reader-" + i, 256 * 1024);
      t.setDaemon(true);
      t.start();
      waiters.add(t);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (waiters.stream().anyMatch(t -> t.getState() != Thread.State.WAITING)) {
      assertTrue(System.nanoTime() < deadline, "the readers did not all start waiting");
      Thread.sleep(5);
    }
    AtomicReference<Throwable> refused = new AtomicReference<>();
    Thread extra = new Thread(() -> {
      try {
        lock.acquireShared();
        lock.releaseShared();
      } catch (Throwable e) {
        refused.set(e);
      }
    });
    extra.start();
    extra.join(TimeUnit.SECONDS.toMillis(10));
    assertTrue(refused.get() instanceof IllegalStateException, "the 1,024th waiter is refused: " + refused.get());
    assertTrue(refused.get().getMessage().contains("1023 threads already wait for a shared hold"),
        refused.get().getMessage());
    lock.releaseExclusive();
    for (Thread t : waiters) {
      t.join(TimeUnit.SECONDS.toMillis(30));
    }
    assertEquals(bound, got.get());
    CompletableFuture.runAsync(() -> { // no holder is left counted: an exclusive hold gets in
      lock.acquireExclusive();
      lock.releaseExclusive();
    }).get(5, TimeUnit.SECONDS);
  }
}
