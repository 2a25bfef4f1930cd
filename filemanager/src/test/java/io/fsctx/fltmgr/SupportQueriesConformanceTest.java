package io.fsctx.fltmgr;

import static io.fsctx.nt.NtStatus.STATUS_NOT_SUPPORTED;
import static io.fsctx.nt.NtStatus.STATUS_SUCCESS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.fltmgr.FltTestSupport.Fx;
import io.fsctx.fltmgr.FltTestSupport.Stream;
import io.fsctx.fltmgr.FltTestSupport.StreamKind;
import io.fsctx.fltmgr.testing.NoLiveContextsExtension;
import io.fsctx.fltmgr.testing.NoLiveContextsExtension.TrackedManagers;
import io.fsctx.fsrtl.FsRtlConstants;
import io.fsctx.io.FileObject;
import io.fsctx.nt.Out;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** fltmgr.md 10.84–10.88: the FltSupports* queries and file-context emulation. */
@ExtendWith(NoLiveContextsExtension.class)
class SupportQueriesConformanceTest {

  @ParameterizedTest
  @EnumSource(StreamKind.class)
  @DisplayName("fltmgr.md 10.84, 10.85, 10.88: stream and stream-handle support iff FsContext is an advanced header with SUPPORTS_FILTER_CONTEXTS (paging files and legacy FCBs: FALSE)")
  void supportsStreamContexts_perStreamKind(StreamKind kind) {
    Stream s = FltTestSupport.stream(kind);
    boolean expected = kind == StreamKind.PER_FILE_SLOT || kind == StreamKind.NO_SLOT;
    assertEquals(expected, Flt.supportsStreamContexts(s.fo));
    assertEquals(expected, Flt.supportsStreamHandleContexts(s.fo));
    if (kind == StreamKind.PAGING) {
      assertFalse(Flt.supportsFileContexts(s.fo), "paging file: no file contexts even with a per-file slot");
      assertFalse(Flt.supportsFileContextsEx(s.fo, null));
    }
    s.teardown(true);
  }

  @Test
  @DisplayName("fltmgr.md 10.84, 10.88: a NULL file object supports nothing")
  void supports_nullFileObject_false() {
    assertFalse(Flt.supportsStreamContexts(null));
    assertFalse(Flt.supportsStreamHandleContexts(null));
    assertFalse(Flt.supportsFileContexts(null));
    assertFalse(Flt.supportsFileContextsEx(null, null));
  }

  @Test
  @DisplayName("fltmgr.md 10.84: clearing SUPPORTS_FILTER_CONTEXTS after setup turns stream support off")
  void supportsStreamContexts_flagCleared_false() {
    Stream s = FltTestSupport.stream(StreamKind.NO_SLOT);
    assertTrue(Flt.supportsStreamContexts(s.fo));
    s.advanced().clearFlags2Bits(FsRtlConstants.FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS);
    assertFalse(Flt.supportsStreamContexts(s.fo));
    assertFalse(Flt.supportsStreamHandleContexts(s.fo));
  }

  @Test
  @DisplayName("fltmgr.md 10.86: FltSupportsFileContexts iff header Version >= V1 and a FileContextSupportPointer")
  void supportsFileContexts_versionAndSlot() {
    Stream withSlot = FltTestSupport.stream(StreamKind.PER_FILE_SLOT);
    assertTrue(Flt.supportsFileContexts(withSlot.fo));
    assertTrue(Flt.supportsFileContextsEx(withSlot.fo, null));
    Stream noSlot = FltTestSupport.stream(StreamKind.NO_SLOT);
    assertFalse(Flt.supportsFileContexts(noSlot.fo));
    withSlot.advanced().setVersion(FsRtlConstants.FSRTL_FCB_HEADER_V0);
    assertFalse(Flt.supportsFileContexts(withSlot.fo));
  }

  @Test
  @DisplayName("fltmgr.md 10.87: single-stream FS with stream support and no slot: Supports FALSE, Ex(NULL) FALSE, Ex(instance) TRUE, and FltSetFileContext succeeds (emulated)")
  void supportsFileContextsEx_singleStreamVolume_emulates(TrackedManagers managers) {
    try (Fx fx = new Fx(managers.create(FltTestSupport.quickUnload().build()), false)) {
      FileObject fo = fx.stream.fo;
      assertFalse(Flt.supportsFileContexts(fo));
      assertFalse(Flt.supportsFileContextsEx(fo, null));
      assertTrue(Flt.supportsFileContextsEx(fo, fx.instance));
      FltContext c = fx.alloc(FltContextType.FILE);
      assertEquals(STATUS_SUCCESS, Flt.setFileContext(fx.instance, fo, 1, c, null));
      Out<FltContext> got = new Out<>();
      assertEquals(STATUS_SUCCESS, Flt.getFileContext(fx.instance, fx.stream.open(), got));
      assertSame(c, got.get());
      Flt.releaseContext(got.get());
      Flt.releaseContext(c);
      // The emulated file context lives on the stream, so stream teardown cleans it up.
      fx.stream.teardown(false);
      assertEquals(1, fx.rec.cleanupsOf(c));
    }
  }

  @Test
  @DisplayName("fltmgr.md 5.7 policy: no emulation when it is configured off or the volume has named streams")
  void supportsFileContextsEx_emulationOffOrNamedStreams_false(TrackedManagers managers) {
    try (Fx off = new Fx(managers.create(FltTestSupport.quickUnload().emulateFileContexts(false).build()), false)) {
      assertFalse(Flt.supportsFileContextsEx(off.stream.fo, off.instance));
      FltContext c = off.alloc(FltContextType.FILE);
      assertEquals(STATUS_NOT_SUPPORTED, Flt.setFileContext(off.instance, off.stream.fo, 1, c, null));
      Flt.releaseContext(c);
    }
    try (Fx ntfs = new Fx(managers.create(FltTestSupport.quickUnload().build()), true)) {
      Stream noSlot = ntfs.stream(StreamKind.NO_SLOT);
      assertFalse(Flt.supportsFileContextsEx(noSlot.fo, ntfs.instance));
      FltContext c = ntfs.alloc(FltContextType.FILE);
      assertEquals(STATUS_NOT_SUPPORTED, Flt.setFileContext(ntfs.instance, noSlot.fo, 1, c, null));
      Flt.releaseContext(c);
    }
  }
}
