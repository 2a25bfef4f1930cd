package io.fsctx.fsrtl;

import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FLAG2_IS_PAGING_FILE;
import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.nt.KeThread;
import java.util.Objects;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What a header's audit records about flag writes and setups, for the file-system verifier. */
class HeaderAuditTest {
  private final AdvancedFcbHeader h = new AdvancedFcbHeader("Fcb#1");

  @Test
  @DisplayName("noteFlagsWritten_beforeSetup_notRecorded: a zeroed header has no setup-owned bits to lose")
  void setFlags_beforeSetup_notRecorded() {
    h.setFlags(0);
    h.setFlags2(0);

    assertNull(h.audit().firstSetupBitsCleared());
    assertNull(h.audit().lastSetupBitsCleared());
  }

  @Test
  @DisplayName("setFlags2_afterSetup_recordsTheWriteWithItsRequestAndValues (fsrtl.md §3.2, Ext4Fsd #88)")
  void setFlags2_afterSetup_recordsTheWriteWithItsRequestAndValues() {
    h.setup(new FastMutex());
    Object request = "Irp#7[IRP_MJ_WRITE]";
    Object previous = KeThread.enterRequest(request);
    try {
      h.setFlags2(0);
    } finally {
      KeThread.exitRequest(previous);
    }

    HeaderAudit.FlagsChange c = Objects.requireNonNull(h.audit().lastSetupBitsCleared());
    assertSame(request, c.where());
    assertEquals(0x02, c.flags2Before());
    assertEquals(0x00, c.flags2After());
    assertEquals(c, h.audit().firstSetupBitsCleared());
  }

  @Test
  @DisplayName("clearFlags2Bits_thenSetFlags_keepsFirstAndLast: a paging file's clearing, then a wipe")
  void clearFlags2Bits_thenSetFlags_keepsFirstAndLast() {
    h.setup(new FastMutex());
    h.setFlags2Bits(FSRTL_FLAG2_IS_PAGING_FILE);
    h.clearFlags2Bits(FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS);
    h.setFlags(0);

    HeaderAudit.FlagsChange first = Objects.requireNonNull(h.audit().firstSetupBitsCleared());
    HeaderAudit.FlagsChange last = Objects.requireNonNull(h.audit().lastSetupBitsCleared());
    assertEquals(0x0A, first.flags2Before());
    assertEquals(0x08, first.flags2After());
    assertEquals(0x40, last.flagsBefore());
    assertEquals(0x00, last.flagsAfter());
  }

  @Test
  @DisplayName("First publish and first reachable: in the setup's request they share its site; elsewhere each keeps its own, through later setups, teardowns and flag writes")
  void firstSites_sameRequestOrAnother_eachReportedAsItHappened() {
    Object create = "Irp#3[IRP_MJ_CREATE]";
    Object previous = KeThread.enterRequest(create);
    try {
      h.setup(new FastMutex());
      h.audit().noteReachable();
    } finally {
      KeThread.exitRequest(previous);
    }
    Object open = "Irp#5[IRP_MJ_CREATE]";
    previous = KeThread.enterRequest(open);
    try {
      h.audit().notePublished();
    } finally {
      KeThread.exitRequest(previous);
    }
    assertSame(create, h.audit().firstReachableWhere());
    assertSame(open, h.audit().firstPublishedWhere());
    assertTrue(h.audit().setUpWhenFirstPublished());

    Object later = "Irp#9[IRP_MJ_CLEANUP]";
    previous = KeThread.enterRequest(later);
    try {
      h.setup(new FastMutex()); // a second setup: the first setup's site stays the first
      h.setFlags2(0); // a clearing write, kept in the same rare part as the publish site
      h.teardownPerStreamContexts();
    } finally {
      KeThread.exitRequest(previous);
    }
    assertSame(create, h.audit().firstSetupWhere());
    assertSame(later, h.audit().lastSetupWhere());
    assertSame(create, h.audit().firstReachableWhere());
    assertSame(open, h.audit().firstPublishedWhere());
    assertSame(later, Objects.requireNonNull(h.audit().lastSetupBitsCleared()).where());

    AdvancedFcbHeader outside = new AdvancedFcbHeader("Fcb#2");
    outside.setup(new FastMutex()); // outside any request: no site anywhere
    outside.audit().notePublished();
    outside.audit().noteReachable();
    assertNull(outside.audit().firstPublishedWhere());
    assertNull(outside.audit().firstReachableWhere());
  }

