package io.fsctx.fsrtl;

import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FCB_HEADER_V0;
import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FLAG2_IS_PAGING_FILE;
import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS;
import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FLAG_ADVANCED_HEADER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.io.FileObject;
import io.fsctx.nt.NtStatus;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Whether a stream supports per-stream contexts, and what insert, lookup, remove and teardown do
 * when it does not: a clear {@code Flags2} bit (paging files), a common-header-only FCB (even with
 * a stray bit), a null {@code FsContext} (fsrtl.md 5, 7, 11; items 14.7 to 14.10, 14.18, 14.22,
 * 14.31, 14.35).
 */
class PerStreamSupportTest {
  private final Ptr owner = new Ptr("Owner");
  private final AtomicInteger frees = new AtomicInteger();

  private PerStreamContext newContext() {
    return new PerStreamContext(owner, null, c -> frees.incrementAndGet());
  }

  private static FileObject openedOn(CommonFcbHeader header) {
    FileObject fo = new FileObject("FileObject#1", "\\pagefile.sys");
    fo.setFsContext(header);
    return fo;
  }

  /** A header set up by the file system and then marked as a paging file, as fastfat and NTFS do. */
  private static AdvancedFcbHeader pagingFileHeader() {
    AdvancedFcbHeader h = new AdvancedFcbHeader("Fcb#pagefile");
    h.setup(new FastMutex());
    h.setFlags2Bits(FSRTL_FLAG2_IS_PAGING_FILE);
    h.clearFlags2Bits(FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS);
    return h;
  }

  @Test
  @DisplayName("fsrtl.md 14.7: SupportsPerStreamContexts is false when FsContext is null (and for a null file object)")
  void supportsPerStreamContexts_nullFsContext_false() {
    FileObject fo = new FileObject("FileObject#1", "\\a.txt");

    assertFalse(FsRtl.supportsPerStreamContexts(fo));
    assertFalse(FsRtl.supportsPerStreamContexts(null));
    assertNull(FsRtl.getPerStreamContextPointer(fo));
  }

  @ParameterizedTest(name = "Flags2 = 0x{0}")
  @ValueSource(ints = {0x00, 0x01, 0x02, 0x03, 0x08, 0x0A, 0xFD, 0xFF})
  @DisplayName("fsrtl.md 14.8: on an advanced header SupportsPerStreamContexts is true iff Flags2 has 0x02")
  void supportsPerStreamContexts_advancedHeader_followsFlags2Bit(int flags2) {
    AdvancedFcbHeader h = new AdvancedFcbHeader("Fcb#1");
    h.setup(new FastMutex());
    h.setFlags2(flags2);
    FileObject fo = openedOn(h);

    boolean expected = (flags2 & FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS) != 0;
    assertEquals(expected, FsRtl.supportsPerStreamContexts(fo));
    assertEquals(expected, h.supportsFilterContexts());
  }

  @Test
  @DisplayName("fsrtl.md 5: like the macro, the support test reads only the Flags2 bit, not FSRTL_FLAG_ADVANCED_HEADER or Version")
  void supportsPerStreamContexts_bitWithoutAdvancedFlag_true() {
    AdvancedFcbHeader h = new AdvancedFcbHeader("Fcb#1");
    h.setFastMutex(new FastMutex());
    h.setFlags2(FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS);

    assertEquals(0, h.flags() & FSRTL_FLAG_ADVANCED_HEADER);
    assertEquals(FSRTL_FCB_HEADER_V0, h.version());
    assertTrue(FsRtl.supportsPerStreamContexts(openedOn(h)));
  }

  @ParameterizedTest(name = "Flags2 = 0x{0}")
  @ValueSource(ints = {0x00, 0x02, 0x03, 0x0A, 0xFF})
  @DisplayName("fsrtl.md 14.9: a common-header-only FCB never supports per-stream contexts, whatever its Flags2 bits")
  void supportsPerStreamContexts_commonHeaderOnly_alwaysFalse(int flags2) {
    CommonFcbHeader h = new CommonFcbHeader("LegacyFcb#1");
    h.setFlags(FSRTL_FLAG_ADVANCED_HEADER);
    h.setFlags2(flags2);
    FileObject fo = openedOn(h);

    assertFalse(FsRtl.supportsPerStreamContexts(fo));
    assertNull(FsRtl.getPerStreamContextPointer(fo));
    assertFalse(FsRtl.supportsPerFileContexts(fo));
    assertNull(FsRtl.getPerFileContextPointer(fo));
  }

