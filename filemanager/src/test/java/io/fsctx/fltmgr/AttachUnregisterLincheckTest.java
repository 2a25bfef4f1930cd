package io.fsctx.fltmgr;

import static io.fsctx.fltmgr.LincheckWorlds.op;

import io.fsctx.fltmgr.LincheckWorlds.Scenario;
import io.fsctx.nt.Out;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 18.2 under model checking: {@code FltAttachVolumeAtAltitude} (whose instance setup
 * attaches an instance context) racing {@code FltUnregisterFilter}. An attach ordered after the
 * start of the unload gets {@code STATUS_FLT_DELETING_OBJECT}; one ordered before it succeeds and
 * the unload tears its instance down; the unload always ends clean, and once it has ended no
 * instance of the filter is attached and none of its contexts is alive ({@link
 * #nothingOutlivesTheFilter}).
 */
@Param(name = "altitude", gen = IntGen.class, conf = "1:2")
public class AttachUnregisterLincheckTest {
  private final LifecycleWorld w = LincheckWorlds.world();
  private final Object unregistering = new Object();

  /** Builds the world; Lincheck makes one instance per scenario run. */
  public AttachUnregisterLincheckTest() {}

  /** FltAttachVolumeAtAltitude at 37000{altitude}: its status. */
  @Operation
  public String attach(@Param(name = "altitude") int altitude) {
    Out<FltInstance> out = new Out<>();
    return Flt.attachVolumeAtAltitude(w.filter, w.fltVolume, "37000" + altitude, "Life " + altitude, out).name();
  }

  /**
   * FltUnregisterFilter: whether it ended with nothing left. A second call is a caller error
   * (fltmgr.md 2.4); the test serialises the calls so that the second one reports that the
   * filter was already unregistered, as it would one at a time.
   */
  @Operation
  public String unregister() {
    synchronized (unregistering) {
      if (w.filter.state() != FltFilter.State.FILTERING) {
        return "already unregistered";
      }
      return w.filter.unregister().clean() ? "clean" : "leaked";
    }
  }

  /** After every run: an unloaded filter has no instance and no live context; no finding. */
  @Validate
  public void nothingOutlivesTheFilter() {
    if (w.filter.state() == FltFilter.State.UNLOADED) {
      for (FltInstance i : w.fltVolume.instances()) {
        if (i.filter() == w.filter) {
          throw new IllegalStateException(i + " is " + i.state() + " on the volume after its filter unloaded");
        }
      }
      if (w.filter.liveContextCount() != 0) {
        throw new IllegalStateException(w.liveContexts() + " alive after the filter unloaded");
      }
    }
    LincheckWorlds.assertNoFinding(w);
  }

  @Test
  @DisplayName("issue 18.2, fltmgr.md 2.4: FltAttachVolumeAtAltitude racing FltUnregisterFilter is linearizable and leaves nothing behind (model checking)")
  void attachRacingUnregister_modelChecking_linearizable() {
    Class<?> c = getClass();
    LincheckWorlds.modelChecking(
            LincheckWorlds.invocations(20), 0,
            Scenario.race(op(c, "attach", 1), op(c, "unregister")).after(op(c, "attach", 2)),
            Scenario.race(op(c, "attach", 1), op(c, "unregister")).before(op(c, "attach", 2)))
        .check(c);
  }
}
