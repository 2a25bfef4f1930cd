package io.fsctx.tools.checkfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.modelfs.FatLikeFileSystem;
import io.fsctx.modelfs.FlagsWipedFileSystem;
import io.fsctx.modelfs.LegacyFileSystem;
import io.fsctx.modelfs.NoTeardownFileSystem;
import io.fsctx.modelfs.NtfsLikeFileSystem;
import io.fsctx.modelfs.toolkit.ClosePolicy;
import io.fsctx.io.FileSystemDriver;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FsCheckerTest {

  static Stream<Arguments> goodModels() {
    return Stream.of(
        Arguments.of("NTFS-like, immediate close", (Supplier<FileSystemDriver>) NtfsLikeFileSystem::new),
        Arguments.of("NTFS-like, delayed close",
            (Supplier<FileSystemDriver>) () -> new NtfsLikeFileSystem(ClosePolicy.DELAYED)),
        Arguments.of("FAT-like, immediate close", (Supplier<FileSystemDriver>) FatLikeFileSystem::new),
        Arguments.of("FAT-like, delayed close",
            (Supplier<FileSystemDriver>) () -> new FatLikeFileSystem(ClosePolicy.DELAYED)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("goodModels")
  @DisplayName("check_bundledGoodModels_noFail: NTFS-like and FAT-like meet every FCB header rule (fsrtl.md §2-§8)")
  void check_bundledGoodModels_noFail(String name, Supplier<FileSystemDriver> factory) {
    CheckReport r = new FsChecker(factory).check();
    assertFalse(r.hasFailures(), r::format);
    assertEquals(0, r.count(Verdict.WARN), r::format);
  }

  @Test
  @DisplayName("check_ntfsLike_fileContextsNative: one FileContextSupportPointer shared by streams and links (fsrtl.md §8)")
  void check_ntfsLike_fileContextsNative() {
    CheckReport r = new FsChecker(NtfsLikeFileSystem::new).check();
    Requirement file = r.requirement("FILE-CTX");
    assertEquals(Verdict.PASS, file.verdict());
    assertTrue(file.evidence().contains("native"), file.evidence());
    assertTrue(file.evidence().contains("named stream"), file.evidence());
    assertEquals(Verdict.PASS, r.requirement("FILE-TEARDOWN").verdict());
  }

  @Test
  @DisplayName("check_fatLike_fileContextsEmulated: single-stream FS gets FltSupportsFileContextsEx (fltmgr.md §5.7)")
  void check_fatLike_fileContextsEmulated() {
    CheckReport r = new FsChecker(FatLikeFileSystem::new).check();
    assertTrue(r.requirement("FILE-CTX").evidence().contains("emulated"), r::format);
    assertEquals(Verdict.NOT_APPLICABLE, r.requirement("FILE-TEARDOWN").verdict());
  }

  @Test
  @DisplayName("check_legacy_failsOnCommonHeaderAndNotSupportedStreamContexts (fsrtl.md §2, fltmgr.md §5.7)")
  void check_legacy_failsOnCommonHeaderAndNotSupportedStreamContexts() {
    CheckReport r = new FsChecker(LegacyFileSystem::new).check();
    assertTrue(r.hasFailures());
    Requirement hdr = r.requirement("HDR-ADVANCED");
    assertEquals(Verdict.FAIL, hdr.verdict());
    assertTrue(hdr.evidence().contains("FSRTL_COMMON_FCB_HEADER only"), hdr.evidence());
    Requirement stream = r.requirement("STREAM-CTX");
    assertEquals(Verdict.FAIL, stream.verdict());
    assertTrue(stream.evidence().contains("STATUS_NOT_SUPPORTED (0xC00000BB)"), stream.evidence());
    assertEquals(Verdict.FAIL, r.requirement("HANDLE-CTX").verdict());
    assertEquals(Verdict.FAIL, r.requirement("FILE-CTX").verdict());
  }

  @Test
  @DisplayName("check_noTeardown_failsNamingTheMissingCall: FCBs freed without FsRtlTeardownPerStreamContexts (btrfs #802)")
  void check_noTeardown_failsNamingTheMissingCall() {
    CheckReport r = new FsChecker(NoTeardownFileSystem::new).check();
    Requirement t = r.requirement("STREAM-TEARDOWN");
    assertEquals(Verdict.FAIL, t.verdict());
    assertTrue(t.evidence().contains("without FsRtlTeardownPerStreamContexts"), t.evidence());
    assertTrue(t.evidence().contains("STREAM_LIST_CTRL"), t.evidence());
    assertEquals(Verdict.FAIL, r.requirement("DISMOUNT").verdict());
    // Everything else about the headers is right.
    assertEquals(Verdict.PASS, r.requirement("HDR-ADVANCED").verdict());
    assertEquals(Verdict.PASS, r.requirement("STREAM-CTX").verdict());
    assertEquals(Verdict.PASS, r.requirement("FLAGS-STABLE").verdict());
  }

  @Test
  @DisplayName("check_flagsWiped_failsNamingTheClearedFlags: memset after setup (Ext4Fsd #88, fsrtl.md §3.2)")
  void check_flagsWiped_failsNamingTheClearedFlags() {
    CheckReport r = new FsChecker(FlagsWipedFileSystem::new).check();
    Requirement f = r.requirement("FLAGS-STABLE");
    assertEquals(Verdict.FAIL, f.verdict());
    assertTrue(f.evidence().contains("FSRTL_FLAG_ADVANCED_HEADER (0x40) cleared from Flags"), f.evidence());
    assertTrue(f.evidence().contains("FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS (0x02) cleared from Flags2"), f.evidence());
    assertEquals(Verdict.FAIL, r.requirement("STREAM-CTX").verdict());
    assertEquals(Verdict.PASS, r.requirement("STREAM-TEARDOWN").verdict());
  }

  @Test
  @DisplayName("check_userFileSystem_passes: a FileSystemDriver subclass with advanced headers meets the rules")
  void check_userFileSystem_passes() {
    CheckReport r = new FsChecker(SampleUserFileSystem::new).check();
    assertFalse(r.hasFailures(), r::format);
    assertEquals("sample-user-fs", r.fileSystemName());
  }

  @Test
  void check_factoryReturnsMountedFileSystem_throws() {
    NtfsLikeFileSystem fs = new NtfsLikeFileSystem();
    new io.fsctx.io.IoManager().mount("\\Device\\HarddiskVolume9", null, fs);
    org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> new FsChecker(() -> fs).check());
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
}
