package io.fsctx.fltmgr;

import static io.fsctx.fltmgr.LifecycleRandomTest.CHECKPOINTS;
import static io.fsctx.fltmgr.LifecycleRandomTest.MAX_HELD;
import static io.fsctx.fltmgr.LifecycleRandomTest.MAX_FILES;
import static io.fsctx.fltmgr.LifecycleRandomTest.TRANSACTIONS;
import static io.fsctx.fltmgr.LifecycleRandomTest.SET_KEEP;
import static io.fsctx.fltmgr.LifecycleRandomTest.SET_REPLACE;
import static io.fsctx.fltmgr.LifecycleRandomWorld.ledger;
import static io.fsctx.fltmgr.LifecycleRandomWorld.DELETE_STATUSES;
import io.fsctx.fltmgr.LifecycleRandomWorld.Guard;
import io.fsctx.fltmgr.LifecycleRandomWorld.Kind;
import io.fsctx.fltmgr.LifecycleRandomWorld.Generation;
import io.fsctx.fltmgr.LifecycleRandomWorld.FilterSlot;
import io.fsctx.fltmgr.LifecycleRandomWorld.Mount;
import io.fsctx.fltmgr.LifecycleRandomWorld.VolumeSlot;
import io.fsctx.fltmgr.LifecycleRandomWorld.OpenFile;
import io.fsctx.fltmgr.LifecycleRandomWorld.World;
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

/** One worker thread of {@link LifecycleRandomTest}: draws lifecycle operations from its seeded stream and keeps the ledger. */
@SuppressWarnings({"ThreadPriorityCheck", "EnumOrdinal"}) // polite spins while other threads run; per-kind counters indexed by ordinal
final class LifecycleRandomWorker {
  private LifecycleRandomWorker() {}

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
        // Under the scans' lock: a worker that has acknowledged a teardown's closing epoch may
        // still take a closing reference out of the queue, and that teardown must not finish
        // its scan while the reference is between the queue and its release.
        synchronized (w.handOver) {
          FltContext c = w.handOver.poll();
          if (c == null) {
            return Kind.SKIPPED;
          }
          LifecycleRandomWorld.perturb();
          held.add(c);
          if (w.isClosing(c)) {
            release(held.size() - 1); // taken just as its instance or filter began to go
          }
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
          NtStatus e = Flt.enlistInTransaction(i, tx, c, TransactionNotificationCallback.FLT_MAX_TRANSACTION_NOTIFICATIONS);
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
