package io.fsctx.fltmgr;

import io.fsctx.nt.PoolType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.fsrtl.FsRtl;
import io.fsctx.io.FileObject;
import io.fsctx.nt.BugCheckException;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Model-based random testing: seeded random sequences of allocate, set (KEEP/REPLACE, with and
 * without OldContext), get, reference, release (sometimes one too many), FltDeleteContext,
 * FltDeleteXxxContext, FltGetContexts/FltReleaseContexts, stream teardown, manual detach and
 * unload, run against both the implementation and {@link ContextModel}; every status, every
 * returned context, every reference count, every state and every cleanup count is compared after
 * each step. Sequences run until the time budget is spent.
 *
 * <p>Replay a failure with {@code -Dfsctx.model.seed=<seed>} (printed in the failure message);
 * {@code -Dfsctx.model.budgetMillis} changes the budget.
 */
class ContextModelTest {
  private static final int STREAMS = 2;
  private static final int STEPS = 60;

  /** One sequence against both sides. */
  private static final class Run {
    final Random rnd;
    final Rig rig = new Rig(FltConfig.builder().unloadWaitTimeout(Duration.ZERO).build());
    final ContextModel model = new ContextModel(STREAMS);
    final FileObject[] files = new FileObject[STREAMS];
    final List<FltContext> contexts = new ArrayList<>();
    /** References the driver owns (context indexes, with repeats). */
    final List<Integer> held = new ArrayList<>();
    final List<FltRelatedContexts> bags = new ArrayList<>();
    final List<List<Integer>> modelBags = new ArrayList<>();
    final StringBuilder log = new StringBuilder();

    Run(long seed) {
      rnd = new Random(seed);
      for (int s = 0; s < STREAMS; s++) {
        files[s] = Rig.openStream(seed + "-" + s);
      }
    }

    int index(@Nullable FltContext c) {
      return c == null ? -1 : contexts.indexOf(c);
    }

    static String status(NtStatus st) {
      return st.name();
    }

    static String bugCheck(BugCheckException e) {
      return "BUGCHECK_0x" + Long.toHexString(e.parameter1());
    }

    void expect(String what, ContextModel.Result want, String gotStatus, int gotContext) {
      log.append(what).append(" -> ").append(gotStatus).append(gotContext >= 0 ? " ctx" + gotContext : "").append('\n');
      assertEquals(want.status(), gotStatus, what + " status");
      assertEquals(want.context(), gotContext, what + " returned context");
    }

    int pickHeldOrAny() {
      if (!held.isEmpty() && rnd.nextInt(10) != 0) {
        return held.get(rnd.nextInt(held.size()));
      }
      return contexts.isEmpty() ? -1 : rnd.nextInt(contexts.size());
    }