  @Test
  @DisplayName("fsrtl.md 13 (facade): a common-header FCB with a stray 0x02 bit gets INVALID_DEVICE_REQUEST on insert, null on lookup and remove")
  void facade_commonHeaderWithStrayBit_rejectsEveryOperation() {
    CommonFcbHeader h = new CommonFcbHeader("LegacyFcb#1");
    h.setFlags2(FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS);
    FileObject fo = openedOn(h);
    PerStreamContext c = newContext();

    assertEquals(NtStatus.STATUS_INVALID_DEVICE_REQUEST, FsRtl.insertPerStreamContext(fo.fsContext(), c));
    assertEquals(0xC0000010, FsRtl.insertPerStreamContext(fo.fsContext(), c).code());
    assertFalse(c.isLinked(), "the filter still owns a context whose insert failed");
    assertNull(FsRtl.lookupPerStreamContext(fo.fsContext(), null, null));
    assertNull(FsRtl.lookupPerStreamContext(fo.fsContext(), owner, null));
    assertNull(FsRtl.removePerStreamContext(fo.fsContext(), owner, null));
    assertThrows(IllegalArgumentException.class, () -> FsRtl.lookupPerStreamContext(fo.fsContext(), null, owner));
    FsRtl.teardownPerStreamContexts(h);
    assertEquals(0, frees.get());
    assertEquals(FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS, h.flags2(), "nothing wrote to the common header");
  }

  @Test
  @DisplayName("fsrtl.md 13 (Java API): the per-stream operations exist only on AdvancedFcbHeader, so a common header cannot reach them")
  void javaApi_commonHeader_hasNoContextOperations() {
    List<String> names =
        Arrays.stream(CommonFcbHeader.class.getMethods()).map(Method::getName).toList();

    for (String op :
        List.of(
            "insertPerStreamContext",
            "lookupPerStreamContext",
            "removePerStreamContext",
            "teardownPerStreamContexts",
            "supportsFilterContexts",
            "fileContextSupportPointer")) {
      assertFalse(names.contains(op), op + " must not be reachable on a common header");
    }
    assertTrue(Arrays.stream(AdvancedFcbHeader.class.getMethods()).anyMatch(m -> m.getName().equals("insertPerStreamContext")));
  }

  @Test
  @DisplayName("fsrtl.md 14.10: insert on a header whose Flags2 0x02 bit is clear returns INVALID_DEVICE_REQUEST and leaves the list unchanged")
  void insert_bitClear_invalidDeviceRequestListUnchanged() {
    AdvancedFcbHeader h = new AdvancedFcbHeader("Fcb#1");
    h.setup(new FastMutex());
    PerStreamContext before = newContext();
    h.insertPerStreamContext(before);
    h.clearFlags2Bits(FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS);
    PerStreamContext c = newContext();
    long acquisitions = h.filterContextsLock().acquisitionCount();

    assertEquals(NtStatus.STATUS_INVALID_DEVICE_REQUEST, h.insertPerStreamContext(c));
    assertEquals(NtStatus.STATUS_INVALID_DEVICE_REQUEST, FsRtl.insertPerStreamContext(h, c));

    assertEquals(List.of(before), h.perStreamContexts());
    assertFalse(c.isLinked());
    assertEquals(acquisitions, h.filterContextsLock().acquisitionCount());
  }

  @Test
  @DisplayName("fsrtl.md 14.18: lookup on an unsupported header returns null without acquiring the header lock")
  void lookup_bitClearOnFastMutexHeader_returnsNullWithoutLocking() {
    AdvancedFcbHeader h = new AdvancedFcbHeader("Fcb#1");
    FastMutex m = new FastMutex();
    h.setup(m);
    h.setVersion(FSRTL_FCB_HEADER_V0); // lookups acquire the FastMutex on this header
    h.insertPerStreamContext(newContext());
    h.clearFlags2Bits(FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS);
    long before = m.acquisitionCount();

    assertNull(h.lookupPerStreamContext(owner, null));
    assertNull(FsRtl.lookupPerStreamContext(h, null, null));
    assertEquals(before, m.acquisitionCount());
  }

  @Test
  @DisplayName("fsrtl.md 7.2: lookup on a supported header with an empty list returns null without acquiring the lock")
  void lookup_emptyListOnFastMutexHeader_returnsNullWithoutLocking() {
    AdvancedFcbHeader h = new AdvancedFcbHeader("Fcb#1");
    FastMutex m = new FastMutex();
    h.setup(m);
    h.setVersion(FSRTL_FCB_HEADER_V0);
    long before = m.acquisitionCount();

    assertNull(h.lookupPerStreamContext(null, null));
    assertEquals(before, m.acquisitionCount());
  }

