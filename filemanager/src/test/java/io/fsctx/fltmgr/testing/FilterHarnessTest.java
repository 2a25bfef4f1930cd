package io.fsctx.fltmgr.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.fltmgr.DriverObject;
import io.fsctx.fltmgr.FilterManager;
import io.fsctx.fltmgr.Flt;
import io.fsctx.fltmgr.FltContext;
import io.fsctx.fltmgr.FltContextRegistration;
import io.fsctx.fltmgr.FltContextType;
import io.fsctx.fltmgr.FltFilter;
import io.fsctx.fltmgr.FltOperationRegistration;
import io.fsctx.fltmgr.FltPreopCallbackStatus;
import io.fsctx.fltmgr.FltRegistration;
import io.fsctx.nt.PoolType;
import io.fsctx.fltmgr.PreOperationCallback;
import io.fsctx.fltmgr.UnloadReport;
import io.fsctx.fltmgr.VerifierLevel;
import io.fsctx.io.CreateParameters;
import io.fsctx.io.FileObject;
import io.fsctx.io.IrpMajorFunction;
import io.fsctx.modelfs.NtfsLikeFileSystem;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The test harness: the world it builds, its I/O helpers, its refusals and its unload. */
class FilterHarnessTest {

  /** A filter whose pre-operation callbacks journal the operations they see. */
  private static FltRegistration journaling(List<String> journal) {
    IrpMajorFunction[] seen = {
      IrpMajorFunction.CREATE, IrpMajorFunction.READ, IrpMajorFunction.WRITE,
      IrpMajorFunction.SET_INFORMATION, IrpMajorFunction.CLEANUP, IrpMajorFunction.CLOSE
    };
    FltOperationRegistration[] ops = new FltOperationRegistration[seen.length];
    for (int i = 0; i < seen.length; i++) {
      IrpMajorFunction m = seen[i];
      PreOperationCallback pre = (d, o, cc) -> {
        journal.add(m.name());
        return FltPreopCallbackStatus.SUCCESS_NO_CALLBACK;
      };
      ops[i] = new FltOperationRegistration(m.code(), 0, pre, null);
    }
    return FltRegistration.builder().operationRegistration(ops).build();
  }

  @Test
  @DisplayName("on(fs) builds an I/O manager, a followed volume C: and a manager with the test configuration")
  void on_fileSystem_mountsAndFollowsWithTestConfig() {
    FilterHarness h = FilterHarness.on(new NtfsLikeFileSystem());

    assertEquals(List.of(h.volume()), h.io().volumes());
    assertSame(h.fltVolume(), h.manager().volumeOf(h.volume()));
    assertEquals(FilterHarness.DEVICE_NAME, h.volume().ntDeviceName());
    assertEquals(VerifierLevel.TRACKING, h.manager().config().verifierLevel());
    assertEquals(Duration.ofMillis(VerifierSettings.DEFAULT_UNLOAD_WAIT_MILLIS), h.manager().config().unloadWaitTimeout());
    assertEquals(FilterHarness.testConfig(), h.manager().config());
    h.close();
    assertEquals(List.of(), h.io().volumes(), "close dismounts");
  }

  @Test
  @DisplayName("start registers, starts and attaches; every I/O helper goes through the filter and returns the file system's status")
  void start_thenIoHelpers_reachTheFilter() {
    List<String> journal = new CopyOnWriteArrayList<>();
    FilterHarness h = FilterHarness.on(new NtfsLikeFileSystem());
    FltFilter f = h.start("Journal", "370050", journaling(journal));

    assertTrue(f.isFiltering());
    assertSame(h.fltVolume(), h.instance().volume());
    FileObject fo = h.open("\\dir.txt");
    assertTrue(h.write(fo, 0, 100).isSuccess());
    assertTrue(h.read(fo, 0, 10).isSuccess());
    assertTrue(h.rename(fo, "\\renamed.txt").isSuccess());
    assertTrue(h.delete(fo).isSuccess());
    assertTrue(h.close(fo).isSuccess());

    assertEquals(List.of("CREATE", "WRITE", "READ", "SET_INFORMATION", "SET_INFORMATION", "CLEANUP", "CLOSE"), journal);
    assertEquals(NtStatus.STATUS_OBJECT_NAME_NOT_FOUND, h.create("\\renamed.txt", CreateParameters.open()).status(),
        "renamed, then deleted at its last close");
    assertThrows(IllegalStateException.class, () -> h.open("\\no\\such\\dir\\x.txt"));
    UnloadReport report = h.unload();
    assertTrue(report.clean(), report::format);
    assertEquals(FltFilter.State.UNLOADED, f.state());
    assertEquals(List.of(), h.io().volumes(), "unload dismounts");
    h.assertNoProblems();
  }

