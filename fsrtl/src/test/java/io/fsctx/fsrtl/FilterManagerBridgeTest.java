package io.fsctx.fsrtl;

import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FLAG2_IS_PAGING_FILE;
import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.io.FileObject;
import io.fsctx.nt.NtStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What the FsRtl layer contributes to the Filter Manager items 14.50 to 14.52: the statuses and
 * support answers Filter Manager maps to {@code STATUS_NOT_SUPPORTED}/FALSE, and a per-stream
 * context subclass used as Filter Manager's per-stream control block, reached by the file system's
 * teardown through its FreeCallback. The Filter Manager module tests the rest (the mapping to
 * NOT_SUPPORTED, FltSupports*Contexts, stream-handle contexts and detaching the instances' contexts).
 */
class FilterManagerBridgeTest {
  /** A model of Filter Manager's STREAM_LIST_CTRL: one per stream and frame, holding per-instance state. */
  static final class StreamListCtrl extends PerStreamContext {
    final Map<Object, String> streamContextsByInstance = new LinkedHashMap<>();
    final List<String> detached;

    StreamListCtrl(Object frame, List<String> detached) {
      super(frame, null, ctrl -> ((StreamListCtrl) ctrl).detachAll());
      this.detached = detached;
    }

    void detachAll() {
      detached.addAll(streamContextsByInstance.values());
      streamContextsByInstance.clear();
    }
  }

  @Test
  @DisplayName("fsrtl.md 14.50 (FsRtl part): a stream without per-stream support refuses the control block; Filter Manager maps this to NOT_SUPPORTED")
  void insertControlBlock_unsupportedStreams_invalidDeviceRequest() {
    CommonFcbHeader legacy = new CommonFcbHeader("LegacyFcb#1");
    legacy.setFlags2(FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS);
    FileObject legacyFo = new FileObject("FileObject#1", "\\a.txt");
    legacyFo.setFsContext(legacy);
    StreamListCtrl ctrl = new StreamListCtrl(new Ptr("Frame0"), new ArrayList<>());

    assertFalse(FsRtl.supportsPerStreamContexts(legacyFo));
    assertEquals(NtStatus.STATUS_INVALID_DEVICE_REQUEST, FsRtl.insertPerStreamContext(legacyFo.fsContext(), ctrl));
    assertFalse(ctrl.isLinked());
  }

  @Test
  @DisplayName("fsrtl.md 14.51 (FsRtl part): a paging-file stream reports no per-stream support and is flagged as a paging file")
  void pagingFile_reportsNoStreamSupportAndIsPagingFile() {
    AdvancedFcbHeader h = new AdvancedFcbHeader("Fcb#pagefile");
    h.setupEx(new FastMutex(), new PerFileContextSlot("File#pagefile"));
    h.setFlags2Bits(FSRTL_FLAG2_IS_PAGING_FILE);
    h.clearFlags2Bits(FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS);
    FileObject fo = new FileObject("FileObject#1", "\\pagefile.sys");
    fo.setFsContext(h);

    assertFalse(FsRtl.supportsPerStreamContexts(fo));
    assertTrue(h.isPagingFile());
    // The per-file macro ignores the Flags2 bit (14.39), so Filter Manager must itself refuse file
    // contexts on a paging file by testing isPagingFile(); that check is tested in its module.
    assertTrue(FsRtl.supportsPerFileContexts(fo));
  }

  @Test
  @DisplayName("fsrtl.md 14.52 (FsRtl part): teardown of the header reaches Filter Manager's control block through its FreeCallback")
  void teardown_headerWithControlBlocks_reachesEachThroughFreeCallback() {
    AdvancedFcbHeader h = new AdvancedFcbHeader("Scb#1");
    h.setup(new FastMutex());
    List<String> detached = new ArrayList<>();
    Ptr frame0 = new Ptr("Frame0");
    Ptr frame1 = new Ptr("Frame1");
    StreamListCtrl ctrl0 = new StreamListCtrl(frame0, detached);
    ctrl0.streamContextsByInstance.put(new Ptr("InstA"), "StreamCtx(A)");
    ctrl0.streamContextsByInstance.put(new Ptr("InstB"), "StreamCtx(B)");
    StreamListCtrl ctrl1 = new StreamListCtrl(frame1, detached);
    ctrl1.streamContextsByInstance.put(new Ptr("InstC"), "StreamCtx(C)");
    assertEquals(NtStatus.STATUS_SUCCESS, FsRtl.insertPerStreamContext(h, ctrl0));
    assertEquals(NtStatus.STATUS_SUCCESS, FsRtl.insertPerStreamContext(h, ctrl1));
    assertSame(ctrl0, FsRtl.lookupPerStreamContext(h, frame0, null), "one control block per frame");

    FsRtl.teardownPerStreamContexts(h);

    assertEquals(List.of("StreamCtx(C)", "StreamCtx(A)", "StreamCtx(B)"), detached);
    assertTrue(ctrl0.streamContextsByInstance.isEmpty());
    assertNull(FsRtl.lookupPerStreamContext(h, frame1, null));
  }
}
