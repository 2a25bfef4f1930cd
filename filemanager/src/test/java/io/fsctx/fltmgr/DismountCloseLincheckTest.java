package io.fsctx.fltmgr;

import static io.fsctx.fltmgr.LincheckWorlds.op;

import io.fsctx.fltmgr.LincheckWorlds.Scenario;
import io.fsctx.io.FileObject;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 18.3 under model checking: the dismount of a volume racing the last close of its files,
 * through the I/O manager, the Filter Manager frame and the NTFS-like model file system (which
 * frees a stream under its own lock and calls {@code FsRtlTeardownPerStreamContexts} just after
 * releasing it). Every file's stream context is set by the filter at create. No interleaving may
 * make the verifier report the file system for dismounting with live control blocks, and every
 * context must be gone once both files are closed ({@link #noFalseDismountFinding}).
 */
@Param(name = "file", gen = IntGen.class, conf = "0:1")
public class DismountCloseLincheckTest {
  private final LifecycleWorld w = LincheckWorlds.world();
  private final FileObject[] files = {w.open("\\a.txt"), w.open("\\b.txt")};
  private final AtomicIntegerArray closed = new AtomicIntegerArray(files.length);
  private final AtomicBoolean dismounted = new AtomicBoolean();

  /** Builds the world and opens the files; Lincheck makes one instance per scenario run. */
  public DismountCloseLincheckTest() {}

  /** Closes the only handle of file {@code i} (once): cleanup, then the last close. */
  @Operation
  public String close(@Param(name = "file") int i) {
    FileObject fo = files[i];
    if (closed.getAndSet(i, 1) != 0) {
      return "already closed";
    }
    return w.io.closeHandle(fo).status().name();
  }

  /** Dismounts the volume (once). */
  @Operation
  public String dismount() {
    if (!dismounted.compareAndSet(false, true)) {
      return "already dismounted";
    }
    w.io.dismount(w.volume);
    return "dismounted";
  }

  /** After every run: no dismount finding, and with every file closed no control block left. */
  @Validate
  public void noFalseDismountFinding() {
    LincheckWorlds.assertNoFinding(w);
    if (closed.get(0) != 0 && closed.get(1) != 0 && w.fltVolume.streamControlBlockCount() != 0) {
      throw new IllegalStateException(w.fltVolume.streamControlBlockCount() + " control block(s) left with every file closed");
    }
  }

  @Test
  @DisplayName("issue 18.3, fltmgr.md 6.5: a dismount racing the last close of files never reports live control blocks (model checking)")
  void dismountRacingLastClose_modelChecking_noFalseFinding() {
    Class<?> c = getClass();
    LincheckWorlds.modelChecking(
            LincheckWorlds.invocations(20), 0,
            Scenario.race(op(c, "close", 0), op(c, "dismount")).after(op(c, "close", 1)),
            Scenario.race(op(c, "close", 0), op(c, "dismount")).before(op(c, "close", 1)))
        .check(c);
  }
}
