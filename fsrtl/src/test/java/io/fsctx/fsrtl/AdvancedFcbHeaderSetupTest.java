package io.fsctx.fsrtl;

import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FCB_HEADER_V0;
import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FCB_HEADER_V1;
import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FCB_HEADER_V2;
import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FCB_HEADER_V3;
import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FCB_HEADER_V4;
import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FCB_HEADER_V5;
import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FLAG2_PURGE_WHEN_MAPPED;
import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS;
import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FLAG_ADVANCED_HEADER;
import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FLAG_FILE_MODIFIED;
import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FLAG_USER_MAPPED_FILE;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The setup macros, header versions and lock selection (fsrtl.md 3, 4; items 14.1 to 14.6, 14.36, 14.54). */
class AdvancedFcbHeaderSetupTest {
  private final Ptr owner = new Ptr("Owner");

  /** Every way a file system can set a header up, through both faces. */
  enum Setup {
    SETUP {
      @Override
      void run(AdvancedFcbHeader h) {
        h.setup(new FastMutex());
      }
    },
    SETUP_EX {
      @Override
      void run(AdvancedFcbHeader h) {
        h.setupEx(new FastMutex(), new PerFileContextSlot("File#9"));
      }
    },
    SETUP_EX2 {
      @Override
      void run(AdvancedFcbHeader h) {
        h.setupEx2(new FastMutex(), null, PushLock.autoExpand());
      }
    },
    FSRTL_SETUP {
      @Override
      void run(AdvancedFcbHeader h) {
        FsRtl.setupAdvancedHeader(h, new FastMutex());
      }
    },
    FSRTL_SETUP_EX {
      @Override
      void run(AdvancedFcbHeader h) {
        FsRtl.setupAdvancedHeaderEx(h, new FastMutex(), null);
      }
    },
    FSRTL_SETUP_EX2 {
      @Override
      void run(AdvancedFcbHeader h) {
        FsRtl.setupAdvancedHeaderEx2(h, new FastMutex(), null, null);
      }
    };

    abstract void run(AdvancedFcbHeader h);
  }

  private static PerStreamContext context(Object owner, AtomicInteger frees) {
    return new PerStreamContext(owner, null, c -> frees.incrementAndGet());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Setup.class)
  @DisplayName("fsrtl.md 14.1: setup on a fresh advanced header sets Flags 0x40 and Flags2 0x02")
  void setup_freshHeader_setsAdvancedHeaderAndFilterContextBits(Setup setup) {
    AdvancedFcbHeader h = new AdvancedFcbHeader("Fcb#1");
    assertEquals(0, h.flags());
    assertEquals(0, h.flags2());

    setup.run(h);

    assertEquals(FSRTL_FLAG_ADVANCED_HEADER, h.flags());
    assertEquals(FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS, h.flags2());
    assertTrue(h.supportsFilterContexts());
    assertTrue(h.isSetUp());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Setup.class)
  @DisplayName("fsrtl.md 14.2: setup ORs its bits in and keeps unrelated Flags and Flags2 bits")
  void setup_preexistingBits_keepsThem(Setup setup) {
    AdvancedFcbHeader h = new AdvancedFcbHeader("Fcb#1");
    h.setFlags(FSRTL_FLAG_FILE_MODIFIED | FSRTL_FLAG_USER_MAPPED_FILE);
    h.setFlags2(FSRTL_FLAG2_PURGE_WHEN_MAPPED | 0x80);

    setup.run(h);

    assertEquals(FSRTL_FLAG_FILE_MODIFIED | FSRTL_FLAG_USER_MAPPED_FILE | FSRTL_FLAG_ADVANCED_HEADER, h.flags());
    assertEquals(FSRTL_FLAG2_PURGE_WHEN_MAPPED | 0x80 | FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS, h.flags2());
    assertEquals(h.flags(), h.flagsAtSetup());
    assertEquals(h.flags2(), h.flags2AtSetup());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Setup.class)
  @DisplayName("fsrtl.md 14.3: after setup FilterContexts is empty and lookup with no ids returns null")
  void setup_freshHeader_listEmptyAndLookupNull(Setup setup) {
    AdvancedFcbHeader h = new AdvancedFcbHeader("Fcb#1");

    setup.run(h);

    assertTrue(h.perStreamContexts().isEmpty());
    assertNull(h.lookupPerStreamContext(null, null));
    assertNull(FsRtl.lookupPerStreamContext(h, null, null));
  }

