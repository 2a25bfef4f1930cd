package io.fsctx.fltmgr.frame;

import static io.fsctx.fltmgr.frame.Rig.HIGH;
import static io.fsctx.fltmgr.frame.Rig.LOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.modelfs.NtfsLikeFileSystem;
import io.fsctx.fltmgr.FltCallbackData;
import io.fsctx.fltmgr.FltOperationRegistration;
import io.fsctx.fltmgr.FltPreopCallbackStatus;
import io.fsctx.fltmgr.FltRelatedObjects;
import io.fsctx.io.CreateParameters;
import io.fsctx.io.CreateResult;
import io.fsctx.io.FileInformation;
import io.fsctx.io.FileInformationClass;
import io.fsctx.io.FileObject;
import io.fsctx.io.IoConstants;
import io.fsctx.io.IoStatus;
import io.fsctx.io.IrpMajorFunction;
import io.fsctx.io.IrpParameters;
import io.fsctx.nt.BugCheckException;
import io.fsctx.nt.NtStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The frame's calling convention with two minifilters at 370000 and 320000 on an NTFS-like
 * volume: callback order, completion contexts, the pre-operation results and what they demand,
 * skipping paging I/O, and the contents of {@code FLT_CALLBACK_DATA} / {@code
 * FLT_RELATED_OBJECTS} (DESIGN.md "Layers"; issue 4, "the I/O path").
 */
class FrameCallbackTest {
  private Rig rig;

  @AfterEach
  void noContextOutlivesTheScenario() {
    if (rig != null) {
      rig.assertNoLiveContexts();
    }
  }

  private static List<String> bracket(String op) {
    return List.of(HIGH + " Pre" + op, LOW + " Pre" + op, LOW + " Post" + op, HIGH + " Post" + op);
  }

  @Test
  @DisplayName("pre-operation callbacks run in descending altitude, post-operation callbacks in ascending altitude")
  void fullSequence_twoAltitudes_preDescendingPostAscending() {
    rig = Rig.on(new NtfsLikeFileSystem());
    FileObject fo = rig.open("\\a.txt");
    rig.io.write(fo, 0, 100);
    rig.io.read(fo, 0, 10);
    rig.io.queryInformation(fo, FileInformationClass.FILE_BASIC_INFORMATION);
    rig.io.setInformation(fo, new FileInformation.Rename("\\b.txt", false));
    rig.io.closeHandle(fo);

    List<String> expected = new ArrayList<>();
    for (String op : List.of("Create", "Write", "Read", "QueryInformation", "SetInformation", "Cleanup", "Close")) {
      expected.addAll(bracket(op));
    }
    assertEquals(expected, rig.journal.lines(fo));
    for (Journal.Call c : rig.journal.calls()) {
      assertEquals(0, c.postFlags(), () -> c + " got flags on a live instance");
    }
  }

  @Test
  @DisplayName("the completion context a pre-operation callback stores is the object its post-operation callback receives")
  void completionContext_storedInPre_isHandedToThatFiltersPost() {
    rig = Rig.on(new NtfsLikeFileSystem());
    FileObject fo = rig.open("\\a.txt");
    rig.io.read(fo, 0, 10);
    rig.io.closeHandle(fo);

    for (String alt : List.of(HIGH, LOW)) {
      List<Object> stored = new ArrayList<>();
      List<Object> received = new ArrayList<>();
      for (Journal.Call c : rig.journal.calls()) {
        if (c.altitude().equals(alt)) {
          (c.preResult() != null ? stored : received).add(c.completionContext());
        }
      }
      assertEquals(4, stored.size()); // create, read, cleanup, close
      assertEquals(stored.size(), received.size());
      for (int i = 0; i < stored.size(); i++) {
        assertNotNull(stored.get(i));
        assertSame(stored.get(i), received.get(i), alt + " call " + i);
      }
    }
    // Each filter gets its own: the two filters' tokens never mix.
    assertNotSame(rig.journal.calls("PostRead").get(0).completionContext(), rig.journal.calls("PostRead").get(1).completionContext());
  }

