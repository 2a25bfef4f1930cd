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
import io.fsctx.io.FileObject;
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

  /** What the last run's test saw of its injected manager's configuration. */
  static volatile FltConfig seen = FltConfig.defaults();

  @ExtendWith(FilterVerifierExtension.class)
  static class NeverAttachingTests {
    @Test
    void startsButNeverFollowsIo(FilterManager fm) {
      assertEquals(NtStatus.STATUS_SUCCESS, filter(fm).startFiltering());
      // No followMounts, no volume: the filter sees no I/O, so nothing below tests it.
    }
  }

  @ExtendWith(FilterVerifierExtension.class)
  static class DefaultSettingsTests {
    @Test
    void recordsConfig(FilterManager fm) {
      seen = fm.config();
    }
  }

  @ExtendWith(FilterVerifierExtension.class)
  @VerifierSettings(level = VerifierLevel.FULL)
  static class AnnotatedSettingsTests {
    @Test
    @VerifierSettings(level = VerifierLevel.COUNTING, unloadWaitMillis = 250)
    void methodWins(FilterManager fm) {
      seen = fm.config();
    }

    @Test
    void classApplies(FilterManager fm) {
      assertEquals(VerifierLevel.FULL, fm.config().verifierLevel());
      assertEquals(Duration.ofMillis(VerifierSettings.DEFAULT_UNLOAD_WAIT_MILLIS), fm.config().unloadWaitTimeout());
    }
  }

  /** A stream-context filter on a real volume whose pre-write gets and, on request, forgets to release or releases twice. */
  static final class WriteFilter {
    static volatile int getLine;

    enum Bug { NONE, FORGETS_RELEASE, RELEASES_TWICE_AFTER_ALLOCATING }

    static FilterHarness harness(FilterManager fm, Bug bug) {
      FilterHarness h = FilterHarness.on(fm, new io.fsctx.modelfs.NtfsLikeFileSystem());
      h.start("ExtWrite", "370110", FltRegistration.builder()
          .contextRegistration(
              FltContextRegistration.of(FltContextType.STREAM, 0, null, 8, FltContextRegistration.tag("ExWr"), ExtStream::new),
              FltContextRegistration.END)
          .operationRegistration(
              new io.fsctx.fltmgr.FltOperationRegistration(io.fsctx.io.IrpMajorFunction.CREATE.code(), 0, null, (d, o, cc, fl) -> {
                if (d.ioStatus().equals(NtStatus.STATUS_SUCCESS)) {
                  FltContext c = allocate(o.filter());
                  Flt.setStreamContext(o.instance(), o.fileObject(), 1, c, null);
                  Flt.releaseContext(c);
                }
                return io.fsctx.fltmgr.FltPostopCallbackStatus.FINISHED_PROCESSING;
              }),
              new io.fsctx.fltmgr.FltOperationRegistration(io.fsctx.io.IrpMajorFunction.WRITE.code(), 0, (d, o, cc) -> {
                Out<FltContext> c = new Out<>();
                if (Flt.getStreamContext(o.instance(), o.fileObject(), c).isSuccess()) { getLine = new Throwable().getStackTrace()[0].getLineNumber();
                  if (bug == Bug.RELEASES_TWICE_AFTER_ALLOCATING) {
                    allocate(o.filter()); // stranded when the second release bug-checks
                    Flt.releaseContext(c.get());
                    Flt.releaseContext(c.get()); // 0xF5/0x6D: only the stream's reference is left
                  } else if (bug == Bug.NONE) {
                    Flt.releaseContext(c.get());
                  }
                }
                return io.fsctx.fltmgr.FltPreopCallbackStatus.SUCCESS_NO_CALLBACK;
              }, null))
          .build());
      return h;
    }
  }

  @ExtendWith(FilterVerifierExtension.class)
  static class LeakingAtUnloadTests {
    @Test
    void getWithoutReleaseInPreWrite(FilterManager fm) {
      seen = fm.config();
      FilterHarness h = WriteFilter.harness(fm, WriteFilter.Bug.FORGETS_RELEASE);
      FileObject fo = h.open("\\a.txt");
      h.write(fo, 0, 10);
      h.close(fo);
      h.unload();
    }
  }

  @ExtendWith(FilterVerifierExtension.class)
  static class BugCheckAloneTests {
    @Test
    void overReleaseInPreWrite(FilterManager fm) {
      FilterHarness h = WriteFilter.harness(fm, WriteFilter.Bug.RELEASES_TWICE_AFTER_ALLOCATING);
      FileObject fo = h.open("\\a.txt");
      h.write(fo, 0, 10); // throws 0xF5/0x6D; the file stays open, the filter registered
    }
  }

  @ExtendWith(FilterVerifierExtension.class)
  static class BugCheckThenUnloadTests {
    @Test
    void overReleaseInPreWriteThenUnload(FilterManager fm) {
      FilterHarness h = WriteFilter.harness(fm, WriteFilter.Bug.RELEASES_TWICE_AFTER_ALLOCATING);
      FileObject fo = h.open("\\a.txt");
      try {
        h.write(fo, 0, 10);
      } finally {
        h.unload();
      }
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
  @DisplayName("No silent no-op: a test whose filter started on a manager that follows no I/O manager fails, saying why")
  void afterEach_filterNeverAttached_fails() {
    TestExecutionSummary s = run(NeverAttachingTests.class);

    assertEquals(1, s.getTestsFailedCount());
    assertContains(failureMessage(s), "verifier: FILTER_NEVER_ATTACHED [ExtTest]", "follows no I/O manager", "followMounts");
  }

  @Test
  @DisplayName("The injected manager waits only the short test default at unload (so a leaking test fails at once) and runs at TRACKING")
  void resolveParameter_noSettings_shortUnloadWaitAndTracking() {
    TestExecutionSummary s = run(DefaultSettingsTests.class);

    assertEquals(1, s.getTestsSucceededCount(), () -> "failures: " + s.getFailures());
    assertEquals(Duration.ofMillis(100), seen.unloadWaitTimeout());
    assertEquals(Duration.ofMillis(VerifierSettings.DEFAULT_UNLOAD_WAIT_MILLIS), seen.unloadWaitTimeout());
    assertEquals(VerifierLevel.TRACKING, seen.verifierLevel());
  }

  @Test
  @DisplayName("@VerifierSettings sets the level and the unload wait; the method's wins over the class's")
  void resolveParameter_settings_methodOverClass() {
    TestExecutionSummary s = run(AnnotatedSettingsTests.class);

    assertEquals(2, s.getTestsSucceededCount(), () -> "failures: " + s.getFailures());
    assertEquals(Duration.ofMillis(250), seen.unloadWaitTimeout());
    assertEquals(VerifierLevel.COUNTING, seen.verifierLevel());
  }

  @Test
  @DisplayName("A get without its release in a pre-write fails the test with the get's line and callback, after the short default wait")
  void afterEach_leakAtUnload_namesTheGetLine() {
    TestExecutionSummary s = run(LeakingAtUnloadTests.class);

    String msg = failureMessage(s);
    assertContains(msg, "verifier: LEAKED_CONTEXT_AT_UNLOAD [ExtWrite]",
        "reference taken by FltGetStreamContext in PreWrite at " + FilterVerifierExtensionTest.class.getName(),
        "(FilterVerifierExtensionTest.java:" + WriteFilter.getLine + ")", "live context: Ctx#");
    assertEquals(Duration.ofMillis(VerifierSettings.DEFAULT_UNLOAD_WAIT_MILLIS), seen.unloadWaitTimeout());
  }

  @Test
  @DisplayName("A test that fails with a bug check and has nothing else wrong reports the bug check alone, without live-context noise")
  void afterEach_bugCheckThrownByTest_reportedAlone() {
    TestExecutionSummary s = run(BugCheckAloneTests.class);

    assertEquals(1, s.getFailures().size(), () -> "failures: " + s.getFailures());
    Throwable t = s.getFailures().get(0).getException();
    assertTrue(t instanceof io.fsctx.nt.BugCheckException, () -> "not the bug check: " + t);
    assertContains(t.getMessage(), "BUGCHECK 0xF5/0x6D", "one time too many", "still attached", "count stays 1");
    assertEquals(0, t.getSuppressed().length, () -> "extra reports: " + java.util.Arrays.toString(t.getSuppressed()));
  }

  @Test
  @DisplayName("After a bug check, what the unload found is listed after the bug check and labelled so; live contexts are not listed")
  void afterEach_bugCheckThenUnload_unloadFindingsLabelled() {
    TestExecutionSummary s = run(BugCheckThenUnloadTests.class);

    Throwable t = s.getFailures().get(0).getException();
    assertTrue(t instanceof io.fsctx.nt.BugCheckException, () -> "not the bug check: " + t);
    assertEquals(1, t.getSuppressed().length, () -> java.util.Arrays.toString(t.getSuppressed()));
    String report = String.valueOf(t.getSuppressed()[0].getMessage());
    assertContains(report, "  bug check: CONTEXT_RELEASED_TOO_MANY_TIMES [ExtWrite]",
        "  found at unload after the bug check: LEAKED_CONTEXT_AT_UNLOAD [ExtWrite]");
    assertTrue(report.indexOf("bug check: CONTEXT_RELEASED") < report.indexOf("found at unload"), report);
    assertTrue(!report.contains("live context"), report);
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
