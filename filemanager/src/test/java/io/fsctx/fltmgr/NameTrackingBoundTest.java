package io.fsctx.fltmgr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.nt.Out;
import io.fsctx.nt.NtStatus;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/** The verifier's name-information bookkeeping is bounded by what filters hold right now. */
class NameTrackingBoundTest {

  @Test
  void hold_thenUnhold_leavesNothingTracked() {
    FilterManager mgr = new FilterManager();
    FltVolume volume = mgr.mountBareVolume("\\Device\\HarddiskVolume1", "NTFS", true);
    FltFileNameInformation n = new FltFileNameInformation(1, FltFileNameInformation.FLT_FILE_NAME_NORMALIZED,
        "\\a.txt", volume, volume.nameGeneration());
    for (int i = 0; i < 1000; i++) {
      n.hold(null, "FltReferenceFileNameInformation");
      n.hold(null, "FltReferenceFileNameInformation");
      assertEquals(1, mgr.trackedNameCount());
      n.unhold(null);
      assertEquals(1, mgr.trackedNameCount());
      n.unhold(null);
      assertEquals(0, mgr.trackedNameCount());
    }
  }

  private static FltFilter register(FilterManager mgr, String name) {
    Out<FltFilter> out = new Out<>();
    assertEquals(NtStatus.STATUS_SUCCESS,
        Flt.registerFilter(mgr, DriverObject.of(name, null), FltRegistration.builder().build(), out));
    return Objects.requireNonNull(out.get());
  }

  @Test
  void holds_chargedPerFilter_acrossSoleHolderAndSecondFilter() {
    // One filter holding is kept without a map; a second filter's hold, and holds taken outside
    // any callback, must still be charged to the right holder (the leak check reads heldBy).
    FilterManager mgr = new FilterManager();
    FltFilter a = register(mgr, "A");
    FltFilter b = register(mgr, "B");
    FltVolume volume = mgr.mountBareVolume("\\Device\\HarddiskVolume1", "NTFS", true);
    FltFileNameInformation n = new FltFileNameInformation(1, FltFileNameInformation.FLT_FILE_NAME_NORMALIZED,
        "\\a.txt", volume, volume.nameGeneration());
    n.hold(a, "FltGetFileNameInformation");
    n.hold(a, "FltReferenceFileNameInformation");
    n.hold(null, "FltReferenceFileNameInformation");
    assertEquals(2, n.heldBy(a));
    assertEquals(0, n.heldBy(b));
    n.hold(b, "FltGetFileNameInformation");
    assertEquals(2, n.heldBy(a));
    assertEquals(1, n.heldBy(b));
    assertTrue(n.unhold(a));
    assertEquals(1, n.heldBy(a));
    assertTrue(n.unhold(null)); // a worker thread's release takes the unattributed one first
    assertEquals(1, n.heldBy(a));
    assertEquals(1, n.heldBy(b));
    assertTrue(n.unhold(b));
    assertEquals(0, n.heldBy(b));
    assertFalse(n.unhold(b)); // b holds none now: not charged to another filter
    assertEquals(1, n.heldBy(a));
    assertTrue(n.unhold(a));
    assertEquals(0, n.heldBy(a));
    assertFalse(n.unhold(a));
    assertEquals(0, mgr.trackedNameCount());

    // The sole holder alone: released from a worker thread (no filter) once nothing is unattributed.
    n.hold(b, "FltGetFileNameInformation");
    n.hold(null, "FltReferenceFileNameInformation");
    assertTrue(n.unhold(null));
    assertEquals(1, n.heldBy(b));
    assertTrue(n.unhold(null));
    assertEquals(0, n.heldBy(b));
    assertEquals(0, mgr.trackedNameCount());

    // The sole holder lets go while a reference taken outside any callback is out; the next
    // filter to hold is charged alone, and the unattributed reference is still given back once.
    n.hold(a, "FltGetFileNameInformation");
    n.hold(null, "FltReferenceFileNameInformation");
    assertTrue(n.unhold(a));
    assertEquals(0, n.heldBy(a));
    n.hold(b, "FltGetFileNameInformation");
    assertEquals(1, n.heldBy(b));
    assertTrue(n.unhold(null));
    assertEquals(1, n.heldBy(b));
    assertTrue(n.unhold(b));
    assertFalse(n.unhold(null));
    assertEquals(0, mgr.trackedNameCount());
  }
}