    void step() {
      int op = rnd.nextInt(100);
      int s = rnd.nextInt(STREAMS);
      FileObject fo = files[s];
      if (op < 14) {
        ContextModel.Kind kind = rnd.nextBoolean() ? ContextModel.Kind.STREAM : ContextModel.Kind.INSTANCE;
        long size = rnd.nextInt(12) == 0 ? rnd.nextInt(3) * 17 : Rig.SIZE; // 0, 17 or 34 sometimes
        ContextModel.Result want = model.allocate(kind, size);
        int type = kind == ContextModel.Kind.STREAM ? FltContextType.STREAM.code() : FltContextType.INSTANCE.code();
        FltFilter.AllocateResult r = rig.filter.allocateContext(type, size, PoolType.PAGED_POOL);
        FltContext c = r.context();
        if (c != null) {
          contexts.add(c);
          held.add(contexts.size() - 1);
        }
        expect("allocate " + kind + " " + size, want, status(r.status()), index(c));
      } else if (op < 34) {
        int i = pickHeldOrAny();
        if (i < 0) {
          return;
        }
        boolean stream = rnd.nextInt(4) != 0;
        boolean keep = rnd.nextBoolean();
        boolean wantOld = rnd.nextBoolean();
        ContextModel.Result want = stream ? model.setStream(s, i, keep, wantOld) : model.setInstance(i, keep, wantOld);
        Out<FltContext> old = wantOld ? new Out<>() : null;
        String got;
        try {
          NtStatus st = stream
              ? Flt.setStreamContext(rig.instance, fo, keep ? 1 : 0, contexts.get(i), old)
              : Flt.setInstanceContext(rig.instance, keep ? 1 : 0, contexts.get(i), old);
          got = status(st);
        } catch (BugCheckException e) {
          got = bugCheck(e);
        }
        int oldIndex = old == null ? -1 : index(old.get());
        if (oldIndex >= 0) {
          held.add(oldIndex);
        }
        expect((stream ? "setStream s" + s : "setInstance") + (keep ? " KEEP" : " REPLACE")
            + (wantOld ? " &old" : " NULL") + " ctx" + i, want, got, oldIndex);
      } else if (op < 46) {
        boolean stream = rnd.nextInt(3) != 0;
        ContextModel.Result want = stream ? model.getStream(s) : model.getInstance();
        Out<FltContext> out = new Out<>();
        NtStatus st = stream ? Flt.getStreamContext(rig.instance, fo, out) : Flt.getInstanceContext(rig.instance, out);
        int i = index(out.get());
        if (i >= 0) {
          held.add(i);
        }
        expect(stream ? "getStream s" + s : "getInstance", want, status(st), i);
      } else if (op < 50) {
        int i = pickHeldOrAny();
        if (i < 0) {
          return;
        }
        ContextModel.Result want = model.reference(i);
        String got;
        try {
          Flt.referenceContext(contexts.get(i));
          got = ContextModel.SUCCESS;
          held.add(i);
        } catch (BugCheckException e) {
          got = bugCheck(e);
        }
        expect("reference ctx" + i, want, got, want.context());
      } else if (op < 68) {
        boolean over = rnd.nextInt(12) == 0 || held.isEmpty();
        if (contexts.isEmpty()) {
          return;
        }
        int i = over ? rnd.nextInt(contexts.size()) : held.remove(rnd.nextInt(held.size()));
        ContextModel.Result want = model.release(i);
        String got;
        try {
          Flt.releaseContext(contexts.get(i));
          got = ContextModel.SUCCESS;
        } catch (BugCheckException e) {
          got = bugCheck(e);
        }
        expect((over ? "over-release ctx" : "release ctx") + i, want, got, -1);
      } else if (op < 72) {
        int i = pickHeldOrAny();
        if (i < 0) {
          return;
        }
        ContextModel.Result want = model.deleteContext(i);
        String got;
        try {
          Flt.deleteContext(contexts.get(i));
          got = ContextModel.SUCCESS;
        } catch (BugCheckException e) {
          got = bugCheck(e);
        }
        expect("FltDeleteContext ctx" + i, want, got, -1);
      } else if (op < 80) {
        boolean stream = rnd.nextBoolean();
        boolean wantOld = rnd.nextBoolean();
        ContextModel.Result want = stream ? model.deleteStream(s, wantOld) : model.deleteInstance(wantOld);
        Out<FltContext> old = wantOld ? new Out<>() : null;
        NtStatus st = stream
            ? Flt.deleteStreamContext(rig.instance, fo, old)
            : Flt.deleteInstanceContext(rig.instance, old);
        int oldIndex = old == null ? -1 : index(old.get());
        if (oldIndex >= 0) {
          held.add(oldIndex);
        }
        expect((stream ? "deleteStream s" + s : "deleteInstance") + (wantOld ? " &old" : " NULL"), want, status(st), oldIndex);
      } else if (op < 86) {
        boolean wantInstance = rnd.nextBoolean();
        boolean wantStream = rnd.nextBoolean();
        int desired = (wantInstance ? FltContextType.INSTANCE.code() : 0) | (wantStream ? FltContextType.STREAM.code() : 0)
            | (rnd.nextBoolean() ? FltContextType.VOLUME.code() | FltContextType.STREAMHANDLE.code() : 0);
        List<Integer> want = model.getContexts(s, wantInstance, wantStream);
        FltRelatedContexts bag = new FltRelatedContexts();
        Flt.getContexts(new FltRelatedObjects(rig.filter, rig.volume, rig.instance, fo, null), desired, bag);
        List<Integer> got = new ArrayList<>();
        for (FltContext c : new FltContext[] {bag.volumeContext, bag.instanceContext, bag.fileContext,
            bag.streamContext, bag.streamHandleContext, bag.transactionContext}) {
          if (c != null) {
            got.add(index(c));
          }
        }
        log.append("getContexts s").append(s).append(" 0x").append(Integer.toHexString(desired)).append(" -> ").append(got).append('\n');
        assertEquals(want, got, "FltGetContexts");
        bags.add(bag);
        modelBags.add(want);
      } else if (op < 90) {
        if (bags.isEmpty()) {
          return;
        }
        int b = rnd.nextInt(bags.size());
        List<Integer> want = modelBags.remove(b);
        String wantStatus = ContextModel.SUCCESS;
        int stoppedAt = want.size();
        for (int k = 0; k < want.size(); k++) {
          wantStatus = model.release(want.get(k)).status();
          if (!wantStatus.equals(ContextModel.SUCCESS)) {
            stoppedAt = k;
            break;
          }
        }
        String got = ContextModel.SUCCESS;
        try {
          Flt.releaseContexts(bags.remove(b));
        } catch (BugCheckException e) {
          got = bugCheck(e);
        }
        expect("releaseContexts " + want, ContextModel.Result.of(wantStatus), got, -1);
        // A bug check stops FltReleaseContexts midway and the structure is already zeroed; the
        // references after that point stay with the driver, which gives them back later.
        for (int k = stoppedAt + 1; k < want.size(); k++) {
          held.add(want.get(k));
        }
      } else if (op < 96) {
        model.teardownStream(s);
        FsRtl.teardownPerStreamContexts(Objects.requireNonNull(fo.fsContext()));
        log.append("teardown s").append(s).append('\n');
      } else if (op < 99) {
        ContextModel.Result want = model.detach();
        expect("FltDetachVolume", want, status(Flt.detachVolume(rig.filter, rig.volume, null)), -1);
      } else if (!model.unloaded) {
        int wantLive = model.unload();
        UnloadReport report = rig.filter.unregister();
        log.append("FltUnregisterFilter -> ").append(report.leakedCount()).append(" live\n");
        assertEquals(wantLive, report.leakedCount(), "contexts still referenced at unload");
      }
    }