  @Test
  @DisplayName("fsrtl.md 14.4: setup with a null mutex keeps the FastMutex the file system stored earlier")
  void setup_nullMutex_keepsEarlierMutex() {
    AdvancedFcbHeader h = new AdvancedFcbHeader("Fcb#1");
    FastMutex own = new FastMutex();
    h.setFastMutex(own);

    FsRtl.setupAdvancedHeader(h, null);

    assertSame(own, h.fastMutex());
    h.setupEx(null, null);
    assertSame(own, h.fastMutex());
  }

  @Test
  @DisplayName("fsrtl.md 14.4: setup with a non-null mutex replaces the stored FastMutex")
  void setup_nonNullMutex_replacesMutex() {
    AdvancedFcbHeader h = new AdvancedFcbHeader("Fcb#1");
    h.setFastMutex(new FastMutex());
    FastMutex given = new FastMutex();

    FsRtl.setupAdvancedHeader(h, given);

    assertSame(given, h.fastMutex());
  }

  @Test
  @DisplayName("fsrtl.md 14.5: setup clears FileContextSupportPointer and writes a Vista+ version (V2 by policy)")
  void setup_afterSetupExWithSlot_clearsSlotAndSetsVersion() {
    AdvancedFcbHeader h = new AdvancedFcbHeader("Fcb#1");
    h.setupEx(new FastMutex(), new PerFileContextSlot("File#1"));
    h.setVersion(FSRTL_FCB_HEADER_V0);

    h.setup(null);

    assertNull(h.fileContextSupportPointer());
    assertTrue(h.version() >= FSRTL_FCB_HEADER_V1);
    assertEquals(FSRTL_FCB_HEADER_V2, h.version(), "policy: setup and setupEx write V2");
  }

  @Test
  @DisplayName("fsrtl.md 4.3: setupEx2 writes V3, the lowest version that has AePushLock, and installs it")
  void setupEx2_withAePushLock_writesV3AndInstallsLock() {
    AdvancedFcbHeader h = new AdvancedFcbHeader("Fcb#1");
    PushLock ae = PushLock.autoExpand();

    FsRtl.setupAdvancedHeaderEx2(h, new FastMutex(), null, ae);

    assertEquals(FSRTL_FCB_HEADER_V3, h.version());
    assertSame(ae, h.aePushLock());
    assertSame(ae, h.filterContextsLock());
  }

  @Test
  @DisplayName("fsrtl.md 14.6: setupEx with a slot makes FileContextSupportPointer that slot")
  void setupEx_withSlot_storesSlot() {
    AdvancedFcbHeader h = new AdvancedFcbHeader("Fcb#1");
    PerFileContextSlot slot = new PerFileContextSlot("File#1");

    FsRtl.setupAdvancedHeaderEx(h, new FastMutex(), slot);

    assertSame(slot, h.fileContextSupportPointer());
  }

  @Test
  @DisplayName("fsrtl.md 14.6: setupEx with a null slot leaves FileContextSupportPointer null, even after an earlier slot")
  void setupEx_nullSlot_leavesPointerNull() {
    AdvancedFcbHeader h = new AdvancedFcbHeader("Fcb#1");
    h.setupEx(new FastMutex(), new PerFileContextSlot("File#1"));

    FsRtl.setupAdvancedHeaderEx(h, new FastMutex(), null);

    assertNull(h.fileContextSupportPointer());
  }

