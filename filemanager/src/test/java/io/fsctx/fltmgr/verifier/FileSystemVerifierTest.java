package io.fsctx.fltmgr.verifier;

import static io.fsctx.fltmgr.verifier.FrameFixture.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.modelfs.NtfsLikeFileSystem;
import io.fsctx.fltmgr.Flt;
import io.fsctx.fltmgr.FltContextType;
import io.fsctx.fltmgr.VerifierFinding;
import io.fsctx.fltmgr.VerifierLevel;
import io.fsctx.fsrtl.AdvancedFcbHeader;
import io.fsctx.fsrtl.FastMutex;
import io.fsctx.modelfs.toolkit.ClosePolicy;
import io.fsctx.io.FileObject;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * V12, the file-system side (fltmgr.md 6.5, ctx-sample.md 3.4 and 4.5): Filter Manager's verifier
 * runs the file-system rule table ({@code io.fsctx.verifier.FsRule}) on the I/O manager it
 * follows and reports each broken rule as a {@code FILE_SYSTEM_RULE} finding whose message starts
 * with the rule's id. Each broken file system below is the NTFS-like model with one obligation
 * wrong; the NTFS-like model doing the same workload is the clean counterpart.
 */
class FileSystemVerifierTest {

  /** Never calls FsRtlTeardownPerStreamContexts (WinBtrfs issue 802). */
  private static final class SkipsStreamTeardownFs extends NtfsLikeFileSystem {
    SkipsStreamTeardownFs() {
      super("skips-stream-teardown", ClosePolicy.IMMEDIATE);
    }

    @Override
    protected void deleteScb(Scb scb) {
      scb.block().pool().free(scb.block()); // the bug: no teardown before the free
    }
  }

  /** Never calls FsRtlTeardownPerFileContexts. */
  private static final class SkipsFileTeardownFs extends NtfsLikeFileSystem {
    SkipsFileTeardownFs() {
      super("skips-file-teardown", ClosePolicy.IMMEDIATE);
    }

    @Override
    protected void deleteFcb(Fcb fcb) {
      fcb.block().pool().free(fcb.block()); // the bug: the slot dies with its contexts
    }
  }

  /** Tears streams down but never frees them. */
  private static final class NeverFreesFs extends NtfsLikeFileSystem {
    NeverFreesFs() {
      super("never-frees", ClosePolicy.IMMEDIATE);
    }

    @Override
    protected void deleteScb(Scb scb) {
      io.fsctx.fsrtl.FsRtl.teardownPerStreamContexts(scb); // the bug: no free
    }
  }

  /** Clears Flags and Flags2 right after FsRtlSetupAdvancedHeaderEx. */
  private static final class ClearsFlagsAfterSetupFs extends NtfsLikeFileSystem {
    ClearsFlagsAfterSetupFs() {
      super("clears-flags-after-setup", ClosePolicy.IMMEDIATE);
    }

    @Override
    protected void initializeScbHeader(Scb scb, FastMutex mutex, boolean pagingFile) {
      super.initializeScbHeader(scb, mutex, pagingFile);
      scb.setFlags(0);
      scb.setFlags2(0);
    }
  }

  /** Puts FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS back on a paging file's header after the create. */
  private static final class PagingFileKeepsSupportFs extends NtfsLikeFileSystem {
    PagingFileKeepsSupportFs() {
      super("paging-file-keeps-support", ClosePolicy.IMMEDIATE);
    }

    @Override
    protected void initializeScbHeader(Scb scb, FastMutex mutex, boolean pagingFile) {
      super.initializeScbHeader(scb, mutex, false); // the bug: no paging-file rule
    }
  }

  private static VerifierFinding single(FrameFixture fx, String ruleId) {
    List<VerifierFinding> all = fx.findings(VerifierFinding.Kind.FILE_SYSTEM_RULE);
    List<VerifierFinding> of = all.stream().filter(f -> f.message().startsWith(ruleId + ": ")).toList();
    assertEquals(1, of.size(), () -> "one " + ruleId + " finding expected in " + all);
    return of.get(0);
  }

  @Test
  @DisplayName("V12: an FCB freed without FsRtlTeardownPerStreamContexts, with Filter Manager's control block on it, is reported")
  void close_fileSystemSkipsStreamTeardown_reported() {
    FrameFixture fx = FrameFixture.settingContexts(VerifierLevel.COUNTING, new SkipsStreamTeardownFs());
    FileObject fo = fx.open("\\a.txt");
    String scbId = Objects.requireNonNull(fo.fsContext()).id();

    fx.io.closeHandle(fo);

    VerifierFinding f = single(fx, "STREAM-TEARDOWN");
    assertEquals("file system", f.culprit());
    assertEquals(scbId, f.subject());
    assertContains(f.message(), scbId, "\\a.txt", "without FsRtlTeardownPerStreamContexts", "IRP_MJ_CLOSE",
        "1 per-stream context");
    assertTrue(fx.manager.liveContexts().stream().anyMatch(c -> c.type() == FltContextType.STREAM),
        "the stream context leaked with the FCB");
  }

