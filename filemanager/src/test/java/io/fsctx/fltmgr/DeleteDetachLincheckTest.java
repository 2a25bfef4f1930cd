package io.fsctx.fltmgr;

import static io.fsctx.fltmgr.LincheckWorlds.op;

import io.fsctx.fltmgr.LincheckWorlds.Scenario;
import io.fsctx.nt.Out;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 18.5 under model checking: {@code FltDeleteContext} by a caller holding a reference
 * (got, deleted, released) racing the detach of the stream it is attached to, by the file
 * system's {@code FsRtlTeardownPerStreamContexts} or by another caller's {@code
 * FltDeleteStreamContext}. The holder's delete is never a delete without a reference ({@link
 * #noDeleteWithoutReferenceFinding}).
 */
public class DeleteDetachLincheckTest {
  private final Rig rig = new Rig(VerifierLevel.COUNTING);
  private final FltTestSupport.Stream stream = FltTestSupport.stream(FltTestSupport.StreamKind.NO_SLOT);
  private final AtomicBoolean tornDown = new AtomicBoolean();

  /**
   * Attaches a stream context (the stream holds the only reference); one instance per run. The
   * stream contexts live inline in the control block, so nothing here depends on a hash code.
   */
  public DeleteDetachLincheckTest() {
    FltContext c = rig.allocateStream();
    Flt.setStreamContext(rig.instance, stream.fo, 1, c, null);
    Flt.releaseContext(c);
  }

  /**
   * Gets the stream context and, if there was one, FltDeleteContext on it and releases it. The
   * three steps are not one atomic operation, so the result says nothing of which step found what.
   */
  @Operation
  public String deleteHeld() {
    Out<FltContext> got = new Out<>();
    Flt.getStreamContext(rig.instance, stream.fo, got);
    FltContext c = got.get();
    if (c != null) {
      Flt.deleteContext(c);
      Flt.releaseContext(c);
    }
    return "done";
  }

  /** FltDeleteStreamContext(NULL) by another caller. */
  @Operation
  public String deleteStream() {
    return Flt.deleteStreamContext(rig.instance, stream.fo, null).name();
  }

  /** The file system tears the stream down (once). */
  @Operation
  public String tearDown() {
    if (!tornDown.compareAndSet(false, true)) {
      return "already torn down";
    }
    stream.teardown(false);
    return "torn down";
  }

  /** After every run: no finding. */
  @Validate
  public void noDeleteWithoutReferenceFinding() {
    if (!rig.manager.verifierFindings().isEmpty()) {
      throw new IllegalStateException("verifier findings: " + rig.manager.verifierFindings());
    }
  }

  @Test
  @DisplayName("issue 18.5, fltmgr.md 5.5: FltDeleteContext by a reference holder racing the detach of its stream is never a delete without a reference (model checking)")
  void deleteRacingDetach_modelChecking_noFalseFinding() {
    Class<?> c = getClass();
    LincheckWorlds.modelChecking(
            LincheckWorlds.invocations(60), 1,
            Scenario.race(op(c, "deleteHeld"), op(c, "tearDown")),
            Scenario.race(op(c, "deleteHeld"), op(c, "deleteStream")),
            Scenario.race(op(c, "deleteHeld"), op(c, "deleteHeld")).after(op(c, "tearDown")))
        .check(c);
  }
}