  @Test
  @DisplayName("The facts set once: published before setup, reachable after it, where each came first, an open after a teardown")
  void factsSetOnce_eachKeptWithWhereAndWhetherSetUp() {
    Object create = "Irp#3[IRP_MJ_CREATE]";
    Object previous = KeThread.enterRequest(create);
    try {
      h.audit().notePublished();
      h.setup(new FastMutex());
      h.audit().noteReachable();
    } finally {
      KeThread.exitRequest(previous);
    }
    h.audit().notePublished(); // later calls change nothing
    h.audit().noteReachable();
    assertTrue(h.audit().isPublished());
    assertFalse(h.audit().setUpWhenFirstPublished());
    assertSame(create, h.audit().firstPublishedWhere());
    assertTrue(h.audit().isReachable());
    assertTrue(h.audit().setUpWhenFirstReachable());
    assertSame(create, h.audit().firstReachableWhere());
    assertSame(create, h.audit().firstSetupWhere());
    assertFalse(h.audit().openedAfterTeardown());

    h.teardownPerStreamContexts();
    Object reopen = "Irp#4[IRP_MJ_CREATE]";
    previous = KeThread.enterRequest(reopen);
    try {
      h.audit().fileObjectOpened();
    } finally {
      KeThread.exitRequest(previous);
    }
    h.audit().fileObjectOpened();
    assertTrue(h.audit().openedAfterTeardown());
    assertSame(reopen, h.audit().openedAfterTeardownWhere());
    assertEquals(2, h.audit().openFileObjects());
    assertTrue(h.audit().isPublished());
    assertFalse(h.audit().setUpWhenFirstPublished(), "the first publication's fact stays");
  }

  @Test
  @DisplayName("setup_again_forgetsEarlierClearsAndRecordsWhereItRan: a new setup sets the bits again")
  void setup_again_forgetsEarlierClearsAndRecordsWhereItRan() {
    h.setup(new FastMutex());
    h.setFlags(0);
    Object request = "Irp#9[IRP_MJ_CREATE]";
    Object previous = KeThread.enterRequest(request);
    try {
      h.setup(new FastMutex());
    } finally {
      KeThread.exitRequest(previous);
    }

    assertNull(h.audit().firstSetupBitsCleared());
    assertNull(h.audit().lastSetupBitsCleared());
    assertEquals(2, h.audit().setupCount());
    assertSame(request, h.audit().lastSetupWhere());
    assertNull(h.audit().firstSetupWhere());
  }

  @Test
  @DisplayName("setup sites: one setup is both the first and the last; of three, the first and the third are kept")
  void setupSites_oneThenThree_firstAndLast() {
    Object[] requests = {"Irp#1[IRP_MJ_CREATE]", "Irp#2[IRP_MJ_CREATE]", "Irp#3[IRP_MJ_CREATE]"};
    for (int i = 0; i < requests.length; i++) {
      Object previous = KeThread.enterRequest(requests[i]);
      try {
        h.setup(new FastMutex());
      } finally {
        KeThread.exitRequest(previous);
      }
      assertSame(requests[0], h.audit().firstSetupWhere(), "after setup " + (i + 1));
      assertSame(requests[i], h.audit().lastSetupWhere(), "after setup " + (i + 1));
    }
    assertEquals(3, h.audit().setupCount());
  }

  @Test
  @DisplayName("markRuleChecked: true the first time a rule is marked on the header, false after; rules apart")
  void markRuleChecked_firstTimeOnly() {
    assertTrue(h.audit().markRuleChecked(3));
    assertFalse(h.audit().markRuleChecked(3));
    assertTrue(h.audit().markRuleChecked(31));
    assertTrue(h.audit().markRuleChecked(0));
    assertFalse(h.audit().markRuleChecked(31));
    assertThrows(IllegalArgumentException.class, () -> h.audit().markRuleChecked(32));
  }

