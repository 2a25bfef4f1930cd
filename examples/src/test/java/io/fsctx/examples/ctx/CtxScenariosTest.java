package io.fsctx.examples.ctx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.modelfs.FatLikeFileSystem;
import io.fsctx.modelfs.LegacyFileSystem;
import io.fsctx.modelfs.NtfsLikeFileSystem;
import io.fsctx.fltmgr.ContextEvent;
import io.fsctx.fltmgr.FltContextType;
import io.fsctx.io.CreateParameters;
import io.fsctx.io.CreateResult;
import io.fsctx.io.FileInformation;
import io.fsctx.io.FileObject;
import io.fsctx.io.IoConstants;
import io.fsctx.nt.NtStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** CTX on renames, hard links, named streams, paging files, the legacy file system and races. */
class CtxScenariosTest {
  private static final String VOL = "\\Device\\HarddiskVolume1";

  @Test
  @DisplayName("CTX's contexts are its structures, as FltAllocateContext returns them in C: no separate payload")
  void contexts_areCtxsOwnStructures() {
    CtxHarness h = new CtxHarness(new NtfsLikeFileSystem());
    FileObject fo = h.open("\\a.txt", CreateParameters.create());
    assertEquals(Boolean.TRUE, h.peek(FltContextType.STREAM, fo, CtxStreamContext.class, c -> c.payload() == c));
    assertEquals(Boolean.TRUE, h.peek(FltContextType.STREAMHANDLE, fo, CtxStreamHandleContext.class, c -> c.payload() == c));
    assertEquals(Boolean.TRUE, h.peek(FltContextType.FILE, fo, CtxFileContext.class, c -> c.payload() == c));
    assertEquals(Long.valueOf(CtxStreamContext.SIZE), h.peek(FltContextType.STREAM, fo, CtxStreamContext.class, c -> c.size()));
  }

  @Test
  @DisplayName("§1.9: a rename updates the stream context's name in place, replaces the handle's context at once, keeps the file context's name")
  void rename_streamRenamedInPlace_handleContextReplaced_fileContextKeepsName() {
    CtxHarness h = new CtxHarness(new NtfsLikeFileSystem());
    FileObject fo = h.open("\\old.txt", CreateParameters.create());
    String h1 = h.allocated(FltContextType.STREAMHANDLE).get(0);
    assertEquals(NtStatus.STATUS_SUCCESS, h.io.setInformation(fo, new FileInformation.Rename("\\new.txt", false)).status());
    assertEquals(1, h.allocated(FltContextType.STREAM).size(), "same stream context");
    assertEquals(VOL + "\\new.txt", h.peek(FltContextType.STREAM, fo, CtxStreamContext.class, CtxStreamContext::fileName));
    assertEquals(VOL + "\\new.txt", h.peek(FltContextType.STREAMHANDLE, fo, CtxStreamHandleContext.class, CtxStreamHandleContext::fileName));
    assertEquals(VOL + "\\old.txt", h.peek(FltContextType.FILE, fo, CtxFileContext.class, CtxFileContext::fileName));
    // H1 was replaced and freed inside the rename's post-callback.
    assertTrue(h.ledger(h1).contains("PostSetInformation CLEANUP 0"), () -> h.ledger(h1).toString());
    assertEquals(2, h.allocated(FltContextType.STREAMHANDLE).size());
    h.io.closeHandle(fo);
    h.unloadClean();
  }

  @Test
  @DisplayName("§1.11.9/10: through a hard link the file context keeps the first opener's name; the stream context follows the last opener")
  void hardLink_fileContextKeepsFirstName_streamNameFollowsLastOpener() {
    CtxHarness h = new CtxHarness(new NtfsLikeFileSystem());
    FileObject a = h.open("\\a.txt", CreateParameters.create());
    assertEquals(NtStatus.STATUS_SUCCESS, h.io.setInformation(a, new FileInformation.Link("\\b.txt", false)).status());
    FileObject b = h.open("\\b.txt", CreateParameters.open());
    assertEquals(1, h.allocated(FltContextType.STREAM).size(), "one stream, two names");
    assertEquals(1, h.allocated(FltContextType.FILE).size());
    assertEquals(VOL + "\\a.txt", h.peek(FltContextType.FILE, b, CtxFileContext.class, CtxFileContext::fileName));
    assertEquals(VOL + "\\b.txt", h.peek(FltContextType.STREAM, a, CtxStreamContext.class, CtxStreamContext::fileName));
    assertEquals(2, h.peek(FltContextType.STREAM, a, CtxStreamContext.class, CtxStreamContext::createCount));
    h.io.closeHandle(a);
    h.io.closeHandle(b);
    h.unloadClean();
  }

