package io.fsctx.fltmgr;

import static io.fsctx.fltmgr.LincheckWorlds.op;

import io.fsctx.fltmgr.LincheckWorlds.Scenario;
import io.fsctx.io.FileObject;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 18.4 under model checking: {@code FltDetachVolume} racing a read whose post-operation
 * callback gets the stream context and holds it until it returns. Teardown starts, waits for the
 * callbacks in flight, and only then completes and checks for leaked references, so no
 * interleaving may report the callback's reference as leaked at instance teardown ({@link
 * #noLeakFinding}).
 */
public class TeardownDrainLincheckTest {
  private final LifecycleWorld w = LincheckWorlds.world();
  private final FileObject fo = w.open("\\a.txt");

  /** Builds the world and opens the file; Lincheck makes one instance per scenario run. */
  public TeardownDrainLincheckTest() {}

  /** A read through the stack: its post-operation callback holds the stream context meanwhile. */
  @Operation
  public String read() {
    return w.io.read(fo, 0, 16).status().name();
  }

  /** FltDetachVolume of the filter's instance: its status (NOT_FOUND once it is gone). */
  @Operation
  public String detach() {
    return Flt.detachVolume(w.filter, w.fltVolume, null).name();
  }

  /** After every run: no finding (above all no leak at instance teardown). */
  @Validate
  public void noLeakFinding() {
    LincheckWorlds.assertNoFinding(w);
  }

  @Test
  @DisplayName("issue 18.4, fltmgr.md 6.3: instance teardown racing a callback that holds a reference drains it and reports no leak (model checking)")
  void teardownRacingCallback_modelChecking_noFalseLeak() {
    Class<?> c = getClass();
    LincheckWorlds.modelChecking(
            LincheckWorlds.invocations(50), 0,
            Scenario.race(op(c, "read"), op(c, "detach")).after(op(c, "read")),
            Scenario.race(op(c, "read"), op(c, "detach")).before(op(c, "read")))
        .check(c);
  }
}
