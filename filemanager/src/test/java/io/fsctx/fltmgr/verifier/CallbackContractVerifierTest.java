package io.fsctx.fltmgr.verifier;

import static io.fsctx.fltmgr.verifier.FrameFixture.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fsctx.modelfs.NtfsLikeFileSystem;
import io.fsctx.fltmgr.Flt;
import io.fsctx.fltmgr.FltContext;
import io.fsctx.fltmgr.FltFileNameInformation;
import io.fsctx.fltmgr.FltPostopCallbackStatus;
import io.fsctx.fltmgr.FltPreopCallbackStatus;
import io.fsctx.fltmgr.UnloadReport;
import io.fsctx.fltmgr.VerifierFinding;
import io.fsctx.fltmgr.VerifierLevel;
import io.fsctx.io.FileObject;
import io.fsctx.nt.BugCheckException;
import io.fsctx.nt.EResource;
import io.fsctx.nt.KeThread;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * V4, V6, V7, V10 through the frame: the completion-context contract, 0xF5/0x66, a set in
 * pre-create, name information (0xF5/0x68 and leaks at unload), and resources held at callback
 * exit (ctx-sample.md 4.2, 4.3, 4.5).
 */
class CallbackContractVerifierTest {

  private static FltPostopCallbackStatus finished(Object... ignored) {
    return FltPostopCallbackStatus.FINISHED_PROCESSING;
  }

  @Test
  @DisplayName("V7, 0xF5/0x66: SUCCESS_WITH_CALLBACK without a post-operation callback bug-checks and is recorded")
  void preCreate_withCallbackButNoPost_bugCheck66() {
    FrameFixture fx = new FrameFixture(
        VerifierLevel.COUNTING, new NtfsLikeFileSystem(), (d, o, cc) -> FltPreopCallbackStatus.SUCCESS_WITH_CALLBACK, null);

    BugCheckException e = assertThrows(BugCheckException.class, () -> fx.open("\\a.txt"));

    assertEquals(0xF5, e.bugCheckCode());
    assertEquals(0x66, e.parameter1());
    VerifierFinding f = fx.single(VerifierFinding.Kind.POST_CALLBACK_MISSING);
    assertEquals(FrameFixture.FILTER, f.culprit());
    assertEquals(fx.filter.instances().get(0).id(), f.subject());
    assertContains(f.message(), FrameFixture.FILTER, "SUCCESS_WITH_CALLBACK", "PreCreate", "no post-operation callback");
  }

  @Test
  @DisplayName("V7: SUCCESS_NO_CALLBACK without a post-operation callback is clean")
  void preCreate_noCallbackNoPost_noFindings() {
    FrameFixture fx = new FrameFixture(
        VerifierLevel.COUNTING, new NtfsLikeFileSystem(), (d, o, cc) -> FltPreopCallbackStatus.SUCCESS_NO_CALLBACK, null);

    fx.io.closeHandle(fx.open("\\a.txt"));

    assertEquals(List.of(), fx.findings());
  }

  @Test
  @DisplayName("V7: a completion context with SUCCESS_NO_CALLBACK is reported (no post-operation callback will run)")
  void preCreate_completionContextWithoutPost_reported() {
    FrameFixture fx = new FrameFixture(
        VerifierLevel.COUNTING,
        new NtfsLikeFileSystem(),
        (d, o, cc) -> {
          cc.set("orphan completion context");
          return FltPreopCallbackStatus.SUCCESS_NO_CALLBACK;
        },
        CallbackContractVerifierTest::finished);

    assertThrows(IllegalStateException.class, () -> fx.open("\\a.txt"));

    VerifierFinding f = fx.single(VerifierFinding.Kind.COMPLETION_CONTEXT_WITHOUT_POST);
    assertEquals(FrameFixture.FILTER, f.culprit());
    assertContains(f.message(), "PreCreate", "SUCCESS_NO_CALLBACK", "orphan completion context");
  }

  @Test
  @DisplayName("V7: a completion context with SUCCESS_WITH_CALLBACK reaches the post-operation callback, clean")
  void preCreate_completionContextWithPost_noFindings() {
    List<Object> received = new ArrayList<>();
    FrameFixture fx = new FrameFixture(
        VerifierLevel.COUNTING,
        new NtfsLikeFileSystem(),
        (d, o, cc) -> {
          cc.set("handed over");
          return FltPreopCallbackStatus.SUCCESS_WITH_CALLBACK;
        },
        (d, o, cc, flags) -> {
          received.add(cc);
          return FltPostopCallbackStatus.FINISHED_PROCESSING;
        });

    fx.io.closeHandle(fx.open("\\a.txt"));

    assertEquals(List.of("handed over"), received);
    assertEquals(List.of(), fx.findings());
  }