  @ParameterizedTest
  @EnumSource(value = FltPreopCallbackStatus.class, names = {"SUCCESS_NO_CALLBACK", "COMPLETE"})
  @DisplayName("a completion context may be non-null only when a post-operation callback will run")
  void noPostResult_withCompletionContext_isIllegalStateAndNothingBelowRuns(FltPreopCallbackStatus result) {
    rig = Rig.on(new NtfsLikeFileSystem());
    rig.low.onPre(IrpMajorFunction.CREATE, (data, objs, cc) -> {
      cc.set("leaked completion context");
      return result;
    });
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> rig.io.createFile(rig.volume, "\\a.txt", CreateParameters.openIf()));
    assertTrue(e.getMessage().contains("completion context"), e.getMessage());
    assertFalse(rig.fs.exists("\\a.txt"), "the file system must not have seen the create");
  }

  @ParameterizedTest
  @EnumSource(value = FltPreopCallbackStatus.class, names = {"SUCCESS_WITH_CALLBACK", "SYNCHRONIZE"})
  @DisplayName("asking for a post-operation call without registering a post-operation callback is bug check 0xF5/0x66")
  void postResult_withoutPostCallback_bugChecks0x66(FltPreopCallbackStatus result) {
    rig = Rig.on(new NtfsLikeFileSystem(), b -> {}, b -> b.withoutPost(IrpMajorFunction.READ));
    rig.low.onPre(IrpMajorFunction.READ, (data, objs, cc) -> result);
    FileObject fo = rig.open("\\a.txt");
    BugCheckException e = assertThrows(BugCheckException.class, () -> rig.io.read(fo, 0, 1));
    assertEquals(BugCheckException.FLTMGR_FILE_SYSTEM, e.bugCheckCode());
    assertEquals(0x66, e.parameter1());
    rig.io.closeHandle(fo);
  }

  @Test
  @DisplayName("SUCCESS_NO_CALLBACK from a filter without a post-operation callback is fine: no post call")
  void noCallback_withoutPostCallback_passesDownWithoutPost() {
    rig = Rig.on(new NtfsLikeFileSystem(), b -> {}, b -> b.withoutPost(IrpMajorFunction.READ));
    rig.low.onPre(IrpMajorFunction.READ, (data, objs, cc) -> FltPreopCallbackStatus.SUCCESS_NO_CALLBACK);
    FileObject fo = rig.open("\\a.txt");
    rig.io.write(fo, 0, 10);
    IoStatus st = rig.io.read(fo, 0, 4);
    assertEquals(new IoStatus(NtStatus.STATUS_SUCCESS, 4), st);
    List<String> reads = new ArrayList<>();
    for (String l : rig.journal.lines(fo)) {
      if (l.endsWith("Read")) {
        reads.add(l);
      }
    }
    assertEquals(List.of(HIGH + " PreRead", LOW + " PreRead", HIGH + " PostRead"), reads);
    rig.io.closeHandle(fo);
  }

  @Test
  @DisplayName("COMPLETE in the lower filter: the file system never sees the create, the upper post sees the filter's status")
  void complete_inLowerFilter_fileSystemSkippedAndUpperPostSeesStatus() {
    rig = Rig.on(new NtfsLikeFileSystem());
    rig.low.onPre(IrpMajorFunction.CREATE, (data, objs, cc) -> {
      data.setIoStatus(NtStatus.STATUS_ACCESS_DENIED, 0);
      return FltPreopCallbackStatus.COMPLETE;
    });
    CreateResult r = rig.io.createFile(rig.volume, "\\a.txt", CreateParameters.openIf());
    assertEquals(NtStatus.STATUS_ACCESS_DENIED, r.status());
    assertNull(r.fileObject());
    assertFalse(rig.fs.exists("\\a.txt"));
    assertEquals(List.of(HIGH + " PreCreate", LOW + " PreCreate", HIGH + " PostCreate"), rig.journal.lines());
    Journal.Call post = rig.journal.calls("PostCreate").get(0);
    assertEquals(NtStatus.STATUS_ACCESS_DENIED, post.status());
    assertSame(rig.journal.calls("PreCreate").get(0).completionContext(), post.completionContext());
  }

  @Test
  @DisplayName("COMPLETE in the upper filter: neither the lower filter nor the file system is called")
  void complete_inUpperFilter_lowerFilterAndFileSystemSkipped() {
    rig = Rig.on(new NtfsLikeFileSystem());
    FileObject fo = rig.open("\\empty.txt");
    rig.high.onPre(IrpMajorFunction.READ, (data, objs, cc) -> {
      data.setIoStatus(NtStatus.STATUS_SUCCESS, 42);
      return FltPreopCallbackStatus.COMPLETE;
    });
    // The file is empty: had the file system seen the read it would say END_OF_FILE.
    assertEquals(new IoStatus(NtStatus.STATUS_SUCCESS, 42), rig.io.read(fo, 0, 42));
    List<String> reads = new ArrayList<>();
    for (String l : rig.journal.lines(fo)) {
      if (l.endsWith("Read")) {
        reads.add(l);
      }
    }
    assertEquals(List.of(HIGH + " PreRead"), reads);
    rig.io.closeHandle(fo);
  }

  @Test
  @DisplayName("SYNCHRONIZE: the post-operation callback runs in the originating thread with the completion context")
  void synchronize_postRunsInOriginatingThreadWithCompletionContext() {
    rig = Rig.on(new NtfsLikeFileSystem());
    rig.low.onPre(IrpMajorFunction.SET_INFORMATION, (data, objs, cc) -> {
      rig.low.withToken(cc, "PreSetInformation");
      return FltPreopCallbackStatus.SYNCHRONIZE;
    });
    FileObject fo = rig.open("\\a.txt");
    assertTrue(rig.io.setInformation(fo, new FileInformation.Rename("\\b.txt", false)).isSuccess());
    Journal.Call pre = rig.journal.calls("PreSetInformation").get(1);
    Journal.Call post = rig.journal.calls("PostSetInformation").get(0);
    assertEquals(LOW, pre.altitude());
    assertEquals(LOW, post.altitude());
    assertEquals(FltPreopCallbackStatus.SYNCHRONIZE, pre.preResult());
    assertSame(pre.completionContext(), post.completionContext());
    assertSame(Thread.currentThread(), post.thread());
    assertEquals(NtStatus.STATUS_SUCCESS, post.status());
    rig.io.closeHandle(fo);
  }

  @Test
  @DisplayName("A post-operation callback is given the objects its pre-operation callback was given")
  void postOperation_getsThePreOperationsRelatedObjects() {
    rig = Rig.on(new NtfsLikeFileSystem());
    List<FltRelatedObjects> pres = new ArrayList<>();
    List<FltRelatedObjects> posts = new ArrayList<>();
    rig.low.onPre(IrpMajorFunction.READ, (data, objs, cc) -> {
      pres.add(objs);
      return FltPreopCallbackStatus.SUCCESS_WITH_CALLBACK;
    });
    rig.low.onPost(IrpMajorFunction.READ, (data, objs, cc, flags) -> posts.add(objs));
    FileObject fo = rig.open("\\a.txt");
    rig.io.read(fo, 0, 10);
    rig.io.read(fo, 0, 10);
    assertEquals(2, posts.size());
    assertSame(pres.get(0), posts.get(0));
    assertSame(pres.get(1), posts.get(1));
    assertNotSame(posts.get(0), posts.get(1), "each request has its own");
    FltRelatedObjects o = posts.get(0);
    assertSame(fo, o.fileObject());
    assertSame(rig.low.filter(), o.filter());
    assertSame(rig.low.instance(o.volume()), o.instance());
    assertNull(o.transaction());
  }

  @Test
  @DisplayName("FLTFL_OPERATION_REGISTRATION_SKIP_PAGING_IO: paging reads skip that filter only")
  void skipPagingIo_pagingReadSkipsTheFilterThatAskedOnly() {
    rig =
        Rig.on(
            new NtfsLikeFileSystem(),
            b -> {},
            b -> b.operationFlags(IrpMajorFunction.READ, FltOperationRegistration.FLTFL_OPERATION_REGISTRATION_SKIP_PAGING_IO));
    List<Integer> highIrpFlags = new ArrayList<>();
    rig.high.onPost(IrpMajorFunction.READ, (data, objs, cc, flags) -> highIrpFlags.add(data.iopb().irpFlags()));
    FileObject fo = rig.open("\\a.txt");
    rig.io.write(fo, 0, 4096);
    IoStatus paging =
        rig.io.send(
            fo, IrpMajorFunction.READ, 0, new IrpParameters.Read(0, 4096),
            IoConstants.IRP_PAGING_IO | IoConstants.IRP_NOCACHE);
    assertEquals(new IoStatus(NtStatus.STATUS_SUCCESS, 4096), paging);
    rig.io.read(fo, 0, 10);
    List<String> reads = new ArrayList<>();
    for (String l : rig.journal.lines(fo)) {
      if (l.endsWith("Read")) {
        reads.add(l);
      }
    }
    List<String> expected = new ArrayList<>(List.of(HIGH + " PreRead", HIGH + " PostRead"));
    expected.addAll(bracket("Read"));
    assertEquals(expected, reads);
    assertEquals(IoConstants.IRP_PAGING_IO | IoConstants.IRP_NOCACHE, highIrpFlags.get(0));
    assertEquals(0, highIrpFlags.get(1) & IoConstants.IRP_PAGING_IO);
    rig.io.closeHandle(fo);
  }

  /** What one callback saw in its callback data and related objects. */
  private record Seen(
      String altitude,
      int major,
      int minor,
      Object targetInstance,
      Object relatedInstance,
      Object targetFileObject,
      Object relatedFileObject,
      Object filter,
      Object volume,
      Object parameters,
      int flags) {}

  private static Seen seen(String alt, FltCallbackData d, FltRelatedObjects o) {
    return new Seen(
        alt, d.iopb().majorFunction(), d.iopb().minorFunction(), d.iopb().targetInstance(), o.instance(),
        d.iopb().targetFileObject(), o.fileObject(), o.filter(), o.volume(), d.iopb().parameters(), d.flags());
  }

  @Test
  @DisplayName("FLT_CALLBACK_DATA carries major/minor function, target instance and file object, parameters and the final I/O status")
  void callbackData_describesTheOperationForEachInstance() {
    rig = Rig.on(new NtfsLikeFileSystem());
    Map<String, List<Seen>> seen = new ConcurrentHashMap<>();
    for (TestMinifilter f : List.of(rig.high, rig.low)) {
      for (IrpMajorFunction m : TestMinifilter.OPERATIONS) {
        f.onPre(m, (data, objs, cc) -> {
          seen.computeIfAbsent(TestMinifilter.camel(m), k -> new ArrayList<>()).add(seen(f.altitude(), data, objs));
          return f.withToken(cc, "Pre" + TestMinifilter.camel(m));
        });
      }
    }
    FileObject dir = rig.open("\\dir", CreateParameters.openIf().withOptions(IoConstants.FILE_DIRECTORY_FILE));
    FileObject fo = rig.open("\\dir\\a.txt");
    rig.io.write(fo, 0, 100);
    rig.io.read(fo, 10, 50);
    rig.io.directoryControl(dir, "*");
    rig.io.setInformation(fo, new FileInformation.Rename("\\dir\\b.txt", false));

    // Target instance and file object: each callback sees its own instance, the request's file object.
    for (List<Seen> list : seen.values()) {
      for (Seen s : list) {
        TestMinifilter f = s.altitude().equals(HIGH) ? rig.high : rig.low;
        assertSame(f.instance(rig.fltVolume), s.targetInstance());
        assertSame(s.targetInstance(), s.relatedInstance());
        assertSame(f.filter(), s.filter());
        assertSame(rig.fltVolume, s.volume());
        assertSame(s.targetFileObject(), s.relatedFileObject());
        assertNotNull(s.targetFileObject());
        assertEquals(FltCallbackData.FLTFL_CALLBACK_DATA_IRP_OPERATION, s.flags() & FltCallbackData.FLTFL_CALLBACK_DATA_IRP_OPERATION);
      }
    }
    Seen read = seen.get("Read").get(0);
    assertEquals(IrpMajorFunction.READ.code(), read.major());
    assertEquals(0, read.minor());
    assertSame(fo, read.targetFileObject());
    assertEquals(new IrpParameters.Read(10, 50), read.parameters());
    Seen dc = seen.get("DirectoryControl").get(1);
    assertEquals(LOW, dc.altitude());
    assertEquals(IrpMajorFunction.DIRECTORY_CONTROL.code(), dc.major());
    assertEquals(IoConstants.IRP_MN_QUERY_DIRECTORY, dc.minor());
    assertSame(dir, dc.targetFileObject());
    IrpParameters.SetInformation set = (IrpParameters.SetInformation) seen.get("SetInformation").get(0).parameters();
    assertEquals(FileInformationClass.FILE_RENAME_INFORMATION, set.informationClass());
    assertEquals(new FileInformation.Rename("\\dir\\b.txt", false), set.information());
    IrpParameters.Create create = (IrpParameters.Create) seen.get("Create").get(3).parameters();
    assertEquals("\\dir\\a.txt", create.fileName());

    // The I/O status in the post-operation callbacks is the file system's.
    Journal.Call postCreate = rig.journal.calls("PostCreate").get(2);
    assertEquals(NtStatus.STATUS_SUCCESS, postCreate.status());
    assertEquals(IoConstants.FILE_CREATED, postCreate.information());
    Journal.Call postRead = rig.journal.calls("PostRead").get(0);
    assertEquals(NtStatus.STATUS_SUCCESS, postRead.status());
    assertEquals(50, postRead.information());
    assertEquals(1, rig.journal.calls("PostDirectoryControl").get(0).information()); // \dir\a.txt
    for (Journal.Call pre : rig.journal.calls("PreRead")) {
      assertEquals(NtStatus.STATUS_SUCCESS, pre.status(), "nothing has completed yet in pre-read");
      assertEquals(0, pre.information());
    }
    rig.io.closeHandle(fo);
    rig.io.closeHandle(dir);
  }

  @Test
  @DisplayName("a failing create reaches the post-operation callbacks with the file system's status")
  void failedCreate_postSeesFailureStatus() {
    rig = Rig.on(new NtfsLikeFileSystem());
    CreateResult r = rig.io.createFile(rig.volume, "\\missing.txt", CreateParameters.open());
    assertEquals(NtStatus.STATUS_OBJECT_NAME_NOT_FOUND, r.status());
    List<Journal.Call> posts = rig.journal.calls("PostCreate");
    assertEquals(List.of(LOW, HIGH), List.of(posts.get(0).altitude(), posts.get(1).altitude()));
    for (Journal.Call c : posts) {
      assertEquals(NtStatus.STATUS_OBJECT_NAME_NOT_FOUND, c.status());
    }
  }

  @Test
  @DisplayName("a request the file system fails still unwinds through every post-operation callback")
  void failedRead_everyPostSeesTheFileSystemsStatus() {
    rig = Rig.on(new NtfsLikeFileSystem());
    FileObject fo = rig.open("\\a.txt");
    IoStatus st = rig.io.send(fo, IrpMajorFunction.READ, 0, new IrpParameters.Read(8192, 1), 0);
    assertEquals(NtStatus.STATUS_END_OF_FILE, st.status());
    for (Journal.Call c : rig.journal.calls("PostRead")) {
      assertEquals(NtStatus.STATUS_END_OF_FILE, c.status());
    }
    assertEquals(2, rig.journal.calls("PostRead").size());
    rig.io.closeHandle(fo);
  }
}
