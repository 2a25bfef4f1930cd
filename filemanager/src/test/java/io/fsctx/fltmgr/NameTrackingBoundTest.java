package io.fsctx.fltmgr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The verifier's name-information bookkeeping is bounded by what filters hold right now. */
class NameTrackingBoundTest {

  @Test
  void hold_thenUnhold_leavesNothingTracked() {
    FilterManager mgr = new FilterManager();
    FltFileNameInformation n = new FltFileNameInformation(mgr, 1, FltFileNameInformation.FLT_FILE_NAME_NORMALIZED,
        "\\Device\\HarddiskVolume1\\a.txt", "\\Device\\HarddiskVolume1");
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
}
