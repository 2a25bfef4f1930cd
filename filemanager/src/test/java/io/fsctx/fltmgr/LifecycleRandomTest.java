package io.fsctx.fltmgr;

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
 * {@code -Dfsctx.lifecycle.ops} (default 2,000,000 operations in all), {@code
 * -Dfsctx.lifecycle.threads} (default 4) and {@code -Dfsctx.lifecycle.seed}. The seed is printed;
 * it fixes every worker's sequence of operations and, with one thread, the whole run. The release
 * check runs {@code -Dfsctx.lifecycle.ops=20000000} (see the project README).
 */
// Thread.yield: the workers and the filter's teardown wait for each other by spinning politely,
// and a callback yields to widen the window a teardown can start in. Enum ordinals index the
// per-kind counters and feed the replay digest; nothing is persisted.
@SuppressWarnings({"ThreadPriorityCheck", "EnumOrdinal"})
class LifecycleRandomTest {
  private static final long OPS = Long.getLong("fsctx.lifecycle.ops", 2_000_000L);
  private static final int THREADS = Integer.getInteger("fsctx.lifecycle.threads", 4);
  private static final int CHECKPOINTS = 16;
  private static final int MAX_HELD = 12;
  private static final int MAX_FILES = 6;
  private static final int TRANSACTIONS = 4;
  private static final long SIZE = 24;
  private static final int SET_KEEP = SetContextOperation.KEEP_IF_EXISTS.code();
  private static final int SET_REPLACE = SetContextOperation.REPLACE_IF_EXISTS.code();

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

  // ---- The test's side of every context ----------------------------------------------------------

  /** The payload of every context: the references the test holds and the cleanups that ran. */
  static final class Ledger {
    final AtomicInteger held = new AtomicInteger();
    final AtomicInteger cleanups = new AtomicInteger();

    Ledger(int size) {
      // The size is the filter's portion; the ledger needs none of it.
    }
  }

  private static Ledger ledger(FltContext c) {
    return c.payload(Ledger.class);
  }

  /** A worker-side guard of an instance or a filter: closed by its teardown, entered by workers. */
  static final class Guard {
    volatile boolean closing;
    final AtomicInteger users = new AtomicInteger();

    boolean enter() {
      users.incrementAndGet();
      if (closing) {
        users.decrementAndGet();
        return false;
      }
      return true;
    }

    void exit() {
      users.decrementAndGet();
    }
  }

  /** One registration of a filter; a slot gets a new one after each unload. */
  record Generation(FltFilter filter, Guard guard) {}

  /** A filter's place in the world, across its registrations. */
  static final class FilterSlot {
    final String name;
    final String altitude;
    final AtomicBoolean busy = new AtomicBoolean();
    volatile @Nullable Generation current;

    FilterSlot(String name, String altitude) {
      this.name = name;
      this.altitude = altitude;
    }
  }

  /** One mount of a volume; a slot gets a new one after each dismount. */
  record Mount(Volume volume, FltVolume flt) {}

  /** A volume's place in the world, across its mounts. */
  static final class VolumeSlot {
    final AtomicBoolean busy = new AtomicBoolean();
    volatile @Nullable Mount current;
  }

  record OpenFile(Mount mount, FileObject fo) {}

  // ---- The world ------------------------------------------------------------------------------------

  static final class World {
    final long seed;
    final int threads;
    final long budget;
    final IoManager io = new IoManager();
    final FilterManager mgr =
        new FilterManager(FltConfig.builder().verifierLevel(VerifierLevel.COUNTING).unloadWaitTimeout(Duration.ofSeconds(60)).build());
    final FilterSlot[] filterSlots = {new FilterSlot("LifeA", "370000"), new FilterSlot("LifeB", "380000")};
    final VolumeSlot[] volumeSlots = {new VolumeSlot(), new VolumeSlot()};
    @SuppressWarnings("unchecked")
    final AtomicReference<KTransaction>[] transactions = new AtomicReference[TRANSACTIONS];
    final Map<FltFilter, Generation> generations = new ConcurrentHashMap<>();
    final Map<FltInstance, Guard> instanceGuards = new ConcurrentHashMap<>();
    final ConcurrentLinkedQueue<FltContext> handOver = new ConcurrentLinkedQueue<>();
    final AtomicLong allocations = new AtomicLong();
    final AtomicLong cleanups = new AtomicLong();
    final AtomicLong ops = new AtomicLong();
    final AtomicLong callbacks = new AtomicLong();
    final AtomicLong closingEpoch = new AtomicLong();
    /** Unloads under way: while one is, workers also clear the hand-over queue of its references. */
    final AtomicInteger unloading = new AtomicInteger();
    final AtomicInteger mounts = new AtomicInteger();
    final AtomicInteger txIds = new AtomicInteger();
    final List<String> problems = new CopyOnWriteArrayList<>();
    final ReentrantReadWriteLock quiesce = new ReentrantReadWriteLock();
    final Worker[] workers;
    final long[] counts = new long[Kind.values().length];
    int checkpoints;
    final Phaser checkpoint;

    Phaser newCheckpoint() {
      return new Phaser(threads) {
          @Override
          protected boolean onAdvance(int phase, int parties) {
            quiesce.writeLock().lock();
            try {
              checkLedger("checkpoint " + phase);
              checkpoints++;
            } finally {
              quiesce.writeLock().unlock();
            }
            return false;
          }
        };
    }

