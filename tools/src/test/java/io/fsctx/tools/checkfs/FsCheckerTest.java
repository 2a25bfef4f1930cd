package io.fsctx.tools.checkfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.io.FileSystemDriver;
import io.fsctx.io.IoManager;
import io.fsctx.modelfs.FatLikeFileSystem;
import io.fsctx.modelfs.NtfsLikeFileSystem;
import io.fsctx.modelfs.toolkit.ClosePolicy;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link FsChecker} on correct file systems: silent (no FAIL, no WARN, even with {@code strict}),
 * every PASS row's evidence true and specific, N/A only with the reason the workload could not
 * reach the rule. The broken file systems are in {@link DetectionTest}.
 */
class FsCheckerTest {

  static Stream<Arguments> correctFileSystems() {
    return Stream.of(
        Arguments.of("NTFS-like, immediate close", (Supplier<FileSystemDriver>) NtfsLikeFileSystem::new),
        Arguments.of("NTFS-like, delayed close",
            (Supplier<FileSystemDriver>) () -> new NtfsLikeFileSystem(ClosePolicy.DELAYED)),
        Arguments.of("FAT-like, immediate close", (Supplier<FileSystemDriver>) FatLikeFileSystem::new),
        Arguments.of("FAT-like, delayed close",
            (Supplier<FileSystemDriver>) () -> new FatLikeFileSystem(ClosePolicy.DELAYED)),
        Arguments.of("a standalone toolkit file system that sets headers up before the table insert",
            (Supplier<FileSystemDriver>) () -> new LateSetupFileSystem(false)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("correctFileSystems")
  @DisplayName("check_correctFileSystem_silentEvenWhenStrict: no FAIL, no WARN (fsrtl.md §2-§8, fltmgr.md §5.7)")
  void check_correctFileSystem_silentEvenWhenStrict(String name, Supplier<FileSystemDriver> factory) {
    CheckReport r = new FsChecker(factory, true).check();

    assertFalse(r.hasFailures(), r::format);
    assertEquals(0, r.count(Verdict.WARN), r::format);
    for (Requirement req : r.requirements()) {
      if (req.verdict() == Verdict.NOT_APPLICABLE) {
        assertTrue(req.evidence().startsWith("not exercised: "), req.evidence());
      }
    }
  }

  @Test
  @DisplayName("check_ntfsLike_everyRuleExercised: the workload reaches every rule of the table on NTFS-like")
  void check_ntfsLike_everyRuleExercised() {
    CheckReport r = new FsChecker(() -> new NtfsLikeFileSystem(ClosePolicy.DELAYED)).check();

    assertEquals(0, r.count(Verdict.NOT_APPLICABLE), r::format);
    assertEquals(r.requirements().size(), r.count(Verdict.PASS), r::format);
  }

  @Test
  @DisplayName("check_ntfsLike_fileContextsNativeSharedWithinTheFile: one FileContextSupportPointer per file (fsrtl.md §8)")
  void check_ntfsLike_fileContextsNativeSharedWithinTheFile() {
    CheckReport r = new FsChecker(NtfsLikeFileSystem::new).check();
    Requirement file = r.requirement("FILE-CTX");

    assertEquals(Verdict.PASS, file.verdict());
    assertContains(file.evidence(), "native on ", "each reached from one file only",
        "the opens of one file that were open together reached one context: ",
        "\\dir\\a.txt through 5 file objects");
  }

  @Test
  @DisplayName("check_fatLike_fileContextsEmulatedAndNoPerFileTeardownToCheck (fltmgr.md §5.7)")
  void check_fatLike_fileContextsEmulatedAndNoPerFileTeardownToCheck() {
    CheckReport r = new FsChecker(FatLikeFileSystem::new).check();

    assertContains(r.requirement("FILE-CTX").evidence(), "emulated by Filter Manager",
        "sharing across named streams not exercised", "sharing across hard links not exercised");
    // Slots no header was given are not "checked": FILE-TEARDOWN says why it could not apply.
    Requirement t = r.requirement("FILE-TEARDOWN");
    assertEquals(Verdict.NOT_APPLICABLE, t.verdict());
    assertContains(t.evidence(), "not exercised: ", "no header was set up with a per-file slot");
    Requirement v = r.requirement("VERSION-SLOT");
    assertEquals(Verdict.NOT_APPLICABLE, v.verdict());
    assertContains(v.evidence(), "the file system offers no native file contexts");
  }

  @Test
  @DisplayName("check_ntfsLike_fileTeardownEvidenceNamesTheSlotsItChecked: only slots given to setup, each with its headers")
  void check_ntfsLike_fileTeardownEvidenceNamesTheSlotsItChecked() {
    Requirement t = new FsChecker(NtfsLikeFileSystem::new).check().requirement("FILE-TEARDOWN");

    assertEquals(Verdict.PASS, t.verdict());
    assertContains(t.evidence(), "per-file structure Fcb#", "(the slot of Scb#", "torn down and freed in");
    assertFalse(t.evidence().contains("no header"), t.evidence());
  }

  @Test
  @DisplayName("check_streamContextEvidence_saysLaterOpensFoundTheSameContext and the paging file's refusal, as observed")
  void check_streamContextEvidence_statesWhatWasObserved() {
    Requirement s = new FsChecker(() -> new FatLikeFileSystem(ClosePolicy.DELAYED)).check().requirement("STREAM-CTX");

    assertEquals(Verdict.PASS, s.verdict());
    assertContains(s.evidence(), "later opens of an FCB found the context attached by its first open",
        "the paging file Fcb#", "refused it with STATUS_NOT_SUPPORTED (0xC00000BB)");
    assertFalse(s.evidence().contains("expected for a paging file"), s.evidence());
  }

  @Test
  @DisplayName("check_passRows_evidenceNamesStructuresAndMoments: each verifier row says what it checked, on what, when")
  void check_passRows_evidenceNamesStructuresAndMoments() {
    CheckReport r = new FsChecker(() -> new NtfsLikeFileSystem(ClosePolicy.DELAYED)).check();

    assertContains(r.requirement("STREAM-TEARDOWN").evidence(), "FsRtlTeardownPerStreamContexts came before the free",
        "checks on", "headers, at free", "(\\dir\\", "torn down and freed");
    assertContains(r.requirement("FLAGS-STABLE").evidence(), "at open, cleanup, close, free", "Flags=0x40 Flags2=0x02");
    assertContains(r.requirement("PAGING-FILE").evidence(), "(\\pagefile.sys) Flags2=0x08");
    assertContains(r.requirement("FREE-AT-DISMOUNT").evidence(), "Volume#1(C:)", "no block allocated for it was left");
    assertContains(r.requirement("DISMOUNT").evidence(), "no pool block allocated for the volume outstanding");
    assertContains(r.requirement("WORKLOAD").evidence(), "enumerate \\dir",
        "cleanup of \\dir\\held.txt with its close held back by a reference",
        "(the create's error path)", CheckRun.RACE_ROUNDS + " rounds of " + CheckRun.RACE_THREADS + " threads");
  }

  @Test
  void check_factoryReturnsMountedFileSystem_throwsWhatTheFileSystemThrew() {
    NtfsLikeFileSystem fs = new NtfsLikeFileSystem();
    new IoManager().mount("\\Device\\HarddiskVolume9", null, fs);

    IllegalStateException e = assertThrows(IllegalStateException.class, () -> new FsChecker(() -> fs).check());

    assertContains(e.getMessage(), "already mounted");
  }

  @Test
  void check_factoryReturnsNull_throws() {
    assertThrows(IllegalStateException.class, () -> new FsChecker(() -> null).check());
  }

  @Test
  void format_endsWithSummaryLine() {
    CheckReport r = new FsChecker(NtfsLikeFileSystem::new).check();
    String text = r.format();
    assertTrue(text.endsWith(r.summaryLine() + "\n"), text);
    assertTrue(r.summaryLine().matches("check-fs: \\d+ PASS, \\d+ WARN, \\d+ FAIL.*"), r.summaryLine());
    for (Requirement req : r.requirements()) {
      assertTrue(text.contains(req.id()), req.id());
    }
  }

  static void assertContains(String text, String... parts) {
    for (String p : parts) {
      assertTrue(text.contains(p), () -> "expected '" + p + "' in: " + text);
    }
  }
}
