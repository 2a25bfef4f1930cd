package io.fsctx.fltmgr.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.fltmgr.DriverObject;
import io.fsctx.fltmgr.FilterManager;
import io.fsctx.fltmgr.Flt;
import io.fsctx.fltmgr.FltConfig;
import io.fsctx.fltmgr.FltContext;
import io.fsctx.fltmgr.FltContextRegistration;
import io.fsctx.fltmgr.FltContextType;
import io.fsctx.fltmgr.FltFilter;
import io.fsctx.fltmgr.FltRegistration;
import io.fsctx.nt.PoolType;
import io.fsctx.fltmgr.VerifierLevel;
import io.fsctx.fltmgr.testing.NoLiveContextsExtension.TrackedManagers;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The extension's own check: it must report a leak, at every verifier level, and pass a clean manager. */
@ExtendWith(NoLiveContextsExtension.class)
class NoLiveContextsExtensionTest {

  private static FltContext leak(FilterManager m) {
    Out<FltFilter> f = new Out<>();
    FltRegistration reg =
        FltRegistration.builder()
            .contextRegistration(
                FltContextRegistration.of(FltContextType.STREAM, 0, null, 8, FltContextRegistration.tag("Leak"), null),
                FltContextRegistration.END)
            .build();
    assertEquals(NtStatus.STATUS_SUCCESS, Flt.registerFilter(m, DriverObject.of("Leaky", null), reg, f));
    Out<FltContext> c = new Out<>();
    assertEquals(NtStatus.STATUS_SUCCESS, Flt.allocateContext(f.get(), 0x8, 8, PoolType.PAGED_POOL, c));
    return java.util.Objects.requireNonNull(c.get());
  }

  @Test
  @DisplayName("problems: a live context is named at COUNTING; at OFF the filter's count still reports it; after release it is clean")
  void problems_leakedContext_reportedUntilReleased(TrackedManagers managers) {
    NoLiveContextsExtension ext = new NoLiveContextsExtension();
    for (VerifierLevel level : List.of(VerifierLevel.COUNTING, VerifierLevel.OFF)) {
      FilterManager m = managers.create(FltConfig.builder().verifierLevel(level).build());
      FltContext c = leak(m);
      List<String> problems = ext.problems(m);
      assertEquals(1, problems.size(), problems::toString);
      assertTrue(problems.get(0).contains(level == VerifierLevel.OFF ? "1 live context" : c.id()), problems::toString);
      Flt.releaseContext(c);
      assertEquals(List.of(), ext.problems(m));
    }
  }

  @Test
  @DisplayName("parameter injection: an injected FilterManager is tracked by the test's tracker")
  void resolveParameter_injectedManager_tracked(FilterManager injected, TrackedManagers managers) {
    assertTrue(managers.managers().contains(injected));
    assertEquals(injected, managers.track(injected));
    assertEquals(1, managers.managers().size());
  }
}