    World(long seed, int threads, long budget) {
      this.seed = seed;
      this.threads = threads;
      this.budget = budget;
      this.workers = new Worker[threads];
      this.checkpoint = newCheckpoint();
      mgr.followMounts(io);
      for (FilterSlot s : filterSlots) {
        register(s);
      }
      for (VolumeSlot v : volumeSlots) {
        mount(v, true);
      }
      for (int i = 0; i < TRANSACTIONS; i++) {
        transactions[i] = new AtomicReference<>(new KTransaction("Tx#" + txIds.incrementAndGet()));
      }
    }

    void problem(String what) {
      if (problems.size() < 50) {
        problems.add(what);
      }
    }

    // ---- Filters, as their authors would write them -----------------------------------------------

    void register(FilterSlot slot) {
      List<FltContextRegistration> regs = new ArrayList<>();
      for (FltContextType t : FltContextType.values()) {
        regs.add(FltContextRegistration.of(t, 0, this::cleanup, SIZE, FltContextRegistration.tag("Lrnd"), Ledger::new));
      }
      regs.add(FltContextRegistration.END);
      FltRegistration reg =
          FltRegistration.builder()
              .contextRegistration(regs)
              .instanceSetupCallback(this::setup)
              .instanceQueryTeardownCallback((o, flags) -> NtStatus.STATUS_SUCCESS)
              .instanceTeardownStartCallback(this::teardownStart)
              .instanceTeardownCompleteCallback(this::teardownComplete)
              .transactionNotificationCallback((o, ctx, mask) -> NtStatus.STATUS_SUCCESS)
              .operationRegistration(
                  new FltOperationRegistration(IrpMajorFunction.CREATE.code(), 0, null, this::postCreate),
                  new FltOperationRegistration(IrpMajorFunction.READ.code(), 0, this::preData, this::postData),
                  new FltOperationRegistration(IrpMajorFunction.WRITE.code(), 0, this::preData, this::postData),
                  new FltOperationRegistration(IrpMajorFunction.CLEANUP.code(), 0, this::preCleanup, null))
              .build();
      Out<FltFilter> f = new Out<>();
      NtStatus st = Flt.registerFilter(mgr, DriverObject.of(slot.name, slot.altitude), reg, f);
      if (!st.isSuccess()) {
        throw new IllegalStateException("register " + slot.name + ": " + st);
      }
      FltFilter filter = Objects.requireNonNull(f.get());
      Generation g = new Generation(filter, new Guard());
      generations.put(filter, g);
      slot.current = g;
      NtStatus started = Flt.startFiltering(filter);
      if (!started.isSuccess()) {
        throw new IllegalStateException("start " + slot.name + ": " + started);
      }
    }

    void cleanup(FltContext c, FltContextType type) {
      Ledger l = ledger(c);
      if (l.cleanups.incrementAndGet() != 1) {
        problem("cleanup of " + c.describe() + " ran " + l.cleanups.get() + " times");
      }
      if (l.held.get() != 0) {
        problem("cleanup of " + c.describe() + " while the test holds " + l.held.get() + " reference(s)");
      }
      if (c.referenceCount() != 0) {
        problem("cleanup of " + c.describe() + " with references left");
      }
      cleanups.incrementAndGet();
    }

    /** Allocates for a callback; null once the filter's unload has begun. */
    @Nullable FltContext allocate(FltFilter filter, FltContextType type) {
      Out<FltContext> out = new Out<>();
      NtStatus st = Flt.allocateContext(filter, type.code(), SIZE, type == FltContextType.VOLUME ? PoolType.NON_PAGED_POOL : PoolType.PAGED_POOL, out);
      if (st.isSuccess()) {
        allocations.incrementAndGet();
        return out.get();
      }
      if (!st.equals(NtStatus.STATUS_FLT_DELETING_OBJECT)) {
        problem("FltAllocateContext " + type + ": " + st);
      }
      return null;
    }

    NtStatus setup(FltRelatedObjects o, int flags, String fsType) {
      FltInstance i = Objects.requireNonNull(o.instance());
      instanceGuards.put(i, new Guard());
      FltContext c = allocate(o.filter(), FltContextType.INSTANCE);
      if (c == null) {
        return NtStatus.STATUS_FLT_DELETING_OBJECT;
      }
      NtStatus st = Flt.setInstanceContext(i, SET_KEEP, c, null);
      Flt.releaseContext(c);
      return st.isSuccess() ? NtStatus.STATUS_SUCCESS : st;
    }

    /**
     * The filter stops its own threads' use of the instance: no new entry into its guard, then
     * every worker has released what it held on the instance's contexts (a worker acknowledges
     * the closing epoch once it has; one running a lifecycle operation holds nothing).
     */
    void teardownStart(FltRelatedObjects o, int reason) {
      FltInstance i = Objects.requireNonNull(o.instance());
      Guard g = instanceGuards.get(i);
      if (g == null) {
        return;
      }
      g.closing = true;
      while (g.users.get() != 0) {
        Thread.onSpinWait();
        Thread.yield();
      }
      awaitWorkersReleasedClosing();
    }