    /** Every context's count, state and cleanups agree with the model. */
    void compareAll() {
      for (int i = 0; i < contexts.size(); i++) {
        FltContext c = contexts.get(i);
        ContextModel.Ctx m = Objects.requireNonNull(model.ctx(i));
        assertEquals(m.state.name(), c.state().name(), "state of ctx" + i);
        assertEquals(m.state == ContextModel.St.FREED ? 0 : m.refs, c.referenceCount(), "refs of ctx" + i);
        assertEquals(m.cleanups, (int) rig.cleanupsPerContext.getOrDefault(c, 0), "cleanups of ctx" + i);
      }
    }

    /**
     * Gives everything back; afterwards nothing may be alive. Bags are released field by field,
     * since a bug check inside FltReleaseContexts (after an over-release) stops it midway.
     */
    void drain() {
      for (int b = 0; b < bags.size(); b++) {
        FltRelatedContexts bag = bags.get(b);
        List<FltContext> got = new ArrayList<>();
        for (FltContext c : new FltContext[] {bag.volumeContext, bag.instanceContext, bag.fileContext,
            bag.streamContext, bag.streamHandleContext, bag.transactionContext}) {
          if (c != null) {
            got.add(c);
          }
        }
        List<Integer> want = modelBags.get(b);
        assertEquals(want.size(), got.size(), "bag " + b);
        for (int k = 0; k < got.size(); k++) {
          String st = ContextModel.SUCCESS;
          try {
            Flt.releaseContext(got.get(k));
          } catch (BugCheckException e) {
            st = bugCheck(e);
          }
          expect("drain bag release ctx" + want.get(k), model.release(want.get(k)), st, -1);
        }
      }
      for (FileObject fo : files) {
        model.teardownStream(indexOf(fo));
        FsRtl.teardownPerStreamContexts(Objects.requireNonNull(fo.fsContext()));
      }
      model.detach();
      Flt.detachVolume(rig.filter, rig.volume, null);
      for (int i : held) {
        ContextModel.Result want = model.release(i);
        String got = ContextModel.SUCCESS;
        try {
          Flt.releaseContexts(single(contexts.get(i)));
        } catch (BugCheckException e) {
          got = bugCheck(e);
        }
        expect("drain release ctx" + i, want, got, -1);
      }
      compareAll();
      assertTrue(rig.manager.liveContexts().isEmpty(), () -> "live after drain: " + describe(rig.manager.liveContexts()));
      for (ContextModel.Ctx m : model.contexts) {
        assertEquals(ContextModel.St.FREED, m.state);
      }
    }

    String describe(List<FltContext> live) {
      StringBuilder sb = new StringBuilder();
      for (FltContext c : live) {
        sb.append(c.describe()).append(' ').append(c.state()).append(" index ").append(index(c)).append("; ");
      }
      return sb.toString();
    }

    int indexOf(FileObject fo) {
      for (int s = 0; s < STREAMS; s++) {
        if (files[s] == fo) {
          return s;
        }
      }
      throw new IllegalArgumentException(fo.toString());
    }

    static FltRelatedContexts single(FltContext c) {
      FltRelatedContexts r = new FltRelatedContexts();
      r.streamContext = c;
      return r;
    }
  }

  static void runOne(long seed) {
    Run run = new Run(seed);
    try {
      for (int k = 0; k < STEPS; k++) {
        run.step();
        run.compareAll();
      }
      run.drain();
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError("model mismatch with seed " + seed + " (replay: -Dfsctx.model.seed=" + seed
          + ")\nsteps:\n" + run.log, e);
    }
  }

  @Test
  @DisplayName("fltmgr.md 3-6: random operation sequences agree with the reference model step by step")
  void randomSequences_agreeWithReferenceModel() {
    String replay = System.getProperty("fsctx.model.seed");
    if (replay != null) {
      runOne(Long.parseLong(replay));
      return;
    }
    long budget = Long.getLong("fsctx.model.budgetMillis", 4_000L);
    long base = new Random().nextLong();
    long deadline = System.nanoTime() + Duration.ofMillis(budget).toNanos();
    int runs = 0;
    while (runs < 100 || System.nanoTime() < deadline) {
      runOne(base + runs);
      runs++;
    }
    System.out.println("ContextModelTest: " + runs + " sequences of " + STEPS + " steps agreed with the model (base seed " + base + ")");
  }
}
