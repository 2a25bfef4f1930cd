package io.fsctx.fsrtl;

import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FCB_HEADER_V0;
import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FCB_HEADER_V1;
import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.io.FileObject;
import io.fsctx.nt.AllocationFaults;
import io.fsctx.nt.NtStatus;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Per-file contexts: the support test, the slot's lazy tracking block and its teardown (fsrtl.md
 * 5, 8; items 14.37 to 14.42, 14.44). The matching rules (14.43) are covered for this family by
 * {@link ContextMatchingTest} and the teardown rules by {@link TeardownTest}.
 */
class PerFileContextTest {
  private final Ptr owner = new Ptr("Owner");
  private final AtomicInteger frees = new AtomicInteger();

  private PerFileContext newContext() {
    return new PerFileContext(owner, null, c -> frees.incrementAndGet());
  }

  private static FileObject openedOn(CommonFcbHeader header) {
    FileObject fo = new FileObject("FileObject#1", "\\a.txt");
    fo.setFsContext(header);
    return fo;
  }

  @Test
  @DisplayName("fsrtl.md 14.37: SupportsPerFileContexts is false below V1 even with a FileContextSupportPointer")
  void supportsPerFileContexts_versionBelowV1_falseDespiteSlot() {
    AdvancedFcbHeader h = new AdvancedFcbHeader("Fcb#1");
    h.setupEx(new FastMutex(), new PerFileContextSlot("File#1"));
    FileObject fo = openedOn(h);
    assertTrue(FsRtl.supportsPerFileContexts(fo), "precondition: supported at the version setup wrote");

    h.setVersion(FSRTL_FCB_HEADER_V0);

    assertFalse(FsRtl.supportsPerFileContexts(fo));
    assertNull(FsRtl.getPerFileContextPointer(fo));
  }

  @Test
  @DisplayName("fsrtl.md 14.38: SupportsPerFileContexts is false without a FileContextSupportPointer even with the Flags2 0x02 bit")
  void supportsPerFileContexts_nullSlotWithBit_false() {
    AdvancedFcbHeader h = new AdvancedFcbHeader("Fcb#1");
    h.setup(new FastMutex());
    FileObject fo = openedOn(h);

    assertTrue(h.supportsFilterContexts());
    assertFalse(FsRtl.supportsPerFileContexts(fo));
    assertFalse(FsRtl.supportsPerFileContexts(null));
    assertFalse(FsRtl.supportsPerFileContexts(new FileObject("FileObject#2", "\\b")));
  }

  @Test
  @DisplayName("fsrtl.md 14.39: SupportsPerFileContexts does not test the Flags2 0x02 bit (as the macro)")
  void supportsPerFileContexts_bitCleared_stillTrue() {
    AdvancedFcbHeader h = new AdvancedFcbHeader("Fcb#1");
    h.setupEx(new FastMutex(), new PerFileContextSlot("File#1"));
    h.clearFlags2Bits(FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS);

    assertTrue(FsRtl.supportsPerFileContexts(openedOn(h)));
  }

  @Test
  @DisplayName("fsrtl.md 14.40: GetPerFileContextPointer is null when unsupported and the FileContextSupportPointer otherwise")
  void getPerFileContextPointer_followsSupport() {
    PerFileContextSlot slot = new PerFileContextSlot("File#1");
    AdvancedFcbHeader h = new AdvancedFcbHeader("Fcb#1");
    h.setupEx(new FastMutex(), slot);
    FileObject fo = openedOn(h);

    assertSame(slot, FsRtl.getPerFileContextPointer(fo));
    h.setVersion(FSRTL_FCB_HEADER_V0);
    assertNull(FsRtl.getPerFileContextPointer(fo));
    h.setVersion(FSRTL_FCB_HEADER_V1);
    assertSame(slot, FsRtl.getPerFileContextPointer(fo));
    h.setFileContextSupportPointer(null);
    assertNull(FsRtl.getPerFileContextPointer(fo));
  }

  @Test
  @DisplayName("fsrtl.md 14.41: InsertPerFileContext returns INVALID_DEVICE_REQUEST when per-file contexts are unsupported")
  void insertPerFileContext_unsupported_invalidDeviceRequest() {
    AdvancedFcbHeader h = new AdvancedFcbHeader("Fcb#1");
    h.setup(new FastMutex());
    FileObject fo = openedOn(h);
    PerFileContext c = newContext();

    NtStatus s = FsRtl.insertPerFileContext(FsRtl.getPerFileContextPointer(fo), c);

    assertEquals(NtStatus.STATUS_INVALID_DEVICE_REQUEST, s);
    assertFalse(c.isLinked());
    assertNull(FsRtl.lookupPerFileContext(null, owner, null));
    assertNull(FsRtl.removePerFileContext(null, owner, null));
  }