  @Test
  @DisplayName("fsrtl.md 14.22/11.4: remove on an unsupported header returns null and the entry stays on the list")
  void remove_bitClearedAfterInsert_returnsNullEntryStays() {
    AdvancedFcbHeader h = new AdvancedFcbHeader("Fcb#1");
    h.setup(new FastMutex());
    PerStreamContext c = newContext();
    h.insertPerStreamContext(c);
    h.clearFlags2Bits(FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS);

    assertNull(h.removePerStreamContext(owner, null));
    assertNull(FsRtl.removePerStreamContext(h, null, null));
    assertEquals(List.of(c), h.perStreamContexts());

    assertEquals(1, h.teardownPerStreamContexts(), "teardown ignores the bit and still frees it");
    assertEquals(1, frees.get());
  }

  @Test
  @DisplayName("fsrtl.md 14.35 (Java API): a paging-file header refuses inserts and reports no per-stream support")
  void javaApi_pagingFile_refusesContexts() {
    AdvancedFcbHeader h = pagingFileHeader();
    PerStreamContext c = newContext();

    assertTrue(h.isPagingFile());
    assertFalse(h.supportsFilterContexts());
    assertEquals(NtStatus.STATUS_INVALID_DEVICE_REQUEST, h.insertPerStreamContext(c));
    assertNull(h.lookupPerStreamContext(owner, null));
    assertNull(h.removePerStreamContext(owner, null));
    assertFalse(c.isLinked());
  }

  @Test
  @DisplayName("fsrtl.md 14.35 (facade): a paging-file header refuses inserts and SupportsPerStreamContexts is false")
  void facade_pagingFile_refusesContexts() {
    AdvancedFcbHeader h = pagingFileHeader();
    FileObject fo = openedOn(h);
    PerStreamContext c = newContext();

    assertFalse(FsRtl.supportsPerStreamContexts(fo));
    assertSame(h, FsRtl.getPerStreamContextPointer(fo));
    assertEquals(NtStatus.STATUS_INVALID_DEVICE_REQUEST, FsRtl.insertPerStreamContext(fo.fsContext(), c));
    assertNull(FsRtl.lookupPerStreamContext(fo.fsContext(), owner, null));
    assertNull(FsRtl.removePerStreamContext(fo.fsContext(), owner, null));
  }

  @Test
  @DisplayName("fsrtl.md 14.31: teardown on a paging-file header with an empty list completes without error, through both faces")
  void teardown_pagingFileEmptyList_completes() {
    AdvancedFcbHeader h = pagingFileHeader();

    assertEquals(0, h.teardownPerStreamContexts());
    FsRtl.teardownPerStreamContexts(h);
    assertEquals(2, h.teardownCount());
    assertFalse(h.filterContextsLock().isHeldByCurrentThread());
  }

  @Test
  @DisplayName("fsrtl.md 6: insert refuses a context that FsRtlInitPerStreamContext never initialised")
  void insert_uninitialisedContext_throws() {
    AdvancedFcbHeader h = new AdvancedFcbHeader("Fcb#1");
    h.setup(new FastMutex());
    PerStreamContext raw = new PerStreamContext();

    assertThrows(IllegalArgumentException.class, () -> h.insertPerStreamContext(raw));
    assertTrue(h.perStreamContexts().isEmpty());
  }

  @Test
  @DisplayName("fsrtl.md 5: FsRtlInitPerStreamContext assigns the ids and callback, and refuses a null owner or callback")
  void initPerStreamContext_assignsFieldsAndRejectsNulls() {
    PerStreamContext c = new PerStreamContext();
    Ptr instance = new Ptr("Inst");
    FreeCallback<PerStreamContext> cb = x -> frees.incrementAndGet();

    FsRtl.initPerStreamContext(c, owner, instance, cb);

    assertSame(owner, c.ownerId());
    assertSame(instance, c.instanceId());
    assertSame(cb, c.freeCallback());
    assertFalse(c.isLinked());
    assertThrows(IllegalArgumentException.class, () -> FsRtl.initPerStreamContext(c, null, null, cb));
    assertThrows(IllegalArgumentException.class, () -> FsRtl.initPerStreamContext(c, owner, null, null));
  }
}
