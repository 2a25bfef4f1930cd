package io.fsctx.fltmgr.frame;

import static io.fsctx.fltmgr.frame.Rig.HIGH;
import static io.fsctx.fltmgr.frame.Rig.LOW;
import static io.fsctx.fltmgr.FltContextType.FILE;
import static io.fsctx.fltmgr.FltContextType.INSTANCE;
import static io.fsctx.fltmgr.FltContextType.STREAM;
import static io.fsctx.fltmgr.FltContextType.STREAMHANDLE;
import static io.fsctx.fltmgr.FltContextType.VOLUME;
import static io.fsctx.fltmgr.InstanceTeardownCallback.FLTFL_INSTANCE_TEARDOWN_VOLUME_DISMOUNT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.modelfs.NtfsLikeFileSystem;
import io.fsctx.fltmgr.FltInstance;
import io.fsctx.modelfs.toolkit.ClosePolicy;
import io.fsctx.io.CreateParameters;
import io.fsctx.io.FileInformation;
import io.fsctx.io.FileObject;
import io.fsctx.io.IoConstants;
import io.fsctx.io.IrpMajorFunction;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * When each context's cleanup runs as file objects, streams and files die: immediate versus
 * delayed close, several handles, named streams, internal stream file objects, delete-on-close,
 * rename and dismount (ctx-sample.md 1.8, 3.3; fltmgr.md 6.2, 6.3).
 */
class FrameLifetimeTest {
  private Rig rig;

  @AfterEach
  void noContextOutlivesTheScenario() {
    if (rig != null) {
      rig.assertNoLiveContexts();
    }
  }

  /** The low filter sets a stream, stream-handle and file context in every successful post-create. */
  private void lowSetsContextsInPostCreate() {
    rig.low.onPost(IrpMajorFunction.CREATE, (data, objs, cc, flags) -> {
      if (data.ioStatus().isSuccess()) {
        String path = objs.fileObject().fileName();
        rig.low.attach(STREAM, objs, "S" + path);
        rig.low.attach(STREAMHANDLE, objs, "H" + path + "@" + objs.fileObject().id());
        rig.low.attach(FILE, objs, "F" + path);
      }
    });
  }

  private static List<String> closeCalls() {
    return List.of(
        HIGH + " PreCleanup", LOW + " PreCleanup", LOW + " PostCleanup", HIGH + " PostCleanup",
        HIGH + " PreClose", LOW + " PreClose");
  }

  @Test
  @DisplayName("ctx-sample.md 1.8: immediate close frees the FCB inside IRP_MJ_CLOSE: stream cleanup before stream-handle cleanup, both before post-close")
  void immediateClose_streamThenHandleCleanupInsideClose_fileAfterItsLastStream() {
    rig = Rig.on(new NtfsLikeFileSystem(ClosePolicy.IMMEDIATE));
    lowSetsContextsInPostCreate();
    FileObject fo = rig.open("\\a.txt");
    rig.journal.clear();
    rig.io.closeHandle(fo);
    List<String> expected = new ArrayList<>(closeCalls());
    expected.addAll(
        List.of(
            "cleanup 320000 STREAM S\\a.txt",
            "cleanup 320000 STREAMHANDLE H\\a.txt@" + fo.id(),
            "fcb freed \\a.txt",
            "cleanup 320000 FILE F\\a.txt",
            "file freed",
            LOW + " PostClose",
            HIGH + " PostClose"));
    assertEquals(expected, rig.journal.lines());
  }

  @Test
  @DisplayName("ctx-sample.md 1.8: delayed close: the stream-handle context dies with the file object, the stream context at the delayed-close flush")
  void delayedClose_handleCleanupAtClose_streamAndFileAtFlush() {
    rig = Rig.on(new NtfsLikeFileSystem(ClosePolicy.DELAYED));
    lowSetsContextsInPostCreate();
    FileObject fo = rig.open("\\a.txt");
    rig.journal.clear();
    rig.io.closeHandle(fo);
    List<String> expected = new ArrayList<>(closeCalls());
    expected.addAll(
        List.of(LOW + " PostClose", HIGH + " PostClose", "cleanup 320000 STREAMHANDLE H\\a.txt@" + fo.id()));
    assertEquals(expected, rig.journal.lines());
    assertEquals(1, rig.fs.delayedCloseCount());

    rig.journal.clear();
    assertEquals(1, rig.fs.flushDelayedCloses());
    assertEquals(
        List.of("cleanup 320000 STREAM S\\a.txt", "fcb freed \\a.txt", "cleanup 320000 FILE F\\a.txt", "file freed"),
        rig.journal.lines());
  }