  @Test
  @DisplayName("V12: a per-file structure freed without FsRtlTeardownPerFileContexts is reported")
  void close_fileSystemSkipsFileTeardown_reported() {
    FrameFixture fx = FrameFixture.settingContexts(VerifierLevel.COUNTING, new SkipsFileTeardownFs());

    fx.io.closeHandle(fx.open("\\a.txt"));

    VerifierFinding f = single(fx, "FILE-TEARDOWN");
    assertEquals("file system", f.culprit());
    assertContains(f.subject(), "Fcb#");
    assertContains(f.message(), f.subject(), "without FsRtlTeardownPerFileContexts", "1 per-file context stays linked");
    assertTrue(fx.findings(VerifierFinding.Kind.FILE_SYSTEM_RULE).stream()
        .noneMatch(x -> x.message().startsWith("STREAM-TEARDOWN")));
  }

  @Test
  @DisplayName("V12: the NTFS-like file system tears streams and files down: the same workload is clean")
  void close_ntfsLike_noFindingsNoLiveContexts() {
    FrameFixture fx = FrameFixture.settingContexts(VerifierLevel.COUNTING, new NtfsLikeFileSystem());

    fx.io.closeHandle(fx.open("\\a.txt"));
    fx.io.closeHandle(fx.open("\\b.txt"));
    fx.io.dismount(fx.volume);

    assertEquals(List.of(), fx.findings());
    assertEquals(List.of(), fx.manager.liveContexts());
  }

  @Test
  @DisplayName("V12: structures still allocated once the dismounted volume has no file objects are reported")
  void dismount_structuresNeverFreed_reported() {
    FrameFixture fx = FrameFixture.settingContexts(VerifierLevel.COUNTING, new NeverFreesFs());
    fx.io.closeHandle(fx.open("\\a.txt"));
    fx.io.closeHandle(fx.open("\\b.txt"));

    fx.io.dismount(fx.volume);

    List<VerifierFinding> leaks = fx.findings(VerifierFinding.Kind.FILE_SYSTEM_RULE).stream()
        .filter(f -> f.message().startsWith("FREE-AT-DISMOUNT: ")).toList();
    assertEquals(2, leaks.size(), () -> "one per never-freed SCB: " + leaks);
    assertContains(leaks.get(0).message(), "'NtfS' SCB", "still allocated", "\\Device\\HarddiskVolume1");
  }

  @Test
  @DisplayName("V12: a dismount while a handle is still open is not the file system's fault: clean until the close")
  void dismount_handleStillOpen_noFinding() {
    FrameFixture fx = FrameFixture.settingContexts(VerifierLevel.COUNTING, new NtfsLikeFileSystem());
    FileObject fo = fx.open("\\a.txt");

    fx.io.dismount(fx.volume);
    fx.io.closeHandle(fo);

    assertEquals(List.of(), fx.findings());
    assertEquals(List.of(), fx.manager.liveContexts());
  }

  @Test
  @DisplayName("V12: header flags cleared after FsRtlSetupAdvancedHeaderEx are reported once per header")
  void request_headerFlagsClearedAfterSetup_reportedOnce() {
    FrameFixture fx = FrameFixture.settingContexts(VerifierLevel.COUNTING, new ClearsFlagsAfterSetupFs());
    FileObject fo = fx.open("\\a.txt");
    String scbId = Objects.requireNonNull(fo.fsContext()).id();
    fx.io.flushBuffers(fo);
    fx.io.flushBuffers(fo);
    fx.io.closeHandle(fo);

    VerifierFinding f = single(fx, "FLAGS-STABLE");
    assertEquals("file system", f.culprit());
    assertEquals(scbId, f.subject());
    assertContains(f.message(), scbId, "lost FSRTL_FLAG_ADVANCED_HEADER", "lost FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS");
    assertEquals(List.of(), fx.manager.liveContexts(), "the filter released its refused contexts");
  }

  @Test
  @DisplayName("V12: a paging-file header that still claims filter-context support is reported")
  void request_pagingFileClaimsSupport_reported() {
    FrameFixture fx = FrameFixture.settingContexts(VerifierLevel.COUNTING, new PagingFileKeepsSupportFs());
    FileObject fo = fx.openPagingFile("\\pagefile.sys");
    String scbId = Objects.requireNonNull(fo.fsContext()).id();

    fx.io.closeHandle(fo);

    VerifierFinding f = single(fx, "PAGING-FILE");
    assertEquals("file system", f.culprit());
    assertEquals(scbId, f.subject());
    assertContains(f.message(), scbId, "still has FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS");
    assertTrue(fx.findings(VerifierFinding.Kind.FILE_SYSTEM_RULE).stream()
        .noneMatch(x -> x.message().startsWith("FLAGS-STABLE")));
  }

  @Test
  @DisplayName("V12: the NTFS-like paging file loses filter support by the documented rule, which is not a flags change")
  void request_ntfsLikePagingFile_noFindings() {
    FrameFixture fx = FrameFixture.settingContexts(VerifierLevel.COUNTING, new NtfsLikeFileSystem());
    FileObject fo = fx.openPagingFile("\\pagefile.sys");
    AdvancedFcbHeader h = (AdvancedFcbHeader) Objects.requireNonNull(fo.fsContext());
    assertTrue(h.isPagingFile());
    assertFalse(h.supportsFilterContexts());
    assertFalse(Flt.supportsStreamContexts(fo));

    fx.io.flushBuffers(fo);
    fx.io.closeHandle(fo);

    assertEquals(List.of(), fx.findings());
    assertEquals(List.of(), fx.manager.liveContexts());
  }
}
