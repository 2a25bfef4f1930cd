package io.fsctx.fltmgr.verifier;

import static io.fsctx.fltmgr.verifier.VerifierFixture.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.fltmgr.Flt;
import io.fsctx.fltmgr.FltContext;
import io.fsctx.fltmgr.HeldReference;
import io.fsctx.fltmgr.VerifierFinding;
import io.fsctx.fltmgr.VerifierLevel;
import io.fsctx.io.FileObject;
import io.fsctx.nt.BugCheckException;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * V2, V3, V6, V8: the bug checks 0xF5/0x6D and 0xF5/0x6E, FltDeleteContext without a reference,
 * and a set on an unopened file object (ctx-sample.md 4.2, 4.3, 4.5).
 */
class BugCheckVerifierTest {

  @Test
  @DisplayName("V2, 0xF5/0x6D: releasing an attached context to zero bug-checks and is recorded with the context's identity")
  void release_attachedContextToZero_bugCheck6DAndFinding() {
    VerifierFixture fx = new VerifierFixture(VerifierLevel.COUNTING);
    FileObject fo = fx.openedFile("\\a.txt");
    FltContext c = fx.attachStream(fo); // only the link reference is left

    BugCheckException e = assertThrows(BugCheckException.class, () -> Flt.releaseContext(c));

    assertEquals(0xF5, e.bugCheckCode());
    assertEquals(0x6D, e.parameter1());
    List<VerifierFinding> found = fx.findings(VerifierFinding.Kind.CONTEXT_RELEASED_TOO_MANY_TIMES);
    assertEquals(1, found.size(), found::toString);
    VerifierFinding f = found.get(0);
    assertEquals(VerifierFixture.FILTER, f.culprit());
    assertEquals(c.id(), f.subject());
    assertContains(f.message(), c.id(), "STREAM", "'VfSc'", "VerifStreamContext", "refs=1", "still attached");
    // In words: which routine, that it was one release too many, whose reference was left, and the outcome.
    assertContains(e.getMessage(), "BUGCHECK 0xF5/0x6D: FltReleaseContext released context " + c.id(),
        "one time too many", "the only reference left is the one", "released too many times",
        "The release was refused and the count stays 1");
    assertEquals(1, c.referenceCount(), "the bug check does not drop the link reference");
    VerifierFixture.tearDown(fo);
  }

  @Test
  @DisplayName("V2: balanced set and release, then teardown, never bug-checks")
  void release_balanced_noFindings() {
    VerifierFixture fx = new VerifierFixture(VerifierLevel.FULL);
    FileObject fo = fx.openedFile("\\a.txt");
    FltContext c = fx.attachStream(fo);
    Flt.referenceContext(c);
    Flt.releaseContext(c);
    VerifierFixture.tearDown(fo);

    assertEquals(FltContext.State.FREED, c.state());
    assertEquals(List.of(), fx.findings());
    assertEquals(List.of(), fx.manager.liveContexts());
  }

  @Test
  @DisplayName("V3, 0xF5/0x6E: a reference to a freed context bug-checks and is recorded")
  void reference_freedContext_bugCheck6EAndFinding() {
    VerifierFixture fx = new VerifierFixture(VerifierLevel.COUNTING);
    FltContext c = fx.allocateStream();
    Flt.releaseContext(c);

    BugCheckException e = assertThrows(BugCheckException.class, () -> Flt.referenceContext(c));

    assertEquals(0xF5, e.bugCheckCode());
    assertEquals(0x6E, e.parameter1());
    assertNull(e.getCause(), "below FULL the freeing release is not kept");
    VerifierFinding f = fx.findings(VerifierFinding.Kind.CONTEXT_USED_AFTER_FREE).get(0);
    assertEquals(VerifierFixture.FILTER, f.culprit());
    assertEquals(c.id(), f.subject());
    assertContains(f.message(), c.id(), "STREAM", "'VfSc'", "VerifStreamContext", "after it was freed");
  }