  @Test
  @DisplayName("a stream context is shared by the stream's handles; closing one handle frees only its stream-handle context")
  void twoHandles_closingOneFreesOnlyItsHandleContext() {
    rig = Rig.on(new NtfsLikeFileSystem());
    lowSetsContextsInPostCreate();
    FileObject first = rig.open("\\a.txt");
    FileObject second = rig.open("\\a.txt");
    rig.journal.clear();
    rig.io.closeHandle(first);
    assertEquals(List.of("cleanup 320000 STREAMHANDLE H\\a.txt@" + first.id()), rig.journal.deaths());
    rig.journal.clear();
    rig.io.closeHandle(second);
    assertEquals(
        List.of(
            "cleanup 320000 STREAM S\\a.txt",
            "cleanup 320000 STREAMHANDLE H\\a.txt@" + second.id(),
            "fcb freed \\a.txt",
            "cleanup 320000 FILE F\\a.txt",
            "file freed"),
        rig.journal.deaths());
  }

  @Test
  @DisplayName("fltmgr.md 6.2: a file context lives until the file's last stream goes (NTFS-like, named stream open)")
  void fileContext_survivesTheDefaultStream_diesWithTheLastStream() {
    rig = Rig.on(new NtfsLikeFileSystem());
    lowSetsContextsInPostCreate();
    FileObject main = rig.open("\\f.txt");
    FileObject ads = rig.open("\\f.txt:ads");
    rig.journal.clear();
    rig.io.closeHandle(main);
    assertEquals(
        List.of(
            "cleanup 320000 STREAM S\\f.txt",
            "cleanup 320000 STREAMHANDLE H\\f.txt@" + main.id(),
            "fcb freed \\f.txt"),
        rig.journal.deaths());
    rig.journal.clear();
    rig.io.closeHandle(ads);
    assertEquals(
        List.of(
            "cleanup 320000 STREAM S\\f.txt:ads",
            "cleanup 320000 STREAMHANDLE H\\f.txt:ads@" + ads.id(),
            "fcb freed \\f.txt:ads",
            "cleanup 320000 FILE F\\f.txt", // set by the first opener; the second got ALREADY_DEFINED
            "file freed"),
        rig.journal.deaths());
  }

  @Test
  @DisplayName("ctx-sample.md 3.3: an internal stream file object gets IRP_MJ_CLOSE without IRP_MJ_CREATE and keeps the stream alive until then")
  void internalStreamFileObject_closeWithoutCreate_streamFreedAtItsClose() {
    rig = Rig.on(new NtfsLikeFileSystem());
    lowSetsContextsInPostCreate();
    FileObject fo = rig.open("\\sfo.txt");
    FileObject internal = rig.fs.createStreamFileObject(fo);
    rig.io.closeHandle(fo);
    assertEquals(
        List.of("cleanup 320000 STREAMHANDLE H\\sfo.txt@" + fo.id()),
        rig.journal.deaths(),
        "the internal file object holds the stream open");
    rig.journal.clear();
    rig.io.dereferenceObject(internal);
    assertEquals(
        List.of(
            HIGH + " PreClose", LOW + " PreClose",
            "cleanup 320000 STREAM S\\sfo.txt", "fcb freed \\sfo.txt",
            "cleanup 320000 FILE F\\sfo.txt", "file freed",
            LOW + " PostClose", HIGH + " PostClose"),
        rig.journal.lines());
    for (Journal.Call c : rig.journal.calls()) {
      assertTrue(c.fileObject() == internal, c.toString());
    }
  }

  @Test
  @DisplayName("delete-on-close: the file goes at cleanup and its stream is freed inside the close even with delayed close")
  void deleteOnClose_delayedPolicy_streamFreedInsideCloseAndFileGone() {
    rig = Rig.on(new NtfsLikeFileSystem(ClosePolicy.DELAYED));
    lowSetsContextsInPostCreate();
    FileObject fo = rig.open("\\tmp.txt", CreateParameters.openIf().withOptions(IoConstants.FILE_DELETE_ON_CLOSE));
    rig.journal.clear();
    rig.io.closeHandle(fo);
    assertFalse(rig.fs.exists("\\tmp.txt"));
    assertEquals(0, rig.fs.delayedCloseCount());
    List<String> expected = new ArrayList<>(closeCalls());
    expected.addAll(
        List.of(
            "cleanup 320000 STREAM S\\tmp.txt",
            "cleanup 320000 STREAMHANDLE H\\tmp.txt@" + fo.id(),
            "fcb freed \\tmp.txt",
            "cleanup 320000 FILE F\\tmp.txt",
            "file freed",
            LOW + " PostClose",
            HIGH + " PostClose"));
    assertEquals(expected, rig.journal.lines());
  }

