package io.fsctx.fltmgr.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.fltmgr.DriverObject;
import io.fsctx.fltmgr.FilterManager;
import io.fsctx.fltmgr.Flt;
import io.fsctx.fltmgr.FltContext;
import io.fsctx.fltmgr.FltContextRegistration;
import io.fsctx.fltmgr.FltContextType;
import io.fsctx.fltmgr.FltFilter;
import io.fsctx.fltmgr.FltRegistration;
import io.fsctx.fltmgr.VerifierFinding;
import io.fsctx.fltmgr.testing.FilterHarness;
import io.fsctx.io.IoManager;
import io.fsctx.modelfs.NtfsLikeFileSystem;
import io.fsctx.nt.BugCheckException;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import io.fsctx.nt.Pool;
import io.fsctx.nt.PoolType;
import io.fsctx.nt.UnicodeString;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A bug check a filter's own callback raises (not one Filter Manager raises) is recorded once as
 * {@link VerifierFinding.Kind#BUG_CHECK_IN_CALLBACK} before it propagates: here swapBuffers' known
 * defect, a cleanup routine freeing a string buffer it read from a context nobody initialised.
 */
class CallbackBugCheckTest {

  /** A context payload as unzeroed pool would hold it: its name's buffer was never set. */
  static final class Named {
    final UnicodeString name = UnicodeString.unzeroed();
  }

  private static FltRegistration.Builder freeingTheNameAtCleanup() {
    return FltRegistration.builder().contextRegistration(
        FltContextRegistration.of(FltContextType.VOLUME, 0, (c, t) -> {
          Named n = c.payload(Named.class);
          if (n.name.hasBuffer()) {
            n.name.free();
          }
        }, 16, FltContextRegistration.tag("BcNm"), size -> new Named()),
        FltContextRegistration.END);
  }

  @Test
  @DisplayName("a cleanup callback freeing an uninitialised pointer: BAD_POOL_CALLER 0xC2/0x46, reported as a filter's bug check")
  void cleanupFreesUnzeroedBuffer_badPoolCallerReported() {
    FilterManager mgr = new FilterManager();
    Out<FltFilter> f = new Out<>();
    assertEquals(NtStatus.STATUS_SUCCESS,
        Flt.registerFilter(mgr, DriverObject.of("Bc", "380000"), freeingTheNameAtCleanup().build(), f));
    Out<FltContext> c = new Out<>();
    assertEquals(NtStatus.STATUS_SUCCESS,
        Flt.allocateContext(f.get(), FltContextType.VOLUME.code(), 16, PoolType.NON_PAGED_POOL, c));
    BugCheckException e = assertThrows(BugCheckException.class, () -> Flt.releaseContext(c.get()));
    assertEquals(Pool.BAD_POOL_CALLER, e.bugCheckCode());
    assertEquals(Pool.BAD_POOL_CALLER_INVALID_ADDRESS, e.parameter1());
    List<VerifierFinding> found = mgr.verifierFindings();
    assertEquals(1, found.size(), found::toString);
    VerifierFinding v = found.get(0);
    assertEquals(VerifierFinding.Kind.BUG_CHECK_IN_CALLBACK, v.kind());
    assertEquals("Bc", v.culprit());
    assertTrue(v.message().contains("ContextCleanup") && v.message().contains("0xC2/0x46"), v.message());
    assertTrue(v.kind().isBugCheck());
  }

  @Test
  @DisplayName("the same bug check raised through instance setup is reported once")
  void throughInstanceSetup_reportedOnce() {
    FilterManager mgr = new FilterManager(FilterHarness.testConfig());
    IoManager io = new IoManager();
    io.mount("\\Device\\HarddiskVolume1", 'C', new NtfsLikeFileSystem());
    mgr.followMounts(io);
    FltRegistration reg = freeingTheNameAtCleanup().instanceSetupCallback((o, flags, dt, fs) -> {
      Out<FltContext> c = new Out<>();
      Flt.allocateContext(o.filter(), FltContextType.VOLUME.code(), 16, PoolType.NON_PAGED_POOL, c);
      Flt.releaseContext(Objects.requireNonNull(c.get())); // the defect: released before it was initialised
      return NtStatus.STATUS_SUCCESS;
    }).build();
    Out<FltFilter> f = new Out<>();
    assertEquals(NtStatus.STATUS_SUCCESS, Flt.registerFilter(mgr, DriverObject.of("Bc", "380000"), reg, f));
    assertThrows(BugCheckException.class, () -> Flt.startFiltering(f.get()));
    assertEquals(1, mgr.verifierFindings().stream().filter(v -> v.kind() == VerifierFinding.Kind.BUG_CHECK_IN_CALLBACK).count());
  }
}