  @Test
  @DisplayName("fsrtl.md 4.1: setup leaves node type, node size, fast I/O state, resources and sizes alone")
  void setup_otherFields_untouched() {
    AdvancedFcbHeader h = new AdvancedFcbHeader("Fcb#1");
    Object resource = new Object();
    Object pagingResource = new Object();
    h.setNodeTypeCode((short) 0x502);
    h.setNodeByteSize((short) 0x1A0);
    h.setIsFastIoPossible(FsRtlConstants.FAST_IO_IS_QUESTIONABLE);
    h.setResource(resource);
    h.setPagingIoResource(pagingResource);
    h.setAllocationSize(4096);
    h.setFileSize(100);
    h.setValidDataLength(50);

    h.setup(new FastMutex());

    assertEquals((short) 0x502, h.nodeTypeCode());
    assertEquals((short) 0x1A0, h.nodeByteSize());
    assertEquals(FsRtlConstants.FAST_IO_IS_QUESTIONABLE, h.isFastIoPossible());
    assertSame(resource, h.resource());
    assertSame(pagingResource, h.pagingIoResource());
    assertEquals(4096, h.allocationSize());
    assertEquals(100, h.fileSize());
    assertEquals(50, h.validDataLength());
  }

  @Test
  @DisplayName("fsrtl.md 14.36: re-running setup on a live header empties FilterContexts and orphans its contexts (counted, never freed)")
  void setup_rerunOnLiveHeader_orphansContexts() {
    AdvancedFcbHeader h = new AdvancedFcbHeader("Fcb#1");
    h.setup(new FastMutex());
    AtomicInteger frees = new AtomicInteger();
    PerStreamContext a = context(owner, frees);
    PerStreamContext b = context(owner, frees);
    h.insertPerStreamContext(a);
    h.insertPerStreamContext(b);

    h.setup(null);

    assertTrue(h.perStreamContexts().isEmpty());
    assertNull(h.lookupPerStreamContext(owner, null));
    assertEquals(2, h.orphanedContextCount());
    assertFalse(a.isLinked());
    assertEquals(0, h.teardownPerStreamContexts());
    assertEquals(0, frees.get(), "orphans are leaked, not freed");
  }

  @Test
  @DisplayName("fsrtl.md 14.54: header version constants V0..V5 are 0..5")
  void versionConstants_haveDocumentedValues() {
    assertEquals(
        List.of(0, 1, 2, 3, 4, 5),
        List.of(
            FSRTL_FCB_HEADER_V0,
            FSRTL_FCB_HEADER_V1,
            FSRTL_FCB_HEADER_V2,
            FSRTL_FCB_HEADER_V3,
            FSRTL_FCB_HEADER_V4,
            FSRTL_FCB_HEADER_V5));
  }

  /** A version-gated field, its first version, and a getter. */
  enum GatedField {
    PUSH_LOCK(FSRTL_FCB_HEADER_V1) {
      @Override
      Object read(AdvancedFcbHeader h) {
        return h.pushLock();
      }
    },
    FILE_CONTEXT_SUPPORT_POINTER(FSRTL_FCB_HEADER_V1) {
      @Override
      @Nullable Object read(AdvancedFcbHeader h) {
        return h.fileContextSupportPointer();
      }
    },
    OPLOCK(FSRTL_FCB_HEADER_V2) {
      @Override
      @Nullable Object read(AdvancedFcbHeader h) {
        return h.oplock();
      }
    },
    AE_PUSH_LOCK(FSRTL_FCB_HEADER_V3) {
      @Override
      @Nullable Object read(AdvancedFcbHeader h) {
        return h.aePushLock();
      }
    },
    BYPASS_IO_OPEN_COUNT(FSRTL_FCB_HEADER_V4) {
      @Override
      Object read(AdvancedFcbHeader h) {
        return h.bypassIoOpenCount();
      }
    },
    RESERVED_CONTEXT(FSRTL_FCB_HEADER_V5) {
      @Override
      @Nullable Object read(AdvancedFcbHeader h) {
        return h.reservedContext();
      }
    };

    final int since;

    GatedField(int since) {
      this.since = since;
    }

    abstract @Nullable Object read(AdvancedFcbHeader h);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(GatedField.class)
  @DisplayName("fsrtl.md 14.54: a version-gated field is unavailable below its version and available from it")
  void gatedField_belowAndAtVersion_unavailableThenAvailable(GatedField field) {
    AdvancedFcbHeader h = new AdvancedFcbHeader("Fcb#1");
    h.setup(new FastMutex());

    h.setVersion(field.since - 1);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> field.read(h));
    assertTrue(e.getMessage().contains("V" + field.since), e.getMessage());