  @Test
  @DisplayName("§1.11.6: an alternate data stream gets its own stream context and shares the file context, whose name has no stream suffix")
  void alternateDataStream_ownStreamContext_sharedFileContextWithoutSuffix() {
    CtxHarness h = new CtxHarness(new NtfsLikeFileSystem());
    FileObject ads = h.open("\\a.txt:meta", CreateParameters.openIf());
    FileObject main = h.open("\\a.txt", CreateParameters.open());
    assertEquals(2, h.allocated(FltContextType.STREAM).size());
    assertEquals(1, h.allocated(FltContextType.FILE).size());
    assertEquals(VOL + "\\a.txt:meta", h.peek(FltContextType.STREAM, ads, CtxStreamContext.class, CtxStreamContext::fileName));
    assertEquals(VOL + "\\a.txt", h.peek(FltContextType.FILE, main, CtxFileContext.class, CtxFileContext::fileName));
    h.io.closeHandle(ads);
    h.io.closeHandle(main);
    h.unloadClean();
  }

  @Test
  @DisplayName("§4.3: a paging file supports no file, stream or stream-handle contexts; CTX logs the refusal and nothing leaks")
  void pagingFile_contextsUnsupported_loggedAndNothingLeaks() {
    CtxHarness h = new CtxHarness(new NtfsLikeFileSystem());
    FileObject pf = h.open("\\pagefile.sys", CreateParameters.openIf().withSlFlags(IoConstants.SL_OPEN_PAGING_FILE));
    assertTrue(h.allocated(FltContextType.STREAM).isEmpty());
    assertTrue(h.allocated(FltContextType.FILE).isEmpty());
    assertTrue(h.allocated(FltContextType.STREAMHANDLE).isEmpty());
    h.io.closeHandle(pf);
    List<String> errors = h.errorLines();
    assertTrue(errors.stream().anyMatch(l -> l.startsWith("[Ctx]: CtxPostCreate -> Failed to find or create stream context")
        && l.contains("STATUS_NOT_SUPPORTED")), errors::toString);
    assertTrue(errors.stream().anyMatch(l -> l.startsWith("[Ctx]: CtxPreCleanup -> Failed to find stream context")));
    assertTrue(errors.stream().anyMatch(l -> l.startsWith("[Ctx]: CtxPreClose -> Failed to find stream context")));
    h.unloadClean();
  }

  @Test
  @DisplayName("DESIGN: on a common-header (legacy) file system only the instance context exists; every open is refused with NOT_SUPPORTED")
  void legacyFileSystem_onlyInstanceContext_refusalsLogged_nothingLeaks() {
    CtxHarness h = new CtxHarness(new LegacyFileSystem());
    FileObject fo = h.open("\\a.txt", CreateParameters.create());
    h.io.write(fo, 0, 10);
    h.io.closeHandle(fo);
    assertEquals(1, h.allocated(FltContextType.INSTANCE).size());
    assertEquals(0, h.count(ContextEvent.Kind.ALLOCATE, FltContextType.STREAM));
    // Post-create (two lines: the find and "Failed with status"), pre-cleanup, pre-close.
    assertEquals(4, h.log.lines().stream()
        .filter(l -> (l.level() & CtxLog.DEBUG_TRACE_ERROR) != 0 && NtStatus.STATUS_NOT_SUPPORTED.equals(l.status())).count(),
        () -> h.errorLines().toString());
    h.unloadClean();
  }

  @Test
  @DisplayName("FAT-like: file contexts are emulated per stream, and the ledger still balances")
  void fatLike_fileContextEmulated_balanced() {
    CtxHarness h = new CtxHarness(new FatLikeFileSystem());
    FileObject fo = h.open("\\a.txt", CreateParameters.create());
    assertEquals(VOL + "\\a.txt", h.peek(FltContextType.FILE, fo, CtxFileContext.class, CtxFileContext::fileName));
    h.io.closeHandle(fo);
    h.unloadClean();
  }

