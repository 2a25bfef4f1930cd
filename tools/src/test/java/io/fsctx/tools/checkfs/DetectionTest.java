package io.fsctx.tools.checkfs;

import static io.fsctx.tools.checkfs.FsCheckerTest.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.io.FileSystemDriver;
import io.fsctx.modelfs.FlagsWipedFileSystem;
import io.fsctx.modelfs.LegacyFileSystem;
import io.fsctx.modelfs.NoTeardownFileSystem;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 11's bug classes, one broken file system each ({@link BrokenFileSystems}, the bundled
 * broken models, {@link LateSetupFileSystem}): {@code check-fs} fails the row that names the bug,
 * and its message names the rule's structure (header id and path) and the moment (the request)
 * so that it leads to the fix. The table in modelfs/FILE-SYSTEMS.md is this list.
 */
class DetectionTest {

  /**
   * One bug class.
   *
   * @param bug the class of bug, as the issue lists it
   * @param fs the broken file system
   * @param row the row that fails
   * @param excerpts what the row's evidence must say: the header, its path, the moment
   */
  record Case(String bug, Supplier<FileSystemDriver> fs, String row, List<String> excerpts) {
    @Override
    public String toString() {
      return bug + " → " + row;
    }
  }

  private static Case bug(String bug, Supplier<FileSystemDriver> fs, String row, String... excerpts) {
    return new Case(bug, fs, row, List.of(excerpts));
  }

