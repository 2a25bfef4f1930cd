package io.fsctx.examples.ctx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.modelfs.NtfsLikeFileSystem;
import io.fsctx.fltmgr.ContextEvent;
import io.fsctx.fltmgr.FltContextType;
import io.fsctx.modelfs.toolkit.ClosePolicy;
import io.fsctx.io.CreateParameters;
import io.fsctx.io.FileObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The reference ledger of ctx-sample §1.8, step by step, read from the lifecycle events. */
class CtxLedgerTest {

  private static final List<String> LINKED_THEN_RELEASED =
      List.of("PostCreate ALLOCATE 1", "PostCreate SET 2", "PostCreate RELEASE 1");

  @Test
  @DisplayName("§1.8: one handle on a new file — S, H and F go 1,2,1 in post-create; cleanup and close get/release S; close tears S down before H")
  void ledger_oneHandleImmediateClose_matchesSpec() {
    CtxHarness h = new CtxHarness(new NtfsLikeFileSystem(ClosePolicy.IMMEDIATE));
    FileObject fo = h.open("\\a.txt", CreateParameters.create());
    String s = h.allocated(FltContextType.STREAM).get(0);
    String hc = h.allocated(FltContextType.STREAMHANDLE).get(0);
    String f = h.allocated(FltContextType.FILE).get(0);
    assertEquals(LINKED_THEN_RELEASED, h.ledger(s));
    assertEquals(LINKED_THEN_RELEASED, h.ledger(hc));
    assertEquals(LINKED_THEN_RELEASED, h.ledger(f));
    assertTrue(h.ctxEvents().stream().noneMatch(e -> e.kind() == ContextEvent.Kind.CLEANUP),
        "no cleanup runs during post-create");

    h.io.closeHandle(fo);

    assertEquals(List.of(
            "PostCreate ALLOCATE 1", "PostCreate SET 2", "PostCreate RELEASE 1",
            "PreCleanup GET 2", "PreCleanup RELEASE 1",
            "PreClose GET 2", "PreClose RELEASE 1",
            "- DELETE 0", "- CLEANUP 0", "- FREE 0"),
        h.ledger(s));
    assertEquals(List.of("PostCreate ALLOCATE 1", "PostCreate SET 2", "PostCreate RELEASE 1",
        "- DELETE 0", "- CLEANUP 0", "- FREE 0"), h.ledger(hc));
    assertEquals(List.of("PostCreate ALLOCATE 1", "PostCreate SET 2", "PostCreate RELEASE 1",
        "- DELETE 0", "- CLEANUP 0", "- FREE 0"), h.ledger(f));
    // Stream cleanup prints the counts 1/1/1.
    CtxLog.Line cleanup = h.log.lines().stream().filter(l -> l.format().equals(Ctx.STREAM_CLEANUP_FORMAT)).findFirst().orElseThrow();
    assertEquals(List.of("\\Device\\HarddiskVolume1\\a.txt", s, 1, 1, 1), cleanup.args());
    // Immediate close: the FCB dies inside IRP_MJ_CLOSE, so S's cleanup precedes H's.
    assertTrue(cleanupIndex(h, s) < cleanupIndex(h, hc), "stream cleanup before stream-handle cleanup");
    h.unloadClean();
  }

  @Test
  @DisplayName("§1.8: with a delayed close the stream-handle cleanup comes first and the stream's waits for the flush")
  void ledger_delayedClose_streamHandleFirst_streamAtFlush() {
    CtxHarness h = new CtxHarness(new NtfsLikeFileSystem(ClosePolicy.DELAYED));
    FileObject fo = h.open("\\a.txt", CreateParameters.create());
    String s = h.allocated(FltContextType.STREAM).get(0);
    String hc = h.allocated(FltContextType.STREAMHANDLE).get(0);
    h.io.closeHandle(fo);
    assertEquals(-1, cleanupIndex(h, s), "stream context still attached to the queued FCB");
    assertTrue(cleanupIndex(h, hc) >= 0);
    h.fs.flushDelayedCloses();
    assertTrue(cleanupIndex(h, hc) < cleanupIndex(h, s));
    h.unloadClean();
  }

  @Test
  @DisplayName("§1.8: a second open while the first is open reuses S and F (get 2, release 1) and gets its own H")
  void secondOpen_reusesStreamAndFileContexts_newHandleContext() {
    CtxHarness h = new CtxHarness(new NtfsLikeFileSystem());
    FileObject a = h.open("\\a.txt", CreateParameters.create());
    FileObject b = h.open("\\a.txt", CreateParameters.open());
    assertEquals(1, h.allocated(FltContextType.STREAM).size());
    assertEquals(1, h.allocated(FltContextType.FILE).size());
    assertEquals(2, h.allocated(FltContextType.STREAMHANDLE).size());
    String s = h.allocated(FltContextType.STREAM).get(0);
    assertEquals(List.of("PostCreate ALLOCATE 1", "PostCreate SET 2", "PostCreate RELEASE 1",
        "PostCreate GET 2", "PostCreate RELEASE 1"), h.ledger(s));
    assertEquals(2, h.peek(FltContextType.STREAM, a, CtxStreamContext.class, CtxStreamContext::createCount));
    h.io.closeHandle(a);
    h.io.closeHandle(b);
    CtxLog.Line cleanup = h.log.lines().stream().filter(l -> l.format().equals(Ctx.STREAM_CLEANUP_FORMAT)).findFirst().orElseThrow();
    assertEquals(List.of(2, 2, 2), cleanup.args().subList(2, 5));
    h.unloadClean();
  }

  @Test
  @DisplayName("§1.11.8: a stream file object of the file system gets a close but no create, so CloseCount exceeds CreateCount")
  void streamFileObject_closeWithoutCreate_closeCountExceedsCreateCount() {
    CtxHarness h = new CtxHarness(new NtfsLikeFileSystem());
    FileObject fo = h.open("\\a.txt", CreateParameters.create());
    FileObject sfo = h.fs.createStreamFileObject(fo);
    h.io.dereferenceObject(sfo);
    h.io.closeHandle(fo);
    CtxLog.Line cleanup = h.log.lines().stream().filter(l -> l.format().equals(Ctx.STREAM_CLEANUP_FORMAT)).findFirst().orElseThrow();
    assertEquals(List.of(1, 1, 2), cleanup.args().subList(2, 5));
    h.unloadClean();
  }

  @Test
  @DisplayName("teardown-complete still gets the instance context; FltMgr deletes it afterwards and cleanup frees the volume name")
  void unload_teardownCompleteGetsInstanceContext_thenCleanup() {
    CtxHarness h = new CtxHarness(new NtfsLikeFileSystem());
    String ic = h.allocated(FltContextType.INSTANCE).get(0);
    h.unloadClean();
    assertEquals(List.of("InstanceSetup ALLOCATE 1", "InstanceSetup SET 2", "InstanceSetup RELEASE 1",
            "InstanceTeardownComplete GET 2", "InstanceTeardownComplete RELEASE 1"),
        h.ledger(ic).subList(0, 5));
    assertTrue(h.log.lines().stream().anyMatch(l -> l.line().contains("Instance volume name = \\Device\\HarddiskVolume1")));
    assertTrue(h.errorLines().isEmpty(), () -> h.errorLines().toString());
  }

  private static int cleanupIndex(CtxHarness h, String id) {
    List<ContextEvent> ev = h.ctxEvents();
    for (int i = 0; i < ev.size(); i++) {
      if (ev.get(i).contextId().equals(id) && ev.get(i).kind() == ContextEvent.Kind.CLEANUP) {
        return i;
      }
    }
    return -1;
  }
}
