package io.fsctx.fsrtl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
}