  @Test
  @DisplayName("fsrtl.md 14.42: InsertPerFileContext returns INSUFFICIENT_RESOURCES when the tracking block cannot be allocated, and attaches nothing")
  void insertPerFileContext_allocationFails_insufficientResourcesNothingAttached() {
    PerFileContextSlot slot = new PerFileContextSlot("File#1");
    List<String> asked = new java.util.ArrayList<>();
    slot.setAllocationFaults(what -> asked.add(what) && what.contains("File#1"));
    PerFileContext c = newContext();

    assertEquals(NtStatus.STATUS_INSUFFICIENT_RESOURCES, FsRtl.insertPerFileContext(slot, c));
    assertEquals(0xC000009A, slot.insert(c).code());

    assertEquals(List.of("per-file context tracking block for File#1"), asked.subList(0, 1),
        "the fault hook is told which slot's block is being allocated");
    assertFalse(c.isLinked());
    assertFalse(slot.isAllocated());
    assertNull(slot.lookup(null, null));
    assertEquals(List.of(), slot.perFileContexts());
    slot.setAllocationFaults(what -> false);
    assertEquals(NtStatus.STATUS_SUCCESS, slot.insert(c), "the filter still owns it and may retry");
    assertSame(c, slot.lookup(owner, null));
  }

  @Test
  @DisplayName("allocation faults belong to the slot they were set on: another slot allocates, NEVER clears them, a torn-down slot keeps them")
  void allocationFaults_stayWithTheirSlot() {
    PerFileContextSlot faulty = new PerFileContextSlot("File#1");
    PerFileContextSlot other = new PerFileContextSlot("File#2");
    faulty.setAllocationFaults(what -> true);

    assertEquals(NtStatus.STATUS_SUCCESS, other.insert(newContext()), "another slot is not affected");
    assertEquals(NtStatus.STATUS_INSUFFICIENT_RESOURCES, faulty.insert(newContext()));

    faulty.setAllocationFaults(AllocationFaults.NEVER);
    assertEquals(NtStatus.STATUS_SUCCESS, faulty.insert(newContext()));

    faulty.setAllocationFaults(what -> true);
    faulty.teardown(); // retires the block: the next insert allocates again, and fails
    assertEquals(NtStatus.STATUS_INSUFFICIENT_RESOURCES, faulty.insert(newContext()));
  }

  @Test
  @DisplayName("fsrtl.md 8: the tracking block is allocated on the first insert only, so a later allocation fault does not matter")
  void insert_afterFirstAllocation_needsNoFurtherAllocation() {
    PerFileContextSlot slot = new PerFileContextSlot("File#1");
    assertFalse(slot.isAllocated());
    assertNull(slot.lookup(null, null));
    assertFalse(slot.isAllocated(), "lookup does not allocate");
    slot.insert(newContext());
    assertTrue(slot.isAllocated());

    slot.setAllocationFaults(what -> true);

    assertEquals(NtStatus.STATUS_SUCCESS, slot.insert(newContext()));
  }

  @Test
  @DisplayName("fsrtl.md 14.44: TeardownPerFileContexts calls each FreeCallback once and leaves the slot NULL again")
  void teardownPerFileContexts_freesAllAndNullsSlot() {
    PerFileContextSlot slot = new PerFileContextSlot("File#1");
    PerFileContext a = newContext();
    PerFileContext b = newContext();
    slot.insert(a);
    slot.insert(b);

    FsRtl.teardownPerFileContexts(slot);

    assertEquals(2, frees.get());
    assertFalse(slot.isAllocated());
    assertFalse(a.isLinked());
    assertEquals(0, slot.teardown());
    assertEquals(2, slot.teardownCount());
    assertEquals(2, frees.get());
  }

  @Test
  @DisplayName("fsrtl.md 8: every stream of a file shares the file's slot, so a per-file context is visible from each stream")
  void slot_sharedByTwoStreams_sameContexts() {
    PerFileContextSlot slot = new PerFileContextSlot("File#1");
    AdvancedFcbHeader data = new AdvancedFcbHeader("Scb#data");
    AdvancedFcbHeader ads = new AdvancedFcbHeader("Scb#ads");
    data.setupEx(new FastMutex(), slot);
    ads.setupEx(new FastMutex(), slot);
    PerFileContext c = newContext();

    FsRtl.insertPerFileContext(FsRtl.getPerFileContextPointer(openedOn(data)), c);

    assertSame(c, FsRtl.lookupPerFileContext(FsRtl.getPerFileContextPointer(openedOn(ads)), owner, null));
    assertNull(ads.lookupPerStreamContext(owner, null));
  }

  @Test
  @DisplayName("fsrtl.md 8: FsRtlInitPerFileContext refuses a null owner or callback")
  void initPerFileContext_nulls_rejected() {
    PerFileContext c = new PerFileContext();
    assertThrows(IllegalArgumentException.class, () -> FsRtl.initPerFileContext(c, null, null, x -> {}));
    assertThrows(IllegalArgumentException.class, () -> FsRtl.initPerFileContext(c, owner, null, null));
    PerFileContextSlot slot = new PerFileContextSlot("File#1");
    assertThrows(IllegalArgumentException.class, () -> slot.insert(c));
    assertTrue(slot.perFileContexts().isEmpty());
  }
}
