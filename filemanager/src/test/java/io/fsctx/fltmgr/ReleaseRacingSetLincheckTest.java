package io.fsctx.fltmgr;

import io.fsctx.io.FileObject;
import io.fsctx.nt.BugCheckException;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Options;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The finding Lincheck made when the only reference on a context is released by one thread while
 * another sets the same context (the set not holding a reference of its own, which is a filter
 * bug): {@code FltContext.release} reads the count (1, state ALLOCATED), the set attaches the
 * context (count 2, ATTACHED), and the release then reads the new state with the stale count and
 * raises 0xF5/0x6D although the count is 2. The release is lost (the reference leaks) and the set
 * succeeds, an outcome no order of the two gives: release first frees the context and the set
 * bug-checks 0x6E; set first attaches it and the release leaves refs=1. Fixed by deciding between
 * 0x6D and the final 1 → 0 step under the context monitor that {@code tryAttach} and {@code
 * markDetached} hold (see benchmarks/README.md).
 */
@Param(name = "ctx", gen = IntGen.class, conf = "0:2")
public class ReleaseRacingSetLincheckTest {
  private static final int CONTEXTS = 3;

  private final Rig rig = new Rig(VerifierLevel.OFF);
  private final FileObject fo = Rig.openStream("1");
  private final FltContext[] contexts = new FltContext[CONTEXTS];
  /** 1 while the test still owns the allocation reference of context i. */
  private final AtomicIntegerArray owned = new AtomicIntegerArray(CONTEXTS);

  /** Allocates the contexts; Lincheck makes one instance per scenario run. */
  public ReleaseRacingSetLincheckTest() {
    for (int i = 0; i < CONTEXTS; i++) {
      contexts[i] = rig.allocateStream();
      owned.set(i, 1);
    }
  }

  private String name(@Nullable FltContext c) {
    for (int i = 0; i < CONTEXTS; i++) {
      if (contexts[i] == c) {
        return "ctx" + i;
      }
    }
    return c == null ? "null" : "foreign";
  }

  private static String bugCheck(BugCheckException e) {
    return "BUGCHECK_0x" + Long.toHexString(e.parameter1());
  }

  /** FltSetStreamContext(KEEP_IF_EXISTS, &amp;OldContext); the existing context is released at once. */
  @Operation
  public String setKeep(@Param(name = "ctx") int i) {
    Out<FltContext> old = new Out<>();
    try {
      NtStatus st = Flt.setStreamContext(rig.instance, fo, 1, contexts[i], old);
      FltContext o = old.get();
      if (o != null) {
        Flt.releaseContext(o);
      }
      return st.name() + "/" + name(o);
    } catch (BugCheckException e) {
      return bugCheck(e);
    }
  }

  /** FltSetStreamContext(REPLACE_IF_EXISTS, NULL): Filter Manager drops the old link reference. */
  @Operation
  public String setReplace(@Param(name = "ctx") int i) {
    try {
      return Flt.setStreamContext(rig.instance, fo, 0, contexts[i], null).name();
    } catch (BugCheckException e) {
      return bugCheck(e);
    }
  }

  /** FltGetStreamContext, then FltReleaseContext of what it returned. */
  @Operation
  public String get() {
    Out<FltContext> got = new Out<>();
    NtStatus st = Flt.getStreamContext(rig.instance, fo, got);
    FltContext c = got.get();
    if (c != null) {
      Flt.releaseContext(c);
    }
    return st.name() + "/" + name(c);
  }

  /** FltDeleteStreamContext(NULL). */
  @Operation
  public String delete() {
    return Flt.deleteStreamContext(rig.instance, fo, null).name();
  }

  /**
   * FltReleaseContext of the allocation reference (once): released, or the bug check. Not the
   * count it leaves: FltReleaseContext returns nothing, and a racing get's transient reference
   * (taken, then backed out or released within the get) would show in the count although no
   * atomic order of the operations exposes it.
   */
  @Operation
  public String release(@Param(name = "ctx") int i) {
    if (owned.getAndSet(i, 0) == 0) {
      return "not owned";
    }
    FltContext c = contexts[i];
    try {
      c.release("FltReleaseContext");
      return "released";
    } catch (BugCheckException e) {
      return bugCheck(e);
    }
  }

  static <O extends Options<O, ?>> O small(O options) {
    return options.iterations(5).invocationsPerIteration(250).threads(2).actorsPerThread(3).actorsBefore(2).actorsAfter(1);
  }

  @Test
  @DisplayName("fltmgr.md 5.4: a release racing a set of the same context never bug-checks falsely (model checking)")
  void releaseRacingSet_modelChecking_linearizable() {
    small(new ModelCheckingOptions()).check(getClass());
  }
}