  @Test
  @DisplayName("§1.11.1: many threads opening one new file create exactly one stream context and every opener is counted")
  void concurrentOpens_exactlyOneStreamContext_everyOpenerCounted() throws Exception {
    int threads = 16;
    CtxHarness h = new CtxHarness(new NtfsLikeFileSystem());
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<FileObject>> opens = new ArrayList<>();
    try {
      for (int i = 0; i < threads; i++) {
        opens.add(pool.submit(() -> {
          go.await();
          CreateResult r = h.io.createFile(h.volume, "\\race.txt", CreateParameters.openIf());
          return r.fileObject();
        }));
      }
      go.countDown();
      List<FileObject> fos = new ArrayList<>();
      for (Future<FileObject> f : opens) {
        fos.add(f.get(30, TimeUnit.SECONDS));
      }
      assertEquals(1, h.count(ContextEvent.Kind.SET, FltContextType.STREAM), "exactly one stream context attached");
      long allocated = h.count(ContextEvent.Kind.ALLOCATE, FltContextType.STREAM);
      long lost = h.ctxEvents().stream().filter(e -> e.kind() == ContextEvent.Kind.SET_FAILED
          && e.contextType() == FltContextType.STREAM
          && NtStatus.STATUS_FLT_CONTEXT_ALREADY_DEFINED.equals(e.status())).count();
      assertEquals(allocated - 1, lost, "every extra allocation lost the KEEP race and was released");
      assertEquals(threads, h.peek(FltContextType.STREAM, fos.get(0), CtxStreamContext.class, CtxStreamContext::createCount));
      assertEquals(1, h.count(ContextEvent.Kind.SET, FltContextType.FILE), "exactly one file context attached");
      for (FileObject fo : fos) {
        h.io.closeHandle(fo);
      }
    } finally {
      pool.shutdownNow();
    }
    // Losers' contexts were cleaned up at once with zero counts; the winner's cleanup counted all.
    String winner = h.ctxEvents().stream()
        .filter(e -> e.kind() == ContextEvent.Kind.SET && e.contextType() == FltContextType.STREAM)
        .findFirst().orElseThrow().contextId();
    CtxLog.Line cleanup = h.log.lines().stream()
        .filter(l -> l.format().equals(Ctx.STREAM_CLEANUP_FORMAT) && l.args().get(1).equals(winner))
        .findFirst().orElseThrow();
    assertEquals(List.of(threads, threads, threads), cleanup.args().subList(2, 5));
    h.unloadClean();
  }

  @Test
  @DisplayName("directories and delete-on-close files get contexts like files and release them at close")
  void directoryAndDeleteOnClose_balanced() {
    CtxHarness h = new CtxHarness(new NtfsLikeFileSystem());
    FileObject dir = h.open("\\d", CreateParameters.create().withOptions(IoConstants.FILE_DIRECTORY_FILE));
    FileObject tmp = h.open("\\d\\t.tmp", CreateParameters.create().withOptions(IoConstants.FILE_DELETE_ON_CLOSE));
    assertEquals(2, h.allocated(FltContextType.STREAM).size());
    h.io.closeHandle(tmp);
    h.io.closeHandle(dir);
    assertTrue(h.errorLines().isEmpty(), () -> h.errorLines().toString());
    h.unloadClean();
  }

  @Test
  @DisplayName("CtxPreSetInfo ignores classes other than rename (hard links included): no post-callback, no context traffic")
  void preSetInfo_linkIgnored() {
    CtxHarness h = new CtxHarness(new NtfsLikeFileSystem());
    FileObject fo = h.open("\\a.txt", CreateParameters.create());
    int before = h.ctxEvents().size();
    h.io.setInformation(fo, new FileInformation.Link("\\b.txt", false));
    assertEquals(before, h.ctxEvents().size());
    assertNull(h.ctxEvents().stream().filter(e -> "PostSetInformation".equals(e.callback())).findAny().orElse(null));
    h.io.closeHandle(fo);
    h.unloadClean();
  }
}
