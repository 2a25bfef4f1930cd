package io.fsctx.fltmgr;

import static io.fsctx.fltmgr.LifecycleRandomTest.TRANSACTIONS;
import static io.fsctx.fltmgr.LifecycleRandomTest.SIZE;
import static io.fsctx.fltmgr.LifecycleRandomTest.SET_KEEP;
import static io.fsctx.fltmgr.LifecycleRandomTest.SET_REPLACE;
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
import io.fsctx.tm.KTransaction;
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

/** The world of {@link LifecycleRandomTest}: the test's ledger of references, the filters, volumes and files it drives. */
@SuppressWarnings({"ThreadPriorityCheck", "EnumOrdinal"}) // polite spins while other threads run; per-kind counters indexed by ordinal
final class LifecycleRandomWorld {
  /**
   * {@code -Dfsctx.lifecycle.perturb=true}: yields inside the hand-over queue's take-over and scan,
   * which shifts every thread's timing. For hunting races: it exposed the teardown scan that ran
   * before the last acknowledgement (issue 18).
   */
  static final boolean PERTURB = Boolean.getBoolean("fsctx.lifecycle.perturb");

  /** Gives up the processor when {@link #PERTURB} asks for it. */
  static void perturb() {
    if (PERTURB) {
      Thread.yield();
      Thread.yield();
    }
  }
  private LifecycleRandomWorld() {}

  // ---- The test's side of every context ----------------------------------------------------------

  /** The payload of every context: the references the test holds and the cleanups that ran. */
  static final class Ledger {
    final AtomicInteger held = new AtomicInteger();
    final AtomicInteger cleanups = new AtomicInteger();

    Ledger(int size) {
      // The size is the filter's portion; the ledger needs none of it.
    }
  }

  static Ledger ledger(FltContext c) {
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

    NtStatus setup(FltRelatedObjects o, int flags, int volumeDeviceType, FltFilesystemType fsType) {
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
          // Once more, now that every worker has acknowledged (issue 18): a worker hands a
          // reference over to the queue before it acknowledges, and the scan above may have run
          // before that hand-over, so the reference would stay queued past the teardown and the
          // verifier would rightly count it. After its acknowledgement a worker holds nothing
          // of this instance and can take nothing of it, so this scan finds all there is.
          releaseClosingHandOvers();
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

    /**
     * Releases the hand-over queue's references whose filter or instance is going away.
     *
     * <p>Issue 18: the one false "leaked at instance teardown" finding this workload ever showed
     * came from here, not from Filter Manager. Threads that run a lifecycle operation hold nothing
     * (a teardown does not wait for them), yet the scan took a reference out of the queue for a
     * moment: to put it back, or to release it. A teardown scanning the queue on another thread
     * then neither found the reference nor waited for it, and the verifier rightly counted it at
     * the leak check. So a context that stays is never taken out of the queue, and scans run one
     * at a time: a scan that finds nothing knows that every earlier scan's releases are done.
     */
    void releaseClosingHandOvers() {
      synchronized (handOver) {
        for (FltContext c : handOver) {
          // remove(c) fails only when a worker's take-over polled it first; that worker is not
          // holding nothing, so teardowns wait for it to let go.
          perturb();
          if (isClosing(c) && handOver.remove(c)) {
            perturb();
            ledger(c).held.decrementAndGet();
            Flt.releaseContext(c);
          }
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
        // An enlistment holds a reference of Filter Manager's own on its transaction context.
        int enlisted = 0;
        for (FltVolume v : mgr.volumes()) {
          for (FltInstance i : v.instances()) {
            enlisted += i.transactions().enlistmentReferencesOn(c);
          }
        }
        if (l.held.get() != mine) {
          problem(when + ": the ledger of " + c.describe() + " says " + l.held.get() + " but the workers hold " + mine);
        }
        if (c.referenceCount() != mine + link + enlisted) {
          problem(when + ": " + c.describe() + " " + c.state() + " has " + c.referenceCount()
              + " reference(s); the test holds " + mine + (link == 1 ? " plus the link" : "")
              + (enlisted > 0 ? " plus " + enlisted + " enlistment(s)" : ""));
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
      List<String> findings = new ArrayList<>();
      for (VerifierFinding f : mgr.verifierFindings()) {
        findings.add(f.format());
      }
      if (!findings.isEmpty()) {
        problem(when + ": verifier findings " + findings);
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

}
