package io.fsctx.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fsctx command run in-process with captured output. */
class FsctxCommandTest {

  private static Cli.Result run(String... args) {
    return Cli.run(args);
  }

  @Test
  void walkthrough_ntfs_printsTheEightDocumentedRows() {
    Cli.Result r = run("walkthrough");
    assertEquals(0, r.exit(), r.err());
    assertEquals(List.of(
            "Callback        Flt routine          Refcount",
            "PreCreate       FltAllocateContext   1",
            "PostCreate      FltSetStreamContext  2",
            "PostCreate      FltReleaseContext    1",
            "PreRead         FltGetStreamContext  2",
            "PreRead         FltReleaseContext    1",
            "PreCleanup      FltGetStreamContext  2",
            "PreCleanup      FltReleaseContext    1",
            "ContextCleanup  -                    0  (last reference dropped by FsRtlTeardownPerStreamContexts)"),
        r.lines());
  }

  @Test
  void walkthrough_legacy_setRefusedAndContextFreedAtRelease() {
    Cli.Result r = run("walkthrough", "--fs", "legacy");
    assertEquals(0, r.exit(), r.err());
    assertEquals(List.of(
            "Callback        Flt routine          Refcount",
            "PreCreate       FltAllocateContext   1",
            "PostCreate      FltSetStreamContext  1  STATUS_NOT_SUPPORTED (0xC00000BB)",
            "PostCreate      FltReleaseContext    0",
            "ContextCleanup  -                    0  (last reference dropped by FltReleaseContext in PostCreate)"),
        r.lines());
  }

  @ParameterizedTest
  @ValueSource(strings = {"ntfs", "fat", "legacy"})
  void run_eachFileSystem_exitsZeroWithNoLeaks(String fs) {
    Cli.Result r = run("run", "--fs", fs);
    assertEquals(0, r.exit(), r.out() + r.err());
    assertTrue(r.out().contains("\nleaked contexts: 0\n"), r.out());
    assertTrue(r.out().contains("[Ctx]: DriverEntry: Driver loading"), r.out());
    assertTrue(r.out().contains("CTX pool outstanding: CxRc=0 CxSt=0"), r.out());
  }

  @Test
  void run_ntfs_reportsCountersFromCleanupAndPagingFileRefusal() {
    Cli.Result r = run("run");
    assertTrue(r.out().contains("creates=4 cleanups=4 closes=5  \\Device\\HarddiskVolume1\\docs\\final.txt"), r.out());
    assertTrue(r.out().contains("CTX error lines by status: STATUS_NOT_SUPPORTED x4"), r.out());
  }

  @Test
  void run_legacy_showsStreamContextsRefusedWithNotSupported() {
    Cli.Result r = run("run", "--fs", "legacy");
    assertTrue(r.out().contains("[Ctx]: CtxPostCreate -> Failed to find or create stream context"), r.out());
    assertTrue(r.out().contains("STATUS_NOT_SUPPORTED (0xC00000BB)"), r.out());
    assertTrue(r.out().contains("  STREAM                 0       0"), r.out());
  }

  @Test
  void noArguments_isRun() {
    Cli.Result plain = run();
    Cli.Result explicit = run("run");
    assertEquals(0, plain.exit());
    assertEquals(explicit.out(), plain.out());
  }

  @Test
  void debugLevel_all_printsPerOperationLines() {
    Cli.Result r = run("run", "--debug-level", "all");
    assertEquals(0, r.exit());
    assertTrue(r.out().contains("[Ctx]: CtxPreCreate -> Enter"), r.out());
    assertTrue(r.out().contains("[Ctx]: CtxContextCleanup -> Cleaning up stream context"), r.out());
  }

  @Test
  void badFileSystem_exitsNonZeroWithMessage() {
    Cli.Result r = run("run", "--fs", "zfs");
    assertNotEquals(0, r.exit());
    assertTrue(r.err().contains("unknown file system 'zfs' (expected ntfs, fat or legacy)"), r.err());
    Cli.Result w = run("walkthrough", "--fs");
    assertNotEquals(0, w.exit());
    assertTrue(w.err().contains("Missing required parameter"), w.err());
  }

  @Test
  void badDebugLevel_exitsNonZeroWithMessage() {
    Cli.Result r = run("run", "--debug-level", "loud");
    assertNotEquals(0, r.exit());
    assertTrue(r.err().contains("unknown debug category 'loud'"), r.err());
  }

  @Test
  void unknownSubcommand_exitsNonZero() {
    Cli.Result r = run("frobnicate");
    assertNotEquals(0, r.exit());
    assertTrue(r.err().contains("frobnicate"), r.err());
  }

  @ParameterizedTest(name = "fsctx {0} --help")
  @ValueSource(strings = {"", "run", "walkthrough"})
  void help_everyCommand(String sub) {
    Cli.Result r = sub.isEmpty() ? run("--help") : run(sub, "--help");
    assertEquals(0, r.exit());
    assertTrue(r.out().startsWith("Usage: fsctx"), r.out());
    if (!sub.isEmpty()) {
      assertTrue(r.out().contains("--fs=FS"), r.out());
      assertTrue(r.out().contains("ntfs, fat, legacy"), r.out());
    }
  }

  @Test
  void runFilterLeaky_pagingFileLeak_printsLeakReportWithTypeTagAndSiteAndExitsNonZero() {
    Cli.Result r = run("run", "--filter", "leaky");
    assertEquals(1, r.exit(), r.out());
    assertTrue(r.out().contains("STREAM: 2"), r.out());
    assertTrue(r.out().contains("STREAM tag 'LkSc' LeakyStreamContext refs=1 filter=Leaky"), r.out());
    assertTrue(
        r.out().contains("allocated at io.fsctx.examples.leaky.LeakyFilter.preCreate("), r.out());
    assertTrue(r.out().contains("leaked contexts: 2"), r.out());
  }

  @Test
  void runFilterAvscan_defaultWorkload_cleanAndExitsZero() {
    Cli.Result r = run("run", "--filter", "avscan");
    assertEquals(0, r.exit(), r.out() + r.err());
    assertTrue(r.out().contains("verifier findings: 0"), r.out());
  }

  @Test
  void runFilterAvscan_provokeSectionLeak_printsTheLeakAndExitsOne() {
    Cli.Result r = run("run", "--filter", "avscan", "--provoke", "SECTION_LEAK");
    assertEquals(1, r.exit(), r.out());
    assertTrue(r.out().contains("SECTION tag 'AvSe'"), r.out());
    assertTrue(r.out().contains("allocated at io.fsctx.examples.avscan.AvScan.scanInKernel("), r.out());
  }

  @Test
  void runFilterAvscan_provokeTxReference_printsTheStreamLeakAndExitsOne() {
    Cli.Result r = run("run", "--filter", "avscan", "--provoke", "tx-reference");
    assertEquals(1, r.exit(), r.out());
    assertTrue(r.out().contains("STREAM tag 'AvSc'"), r.out());
    assertTrue(r.out().contains("LEAKED_CONTEXT_AT_INSTANCE_TEARDOWN"), r.out());
  }

  @Test
  void runProvoke_withoutAvscan_isAUsageError() {
    assertEquals(2, run("run", "--provoke", "SECTION_LEAK").exit());
  }

  @Test
  void runFilter_unknownName_isAUsageError() {
    Cli.Result r = run("run", "--filter", "bogus");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("--filter"), r.err());
  }
}