  @Test
  @DisplayName("V3: at FULL the 0x6E bug check carries the stack of the release that freed the context")
  void release_freedContextAtFull_causeIsTheFreeingRelease() {
    VerifierFixture fx = new VerifierFixture(VerifierLevel.FULL);
    FltContext c = fx.allocateStream();
    freeingRelease(c);

    BugCheckException e = assertThrows(BugCheckException.class, () -> Flt.releaseContext(c));

    assertEquals(0x6E, e.parameter1());
    Throwable cause = e.getCause();
    assertNotNull(cause);
    assertTrue(
        Arrays.stream(cause.getStackTrace())
            .anyMatch(el -> el.getClassName().equals(BugCheckVerifierTest.class.getName())
                && el.getMethodName().equals("freeingRelease")),
        () -> "freeing stack: " + Arrays.toString(cause.getStackTrace()));
    assertEquals(1, fx.findings(VerifierFinding.Kind.CONTEXT_USED_AFTER_FREE).size());
  }

  private static void freeingRelease(FltContext c) {
    Flt.releaseContext(c);
  }

  @Test
  @DisplayName("V3: a context used only while referenced is never reported as used after free")
  void releaseThenGet_contextStillLinked_noFindings() {
    VerifierFixture fx = new VerifierFixture(VerifierLevel.FULL);
    FileObject fo = fx.openedFile("\\a.txt");
    fx.attachStream(fo);
    Out<FltContext> got = new Out<>();
    assertEquals(NtStatus.STATUS_SUCCESS, Flt.getStreamContext(fx.instance, fo, got));
    Flt.releaseContext(got.get());
    VerifierFixture.tearDown(fo);
    assertEquals(NtStatus.STATUS_NOT_FOUND, Flt.getStreamContext(fx.instance, fo, got));

    assertEquals(List.of(), fx.findings());
  }

  @Test
  @DisplayName("V8: FltDeleteContext without holding a reference is reported (the context is freed under the caller)")
  void deleteContext_withoutReference_reportsFinding() {
    VerifierFixture fx = new VerifierFixture(VerifierLevel.COUNTING);
    FileObject fo = fx.openedFile("\\a.txt");
    FltContext c = fx.attachStream(fo);

    Flt.deleteContext(c);

    VerifierFinding f = fx.findings(VerifierFinding.Kind.DELETE_WITHOUT_REFERENCE).get(0);
    assertEquals(VerifierFixture.FILTER, f.culprit());
    assertEquals(c.id(), f.subject());
    assertContains(f.message(), "FltDeleteContext", c.id(), "STREAM", "'VfSc'", "VerifStreamContext", "refs=1");
    assertEquals(FltContext.State.FREED, c.state());
  }

  @Test
  @DisplayName("V8: FltDeleteContext with a reference from a get, then a release, is clean")
  void deleteContext_withReference_noFindings() {
    VerifierFixture fx = new VerifierFixture(VerifierLevel.COUNTING);
    FileObject fo = fx.openedFile("\\a.txt");
    fx.attachStream(fo);
    Out<FltContext> got = new Out<>();
    assertEquals(NtStatus.STATUS_SUCCESS, Flt.getStreamContext(fx.instance, fo, got));

    Flt.deleteContext(got.get());
    Flt.releaseContext(got.get());

    assertEquals(List.of(), fx.findings());
    assertEquals(List.of(), fx.manager.liveContexts());
  }

  @Test
  @DisplayName("V6: a stream context set on a file object that is not open yet fails NOT_SUPPORTED and is reported")
  void setStreamContext_unopenedFileObject_notSupportedAndFinding() {
    VerifierFixture fx = new VerifierFixture(VerifierLevel.COUNTING);
    FileObject fo = fx.unopenedFile("\\new.txt");
    FltContext c = fx.allocateStream();

    assertEquals(NtStatus.STATUS_NOT_SUPPORTED, Flt.setStreamContext(fx.instance, fo, 1, c, null));

    VerifierFinding f = fx.findings(VerifierFinding.Kind.SET_ON_UNOPENED_FILE_OBJECT).get(0);
    assertEquals(VerifierFixture.FILTER, f.culprit());
    assertEquals(c.id(), f.subject());
    assertContains(f.message(), "FltSetStreamContext", fo.toString(), c.id(), "STREAM", "'VfSc'", "post-create");
    Flt.releaseContext(c);
  }