    h.setVersion(field.since);
    Executable read = () -> field.read(h);
    assertDoesNotThrow(read);
  }

  @Test
  @DisplayName("fsrtl.md 3.1: FsRtlGetBypassIoOpenCount returns 0 below V4 and the field from V4")
  void getBypassIoOpenCount_byVersion_zeroBelowV4() {
    AdvancedFcbHeader h = new AdvancedFcbHeader("Fcb#1");
    h.setup(new FastMutex());
    h.setVersion(FSRTL_FCB_HEADER_V4);
    h.setBypassIoOpenCount(3);

    assertEquals(3, FsRtl.getBypassIoOpenCount(h));
    h.setVersion(FSRTL_FCB_HEADER_V3);
    assertEquals(0, FsRtl.getBypassIoOpenCount(h));
  }

  @Test
  @DisplayName("Oplock, AePushLock and BypassIoOpenCount are kept apart: setting or clearing one leaves the others")
  void laterFields_setAndClearedInAnyOrder_keptIndependently() {
    AdvancedFcbHeader h = new AdvancedFcbHeader("Fcb#1");
    Object oplock = new Object();
    PushLock ae = PushLock.autoExpand();
    FsRtl.setupAdvancedHeaderEx2(h, new FastMutex(), null, ae);
    h.setVersion(FSRTL_FCB_HEADER_V4);
    h.setOplock(oplock);
    h.setBypassIoOpenCount(2);
    assertSame(oplock, h.oplock());
    assertSame(ae, h.aePushLock());
    assertEquals(2, h.bypassIoOpenCount());

    h.setOplock(null);
    assertNull(h.oplock());
    assertSame(ae, h.aePushLock(), "clearing the oplock keeps the auto-expand push lock");
    assertEquals(2, h.bypassIoOpenCount());
    h.setup(new FastMutex()); // setup again without an AePushLock (the macro zeroes the field)
    h.setVersion(FSRTL_FCB_HEADER_V4);
    assertNull(h.aePushLock());
    assertEquals(2, h.bypassIoOpenCount(), "a re-setup leaves BypassIoOpenCount alone");
    h.setBypassIoOpenCount(0);
    assertEquals(0, h.bypassIoOpenCount());
    assertNull(h.oplock());
  }

  @Test
  @DisplayName("Oplock and BypassIoOpenCount written at once by two threads: neither write is lost")
  void laterFields_twoThreadsWriteDifferentFields_noWriteLost() throws InterruptedException {
    AdvancedFcbHeader h = new AdvancedFcbHeader("Fcb#1");
    h.setup(new FastMutex());
    h.setVersion(FSRTL_FCB_HEADER_V4);
    Object[] oplocks = new Object[20_000];
    for (int i = 0; i < oplocks.length; i++) {
      oplocks[i] = new Object();
    }
    Thread a = new Thread(() -> {
      for (Object o : oplocks) {
        h.setOplock(o);
      }
    });
    Thread b = new Thread(() -> {
      for (int i = 1; i <= 20_000; i++) {
        h.setBypassIoOpenCount(i);
      }
    });
    a.start();
    b.start();
    a.join();
    b.join();
    assertSame(oplocks[oplocks.length - 1], h.oplock());
    assertEquals(20_000, h.bypassIoOpenCount());
  }

