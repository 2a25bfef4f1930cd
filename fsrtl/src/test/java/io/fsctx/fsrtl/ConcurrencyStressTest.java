package io.fsctx.fsrtl;

import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FCB_HEADER_V0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.fsctx.fsrtl.Family.Fixture;
import io.fsctx.fsrtl.Family.StreamFixture;
import io.fsctx.nt.NtStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Many threads inserting, looking up and removing on one list while another thread tears it down
 * (fsrtl.md 7.4, 11.12; items 14.24 to 14.27 under contention). Every context must end either
 * removed by exactly one remover, with its FreeCallback never called, or released exactly once by
 * a teardown; none may be lost or freed twice, and no FreeCallback may run under the list lock.
 *
 * <p>Each run lasts {@link #RUN_MILLIS} and is driven by a seed printed in every failure message;
 * {@code -Dfsctx.stress.seed=N} replays the same operation sequences (thread interleavings vary).
 */
class ConcurrencyStressTest {
  private static final int MIN_OPS_PER_WORKER = 300;
  private static final long SEED = Long.getLong("fsctx.stress.seed", System.nanoTime());
  private static final long RUN_MILLIS = 500;
  private static final int WORKERS = 3;

  /** The lists under stress, including each lock a per-stream list can be guarded by. */
  enum Target {
    PER_STREAM_PUSH_LOCK {
      @Override
      Fixture create() {
        return Family.PER_STREAM_API.create();
      }
    },
    PER_STREAM_FAST_MUTEX_V0 {
      @Override
      Fixture create() {
        StreamFixture f = (StreamFixture) Family.PER_STREAM_API.create();
        f.header.setVersion(FSRTL_FCB_HEADER_V0);
        return f;
      }
    },
    PER_STREAM_AE_PUSH_LOCK_FACADE {
      @Override
      Fixture create() {
        StreamFixture f = (StreamFixture) Family.PER_STREAM_FACADE.create();
        f.header.setupEx2(null, null, PushLock.autoExpand());
        return f;
      }
    },
    PER_FILE {
      @Override
      Fixture create() {
        return Family.PER_FILE_API.create();
      }
    },
    PER_FILE_FACADE {
      @Override
      Fixture create() {
        return Family.PER_FILE_FACADE.create();
      }
    },
    PER_FILE_OBJECT {
      @Override
      Fixture create() {
        return Family.PER_FILE_OBJECT_API.create();
      }
    };

    abstract Fixture create();
  }

  private final Ptr[] owners = {new Ptr("OwnerA"), new Ptr("OwnerB"), new Ptr("OwnerC")};
  private final Ptr[] instances = {new Ptr("I0"), new Ptr("I1"), new Ptr("I2")};
  private final Queue<FsRtlContext> inserted = new ConcurrentLinkedQueue<>();
  private final Map<FsRtlContext, AtomicInteger> removals = new ConcurrentHashMap<>();
  private final Queue<String> problems = new ConcurrentLinkedQueue<>();

  private static String seedNote() {
    return "seed=" + SEED + " (replay with -Dfsctx.stress.seed=" + SEED + ")";
  }

  private void recordRemoval(FsRtlContext c, @Nullable Object owner, @Nullable Object instance, String who) {
    removals.computeIfAbsent(c, k -> new AtomicInteger()).incrementAndGet();
    checkMatch(c, owner, instance, who + " remove");
    if (c.isLinked()) {
      problems.add(who + " removed " + c + " but it is still linked");
    }
  }

  private void checkMatch(FsRtlContext c, @Nullable Object owner, @Nullable Object instance, String what) {
    if (owner != null && (c.ownerId() != owner || (instance != null && c.instanceId() != instance))) {
      problems.add(what + "(" + owner + ", " + instance + ") returned non-matching " + c);
    }
  }

  private @Nullable Object pickInstance(Random r) {
    return r.nextInt(4) == 0 ? null : instances[r.nextInt(instances.length)];
  }

  private void work(Fixture f, Random r, long deadline, int worker) {
    String who = "worker" + worker;
    // A minimum number of operations even when a loaded machine starts this thread late, so the
    // run always has work to judge.
    for (int done = 0; done < MIN_OPS_PER_WORKER || System.nanoTime() < deadline; done++) {
      int op = r.nextInt(100);
      Object owner = owners[r.nextInt(owners.length)];
      Object instance = pickInstance(r);
      if (op < 45) {
        FsRtlContext c = f.newContext(owner, instance);
        NtStatus s = f.insert(c);
        if (s.equals(NtStatus.STATUS_SUCCESS)) {
          inserted.add(c);
        } else {
          problems.add(who + " insert failed: " + s);
        }
      } else if (op < 75) {
        boolean anyOwner = r.nextInt(10) == 0;
        Object o = anyOwner ? null : owner;
        Object i = anyOwner ? null : instance;
        FsRtlContext c = f.remove(o, i);
        if (c != null) {
          recordRemoval(c, o, i, who);
        }
      } else {
        FsRtlContext c = f.lookup(owner, instance);
        if (c != null) {
          checkMatch(c, owner, instance, who + " lookup");
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Target.class)
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  @DisplayName("fsrtl.md 7.4/14.24-14.27 under contention: every context is removed once or released once, never lost, never freed under the lock")
  void insertLookupRemove_concurrentWithTeardown_eachContextEndsExactlyOnce(Target target) throws Exception {
    Fixture f = target.create();
    Random callbackRandom = new Random(SEED ^ target.name().hashCode());
    f.onFree(
        c -> {
          if (f.lockHeldByCurrentThread()) {
            problems.add("FreeCallback for " + c + " ran with the list lock held by its thread");
          }
          if (c.isLinked()) {
            problems.add("FreeCallback for " + c + " ran while it was still linked");
          }
          FsRtlContext again = f.lookup(c.ownerId(), c.instanceId());
          if (again == c) {
            problems.add("lookup from the FreeCallback of " + c + " found it");
          }
          boolean removeNeighbour;
          synchronized (callbackRandom) {
            removeNeighbour = callbackRandom.nextInt(4) == 0;
          }
          if (removeNeighbour) {
            // A filter may drop another of its contexts from inside a callback (fsrtl.md 7.4).
            FsRtlContext other = f.remove(c.ownerId(), null);
            if (other != null) {
              recordRemoval(other, c.ownerId(), null, "callback");
            }
          }
        });

    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RUN_MILLIS);
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < WORKERS; w++) {
      int worker = w;
      Random r = new Random(SEED + 31L * target.name().hashCode() + worker);
      threads.add(guarded(start, () -> () -> work(f, r, deadline, worker), "worker" + worker));
    }
    Random tr = new Random(SEED - target.name().hashCode());
    threads.add(
        guarded(
            start,
            () ->
                () -> {
                  while (System.nanoTime() < deadline) {
                    f.teardown();
                    LockSupport.parkNanos(tr.nextInt(200_000));
                  }
                },
            "teardown"));
    threads.forEach(Thread::start);
    start.countDown();
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(10));
      if (t.isAlive()) {
        fail(t.getName() + " did not finish: deadlock? " + seedNote());
      }
    }
    f.teardown(); // the file system's final teardown (or the file object's delete)

    assertEquals(List.of(), List.copyOf(problems), seedNote());
    assertTrue(inserted.size() > 100, "too little work done to mean anything: " + inserted.size() + "; " + seedNote());
    int removedTotal = 0;
    int releasedTotal = 0;
    for (FsRtlContext c : inserted) {
      AtomicInteger removedCount = removals.get(c);
      int removed = removedCount == null ? 0 : removedCount.get();
      int released = f.releaseCount(c);
      if (removed + released != 1) {
        fail(c + " was removed " + removed + " times and released " + released + " times; " + seedNote());
      }
      assertFalse(c.isLinked(), c + " is still linked after the final teardown; " + seedNote());
      removedTotal += removed;
      releasedTotal += released;
    }
    assertEquals(inserted.size(), removedTotal + releasedTotal, seedNote());
    assertEquals(releasedTotal, f.releaseOrder().size(), "a release of a context nobody inserted; " + seedNote());
    assertTrue(f.contents().isEmpty(), seedNote());
  }

  /** A thread that waits for {@code start}, runs the body and records anything it throws. */
  private Thread guarded(CountDownLatch start, Supplier<Runnable> body, String name) {
    Runnable r = body.get();
    Thread t =
        new Thread(
            () -> {
              try {
                start.await();
                r.run();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                problems.add(name + " interrupted");
              } catch (RuntimeException | Error e) {
                problems.add(name + " threw " + e);
              }
            },
            name);
    t.setDaemon(true);
    return t;
  }
}
