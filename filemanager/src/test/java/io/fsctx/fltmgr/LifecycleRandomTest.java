package io.fsctx.fltmgr;

import static io.fsctx.fltmgr.LifecycleRandomTest.OPS;
import static io.fsctx.fltmgr.LifecycleRandomTest.THREADS;
import static io.fsctx.fltmgr.LifecycleRandomTest.CHECKPOINTS;
import static io.fsctx.fltmgr.LifecycleRandomTest.MAX_HELD;
import static io.fsctx.fltmgr.LifecycleRandomTest.MAX_FILES;
import static io.fsctx.fltmgr.LifecycleRandomTest.TRANSACTIONS;
import static io.fsctx.fltmgr.LifecycleRandomTest.SIZE;
import static io.fsctx.fltmgr.LifecycleRandomTest.SET_KEEP;
import static io.fsctx.fltmgr.LifecycleRandomTest.SET_REPLACE;
import io.fsctx.fltmgr.LifecycleRandomWorld.World;
import io.fsctx.fltmgr.LifecycleRandomWorker.Worker;
import io.fsctx.nt.PoolType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.io.CreateParameters;
import io.fsctx.io.CreateResult;
import io.fsctx.io.FileObject;
import io.fsctx.io.FileSystemDriver;
import io.fsctx.io.IoManager;
import io.fsctx.io.IrpMajorFunction;
import io.fsctx.io.Volume;
import io.fsctx.modelfs.FatLikeFileSystem;
import io.fsctx.modelfs.NtfsLikeFileSystem;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Phaser;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 18: a long seeded random concurrent workload over the whole lifecycle, with an exact
 * reference ledger kept by the test.
 *
 * <h2>The workload</h2>
 * Worker threads run random operations against one I/O manager and one Filter Manager: two
 * filters (each registering every context type) and two volumes, NTFS-like or FAT-like (whose
 * file contexts Filter Manager emulates), with the filters attached to both. The operations are
 * I/O through the whole stack (create, read, write, query, close; the filters' callbacks find or
 * create stream contexts, replace stream-handle contexts, set file contexts and get all their
 * contexts, balancing every reference), direct set (KEEP or REPLACE, with or without {@code
 * OldContext}), get, delete (by object and by {@code FltDeleteContext}), reference, release and
 * {@code FltGetContexts} of every context type, references handed from one thread to another,
 * transaction contexts, enlistments, commits and rollbacks, and, rarely, the lifecycle ends:
 * detach and re-attach of instances, dismount (and a fresh mount) of a volume, and unload (and a
 * fresh registration) of a filter while the other keeps working.
 *
 * <h2>The ledger</h2>
 * Every context's payload counts the references the test holds on it; the test counts every
 * allocation and every cleanup. At checkpoints, with every worker stopped, each live context's
 * count must equal the test's references on it (the workers' lists and the hand-over queue
 * counted one by one) plus one when it is attached, every cleanup must have run once with a count
 * of zero, the verifier must have made no finding, and the live contexts must be exactly the
 * contexts allocated and not yet cleaned up. At the end every reference is released and every
 * filter, volume and transaction ended: nothing may be live and the unloads must be clean.
 *
 * <h2>Playing by the rules</h2>
 * The filters are correct, so any finding is false. Like a real filter they stop their own
 * threads before an instance or the filter goes away: a worker touches an instance's (or
 * filter's) contexts only inside a guard that the instance's teardown-start callback (or the
 * unload) closes, and the teardown-start callback waits until every worker has released what it
 * held on that instance's contexts. A worker holds nothing while it runs a lifecycle operation.
 *
 * <h2>Knobs</h2>
 * {@code -Dfsctx.lifecycle.ops} (default 1,000,000 operations in all, the bar for verify, about 10-30 s on 2 cores), {@code
 * -Dfsctx.lifecycle.threads} (default 4) and {@code -Dfsctx.lifecycle.seed}. The seed is printed;
 * it fixes every worker's sequence of operations and, with one thread, the whole run. The release
 * check runs {@code -Dfsctx.lifecycle.ops=20000000} (see the project README).
 */
// Thread.yield: the workers and the filter's teardown wait for each other by spinning politely,
// and a callback yields to widen the window a teardown can start in. Enum ordinals index the
// per-kind counters and feed the replay digest; nothing is persisted.
@SuppressWarnings({"ThreadPriorityCheck", "EnumOrdinal"})
class LifecycleRandomTest {
  static final long OPS = Long.getLong("fsctx.lifecycle.ops", 1_000_000L);
  static final int THREADS = Integer.getInteger("fsctx.lifecycle.threads", 4);
  static final int CHECKPOINTS = 16;
  static final int MAX_HELD = 12;
  static final int MAX_FILES = 6;
  static final int TRANSACTIONS = 4;
  static final long SIZE = 24;
  static final int SET_KEEP = SetContextOperation.KEEP_IF_EXISTS.code();
  static final int SET_REPLACE = SetContextOperation.REPLACE_IF_EXISTS.code();

  private static long seed() {
    String s = System.getProperty("fsctx.lifecycle.seed");
    return s != null ? Long.parseLong(s) : System.nanoTime();
  }

  @Test
  @DisplayName("issue 18: a seeded random concurrent lifecycle workload ends with no finding, no leak and every reference accounted for")
  void lifecycle_seededRandomConcurrentWorkload_noFindingNoLeakNoLostReference() throws Exception {
    long seed = seed();
    String replay = "seed=" + seed + " ops=" + OPS + " threads=" + THREADS
        + " (replay with -Dfsctx.lifecycle.seed=" + seed + " -Dfsctx.lifecycle.ops=" + OPS
        + " -Dfsctx.lifecycle.threads=" + THREADS + ")";
    System.out.println("LifecycleRandomTest: " + replay);
    World w = new World(seed, THREADS, OPS);
    try {
      w.run();
    } catch (Throwable t) {
      throw new AssertionError(replay + ": " + t, t);
    }
    System.out.println("LifecycleRandomTest: " + w.summary());
    assertEquals(List.of(), w.problems, replay);
    assertEquals(List.of(), w.mgr.verifierFindings().stream().map(VerifierFinding::format).toList(), replay);
    assertEquals(List.of(), w.mgr.liveContexts().stream().map(FltContext::describe).toList(), replay);
    assertEquals(w.allocations.get(), w.cleanups.get(), () -> "allocations vs cleanups, " + replay);
    assertTrue(w.ops.get() >= OPS, () -> "ran " + w.ops.get() + " operations, " + replay);
  }

  @Test
  @DisplayName("issue 18: with one worker a seed replays its run exactly (same operations, same outcomes)")
  void lifecycle_sameSeedOneWorker_sameRun() throws Exception {
    long seed = seed();
    World first = new World(seed, 1, 20_000);
    first.run();
    World second = new World(seed, 1, 20_000);
    second.run();
    String replay = "seed=" + seed + " (replay with -Dfsctx.lifecycle.seed=" + seed + ")";
    assertEquals(List.of(), first.problems, replay);
    assertEquals(first.summary(), second.summary(), replay);
    assertEquals(first.digest(), second.digest(), replay);
  }

}