    void awaitWorkersReleasedClosing() {
      long epoch = closingEpoch.incrementAndGet();
      while (true) {
        releaseClosingHandOvers();
        boolean all = true;
        for (Worker w : workers) {
          if (w != null && !w.holdsNothing && w.ackedEpoch < epoch) {
            all = false;
            break;
          }
        }
        if (all) {
          return;
        }
        Thread.yield();
      }
    }

    void teardownComplete(FltRelatedObjects o, int reason) {
      // CTX gets its instance context here; so does this filter.
      Out<FltContext> c = new Out<>();
      if (Flt.getInstanceContext(Objects.requireNonNull(o.instance()), c).isSuccess()) {
        Flt.releaseContext(Objects.requireNonNull(c.get()));
      }
    }

    FltPostopCallbackStatus postCreate(FltCallbackData d, FltRelatedObjects o, @Nullable Object cc, int flags) {
      if (!d.ioStatus().isSuccess() || d.ioStatus().equals(NtStatus.STATUS_REPARSE) || (flags & PostOperationCallback.FLTFL_POST_OPERATION_DRAINING) != 0) {
        return FltPostopCallbackStatus.FINISHED_PROCESSING;
      }
      FltInstance i = Objects.requireNonNull(o.instance());
      FileObject fo = o.fileObject();
      // Find or create the stream context (CTX's KEEP pattern).
      Out<FltContext> got = new Out<>();
      if (Flt.getStreamContext(i, fo, got).isSuccess()) {
        Flt.releaseContext(Objects.requireNonNull(got.get()));
      } else {
        setInCallback(o.filter(), FltContextType.STREAM, (c, old) -> Flt.setStreamContext(i, fo, SET_KEEP, c, old));
      }
      // A new stream-handle context replaces any old one (CTX's create-or-replace).
      setInCallback(o.filter(), FltContextType.STREAMHANDLE, (c, old) -> Flt.setStreamHandleContext(i, fo, SET_REPLACE, c, old));
      setInCallback(o.filter(), FltContextType.FILE, (c, old) -> Flt.setFileContext(i, fo, SET_KEEP, c, old));
      return FltPostopCallbackStatus.FINISHED_PROCESSING;
    }

    /** Allocates, sets, and releases everything it got: the callback leaves no reference behind. */
    void setInCallback(FltFilter filter, FltContextType type, SetCall set) {
      FltContext c = allocate(filter, type);
      if (c == null) {
        return;
      }
      Out<FltContext> old = new Out<>();
      NtStatus st = set.set(c, old);
      checkSet(type, st);
      FltContext o = old.get();
      if (o != null) {
        Flt.releaseContext(o);
      }
      Flt.releaseContext(c);
    }

    FltPreopCallbackStatus preData(FltCallbackData d, FltRelatedObjects o, Out<Object> cc) {
      Out<FltContext> got = new Out<>();
      if (Flt.getStreamHandleContext(Objects.requireNonNull(o.instance()), o.fileObject(), got).isSuccess()) {
        cc.set(got.get()); // the reference travels to the post-operation callback, which releases it
      }
      return FltPreopCallbackStatus.SUCCESS_WITH_CALLBACK;
    }

    FltPostopCallbackStatus postData(FltCallbackData d, FltRelatedObjects o, @Nullable Object cc, int flags) {
      if (cc != null) {
        if ((callbacks.incrementAndGet() & 3) == 0) {
          Thread.yield(); // some work while the reference is held: a teardown may start meanwhile
        }
        Flt.releaseContext((FltContext) cc);
      }
      FltRelatedContexts all = new FltRelatedContexts();
      Flt.getContexts(o, 0x3F, all);
      Flt.releaseContexts(all);
      return FltPostopCallbackStatus.FINISHED_PROCESSING;
    }

    FltPreopCallbackStatus preCleanup(FltCallbackData d, FltRelatedObjects o, Out<Object> cc) {
      FileObject fo = o.fileObject();
      if (fo != null && fo.fileName().endsWith(":ads")) {
        // Handles of alternate streams lose their context at cleanup; IRP_MJ_CLOSE detaches the rest.
        NtStatus st = Flt.deleteStreamHandleContext(Objects.requireNonNull(o.instance()), fo, null);
        check("delete STREAMHANDLE at cleanup", st, DELETE_STATUSES);
      }
      return FltPreopCallbackStatus.SUCCESS_NO_CALLBACK;
    }

    void check(String what, NtStatus st, java.util.Set<NtStatus> allowed) {
      if (!allowed.contains(st)) {
        problem(what + ": unexpected " + st);
      }
    }

    void checkSet(FltContextType t, NtStatus st) {
      check("set " + t, st, SET_STATUSES);
    }

    void checkGet(FltContextType t, NtStatus st, @Nullable FltContext got) {
      check("get " + t, st, GET_STATUSES);
      if (st.isSuccess() != (got != null)) {
        problem("get " + t + ": " + st + " with " + got);
      }
    }

    // ---- Lifecycle of volumes and filters -----------------------------------------------------------

    void mount(VolumeSlot slot, boolean ntfs) {
      int n = mounts.incrementAndGet();
      FileSystemDriver fs = ntfs ? new NtfsLikeFileSystem() : new FatLikeFileSystem();
      Volume v = io.mount("\\Device\\HarddiskVolume" + n, null, fs);
      slot.current = new Mount(v, Objects.requireNonNull(mgr.volumeOf(v)));
    }

