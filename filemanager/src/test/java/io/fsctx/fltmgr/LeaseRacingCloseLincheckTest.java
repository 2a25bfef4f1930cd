package io.fsctx.fltmgr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.io.FileObject;
import io.fsctx.nt.BugCheckException;
import java.util.Objects;
import org.jetbrains.lincheck.LincheckAssertionError;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link ContextLease}'s thread-safety policy, checked by exploring interleavings: two threads
 * closing one lease at the same instant is a caller race the lease does not arbitrate (no locked
 * instruction per close), and the Filter Manager reports its outcome as it reports a double
 * {@code FltReleaseContext} from C. The context is attached, so the lost reference would take
 * the count to zero while attached: the second release must raise 0xF5/0x6D and leave the count
 * at the stream's one reference. Lincheck's model checker finds the interleaving in which both
 * threads see the lease open; since that outcome (one close released, one bug-checked) is one no
 * order of the two closes gives, the check reports it, and the test requires that report to be
 * the bug check and not a lost or doubled reference (the {@link Validate} method).
 */
public class LeaseRacingCloseLincheckTest {
  private final Rig rig = new Rig(VerifierLevel.OFF);
  private final FileObject fo = Rig.openStream("1");
  private final FltContext context;
  private final ContextLease lease;

  /** Attaches a stream context and takes one lease on it; Lincheck makes one per scenario run. */
  public LeaseRacingCloseLincheckTest() {
    context = rig.allocateStream();
    if (!rig.instance.setStreamContext(fo, SetContextOperation.KEEP_IF_EXISTS, context).status().isSuccess()) {
      throw new IllegalStateException("set failed");
    }
    context.release("FltReleaseContext"); // the stream's reference is left
    lease = Objects.requireNonNull(rig.instance.getStreamContext(fo).lease());
  }

  /** Closes the shared lease: "closed", or the bug check it raised. */
  @Operation
  public String close() {
    try {
      lease.close();
      return "closed";
    } catch (BugCheckException e) {
      return "BUGCHECK_0x" + Long.toHexString(e.parameter1());
    }
  }

  /** After every run: the stream still holds its context with exactly its own reference. */
  @Validate
  public void streamKeepsItsReference() {
    if (context.referenceCount() != 1 || context.state() != FltContext.State.ATTACHED) {
      throw new IllegalStateException("count " + context.referenceCount() + ", " + context.state());
    }
  }

  @Test
  @DisplayName("ContextLease: ordered closes release once; two racing closes raise 0xF5/0x6D and lose no reference")
  void racingCloses_reportedAsOverRelease() {
    LeaseRacingCloseLincheckTest world = new LeaseRacingCloseLincheckTest();
    assertEquals("closed", world.close());
    assertEquals("closed", world.close());
    world.streamKeepsItsReference();

    LincheckAssertionError found =
        assertThrows(
            LincheckAssertionError.class,
            () -> new ModelCheckingOptions()
                .iterations(1)
                .invocationsPerIteration(500)
                .threads(2)
                .actorsPerThread(1)
                .actorsBefore(0)
                .actorsAfter(0)
                .check(getClass()));
    String report = String.valueOf(found.getMessage());
    assertTrue(report.contains("BUGCHECK_0x6d"), report);
    assertFalse(report.contains("streamKeepsItsReference"), report);
  }
}
