package io.fsctx.fltmgr.verifier;

import static io.fsctx.fltmgr.verifier.FrameFixture.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.fsctx.fltmgr.DriverObject;
import io.fsctx.fltmgr.FilterManager;
import io.fsctx.fltmgr.FltFilter;
import io.fsctx.fltmgr.FltRegistration;
import io.fsctx.fltmgr.VerifierFinding;
import io.fsctx.io.IoManager;
import io.fsctx.modelfs.NtfsLikeFileSystem;
import io.fsctx.nt.NtStatus;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * No silent no-op: a filter started on a Filter Manager that follows no I/O manager and never
 * had an instance saw no request, so the verifier says so instead of letting its test pass.
 */
class NeverAttachedVerifierTest {

  private static FltFilter started(FilterManager fm) {
    FltFilter f = fm.registerFilter(DriverObject.of("Idle", "370040"), FltRegistration.builder().build()).filter();
    assertNotNull(f);
    assertEquals(NtStatus.STATUS_SUCCESS, f.startFiltering());
    return f;
  }

  @Test
  @DisplayName("A filter started on a manager that follows no I/O manager and never attached is a finding at unload, naming the fix")
  void unregister_neverAttachedWithoutIo_reportsFinding() {
    FilterManager fm = new FilterManager();
    FltFilter f = started(fm);

    assertEquals(1, fm.unattachedFilterFindings().size(), "visible while still registered");
    assertEquals(List.of(), fm.verifierFindings(), "but not recorded before the unload");
    f.unregister();

    List<VerifierFinding> found = fm.verifierFindings();
    assertEquals(1, found.size(), found::toString);
    VerifierFinding v = found.get(0);
    assertEquals(VerifierFinding.Kind.FILTER_NEVER_ATTACHED, v.kind());
    assertEquals("Idle", v.culprit());
    assertContains(v.message(), "never had an instance", "follows no I/O manager", "followMounts", "FilterHarness");
    assertEquals(List.of(), fm.unattachedFilterFindings(), "an unloaded filter is no longer listed");
  }

  @Test
  @DisplayName("A filter on a manager that follows an I/O manager is not reported, even before any volume is mounted")
  void unregister_followingIo_noFinding() {
    FilterManager fm = new FilterManager();
    IoManager io = new IoManager();
    fm.followMounts(io);
    FltFilter f = started(fm);

    assertEquals(List.of(), fm.unattachedFilterFindings());
    io.mount("\\Device\\HarddiskVolume1", 'C', new NtfsLikeFileSystem());
    f.unregister();

    assertEquals(List.of(), fm.verifierFindings());
  }

  @Test
  @DisplayName("A filter that attached to a bare volume (context tests without I/O) is not reported")
  void unregister_attachedToBareVolume_noFinding() {
    FilterManager fm = new FilterManager();
    fm.mountBareVolume("\\Device\\HarddiskVolume1", "NTFS", true);
    FltFilter f = started(fm);

    f.unregister();

    assertEquals(List.of(), fm.verifierFindings());
  }

  @Test
  @DisplayName("A filter registered but never started is not reported: it was not meant to filter")
  void unregister_neverStarted_noFinding() {
    FilterManager fm = new FilterManager();
    FltFilter f = fm.registerFilter(DriverObject.of("Idle", "370040"), FltRegistration.builder().build()).filter();
    assertNotNull(f);

    f.unregister();

    assertEquals(List.of(), fm.verifierFindings());
  }
}
