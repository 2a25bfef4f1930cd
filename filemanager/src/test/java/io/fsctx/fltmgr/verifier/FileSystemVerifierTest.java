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
import io.fsctx.fsrtl.CommonFcbHeader;
import io.fsctx.fsrtl.FsRtlConstants;
import io.fsctx.modelfs.toolkit.ClosePolicy;
import io.fsctx.io.Fcb;
import io.fsctx.io.FileObject;
import io.fsctx.io.FileSystemDriver;
import io.fsctx.io.HeaderKind;
import io.fsctx.io.Irp;
import io.fsctx.io.Scb;
import io.fsctx.nt.NtStatus;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * V12, the file-system side (fltmgr.md 6.5, ctx-sample.md 3.4 and 4.5): each broken file system
 * below is a test-only subclass that gets one obligation wrong; the NTFS-like file system doing the
 * same workload is the clean counterpart.
 */
class FileSystemVerifierTest {

  /** A file system with NTFS's header layout that subclasses break in one way each. */
  private static class TestFs extends FileSystemDriver {
    TestFs(String name) {
      super(name, HeaderKind.ADVANCED_WITH_FILE_CONTEXTS, ClosePolicy.IMMEDIATE);
    }
  }

  /** Never calls FsRtlTeardownPerStreamContexts (WinBtrfs issue 802). */
  private static final class SkipsStreamTeardownFs extends TestFs {
    SkipsStreamTeardownFs() {
      super("skips-stream-teardown");
    }

    @Override
    protected void tearDownStreamContexts(Scb scb) {
      // The bug: the stream dies with its FilterContexts list untouched.
    }
  }

  /** Never calls FsRtlTeardownPerFileContexts. */
  private static final class SkipsFileTeardownFs extends TestFs {
    SkipsFileTeardownFs() {
      super("skips-file-teardown");
    }

    @Override
    protected void tearDownFileContexts(Fcb fcb) {
      // The bug: the per-file slot dies with its contexts.
    }
  }

  /** Clears Flags and Flags2 right after FsRtlSetupAdvancedHeaderEx. */
  private static final class ClearsFlagsAfterSetupFs extends TestFs {
    ClearsFlagsAfterSetupFs() {
      super("clears-flags-after-setup");
    }

    @Override
    protected CommonFcbHeader newStreamHeader(Fcb fcb, String id) {
      CommonFcbHeader h = super.newStreamHeader(fcb, id);
      h.setFlags(0);
      h.setFlags2(0);
      return h;
    }
  }

  /** Puts FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS back on a paging file's header after the create. */
  private static final class PagingFileKeepsSupportFs extends TestFs {
    PagingFileKeepsSupportFs() {
      super("paging-file-keeps-support");
    }

    @Override
    protected NtStatus create(Irp irp) {
      NtStatus st = super.create(irp);
      FileObject fo = irp.fileObject();
      if (fo != null && fo.fsContext() instanceof AdvancedFcbHeader h && h.isPagingFile()) {
        h.setFlags2Bits(FsRtlConstants.FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS);
      }
      return st;
    }
  }

  @Test
  @DisplayName("V12: an FCB freed without FsRtlTeardownPerStreamContexts, with Filter Manager's control block on it, is reported")
  void close_fileSystemSkipsStreamTeardown_reported() {
    FrameFixture fx = FrameFixture.settingContexts(VerifierLevel.COUNTING, new SkipsStreamTeardownFs());
    FileObject fo = fx.open("\\a.txt");
    String scbId = Objects.requireNonNull(fo.fsContext()).id();

    fx.io.closeHandle(fo);

    VerifierFinding f = fx.single(VerifierFinding.Kind.FS_STREAM_TEARDOWN_MISSING);
    assertEquals("file system", f.culprit());
    assertEquals(scbId, f.subject());
    assertContains(f.message(), scbId, "\\a.txt", "without calling FsRtlTeardownPerStreamContexts",
        "StreamListCtrl", "1 context(s) that now leak");
    assertTrue(fx.manager.liveContexts().stream().anyMatch(c -> c.type() == FltContextType.STREAM),
        "the stream context leaked with the FCB");
  }

  @Test
  @DisplayName("V12: a per-file structure freed without FsRtlTeardownPerFileContexts is reported")
  void close_fileSystemSkipsFileTeardown_reported() {
    FrameFixture fx = FrameFixture.settingContexts(VerifierLevel.COUNTING, new SkipsFileTeardownFs());

    fx.io.closeHandle(fx.open("\\a.txt"));

    VerifierFinding f = fx.single(VerifierFinding.Kind.FS_FILE_TEARDOWN_MISSING);
    assertEquals("file system", f.culprit());
    assertContains(f.subject(), "Fcb#");
    assertContains(f.message(), f.subject(), "without calling FsRtlTeardownPerFileContexts", "1 file context(s)");
    assertEquals(List.of(), fx.findings(VerifierFinding.Kind.FS_STREAM_TEARDOWN_MISSING));
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
  @DisplayName("V12: a dismount while freed FCBs still hold Filter Manager's control blocks is reported")
  void dismount_controlBlocksLeftByMissingTeardown_reported() {
    FrameFixture fx = FrameFixture.settingContexts(VerifierLevel.COUNTING, new SkipsStreamTeardownFs());
    fx.io.closeHandle(fx.open("\\a.txt"));
    fx.io.closeHandle(fx.open("\\b.txt"));

    fx.io.dismount(fx.volume);

    VerifierFinding f = fx.single(VerifierFinding.Kind.FS_DISMOUNT_WITH_LIVE_CONTROL_BLOCKS);
    assertEquals("file system", f.culprit());
    assertContains(f.message(), "\\Device\\HarddiskVolume1", "2 freed FCB(s)", "FsRtlTeardownPerStreamContexts");
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

    VerifierFinding f = fx.single(VerifierFinding.Kind.FS_HEADER_FLAGS_CHANGED);
    assertEquals("file system", f.culprit());
    assertEquals(scbId, f.subject());
    assertContains(f.message(), scbId, "flags cleared after setup", "FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS is gone");
    assertEquals(List.of(), fx.manager.liveContexts(), "the filter released its refused contexts");
  }

  @Test
  @DisplayName("V12: a paging-file header that still claims filter-context support is reported")
  void request_pagingFileClaimsSupport_reported() {
    FrameFixture fx = FrameFixture.settingContexts(VerifierLevel.COUNTING, new PagingFileKeepsSupportFs());
    FileObject fo = fx.openPagingFile("\\pagefile.sys");
    String scbId = Objects.requireNonNull(fo.fsContext()).id();

    fx.io.closeHandle(fo);

    VerifierFinding f = fx.single(VerifierFinding.Kind.FS_PAGING_FILE_CLAIMS_FILTER_CONTEXTS);
    assertEquals("file system", f.culprit());
    assertEquals(scbId, f.subject());
    assertContains(f.message(), scbId, "FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS");
    assertEquals(List.of(), fx.findings(VerifierFinding.Kind.FS_HEADER_FLAGS_CHANGED));
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
