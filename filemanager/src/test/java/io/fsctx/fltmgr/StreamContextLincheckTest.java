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
 * Linearizability of the Filter Manager's stream-context operations on one stream through one
 * instance (fltmgr.md 4-5): set KEEP (asking for the existing context), set REPLACE (not asking),
 * get, delete and release, over three pre-allocated contexts. The test keeps one reference on
 * every context for the whole scenario, as the DDI requires of a caller that passes a context to
 * a set; a get keeps the reference it returns, and release gives back one reference a get took.
 * Results are statuses, context indexes and the reference count a release leaves, checked by
 * Lincheck against the same operations run one at a time.
 */
@Param(name = "ctx", gen = IntGen.class, conf = "0:2")
public class StreamContextLincheckTest {
  private static final int CONTEXTS = 3;

  private final Rig rig = new Rig(VerifierLevel.OFF);
  private final FileObject fo = Rig.openStream("1");
  private final FltContext[] contexts = new FltContext[CONTEXTS];
  /** How many references gets have taken on context i and not yet given back. */
  private final AtomicIntegerArray held = new AtomicIntegerArray(CONTEXTS);

  /** Allocates the contexts; Lincheck makes one instance per scenario run. */
  public StreamContextLincheckTest() {
    for (int i = 0; i < CONTEXTS; i++) {
      contexts[i] = rig.allocateStream(); // this reference is kept for the whole scenario
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

  /** FltGetStreamContext; the reference it returns is kept until a release. */
  @Operation
  public String get() {
    // The get and the test's note of the reference it took are one step for a release on another
    // thread: otherwise a release could run between them, find nothing held and say so, which no
    // sequential order explains (a flake of the stress mode, not of Filter Manager).
    synchronized (held) {
      Out<FltContext> got = new Out<>();
      NtStatus st = Flt.getStreamContext(rig.instance, fo, got);
      FltContext c = got.get();
      for (int i = 0; i < CONTEXTS; i++) {
        if (contexts[i] == c) {
          held.incrementAndGet(i);
        }
      }
      return st.name() + "/" + name(c);
    }
  }

  /** FltDeleteStreamContext(NULL). */
  @Operation
  public String delete() {
    return Flt.deleteStreamContext(rig.instance, fo, null).name();
  }

  /** FltReleaseContext of one reference a get took on context i; the count it leaves. */
  @Operation
  public String release(@Param(name = "ctx") int i) {
    synchronized (held) {
      if (held.get(i) == 0) {
        return "none held";
      }
      held.decrementAndGet(i);
    }
    try {
      return "refs=" + contexts[i].release("FltReleaseContext");
    } catch (BugCheckException e) {
      return bugCheck(e);
    }
  }

  static <O extends Options<O, ?>> O small(O options) {
    return options.iterations(3).invocationsPerIteration(200).threads(2).actorsPerThread(3).actorsBefore(2).actorsAfter(1);
  }

  @Test
  @DisplayName("fltmgr.md 4-5: set/get/delete/release of a stream context are linearizable (model checking)")
  void streamContextOperations_modelChecking_linearizable() {
    small(new ModelCheckingOptions()).check(getClass());
  }

  @Test
  @DisplayName("fltmgr.md 4-5: set/get/delete/release of a stream context are linearizable (stress)")
  void streamContextOperations_stress_linearizable() {
    small(new StressOptions()).check(getClass());
  }
}