  @Test
  @DisplayName("V6: a stream context set in pre-create fails NOT_SUPPORTED and is reported with the context")
  void preCreate_setStreamContext_reportedAsUnopened() {
    List<NtStatus> sets = new ArrayList<>();
    FrameFixture fx = new FrameFixture(
        VerifierLevel.COUNTING,
        new NtfsLikeFileSystem(),
        (d, o, cc) -> {
          FltContext c = FrameFixture.allocate(o.filter());
          sets.add(Flt.setStreamContext(o.instance(), o.fileObject(), 1, c, null));
          Flt.releaseContext(c);
          return FltPreopCallbackStatus.SUCCESS_NO_CALLBACK;
        },
        null);

    fx.io.closeHandle(fx.open("\\a.txt"));

    assertEquals(List.of(NtStatus.STATUS_NOT_SUPPORTED), sets);
    VerifierFinding f = fx.single(VerifierFinding.Kind.SET_ON_UNOPENED_FILE_OBJECT);
    assertEquals(FrameFixture.FILTER, f.culprit());
    assertContains(f.message(), "FltSetStreamContext", "STREAM", "'FrSc'", "FrameStreamContext", "post-create");
    assertEquals(List.of(), fx.manager.liveContexts());
  }

  @Test
  @DisplayName("V6: allocate in pre-create, hand over, set in post-create: clean")
  void preAllocatePostSet_documentedPattern_noFindings() {
    FrameFixture fx = new FrameFixture(
        VerifierLevel.COUNTING,
        new NtfsLikeFileSystem(),
        (d, o, cc) -> {
          cc.set(FrameFixture.allocate(o.filter()));
          return FltPreopCallbackStatus.SUCCESS_WITH_CALLBACK;
        },
        (d, o, cc, flags) -> {
          FltContext c = (FltContext) Objects.requireNonNull(cc);
          assertEquals(NtStatus.STATUS_SUCCESS, Flt.setStreamContext(o.instance(), o.fileObject(), 1, c, null));
          Flt.releaseContext(c);
          return FltPostopCallbackStatus.FINISHED_PROCESSING;
        });

    fx.io.closeHandle(fx.open("\\a.txt"));

    assertEquals(List.of(), fx.findings());
    assertEquals(List.of(), fx.manager.liveContexts());
  }

  /** A post-create that gets the normalized name and releases it {@code releases} times. */
  private static FrameFixture nameFilter(VerifierLevel level, int releases) {
    return new FrameFixture(
        level,
        new NtfsLikeFileSystem(),
        (d, o, cc) -> FltPreopCallbackStatus.SUCCESS_WITH_CALLBACK,
        (d, o, cc, flags) -> {
          Out<FltFileNameInformation> name = new Out<>();
          assertEquals(
              NtStatus.STATUS_SUCCESS,
              Flt.getFileNameInformation(d, FltFileNameInformation.FLT_FILE_NAME_NORMALIZED, name));
          for (int i = 0; i < releases; i++) {
            Flt.releaseFileNameInformation(Objects.requireNonNull(name.get()));
          }
          return FltPostopCallbackStatus.FINISHED_PROCESSING;
        });
  }

  @Test
  @DisplayName("V4, 0xF5/0x68: a second release of one name reference bug-checks at once (the cache's hold is not a caller's) and is recorded against the filter")
  void releaseFileNameInformation_twiceForOneGet_bugCheck68AtOnce() {
    FrameFixture fx = nameFilter(VerifierLevel.COUNTING, 2);

    BugCheckException e = assertThrows(BugCheckException.class, () -> fx.open("\\dir.txt"));

    assertEquals(0x68, e.parameter1());
    VerifierFinding f = fx.single(VerifierFinding.Kind.NAME_INFORMATION_RELEASED_TOO_MANY_TIMES);
    assertEquals(FrameFixture.FILTER, f.culprit());
    assertContains(f.subject(), "Name#");
    assertContains(f.message(), f.subject(), "\\dir.txt", "released too many times", "FltReleaseFileNameInformation");
  }

  @Test
  @DisplayName("V4: a reference taken with FltReferenceFileNameInformation and released in turn is clean")
  void referenceThenRelease_balanced_noFindings() {
    FrameFixture fx = new FrameFixture(
        VerifierLevel.COUNTING,
        new NtfsLikeFileSystem(),
        (d, o, cc) -> FltPreopCallbackStatus.SUCCESS_WITH_CALLBACK,
        (d, o, cc, flags) -> {
          Out<FltFileNameInformation> name = new Out<>();
          assertEquals(NtStatus.STATUS_SUCCESS,
              Flt.getFileNameInformation(d, FltFileNameInformation.FLT_FILE_NAME_OPENED, name));
          FltFileNameInformation n = Objects.requireNonNull(name.get());
          Flt.referenceFileNameInformation(n);
          Flt.releaseFileNameInformation(n);
          Flt.releaseFileNameInformation(n);
          return FltPostopCallbackStatus.FINISHED_PROCESSING;
        });

    fx.io.closeHandle(fx.open("\\a.txt"));
    fx.filter.unregister();

    assertEquals(List.of(), fx.findings());
  }