    void releaseClosingHandOvers() {
      int n = handOver.size();
      for (int k = 0; k < n; k++) {
        FltContext c = handOver.poll();
        if (c == null) {
          return;
        }
        if (isClosing(c)) {
          ledger(c).held.decrementAndGet();
          Flt.releaseContext(c);
        } else {
          handOver.add(c);
        }
      }
    }

    /** Whether the filter's threads must let go of {@code c}: its filter or instance is going away. */
    boolean isClosing(FltContext c) {
      Generation g = generations.get(c.filter());
      if (g == null || g.guard().closing) {
        return true;
      }
      FltInstance i = c.attachedInstance();
      if (i == null) {
        return false;
      }
      Guard ig = instanceGuards.get(i);
      return ig == null || ig.closing;
    }

    // ---- Running --------------------------------------------------------------------------------

    void run() throws Exception {
      long perWorker = (budget + threads - 1) / threads;
      for (int k = 0; k < threads; k++) {
        workers[k] = new Worker(this, k, new SplittableRandom(seed + 0x9E3779B97F4A7C15L * k), perWorker);
      }
      List<Thread> threads = new ArrayList<>();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      for (Worker wk : workers) {
        Thread t =
            new Thread(
                () -> {
                  try {
                    wk.run();
                  } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                    problem("worker " + wk.index + " failed: " + e);
                  } finally {
                    wk.holdsNothing = true; // a failed worker must not hold a teardown up
                    checkpoint.arriveAndDeregister();
                  }
                },
                "lifecycle-worker-" + wk.index);
        threads.add(t);
        t.start();
      }
      for (Thread t : threads) {
        t.join(TimeUnit.MINUTES.toMillis(30));
        if (t.isAlive()) {
          throw new AssertionError(t.getName() + " did not finish");
        }
      }
      Throwable t = failure.get();
      if (t != null) {
        throw new AssertionError("a worker failed", t);
      }
      checkLedger("end of the workload");
      shutDown();
    }

    /** With every worker stopped: each live context's count is exactly what the ledger explains. */
    void checkLedger(String when) {
      IdentityHashMap<FltContext, Integer> counted = new IdentityHashMap<>();
      for (Worker wk : workers) {
        for (FltContext c : wk.held) {
          counted.merge(c, 1, Integer::sum);
        }
      }
      for (FltContext c : handOver) {
        counted.merge(c, 1, Integer::sum);
      }
      List<FltContext> live = mgr.liveContexts();
      Set<FltContext> liveSet = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
      liveSet.addAll(live);
      for (FltContext c : live) {
        Ledger l = ledger(c);
        int mine = counted.getOrDefault(c, 0);
        int link = c.state() == FltContext.State.ATTACHED ? 1 : 0;
        if (l.held.get() != mine) {
          problem(when + ": the ledger of " + c.describe() + " says " + l.held.get() + " but the workers hold " + mine);
        }
        if (c.referenceCount() != mine + link) {
          problem(when + ": " + c.describe() + " " + c.state() + " has " + c.referenceCount()
              + " reference(s); the test holds " + mine + (link == 1 ? " plus the link" : ""));
        }
        if (l.cleanups.get() != 0) {
          problem(when + ": " + c.describe() + " is live after its cleanup");
        }
      }
      for (FltContext c : counted.keySet()) {
        if (!liveSet.contains(c)) {
          problem(when + ": the test holds " + c.describe() + ", which is no longer live");
        }
      }
      if (allocations.get() - cleanups.get() != live.size()) {
        problem(when + ": " + allocations.get() + " allocated, " + cleanups.get() + " cleaned up, but " + live.size() + " live");
      }
      if (!mgr.verifierFindings().isEmpty()) {
        problem(when + ": verifier findings " + mgr.verifierFindings().stream().map(VerifierFinding::format).toList());
      }
    }

    /** An unload report with where each context left behind is attached. */
    String explain(UnloadReport r) {
      StringBuilder sb = new StringBuilder(r.toString());
      for (FltContext c : r.leaked()) {
        Object on = c.attachedTo();
        sb.append("; ").append(c.describe()).append(' ').append(c.state()).append(" on ").append(on);
        if (on instanceof FltVolume v) {
          sb.append(" (").append(v.state()).append(mgr.volumes().contains(v) ? ", known" : ", not among the manager's volumes").append(')');
        }
      }
      return sb.toString();
    }

    void shutDown() {
      for (Worker wk : workers) {
        wk.releaseAll();
        for (OpenFile f : wk.files) {
          io.closeHandle(f.fo());
        }
        wk.files.clear();
      }
      for (FltContext c; (c = handOver.poll()) != null; ) {
        ledger(c).held.decrementAndGet();
        Flt.releaseContext(c);
      }
      for (AtomicReference<KTransaction> t : transactions) {
        t.get().commit();
      }
      for (FilterSlot s : filterSlots) {
        Generation g = Objects.requireNonNull(s.current);
        g.guard().closing = true;
        UnloadReport r = g.filter().unregister();
        if (!r.clean()) {
          problem("final unload of " + s.name + ": " + r);
        }
      }
      for (VolumeSlot v : volumeSlots) {
        io.dismount(Objects.requireNonNull(v.current).volume());
      }
    }

    /** The workers' digests of what they did and saw, in worker order. */
    List<Long> digest() {
      List<Long> out = new ArrayList<>();
      for (Worker wk : workers) {
        out.add(wk.digest);
      }
      return out;
    }

