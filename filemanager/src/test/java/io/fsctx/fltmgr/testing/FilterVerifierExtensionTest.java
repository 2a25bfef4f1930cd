package io.fsctx.fltmgr.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

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
import io.fsctx.fltmgr.VerifierFinding;
import io.fsctx.fltmgr.VerifierLevel;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The JUnit extension itself: small test classes below (static nested, so Surefire does not run
 * them on its own) are run through the JUnit Platform launcher and their outcome checked.
 */
class FilterVerifierExtensionTest {

  private static TestExecutionSummary run(Class<?> testClass) {
    Launcher launcher = LauncherFactory.create();
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    launcher.execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(testClass)).build(), listener);
    return listener.getSummary();
  }

  private static String failureMessage(TestExecutionSummary s) {
    assertEquals(1, s.getFailures().size(), () -> "failures: " + s.getFailures());
    Throwable t = s.getFailures().get(0).getException();
    assertTrue(t instanceof AssertionError, () -> "not an AssertionError: " + t);
    return String.valueOf(t.getMessage());
  }

  private static void assertContains(String text, String... parts) {
    for (String part : parts) {
      assertTrue(text.contains(part), () -> "expected <" + part + "> in:\n" + text);
    }
  }

  /** Registers a filter with a stream context type tagged {@code ExSc} (payload {@code ExtStream}). */
  static FltFilter filter(FilterManager fm) {
    FltRegistration reg =
        FltRegistration.builder()
            .contextRegistration(
                FltContextRegistration.of(
                    FltContextType.STREAM, 0, null, 8, FltContextRegistration.tag("ExSc"), ExtStream::new),
                FltContextRegistration.END)
            .build();
    FltFilter f = fm.registerFilter(DriverObject.of("ExtTest", "370000"), reg).filter();
    assertNotNull(f);
    return f;
  }

  static FltContext allocate(FltFilter f) {
    Out<FltContext> c = new Out<>();
    assertEquals(NtStatus.STATUS_SUCCESS, Flt.allocateContext(f, FltContextType.STREAM.code(), 8, PoolType.PAGED_POOL, c));
    return c.get();
  }

  /** A payload class for the reports. */
  static final class ExtStream {
    ExtStream(int size) {
      // No fields.
    }
  }

  // ---- The test classes run through the launcher ---------------------------------------------

  @ExtendWith(FilterVerifierExtension.class)
  static class LeakingTests {
    @Test
    void allocateWithoutRelease(FilterManager fm) {
      allocate(filter(fm));
    }
  }

  @ExtendWith(FilterVerifierExtension.class)
  static class CleanTests {
    @Test
    void allocateAndRelease(FilterManager fm) {
      FltFilter f = filter(fm);
      Flt.releaseContext(allocate(f));
      assertEquals(VerifierLevel.TRACKING, fm.config().verifierLevel());
      assertTrue(f.unregister().clean());
    }
  }

  @ExtendWith(FilterVerifierExtension.class)
  static class ProvokedAndClearedTests {
    @Test
    void provokeAssertAndClear(FilterManager fm) {
      FltContext c = allocate(filter(fm));
      Flt.releaseContext(c);
      try {
        Flt.releaseContext(c);
      } catch (io.fsctx.nt.BugCheckException expected) {
        // 0xF5/0x6E, asserted by the test and then forgiven.
      }
      assertEquals(VerifierFinding.Kind.CONTEXT_USED_AFTER_FREE, fm.verifierFindings().get(0).kind());
      fm.clearVerifierFindings();
    }
  }

  static class RegisteredExtensionTests {
    @RegisterExtension final FilterVerifierExtension verifier = new FilterVerifierExtension();

    @Test
    void ownManagerLeaks() {
      FilterManager fm =
          verifier.track(
              new FilterManager(
                  FltConfig.builder()
                      .verifierLevel(VerifierLevel.COUNTING)
                      .unloadWaitTimeout(Duration.ofMillis(20))
                      .build()));
      FltFilter f = filter(fm);
      allocate(f);
      f.unregister();
    }
  }

  /** The resource the next class leaves held; the outer test releases it on the same thread. */
  static final io.fsctx.nt.EResource HELD = new io.fsctx.nt.EResource("Resource#held");

  @ExtendWith(FilterVerifierExtension.class)
  static class ResourceLeftHeldTests {
    @Test
    void leavesResourceHeld() {
      io.fsctx.nt.KeThread.enterCriticalRegion();
      HELD.acquireExclusive();
    }
  }

  // ---- The checks ---------------------------------------------------------------------------

  @Test
  @DisplayName("A test that leaks a context fails after it ends, naming the live context with type, tag, payload and site")
  void afterEach_leakedContext_failsTheTestWithTheContext() {
    TestExecutionSummary s = run(LeakingTests.class);

    assertEquals(1, s.getTestsFailedCount());
    String msg = failureMessage(s);
    assertContains(msg, "Filter Verifier found problems after allocateWithoutRelease", "live context: Ctx#",
        "STREAM", "'ExSc'", "ExtStream", "refs=1", "filter=ExtTest");
  }

  @Test
  @DisplayName("A test whose filter balances every reference passes")
  void afterEach_cleanFilter_passes() {
    TestExecutionSummary s = run(CleanTests.class);

    assertEquals(1, s.getTestsSucceededCount(), () -> "failures: " + s.getFailures());
    assertEquals(0, s.getTestsFailedCount());
  }

  @Test
  @DisplayName("A finding the test provoked, asserted and cleared does not fail it")
  void afterEach_clearedFinding_passes() {
    TestExecutionSummary s = run(ProvokedAndClearedTests.class);

    assertEquals(1, s.getTestsSucceededCount(), () -> "failures: " + s.getFailures());
  }

  @Test
  @DisplayName("A manager tracked through a @RegisterExtension field is checked: its unload leak fails the test")
  void afterEach_trackedManagerWithUnloadLeak_failsWithTheFinding() {
    TestExecutionSummary s = run(RegisteredExtensionTests.class);

    String msg = failureMessage(s);
    assertContains(msg, "verifier: LEAKED_CONTEXT_AT_UNLOAD [ExtTest]", "'ExSc'", "ExtStream", "live context: Ctx#");
  }

  @Test
  @DisplayName("The parameter manager runs at TRACKING, so a live context is reported with its allocation site")
  void afterEach_parameterManager_liveContextNamesAllocationSite() {
    TestExecutionSummary s = run(LeakingTests.class);

    assertContains(failureMessage(s), "allocated at " + FilterVerifierExtensionTest.class.getName() + ".allocate(");
  }

  @Test
  @DisplayName("A test that ends holding an ERESOURCE inside a critical region fails, naming both counts")
  void afterEach_resourceStillHeld_fails() {
    TestExecutionSummary s;
    try {
      s = run(ResourceLeftHeldTests.class);
    } finally {
      if (HELD.isAcquiredExclusive()) {
        HELD.release();
        io.fsctx.nt.KeThread.leaveCriticalRegion();
      }
    }

    assertContains(failureMessage(s), "thread: the test ended holding 1 ERESOURCE acquisition(s) and 1 critical region(s)");
  }
}