  @Test
  @DisplayName("ctx-sample.md 1.9: replacing the stream-handle context in post-rename runs the old one's cleanup at once")
  void rename_replaceHandleContextInPostSetInformation_oldCleanupRunsImmediately() {
    rig = Rig.on(new NtfsLikeFileSystem());
    lowSetsContextsInPostCreate();
    rig.low.onPost(IrpMajorFunction.SET_INFORMATION, (data, objs, cc, flags) -> {
      if (data.ioStatus().isSuccess()) {
        rig.low.attach(STREAMHANDLE, objs, "H renamed", true);
      }
    });
    FileObject fo = rig.open("\\old.txt");
    rig.journal.clear();
    rig.io.setInformation(fo, new FileInformation.Rename("\\new.txt", false));
    assertEquals(
        List.of(
            HIGH + " PreSetInformation", LOW + " PreSetInformation",
            "cleanup 320000 STREAMHANDLE H\\old.txt@" + fo.id(),
            LOW + " PostSetInformation", HIGH + " PostSetInformation"),
        rig.journal.lines());
    rig.journal.clear();
    rig.io.closeHandle(fo);
    assertEquals(
        List.of(
            "cleanup 320000 STREAM S\\old.txt",
            "cleanup 320000 STREAMHANDLE H renamed",
            "fcb freed \\new.txt",
            "cleanup 320000 FILE F\\old.txt",
            "file freed"),
        rig.journal.deaths());
  }

  @Test
  @DisplayName("fltmgr.md 6.2/6.3: dismount tears every instance down (VOLUME_DISMOUNT) and frees all their contexts, open handles or not")
  void dismount_instancesTornDownWithDismountReason_allContextsFreed() {
    rig = Rig.on(new NtfsLikeFileSystem(ClosePolicy.DELAYED));
    lowSetsContextsInPostCreate();
    rig.high.onPost(IrpMajorFunction.CREATE, (data, objs, cc, flags) -> {
      rig.high.attach(INSTANCE, objs, "I high");
      rig.high.attach(VOLUME, objs, "V high");
      rig.high.attach(STREAM, objs, "S high");
    });
    FileObject open = rig.open("\\open.txt");
    rig.io.closeHandle(rig.open("\\closed.txt")); // waits on the delayed-close queue
    FltInstance highInstance = rig.high.instance(rig.fltVolume);
    rig.journal.clear();

    rig.io.dismount(rig.volume);

    assertEquals(List.of(), rig.manager.liveContexts());
    for (TestMinifilter f : List.of(rig.high, rig.low)) {
      assertEquals(2, f.teardowns().size(), f.toString());
      for (TestMinifilter.Teardown t : f.teardowns()) {
        assertEquals(FLTFL_INSTANCE_TEARDOWN_VOLUME_DISMOUNT, t.reason(), t.toString());
      }
      assertEquals("InstanceTeardownStart", f.teardowns().get(0).callback());
      assertEquals("InstanceTeardownComplete", f.teardowns().get(1).callback());
    }
    assertEquals(FltInstance.State.DETACHED, highInstance.state());
    List<String> deaths = rig.journal.cleanups();
    assertTrue(deaths.contains("cleanup 370000 INSTANCE I high"), deaths.toString());
    assertTrue(deaths.contains("cleanup 370000 VOLUME V high"), deaths.toString());
    assertTrue(deaths.contains("cleanup 320000 STREAM S\\open.txt"), deaths.toString());
    assertTrue(deaths.contains("cleanup 320000 STREAM S\\closed.txt"), deaths.toString());
    assertTrue(deaths.contains("cleanup 320000 STREAMHANDLE H\\open.txt@" + open.id()), deaths.toString());

    // The handle still open closes without the filters: Filter Manager has left the stack.
    rig.journal.clear();
    rig.io.closeHandle(open);
    assertEquals(List.of(), rig.journal.calls());
    for (TestMinifilter f : List.of(rig.high, rig.low)) {
      for (int n : f.cleanupCounts().values()) {
        assertEquals(1, n, f + " " + f.cleanupCounts());
      }
    }
  }
}