    String summary() {
      StringBuilder sb = new StringBuilder();
      sb.append(ops.get()).append(" operations, ").append(checkpoints).append(" checkpoints, ")
          .append(allocations.get()).append(" contexts allocated and cleaned up, ")
          .append(mounts.get()).append(" mounts:");
      for (Kind k : Kind.values()) {
        sb.append(' ').append(k.name().toLowerCase(java.util.Locale.ROOT)).append('=').append(counts[k.ordinal()]);
      }
      return sb.toString();
    }
  }

  @FunctionalInterface
  interface SetCall {
    NtStatus set(FltContext c, Out<FltContext> old);
  }

  static final java.util.Set<NtStatus> SET_STATUSES =
      java.util.Set.of(NtStatus.STATUS_SUCCESS, NtStatus.STATUS_FLT_CONTEXT_ALREADY_DEFINED, NtStatus.STATUS_FLT_DELETING_OBJECT, NtStatus.STATUS_NOT_SUPPORTED);
  static final java.util.Set<NtStatus> GET_STATUSES =
      java.util.Set.of(NtStatus.STATUS_SUCCESS, NtStatus.STATUS_NOT_FOUND, NtStatus.STATUS_NOT_SUPPORTED);
  static final java.util.Set<NtStatus> DELETE_STATUSES =
      java.util.Set.of(NtStatus.STATUS_SUCCESS, NtStatus.STATUS_NOT_FOUND, NtStatus.STATUS_FLT_DELETING_OBJECT, NtStatus.STATUS_NOT_SUPPORTED);

  /** Operation kinds, counted for the summary. */
  enum Kind {
    OPEN, READ, WRITE, QUERY, CLOSE, SET, GET, DELETE, DELETE_CONTEXT, REFERENCE, RELEASE, GET_CONTEXTS,
    HAND_OVER, TAKE_OVER, SECTION, TX_SET, TX_GET, TX_DELETE, ENLIST, TX_END, DETACH, ATTACH, DISMOUNT, UNLOAD, SKIPPED
  }

  // ---- A worker -------------------------------------------------------------------------------------

  static final class Worker {
    final World w;
    final int index;
    final SplittableRandom rnd;
    final long budget;
    final ArrayList<FltContext> held = new ArrayList<>();
    final ArrayList<OpenFile> files = new ArrayList<>();
    final long[] counts = new long[Kind.values().length];
    /** What this worker did and saw, folded: equal for equal seeds when it runs alone. */
    long digest = 17;
    volatile long ackedEpoch;
    volatile boolean holdsNothing;

    Worker(World w, int index, SplittableRandom rnd, long budget) {
      this.w = w;
      this.index = index;
      this.rnd = rnd;
      this.budget = budget;
    }

    void run() {
      long checkEvery = Math.max(1, budget / CHECKPOINTS);
      for (long n = 1; n <= budget; n++) {
        serviceClosing();
        Kind k = step();
        for (int tries = 0; k == Kind.SKIPPED && tries < 8; tries++) {
          counts[k.ordinal()]++;
          k = step(); // an operation that found nothing to act on does not count
        }
        counts[k.ordinal()]++;
        digest = digest * 31 + k.ordinal() * 1_000_003L + held.size() * 101L + files.size();
        w.ops.incrementAndGet();
        if (n % checkEvery == 0 && n < budget) {
          awaitCheckpoint();
        }
      }
      releaseAll();
      holdsNothing = true;
      synchronized (w.counts) {
        for (int k = 0; k < counts.length; k++) {
          w.counts[k] += counts[k];
        }
      }
    }

    /** Releases what the filter must let go of, then acknowledges the closing epoch. */
    void serviceClosing() {
      long epoch = w.closingEpoch.get();
      if (w.unloading.get() != 0 && !w.handOver.isEmpty()) {
        w.releaseClosingHandOvers();
      }
      for (int k = held.size() - 1; k >= 0; k--) {
        if (w.isClosing(held.get(k))) {
          release(k);
        }
      }
      ackedEpoch = epoch;
    }

    void awaitCheckpoint() {
      int phase = w.checkpoint.arrive();
      while (true) {
        w.quiesce.readLock().lock();
        try {
          serviceClosing();
        } finally {
          w.quiesce.readLock().unlock();
        }
        try {
          w.checkpoint.awaitAdvanceInterruptibly(phase, 1, TimeUnit.MILLISECONDS);
          return;
        } catch (TimeoutException e) {
          // Keep serving teardowns that wait for this worker's references.
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
    }

    // ---- The ledger -------------------------------------------------------------------------------

    void hold(@Nullable FltContext c) {
      if (c != null) {
        ledger(c).held.incrementAndGet();
        held.add(c);
      }
    }

    void release(int k) {
      int last = held.size() - 1;
      FltContext c = held.get(k);
      held.set(k, held.get(last));
      held.remove(last);
      ledger(c).held.decrementAndGet();
      Flt.releaseContext(c);
    }

    void releaseAll() {
      while (!held.isEmpty()) {
        release(held.size() - 1);
      }
    }

    void trim() {
      while (held.size() > MAX_HELD) {
        release(rnd.nextInt(held.size()));
      }
    }

    // ---- Choosing --------------------------------------------------------------------------------

    Mount mount() {
      return Objects.requireNonNull(w.volumeSlots[rnd.nextInt(w.volumeSlots.length)].current);
    }

    @Nullable Generation generation() {
      Generation g = w.filterSlots[rnd.nextInt(w.filterSlots.length)].current;
      return g != null && g.filter().isFiltering() ? g : null;
    }

    @Nullable FltInstance instanceOf(FltFilter f, Mount m) {
      List<FltInstance> candidates = new ArrayList<>(2);
      for (FltInstance i : m.flt().instances()) {
        if (i.filter() == f && i.state() == FltInstance.State.ATTACHED) {
          candidates.add(i);
        }
      }
      return candidates.isEmpty() ? null : candidates.get(rnd.nextInt(candidates.size()));
    }

    @Nullable OpenFile fileOn(Mount m) {
      List<OpenFile> on = new ArrayList<>(files.size());
      for (OpenFile f : files) {
        if (f.mount().equals(m)) {
          on.add(f);
        }
      }
      return on.isEmpty() ? null : on.get(rnd.nextInt(on.size()));
    }

    Kind step() {
      int r = rnd.nextInt(1000);
      if (r < 160) {
        return io();
      }
      if (r < 890) {
        return contextOperation();
      }
      if (r < 995) {
        return transactionOperation();
      }
      return rnd.nextInt(3) == 0 ? lifecycle() : Kind.SKIPPED;
    }

    // ---- I/O through the stack --------------------------------------------------------------------

    Kind io() {
      int r = rnd.nextInt(10);
      if (files.isEmpty() || (r < 3 && files.size() < MAX_FILES)) {
        Mount m = mount();
        String path = "\\f" + rnd.nextInt(8) + ".txt" + (rnd.nextInt(4) == 0 ? ":ads" : "");
        CreateResult cr = w.io.createFile(m.volume(), path, CreateParameters.openIf());
        if (cr.isOpened()) {
          files.add(new OpenFile(m, cr.openedFileObject()));
        }
        return Kind.OPEN;
      }
      int k = rnd.nextInt(files.size());
      OpenFile f = files.get(k);
      if (r < 5 || f.mount().volume().isDismounted()) {
        files.set(k, files.get(files.size() - 1));
        files.remove(files.size() - 1);
        w.io.closeHandle(f.fo());
        return Kind.CLOSE;
      }
      if (r < 7) {
        w.io.read(f.fo(), 0, 64);
        return Kind.READ;
      }
      if (r < 9) {
        w.io.write(f.fo(), rnd.nextInt(256), 64);
        return Kind.WRITE;
      }
      w.io.queryInformation(f.fo(), io.fsctx.io.FileInformationClass.FILE_STANDARD_INFORMATION);
      return Kind.QUERY;
    }

    // ---- Contexts ----------------------------------------------------------------------------------

    Kind contextOperation() {
      int r = rnd.nextInt(100);
      if (r < 8 && !held.isEmpty()) {
        release(rnd.nextInt(held.size()));
        return Kind.RELEASE;
      }
      if (r < 11 && !held.isEmpty()) {
        FltContext c = held.get(rnd.nextInt(held.size()));
        Flt.referenceContext(c);
        hold(c);
        trim();
        return Kind.REFERENCE;
      }
      if (r < 14 && !held.isEmpty()) {
        Flt.deleteContext(held.get(rnd.nextInt(held.size())));
        return Kind.DELETE_CONTEXT;
      }
      if (r < 17 && !held.isEmpty() && w.handOver.size() < 8) {
        int k = rnd.nextInt(held.size());
        FltContext c = held.get(k);
        held.set(k, held.get(held.size() - 1));
        held.remove(held.size() - 1);
        w.handOver.add(c); // the ledger's count does not change: the queue holds it now
        return Kind.HAND_OVER;
      }
      if (r < 20) {
        FltContext c = w.handOver.poll();
        if (c == null) {
          return Kind.SKIPPED;
        }
        held.add(c);
        if (w.isClosing(c)) {
          release(held.size() - 1); // taken just as its instance or filter began to go
        }
        trim();
        return Kind.TAKE_OVER;
      }
      Generation g = generation();
      if (g == null || !g.guard().enter()) {
        return Kind.SKIPPED;
      }
      try {
        return onFilter(g, r);
      } finally {
        g.guard().exit();
      }
    }

    Kind onFilter(Generation g, int r) {
      FltFilter f = g.filter();
      Mount m = mount();
      if (r < 23) {
        FltContext s = allocate(f, FltContextType.SECTION);
        if (s != null) {
          release(held.size() - 1); // section contexts are allocated and freed, never attached here
        }
        return Kind.SECTION;
      }
      if (r < 33) {
        return onType(FltContextType.VOLUME, f, m, null, null, rnd.nextInt(3));
      }
      FltInstance i = instanceOf(f, m);
      Guard ig = i == null ? null : w.instanceGuards.get(i);
      if (i == null || ig == null || !ig.enter()) {
        return Kind.SKIPPED;
      }
      try {
        if (r < 40) {
          FltRelatedContexts all = new FltRelatedContexts();
          OpenFile file = fileOn(m);
          KTransaction tx = w.transactions[rnd.nextInt(TRANSACTIONS)].get();
          Flt.getContexts(new FltRelatedObjects(f, m.flt(), i, file == null ? null : file.fo(), tx), 0x3F, all);
          hold(all.volumeContext);
          hold(all.instanceContext);
          hold(all.fileContext);
          hold(all.streamContext);
          hold(all.streamHandleContext);
          hold(all.transactionContext);
          trim();
          return Kind.GET_CONTEXTS;
        }
        FltContextType[] types = {FltContextType.INSTANCE, FltContextType.FILE, FltContextType.STREAM, FltContextType.STREAMHANDLE};
        FltContextType t = types[rnd.nextInt(types.length)];
        OpenFile file = t == FltContextType.INSTANCE ? null : fileOn(m);
        if (t != FltContextType.INSTANCE && file == null) {
          return Kind.SKIPPED;
        }
        return onType(t, f, m, i, file == null ? null : file.fo(), rnd.nextInt(3));
      } finally {
        ig.exit();
      }
    }

    @Nullable FltContext allocate(FltFilter f, FltContextType t) {
      FltContext c = w.allocate(f, t);
      hold(c);
      return c;
    }

    /** Set, get or delete of one type on one object, every reference it hands back held. */
    Kind onType(FltContextType t, FltFilter f, Mount m, @Nullable FltInstance i, @Nullable FileObject fo, int action) {
      Out<FltContext> out = new Out<>();
      if (action == 0) {
        FltContext c = allocate(f, t);
        if (c == null) {
          return Kind.SKIPPED;
        }
        int op = rnd.nextBoolean() ? SET_KEEP : SET_REPLACE;
        Out<FltContext> old = rnd.nextBoolean() ? out : null;
        NtStatus st = switch (t) {
          case VOLUME -> Flt.setVolumeContext(m.flt(), op, c, old);
          case INSTANCE -> Flt.setInstanceContext(Objects.requireNonNull(i), op, c, old);
          case FILE -> Flt.setFileContext(Objects.requireNonNull(i), fo, op, c, old);
          case STREAM -> Flt.setStreamContext(Objects.requireNonNull(i), fo, op, c, old);
          case STREAMHANDLE -> Flt.setStreamHandleContext(Objects.requireNonNull(i), fo, op, c, old);
          default -> throw new IllegalArgumentException(t.toString());
        };
        w.checkSet(t, st);
        hold(out.get());
        if (rnd.nextBoolean()) {
          release(held.indexOf(c)); // the usual pattern: the allocation reference goes at once
        }
        trim();
        return Kind.SET;
      }
      if (action == 1) {
        NtStatus st = switch (t) {
          case VOLUME -> Flt.getVolumeContext(f, m.flt(), out);
          case INSTANCE -> Flt.getInstanceContext(Objects.requireNonNull(i), out);
          case FILE -> Flt.getFileContext(Objects.requireNonNull(i), fo, out);
          case STREAM -> Flt.getStreamContext(Objects.requireNonNull(i), fo, out);
          case STREAMHANDLE -> Flt.getStreamHandleContext(Objects.requireNonNull(i), fo, out);
          default -> throw new IllegalArgumentException(t.toString());
        };
        w.checkGet(t, st, out.get());
        hold(out.get());
        trim();
        return Kind.GET;
      }
      Out<FltContext> old = rnd.nextBoolean() ? out : null;
      NtStatus st = switch (t) {
        case VOLUME -> Flt.deleteVolumeContext(f, m.flt(), old);
        case INSTANCE -> Flt.deleteInstanceContext(Objects.requireNonNull(i), old);
        case FILE -> Flt.deleteFileContext(Objects.requireNonNull(i), fo, old);
        case STREAM -> Flt.deleteStreamContext(Objects.requireNonNull(i), fo, old);
        case STREAMHANDLE -> Flt.deleteStreamHandleContext(Objects.requireNonNull(i), fo, old);
        default -> throw new IllegalArgumentException(t.toString());
      };
      w.check("delete " + t, st, DELETE_STATUSES);
      hold(out.get());
      trim();
      return Kind.DELETE;
    }

    // ---- Transactions -----------------------------------------------------------------------------

    Kind transactionOperation() {
      AtomicReference<KTransaction> slot = w.transactions[rnd.nextInt(TRANSACTIONS)];
      if (rnd.nextInt(12) == 0) {
        KTransaction ended = slot.getAndSet(new KTransaction("Tx#" + w.txIds.incrementAndGet()));
        if (rnd.nextBoolean()) {
          ended.commit();
        } else {
          ended.rollback();
        }
        return Kind.TX_END;
      }
      KTransaction tx = slot.get();
      Generation g = generation();
      if (g == null || !g.guard().enter()) {
        return Kind.SKIPPED;
      }
      try {
        Mount m = mount();
        FltInstance i = instanceOf(g.filter(), m);
        Guard ig = i == null ? null : w.instanceGuards.get(i);
        if (i == null || ig == null || !ig.enter()) {
          return Kind.SKIPPED;
        }
        try {
          return onTransaction(g.filter(), i, tx);
        } finally {
          ig.exit();
        }
      } finally {
        g.guard().exit();
      }
    }

    Kind onTransaction(FltFilter f, FltInstance i, KTransaction tx) {
      int r = rnd.nextInt(4);
      Out<FltContext> out = new Out<>();
      if (r == 0) {
        FltContext c = allocate(f, FltContextType.TRANSACTION);
        if (c == null) {
          return Kind.SKIPPED;
        }
        NtStatus st = Flt.setTransactionContext(i, tx, rnd.nextBoolean() ? SET_KEEP : SET_REPLACE, c, rnd.nextBoolean() ? out : null);
        w.checkSet(FltContextType.TRANSACTION, st);
        hold(out.get());
        if (st.isSuccess() && rnd.nextBoolean()) {
          NtStatus e = Flt.enlistInTransaction(i, tx, c, KTransaction.FLT_MAX_TRANSACTION_NOTIFICATIONS);
          w.check("enlist", e, java.util.Set.of(NtStatus.STATUS_SUCCESS, NtStatus.STATUS_FLT_ALREADY_ENLISTED, NtStatus.STATUS_FLT_DELETING_OBJECT));
        }
        release(held.indexOf(c));
        trim();
        return Kind.TX_SET;
      }
      if (r == 1) {
        NtStatus st = Flt.getTransactionContext(i, tx, out);
        w.checkGet(FltContextType.TRANSACTION, st, out.get());
        hold(out.get());
        trim();
        return Kind.TX_GET;
      }
      if (r == 2) {
        NtStatus st = Flt.deleteTransactionContext(i, tx, rnd.nextBoolean() ? out : null);
        w.check("delete TRANSACTION", st, DELETE_STATUSES);
        hold(out.get());
        trim();
        return Kind.TX_DELETE;
      }
      Out<FltContext> got = new Out<>();
      if (Flt.getTransactionContext(i, tx, got).isSuccess()) {
        FltContext c = Objects.requireNonNull(got.get());
        NtStatus e = Flt.enlistInTransaction(i, tx, c, KTransaction.TRANSACTION_NOTIFY_COMMIT | KTransaction.TRANSACTION_NOTIFY_ROLLBACK);
        w.check("enlist", e, java.util.Set.of(NtStatus.STATUS_SUCCESS, NtStatus.STATUS_FLT_ALREADY_ENLISTED, NtStatus.STATUS_FLT_DELETING_OBJECT));
        Flt.releaseContext(c);
      }
      return Kind.ENLIST;
    }

    // ---- The lifecycle ends --------------------------------------------------------------------------

    Kind lifecycle() {
      releaseAll();
      holdsNothing = true;
      try {
        int r = rnd.nextInt(100);
        if (r < 40) {
          return detach();
        }
        if (r < 80) {
          return attach();
        }
        if (r < 90) {
          return dismount();
        }
        return unload();
      } finally {
        holdsNothing = false;
      }
    }

    Kind detach() {
      Generation g = generation();
      Mount m = mount();
      FltInstance i = g == null ? null : instanceOf(g.filter(), m);
      if (i == null) {
        return Kind.SKIPPED;
      }
      NtStatus st = Flt.detachVolume(g.filter(), m.flt(), i.name());
      w.check("detach", st, java.util.Set.of(NtStatus.STATUS_SUCCESS, NtStatus.STATUS_FLT_INSTANCE_NOT_FOUND));
      return Kind.DETACH;
    }

    Kind attach() {
      Generation g = generation();
      if (g == null) {
        return Kind.SKIPPED;
      }
      Mount m = mount();
      FilterSlot slot = w.filterSlots[g.filter().name().equals("LifeA") ? 0 : 1];
      int n = rnd.nextInt(3);
      String altitude = slot.altitude.substring(0, 5) + n;
      Out<FltInstance> out = new Out<>();
      NtStatus st = Flt.attachVolumeAtAltitude(g.filter(), m.flt(), altitude, slot.name + "-" + n, out);
      w.check("attach", st, java.util.Set.of(NtStatus.STATUS_SUCCESS, NtStatus.STATUS_FLT_INSTANCE_ALTITUDE_COLLISION,
          NtStatus.STATUS_FLT_INSTANCE_NAME_COLLISION, NtStatus.STATUS_FLT_DELETING_OBJECT));
      return Kind.ATTACH;
    }

    Kind dismount() {
      VolumeSlot slot = w.volumeSlots[rnd.nextInt(w.volumeSlots.length)];
      if (!slot.busy.compareAndSet(false, true)) {
        return Kind.SKIPPED;
      }
      try {
        Mount m = Objects.requireNonNull(slot.current);
        w.io.dismount(m.volume());
        w.mount(slot, rnd.nextBoolean());
        return Kind.DISMOUNT;
      } finally {
        slot.busy.set(false);
      }
    }

    Kind unload() {
      FilterSlot slot = w.filterSlots[rnd.nextInt(w.filterSlots.length)];
      if (!slot.busy.compareAndSet(false, true)) {
        return Kind.SKIPPED;
      }
      try {
        Generation g = Objects.requireNonNull(slot.current);
        w.unloading.incrementAndGet();
        try {
          g.guard().closing = true;
          while (g.guard().users.get() != 0) {
            Thread.onSpinWait();
            Thread.yield();
          }
          // References handed over and not yet taken are the filter's too; no other worker may
          // be left to clear them (they may all have finished), so the unloading one does.
          w.releaseClosingHandOvers();
          UnloadReport r = g.filter().unregister();
          if (!r.clean()) {
            w.problem("unload of " + slot.name + " left " + w.explain(r));
          }
        } finally {
          w.unloading.decrementAndGet();
        }
        w.register(slot);
        return Kind.UNLOAD;
      } finally {
        slot.busy.set(false);
      }
    }
  }
}