  @Test
  @DisplayName("No silent no-op: a filter without a default altitude gets no instance, and start refuses it")
  void start_noDefaultAltitude_refused() {
    FilterHarness h = FilterHarness.on(new NtfsLikeFileSystem());

    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> h.start(DriverObject.of("Manual", null), FltRegistration.builder().build()));

    assertTrue(e.getMessage().contains("Manual has no instance on C:"), e::getMessage);
    assertTrue(e.getMessage().contains("would pass without testing anything"), e::getMessage);
    assertEquals(List.of(), h.manager().filters(), "the refused filter is unregistered");
  }

  @Test
  @DisplayName("No silent no-op: a filter whose instance setup declines the volume is refused too")
  void start_setupDeclines_refused() {
    FilterHarness h = FilterHarness.on(new NtfsLikeFileSystem());
    FltRegistration declining =
        FltRegistration.builder().instanceSetupCallback((o, flags, deviceType, fs) -> NtStatus.STATUS_FLT_DO_NOT_ATTACH).build();

    assertThrows(IllegalStateException.class, () -> h.start("Declines", "370060", declining));
  }

  @Test
  @DisplayName("A harness has one filter under test; a second start, an unload before start and a second unload are refused")
  void start_twiceOrUnloadTwice_refused() {
    FilterHarness h = FilterHarness.on(new NtfsLikeFileSystem());
    assertThrows(IllegalStateException.class, h::unload);
    h.start("Once", "370070", FltRegistration.builder().build());

    assertThrows(IllegalStateException.class, () -> h.start("Twice", "370080", FltRegistration.builder().build()));
    h.unload();
    assertThrows(IllegalStateException.class, h::unload);
  }

  @Test
  @DisplayName("Without the extension: problems() lists a leaked allocation with its line, and assertNoProblems fails with it")
  void problems_leakedAllocation_listedWithItsLine() {
    FilterHarness h = FilterHarness.on(new NtfsLikeFileSystem());
    FltFilter f = h.start("Leaks", "370090", FltRegistration.builder()
        .contextRegistration(
            FltContextRegistration.of(FltContextType.STREAM, 0, null, 8, FltContextRegistration.tag("LkHa"), null),
            FltContextRegistration.END)
        .build());
    Out<FltContext> c = new Out<>();
    assertEquals(NtStatus.STATUS_SUCCESS, Flt.allocateContext(f, FltContextType.STREAM.code(), 8, PoolType.PAGED_POOL, c));
    int line = new Throwable().getStackTrace()[0].getLineNumber() - 1;

    h.close();

    String problems = String.join("\n", h.problems());
    assertTrue(problems.contains("verifier: LEAKED_CONTEXT_AT_UNLOAD [Leaks]"), problems);
    assertTrue(problems.contains("reference taken by FltAllocateContext outside any callback at "
        + FilterHarnessTest.class.getName() + ".problems_leakedAllocation_listedWithItsLine(FilterHarnessTest.java:" + line + ")"), problems);
    AssertionError e = assertThrows(AssertionError.class, h::assertNoProblems);
    assertTrue(e.getMessage().contains("live context: Ctx#"), e::getMessage);
    Flt.releaseContext(c.get());
  }

  @Test
  @DisplayName("on(manager, fs) uses the caller's manager, so a harness runs under FilterVerifierExtension's manager")
  void on_callersManager_usesIt() {
    FilterManager fm = new FilterManager();
    try (FilterHarness h = FilterHarness.on(fm, new NtfsLikeFileSystem())) {
      assertSame(fm, h.manager());
      h.start("Mine", "370100", FltRegistration.builder().build());
      assertEquals(List.of(h.filter()), fm.filters());
    }
    assertEquals(List.of(), fm.filters(), "close unloaded the filter");
  }
}