  @Test
  @DisplayName("V4: name information a filter still holds at unload is reported with the name")
  void unregister_nameInformationHeld_reportsNameLeak() {
    FrameFixture fx = nameFilter(VerifierLevel.COUNTING, 0);
    fx.io.closeHandle(fx.open("\\kept.txt"));

    UnloadReport report = fx.filter.unregister();

    assertEquals(0, report.leakedCount(), "name information is not a context");
    assertEquals(false, report.clean(), "but a name reference still held is a leak the report lists");
    assertEquals(1, report.leakedNames().size(), report::format);
    assertEquals(1, report.leakedNames().get(0).references());
    assertContains(report.format(), "References to FLT_FILE_NAME_INFORMATION: 1", "\\kept.txt: 1 reference(s) held by " + FrameFixture.FILTER);
    VerifierFinding f = fx.single(VerifierFinding.Kind.NAME_INFORMATION_LEAKED);
    assertEquals(FrameFixture.FILTER, f.culprit());
    assertContains(f.message(), FrameFixture.FILTER, "1 reference(s)", f.subject(), "\\kept.txt", "FltReleaseFileNameInformation");
  }

  @Test
  @DisplayName("V4: get and release of name information, then unload: clean")
  void unregister_nameInformationBalanced_noFindings() {
    FrameFixture fx = nameFilter(VerifierLevel.COUNTING, 1);
    fx.io.closeHandle(fx.open("\\a.txt"));
    fx.io.closeHandle(fx.open("\\a.txt"));

    fx.filter.unregister();

    assertEquals(List.of(), fx.findings());
  }

  @Test
  @DisplayName("V10: a pre-callback returning with an ERESOURCE held is reported with the count")
  void preCreate_returnsHoldingResource_reported() {
    EResource resource = new EResource("Resource#1");
    FrameFixture fx = new FrameFixture(
        VerifierLevel.COUNTING,
        new NtfsLikeFileSystem(),
        (d, o, cc) -> {
          KeThread.enterCriticalRegion();
          resource.acquireExclusive();
          return FltPreopCallbackStatus.SUCCESS_NO_CALLBACK;
        },
        null);
    try {
      assertThrows(IllegalStateException.class, () -> fx.open("\\a.txt"));
    } finally {
      resource.release();
      KeThread.leaveCriticalRegion();
    }

    VerifierFinding f = fx.single(VerifierFinding.Kind.RESOURCE_HELD_AT_CALLBACK_EXIT);
    assertEquals(FrameFixture.FILTER, f.culprit());
    assertEquals(fx.filter.instances().get(0).id(), f.subject());
    assertContains(f.message(), "PreCreate", "1 ERESOURCE acquisition(s)", "1 critical region(s)");
  }

  @Test
  @DisplayName("V10: a post-callback that only leaves a critical region open is reported too")
  void postCreate_returnsInCriticalRegion_reported() {
    FrameFixture fx = new FrameFixture(
        VerifierLevel.COUNTING,
        new NtfsLikeFileSystem(),
        (d, o, cc) -> FltPreopCallbackStatus.SUCCESS_WITH_CALLBACK,
        (d, o, cc, flags) -> {
          KeThread.enterCriticalRegion();
          return FltPostopCallbackStatus.FINISHED_PROCESSING;
        });
    try {
      assertThrows(IllegalStateException.class, () -> fx.open("\\a.txt"));
    } finally {
      KeThread.leaveCriticalRegion();
    }

    assertContains(
        fx.single(VerifierFinding.Kind.RESOURCE_HELD_AT_CALLBACK_EXIT).message(),
        "PostCreate", "0 ERESOURCE acquisition(s)", "1 critical region(s)");
  }

  @Test
  @DisplayName("V10: acquire and release inside a critical region within the callback: clean")
  void preCreate_balancedResource_noFindings() {
    EResource resource = new EResource("Resource#1");
    FrameFixture fx = new FrameFixture(
        VerifierLevel.COUNTING,
        new NtfsLikeFileSystem(),
        (d, o, cc) -> {
          KeThread.enterCriticalRegion();
          resource.acquireShared();
          resource.release();
          KeThread.leaveCriticalRegion();
          return FltPreopCallbackStatus.SUCCESS_NO_CALLBACK;
        },
        null);

    fx.io.closeHandle(fx.open("\\a.txt"));

    assertEquals(List.of(), fx.findings());
    assertEquals(0, KeThread.resourcesHeld());
  }
}
