package io.fsctx.fltmgr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.fsrtl.FsRtl;
import io.fsctx.fsrtl.PerFileContextSlot;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A file-context set that found the file's block before the file system tore the file down, and
 * reaches the block's table only after, is refused: the context is not attached to a block that
 * nobody will ever tear down again. The interleaving is forced by holding the table's monitor
 * until both threads wait for it.
 */
class FileCtrlTeardownRaceTest {

  @Test
  void aSetThatFoundTheBlockBeforeTheTeardown_isRefusedWithDeletingObject() throws Exception {
    try (FltTestSupport.Fx fx = new FltTestSupport.Fx(new FilterManager(FltTestSupport.quickUnload().build()))) {
      PerFileContextSlot slot = java.util.Objects.requireNonNull(fx.stream.slot);
      // A first file context makes the file's block.
      FltContext first = fx.alloc(FltContextType.FILE);
      assertEquals(NtStatus.STATUS_SUCCESS, Flt.setFileContext(fx.instance, fx.stream.fo, 0, first, null));
      FileListCtrl block = (FileListCtrl) FsRtl.lookupPerFileContext(slot, fx.volume, null);
      assertNotNull(block);
      assertEquals(NtStatus.STATUS_SUCCESS, Flt.deleteFileContext(fx.instance, fx.stream.fo, null));
      Flt.releaseContext(first);

      FltContext late = fx.alloc(FltContextType.FILE);
      AtomicReference<NtStatus> setStatus = new AtomicReference<>();
      Thread setter;
      Thread teardown;
      synchronized (block) {
        setter = new Thread(() -> setStatus.set(Flt.setFileContext(fx.instance, fx.stream.fo, 0, late, null)));
        setter.start();
        awaitBlockedIn(setter, "set"); // found the block, waits for its table
        teardown = new Thread(() -> FsRtl.teardownPerFileContexts(slot));
        teardown.start();
        awaitBlockedIn(teardown, "onFileTeardown"); // unlinked the block, marked it torn down, waits for its table
        assertTrue(block.isTornDown());
      }
      setter.join();
      teardown.join();
      assertEquals(NtStatus.STATUS_FLT_DELETING_OBJECT, setStatus.get(),
          "a set reaching a torn-down block's table must not attach");
      assertEquals(FltContext.State.ALLOCATED, late.state());
      assertNull(FsRtl.lookupPerFileContext(slot, fx.volume, null));
      assertEquals(0, block.size());
      Flt.releaseContext(late);
      Out<FltContext> none = new Out<>();
      assertEquals(NtStatus.STATUS_NOT_FOUND, Flt.getFileContext(fx.instance, fx.stream.fo, none));
    }
  }

  /**
   * Waits until {@code t} is blocked on a monitor with {@code method} on its stack: blocked on the
   * table, not on a class initialisation on the way there.
   */
  private static void awaitBlockedIn(Thread t, String method) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!(t.getState() == Thread.State.BLOCKED && onStack(t, method))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(t + " did not block in " + method + ": " + t.getState() + " "
            + java.util.Arrays.toString(t.getStackTrace()));
      }
      Thread.sleep(1);
    }
  }

  private static boolean onStack(Thread t, String method) {
    for (StackTraceElement e : t.getStackTrace()) {
      if (e.getMethodName().equals(method)
          && (e.getClassName().endsWith("ContextStore") || e.getClassName().endsWith("FileListCtrl"))) {
        return true;
      }
    }
    return false;
  }
}