  @Test
  @DisplayName("fsrtl.md 3.3: FilterContexts is guarded by FastMutex at V0, PushLock at V1/V2, AePushLock at V3+ (PushLock if none)")
  void filterContextsLock_byVersion_followsDocumentedSelection() {
    AdvancedFcbHeader h = new AdvancedFcbHeader("Fcb#1");
    FastMutex m = new FastMutex();
    PushLock ae = PushLock.autoExpand();
    h.setupEx2(m, null, ae);

    h.setVersion(FSRTL_FCB_HEADER_V0);
    assertSame(m, h.filterContextsLock());
    h.setVersion(FSRTL_FCB_HEADER_V1);
    assertSame(h.pushLock(), h.filterContextsLock());
    h.setVersion(FSRTL_FCB_HEADER_V2);
    assertSame(h.pushLock(), h.filterContextsLock());
    h.setVersion(FSRTL_FCB_HEADER_V3);
    assertSame(ae, h.filterContextsLock());

    h.setupEx2(m, null, null);
    assertSame(h.pushLock(), h.filterContextsLock(), "V3 without an AePushLock falls back to PushLock");
  }

  @Test
  @DisplayName("fsrtl.md 3.3: a V0 header without a FastMutex cannot guard FilterContexts and says so")
  void filterContextsLock_v0WithoutMutex_throws() {
    AdvancedFcbHeader h = new AdvancedFcbHeader("Fcb#7");
    h.setup(null);
    h.setVersion(FSRTL_FCB_HEADER_V0);

    IllegalStateException e = assertThrows(IllegalStateException.class, h::filterContextsLock);
    assertTrue(e.getMessage().contains("Fcb#7"), e.getMessage());
  }

  @Test
  @DisplayName("fsrtl.md 3.3 policy: lookups under a push lock read the published list without locking; writers lock")
  void lookup_pushLockHeader_takesNoLockButInsertDoes() {
    AdvancedFcbHeader h = new AdvancedFcbHeader("Fcb#1");
    h.setup(new FastMutex());
    HeaderLock lock = h.filterContextsLock();
    PerStreamContext c = context(owner, new AtomicInteger());
    long before = lock.acquisitionCount();
    h.insertPerStreamContext(c);
    assertEquals(before + 1, lock.acquisitionCount(), "insert locks");

    assertSame(c, h.lookupPerStreamContext(owner, null));
    assertEquals(before + 1, lock.acquisitionCount(), "lookup under a push lock reads the snapshot");
  }

  @Test
  @DisplayName("policy: PushLock is one lock for the header's life; a repeated setup orphans the list's contexts but keeps the lock")
  void pushLock_sameAcrossSetups_repeatedSetupStillOrphans() {
    AdvancedFcbHeader h = new AdvancedFcbHeader("Fcb#1");
    h.setup(new FastMutex());
    PushLock first = h.pushLock();
    AtomicInteger frees = new AtomicInteger();
    h.insertPerStreamContext(context(owner, frees));

    h.setup(new FastMutex());

    assertSame(first, h.pushLock());
    assertEquals(1, h.orphanedContextCount());
    assertNull(h.lookupPerStreamContext(owner, null));
    assertFalse(first.isHeldByCurrentThread());
    PerStreamContext again = context(owner, frees);
    h.insertPerStreamContext(again);
    assertSame(again, h.lookupPerStreamContext(owner, null));
    h.teardownPerStreamContexts();
    assertEquals(1, frees.get(), "only the context still linked is freed; the orphan never is");
  }

  @Test
  @DisplayName("fsrtl.md 3.3 policy: lookups on a V0 header acquire the FastMutex, which has no shared mode")
  void lookup_fastMutexHeader_acquiresMutex() {
    AdvancedFcbHeader h = new AdvancedFcbHeader("Fcb#1");
    FastMutex m = new FastMutex();
    h.setup(m);
    h.setVersion(FSRTL_FCB_HEADER_V0);
    PerStreamContext c = context(owner, new AtomicInteger());
    h.insertPerStreamContext(c);
    long before = m.acquisitionCount();

    assertSame(c, h.lookupPerStreamContext(owner, null));
    assertEquals(before + 1, m.acquisitionCount());
    assertFalse(m.isHeldByCurrentThread());
  }

  @Test
  @DisplayName("fsrtl.md 2: Version is a 4-bit field")
  void setVersion_outOfNibble_throws() {
    AdvancedFcbHeader h = new AdvancedFcbHeader("Fcb#1");
    assertThrows(IllegalArgumentException.class, () -> h.setVersion(16));
    assertThrows(IllegalArgumentException.class, () -> h.setVersion(-1));
  }
}