  static Stream<Case> cases() {
    return Stream.of(
        bug("common header only", LegacyFileSystem::new, "HDR-ADVANCED",
            "Dcb#1 (directory \\dir) has only FSRTL_COMMON_FCB_HEADER", "in Irp#1[IRP_MJ_CREATE FileObject#1 \\dir]"),
        bug("directories never set up", BrokenFileSystems.KindNeverSetUp::directories, "HDR-SETUP",
            "Dcb#1 (directory \\dir) was not set up", "in Irp#1[IRP_MJ_CREATE FileObject#1 \\dir]"),
        bug("the volume's header never set up", BrokenFileSystems.KindNeverSetUp::volume, "HDR-SETUP",
            "Vcb#1 (volume open) was not set up", "[IRP_MJ_CREATE FileObject#"),
        bug("Flags and Flags2 wiped right after setup", FlagsWipedFileSystem::new, "FLAGS-STABLE",
            "(\\dir\\a.txt): Flags=0x00 lost FSRTL_FLAG_ADVANCED_HEADER (0x40)",
            "the bits were cleared in Irp#2[IRP_MJ_CREATE FileObject#2 \\dir\\a.txt] (Flags 0x40 to 0x00)"),
        bug("Flags2 overwritten later, by a write", BrokenFileSystems.Flags2OverwrittenByWrite::new, "FLAGS-STABLE",
            "Fcb#1 (\\dir\\a.txt): Flags2=0x00 lost FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS (0x02)",
            "[IRP_MJ_WRITE FileObject#2 \\dir\\a.txt] (Flags2 0x02 to 0x00)"),
        bug("stream teardown missing when an FCB is freed", BrokenFileSystems.NoTeardownWhen::files, "STREAM-TEARDOWN",
            "(\\dir\\delete-on-close.tmp) was freed in Irp#", "[IRP_MJ_CLOSE FileObject#",
            "without FsRtlTeardownPerStreamContexts"),
        bug("stream teardown missing when a DCB is freed", BrokenFileSystems.NoTeardownWhen::directories, "STREAM-TEARDOWN",
            "Dcb#1 (directory \\dir) was freed", "without FsRtlTeardownPerStreamContexts"),
        bug("stream teardown missing when the VCB is freed at dismount", BrokenFileSystems.NoVcbTeardown::new,
            "STREAM-TEARDOWN", "Vcb#1 (volume open) was freed in dismount of Volume#1(C:) without"),
        bug("stream teardown missing on a create's error path", BrokenFileSystems.NoTeardownWhen::createErrorPath,
            "STREAM-TEARDOWN", "\\dir\\plain.txt], never opened) was freed in Irp#", "[IRP_MJ_CREATE FileObject#",
            "without FsRtlTeardownPerStreamContexts"),
        bug("stream teardown missing for an FCB held by a stream file object",
            BrokenFileSystems.NoTeardownWhen::streamFileObjectClose, "STREAM-TEARDOWN",
            "Dcb#1 (directory \\dir) was freed in Irp#", "[IRP_MJ_CLOSE FileObject#",
            "without FsRtlTeardownPerStreamContexts"),
        bug("stream teardown missing everywhere (btrfs #802)", NoTeardownFileSystem::new, "STREAM-TEARDOWN",
            "(\\dir\\held.txt) was freed in Irp#", "[IRP_MJ_CLOSE FileObject#", "without FsRtlTeardownPerStreamContexts",
            "(Filter Manager's per-stream control block) stays linked"),
        bug("stream teardown in IRP_MJ_CLEANUP, file objects still open", BrokenFileSystems.TeardownInCleanup::new,
            "TEARDOWN-TIMING", "(\\dir\\held.txt): FsRtlTeardownPerStreamContexts ran in Irp#",
            "[IRP_MJ_CLEANUP FileObject#", "while 1 file object was still open on the stream"),
        bug("stream teardown before the FCB is freed", BrokenFileSystems.TeardownInEveryClose::new, "TEARDOWN-TIMING",
            "(\\dir\\plain.txt) was opened again in Irp#", "[IRP_MJ_CREATE FileObject#",
            "after FsRtlTeardownPerStreamContexts in Irp#", "[IRP_MJ_CLOSE FileObject#"),
        bug("per-file teardown while streams of the file live", BrokenFileSystems.FileTeardownPerStream::new,
            "TEARDOWN-TIMING", "FsRtlTeardownPerFileContexts on per-file structure Fcb#",
            "while streams of the file were still alive (Scb#"),
        bug("per-file teardown missing", BrokenFileSystems.NoFileTeardown::new, "FILE-TEARDOWN",
            "per-file structure Fcb#", "(the slot of Scb#", "without FsRtlTeardownPerFileContexts"),
        bug("a header Version that hides its per-file slot", BrokenFileSystems.VersionHidesSlot::new, "VERSION-SLOT",
            "(\\dir\\a.txt) was set up with per-file slot Fcb#", "but its Version is 0",
            "[IRP_MJ_CREATE FileObject#2 \\dir\\a.txt]"),
        bug("one per-file slot shared by different files", BrokenFileSystems.SharedSlot::new, "FILE-CTX",
            "different files share one per-file slot: FileContextSupportPointer Fcb#1",
            "files: \\dir, \\dir\\a.txt, ", "different files got the same file context Ctx#"),
        bug("setup re-run on a live header", BrokenFileSystems.SetupOnEveryOpen::new, "SETUP-ONCE",
            "(\\dir\\a.txt) was set up 3 times", "last in Irp#", "[IRP_MJ_CREATE FileObject#3 \\dir\\a.txt]",
            "1 per-stream context(s) (Filter Manager's per-stream control block", "were orphaned"),
        bug("the header set up after the FCB table insert", BrokenFileSystems.SetupAfterTableInsert::new,
            "SETUP-ORDER", "Dcb#1 (directory \\dir) became reachable (FCB table insert) in Irp#1[IRP_MJ_CREATE",
            "before it was set up in Irp#1"),
        bug("the header set up after a racing open published it", LateSetupFileSystem::new, "SETUP-ORDER",
            "(\\dir\\race-", "was set up in Irp#", "after a file object already pointed at it in Irp#"),
        bug("the header's lock freed before the teardown", BrokenFileSystems.LockFreedBeforeTeardown::new,
            "LOCK-LIFETIME", "FsRtlTeardownPerStreamContexts ran", "after the header's FastMutex in Pool#",
            "'FatN' FCB nonpaged had been freed"),
        bug("an FCB freed twice", BrokenFileSystems.FreedTwice::new, "FREE-ONCE",
            "'FatF' FCB (Fcb#", "was freed again in Irp#", "after its first free in Irp#",
            "BAD_POOL_CALLER (bug check 0xC2, parameter 0x7)"),
        bug("an FCB never freed", BrokenFileSystems.NeverFreed::new, "FREE-AT-DISMOUNT",
            "'FatF' FCB (Fcb#1 (\\dir\\a.txt)), allocated in Irp#2[IRP_MJ_CREATE FileObject#2 \\dir\\a.txt], is still"
                + " allocated although Volume#1(C:)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void check_brokenFileSystem_failsTheRowNamingHeaderPathAndMoment(Case c) {
    CheckReport r = new FsChecker(c.fs()).check();
    Requirement row = r.requirement(c.row());

    assertEquals(Verdict.FAIL, row.verdict(), r::format);
    assertTrue(r.hasFailures());
    assertContains(row.evidence(), c.excerpts().toArray(new String[0]));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pagingFile")
  void check_pagingFileClaimsSupport_warnsAndStrictFails(boolean strict, Verdict expected) {
    CheckReport r = new FsChecker(PagingFileClaimsSupportFileSystem::new, strict).check();
    Requirement row = r.requirement("PAGING-FILE");

    assertEquals(expected, row.verdict(), r::format);
    assertEquals(strict, r.hasFailures(), r::format);
    assertContains(row.evidence(), "Fcb#", "(\\pagefile.sys) is a paging file but Flags2=0x02",
        "when FileObject#", "still has FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS (0x02)");
    // The stream-context row says what happened on the paging file, and does not call it expected.
    assertContains(r.requirement("STREAM-CTX").evidence(), "(paging file \\pagefile.sys) accepted a stream context",
        "see PAGING-FILE");
  }

  static Stream<Arguments> pagingFile() {
    return Stream.of(Arguments.of(false, Verdict.WARN), Arguments.of(true, Verdict.FAIL));
  }

  @org.junit.jupiter.api.Test
  void check_neverFreed_dismountRowFailsInsteadOfListingTheLeakAsEvidence() {
    CheckReport r = new FsChecker(BrokenFileSystems.NeverFreed::new).check();
    Requirement d = r.requirement("DISMOUNT");

    assertEquals(Verdict.FAIL, d.verdict(), r::format);
    assertContains(d.evidence(), "pool blocks allocated for the volume never freed: Pool#", "see FREE-AT-DISMOUNT");
  }

  @org.junit.jupiter.api.Test
  void check_setupOnEveryOpen_streamRowFailsBecauseALaterOpenLostTheContext() {
    CheckReport r = new FsChecker(BrokenFileSystems.SetupOnEveryOpen::new).check();
    Requirement s = r.requirement("STREAM-CTX");

    assertEquals(Verdict.FAIL, s.verdict(), r::format);
    assertContains(s.evidence(), "a later open of the same header (FCB) found a new stream context",
        "(file \\dir\\a.txt) FileObject#3 got Ctx#");
  }

  @org.junit.jupiter.api.Test
  void check_freedTwice_workloadNotesTheBugCheck() {
    Requirement w = new FsChecker(BrokenFileSystems.FreedTwice::new).check().requirement("WORKLOAD");

    assertEquals(Verdict.FAIL, w.verdict());
    assertContains(w.evidence(), "threw io.fsctx.nt.BugCheckException", "0xC2/0x7");
  }

  @org.junit.jupiter.api.Test
  void check_lateSetup_onlyTheRacePhaseSeesIt() {
    Requirement o = new FsChecker(LateSetupFileSystem::new).check().requirement("SETUP-ORDER");

    assertEquals(Verdict.FAIL, o.verdict());
    for (String line : o.evidence().split(", (?=[A-Z][a-z]+#)")) {
      assertTrue(line.contains("\\dir\\race-"), line);
    }
  }
}