  @Test
  @DisplayName("slot audit: every view of a slot shares its users, teardowns and rule marks; one verifier owns the marks")
  void slotAudit_viewsShareState() throws Exception {
    PerFileContextSlot slot = new PerFileContextSlot("File#1");
    AdvancedFcbHeader a = new AdvancedFcbHeader("Scb#1");
    AdvancedFcbHeader b = new AdvancedFcbHeader("Scb#2");
    FsRtl.setupAdvancedHeaderEx(a, new FastMutex(), slot);
    FsRtl.setupAdvancedHeaderEx(b, new FastMutex(), slot);
    FsRtl.setupAdvancedHeaderEx(a, new FastMutex(), slot); // a second setup adds no user

    assertEquals(java.util.List.of(a, b), slot.audit().users());
    assertEquals(slot.audit(), slot.audit());
    assertNotEquals(slot.audit(), new PerFileContextSlot("File#2").audit());

    Object verifier = new Object();
    assertTrue(slot.audit().claimRuleMarks(verifier));
    assertFalse(slot.audit().claimRuleMarks(new Object()), "another verifier keeps its own books");
    assertTrue(slot.audit().markRuleChecked(5));
    assertFalse(slot.audit().markRuleChecked(5), "marked through another view");
    assertTrue(slot.audit().markRuleChecked(31));

    slot.teardown();
    slot.teardown();
    assertEquals(2, slot.audit().teardowns().size());
    assertEquals(java.util.List.of(a, b), slot.audit().users(), "the users survive the teardowns");

    // Users noted from two threads at once are all kept.
    PerFileContextSlot shared = new PerFileContextSlot("File#3");
    java.util.List<AdvancedFcbHeader> headers = new java.util.ArrayList<>();
    for (int i = 0; i < 200; i++) {
      headers.add(new AdvancedFcbHeader("Scb#" + (10 + i)));
    }
    Thread t1 = new Thread(() -> headers.subList(0, 100).forEach(h -> FsRtl.setupAdvancedHeaderEx(h, new FastMutex(), shared)));
    Thread t2 = new Thread(() -> headers.subList(100, 200).forEach(h -> FsRtl.setupAdvancedHeaderEx(h, new FastMutex(), shared)));
    t1.start();
    t2.start();
    t1.join();
    t2.join();
    assertEquals(new java.util.HashSet<>(headers), new java.util.HashSet<>(shared.audit().users()));
  }

  @Test
  @DisplayName("headerAudit_viewsShareState: the audit lives in the header; views agree, counts and teardowns from two threads are all kept")
  void headerAudit_viewsShareState() throws Exception {
    FsRtl.setupAdvancedHeader(h, new FastMutex());
    assertEquals(h.audit(), h.audit());
    assertEquals(h.audit().hashCode(), h.audit().hashCode());
    assertNotEquals(h.audit(), new AdvancedFcbHeader("Fcb#2").audit());
    assertSame(h, h.audit().header());

    HeaderAudit first = h.audit();
    h.audit().fileObjectOpened();
    assertEquals(1, first.openFileObjects(), "a view made earlier sees the open");
    assertTrue(first.isPublished());

    Object verifier = new Object();
    assertTrue(h.audit().claimRuleMarks(verifier));
    assertFalse(first.claimRuleMarks(new Object()), "another verifier keeps its own books");
    assertTrue(first.markRuleChecked(3));
    assertFalse(h.audit().markRuleChecked(3), "marked through another view");

    // Opens, closes and teardowns from two threads at once: none is lost.
    Runnable work = () -> {
      for (int i = 0; i < 10_000; i++) {
        h.audit().fileObjectOpened();
        h.audit().fileObjectClosed();
      }
      for (int i = 0; i < 100; i++) {
        h.teardownPerStreamContexts();
      }
    };
    Thread t1 = new Thread(work);
    Thread t2 = new Thread(work);
    t1.start();
    t2.start();
    t1.join();
    t2.join();
    assertEquals(1, h.audit().openFileObjects());
    assertEquals(200, h.audit().teardowns().size());
    assertEquals(200, h.teardownCount());
    assertEquals(1, h.audit().setupCount());
  }

  @Test
  void slotGivenAtSetup_isTheSetupsSlot_evenAfterADirectWriteOfThePointer() {
    AdvancedFcbHeader h = new AdvancedFcbHeader("Scb#9");
    PerFileContextSlot first = new PerFileContextSlot("File#9");
    PerFileContextSlot other = new PerFileContextSlot("File#10");
    h.setVersion(FsRtlConstants.FSRTL_FCB_HEADER_V2);
    h.setFileContextSupportPointer(other); // before any setup: no setup gave it
    assertNull(h.audit().slotGivenAtSetup());

    FsRtl.setupAdvancedHeaderEx(h, new FastMutex(), first);
    assertSame(first, h.audit().slotGivenAtSetup());
    h.setFileContextSupportPointer(other);
    h.setFileContextSupportPointer(null);
    assertSame(first, h.audit().slotGivenAtSetup(), "the setup gave the first slot, whatever was written since");
    assertNull(h.fileContextSupportPointer());

    FsRtl.setupAdvancedHeaderEx(h, new FastMutex(), null);
    assertNull(h.audit().slotGivenAtSetup());
    h.setFileContextSupportPointer(other);
    assertNull(h.audit().slotGivenAtSetup(), "the last setup gave none");

    FsRtl.setupAdvancedHeaderEx(h, new FastMutex(), other);
    assertSame(other, h.audit().slotGivenAtSetup());
  }
}