  @Test
  @DisplayName("V6: the same set on the opened file object succeeds and is clean")
  void setStreamContext_openedFileObject_noFindings() {
    VerifierFixture fx = new VerifierFixture(VerifierLevel.COUNTING);
    FileObject fo = fx.openedFile("\\new.txt");
    fx.attachStream(fo);
    VerifierFixture.tearDown(fo);

    assertEquals(List.of(), fx.findings());
  }

  @ParameterizedTest
  @EnumSource(VerifierLevel.class)
  @DisplayName("Levels: every level throws the bug checks; OFF records no finding")
  void release_attachedToZero_throwsAtEveryLevel_recordsFromCounting(VerifierLevel level) {
    VerifierFixture fx = new VerifierFixture(level);
    FileObject fo = fx.openedFile("\\a.txt");
    FltContext c = fx.attachStream(fo);
    assertThrows(BugCheckException.class, () -> Flt.releaseContext(c));
    VerifierFixture.tearDown(fo);
    assertThrows(BugCheckException.class, () -> Flt.releaseContext(c));

    List<VerifierFinding.Kind> kinds = fx.findings().stream().map(VerifierFinding::kind).toList();
    if (level == VerifierLevel.OFF) {
      assertEquals(List.of(), kinds);
    } else {
      assertEquals(
          List.of(VerifierFinding.Kind.CONTEXT_RELEASED_TOO_MANY_TIMES, VerifierFinding.Kind.CONTEXT_USED_AFTER_FREE),
          kinds);
    }
  }

  @Test
  @DisplayName("Levels: OFF counts a leak at unload but neither lists the context nor records a finding")
  void unregister_levelOff_countsOnly() {
    VerifierFixture fx = new VerifierFixture(VerifierLevel.OFF);
    FltContext c = fx.allocateStream();

    var report = fx.filter.unregister();

    assertEquals(1, report.leakedCount());
    assertEquals(List.of(), report.leaked());
    assertContains(report.format(), "1 leaked", "verifier level is OFF");
    assertEquals(List.of(), fx.findings());
    assertEquals(List.of(), fx.manager.liveContexts());
    Flt.releaseContext(c);
  }

  @Test
  @DisplayName("Levels: COUNTING lists contexts without sites; TRACKING names the reference still held and the allocation site, not the last balanced access")
  void findings_countingVersusTracking_sitesOnlyWhenTracking() {
    for (VerifierLevel level : List.of(VerifierLevel.COUNTING, VerifierLevel.TRACKING)) {
      VerifierFixture fx = new VerifierFixture(level);
      FltContext c = fx.allocateStream();
      Flt.referenceContext(c);
      Flt.releaseContext(c);

      fx.filter.unregister();

      VerifierFinding f = fx.findings(VerifierFinding.Kind.LEAKED_CONTEXT_AT_UNLOAD).get(0);
      if (level == VerifierLevel.COUNTING) {
        assertNull(f.allocationSite());
        assertNull(f.lastAccessSite());
        assertNull(c.allocationSite());
        assertTrue(!f.format().contains("allocated at"), f::format);
      } else {
        assertNotNull(f.allocationSite());
        assertNotNull(f.lastAccessSite());
        // The reference/release pair here is balanced; the allocation's reference is the one held.
        assertEquals(List.of("FltAllocateContext"), f.outstanding().stream().map(HeldReference::routine).toList());
        assertContains(f.format(), "reference taken by FltAllocateContext outside any callback at "
            + VerifierFixture.class.getName(), "allocated at " + VerifierFixture.class.getName());
        assertTrue(!f.format().contains("last referenced at"), f::format);
      }
      Flt.releaseContext(c);
    }
  }
}
