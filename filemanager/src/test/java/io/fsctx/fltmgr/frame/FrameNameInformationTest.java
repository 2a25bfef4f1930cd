package io.fsctx.fltmgr.frame;

import static io.fsctx.fltmgr.frame.Rig.DEVICE;
import static io.fsctx.fltmgr.FltFileNameInformation.FLT_FILE_NAME_NORMALIZED;
import static io.fsctx.fltmgr.FltFileNameInformation.FLT_FILE_NAME_OPENED;
import static io.fsctx.fltmgr.FltFileNameInformation.FLT_FILE_NAME_QUERY_DEFAULT;
import static io.fsctx.nt.NtStatus.STATUS_SUCCESS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.modelfs.NtfsLikeFileSystem;
import io.fsctx.fltmgr.Flt;
import io.fsctx.fltmgr.FltCallbackData;
import io.fsctx.fltmgr.FltFileNameInformation;
import io.fsctx.fltmgr.FltPreopCallbackStatus;
import io.fsctx.io.CreateParameters;
import io.fsctx.io.FileInformation;
import io.fsctx.io.FileObject;
import io.fsctx.io.IoConstants;
import io.fsctx.io.IrpMajorFunction;
import io.fsctx.nt.BugCheckException;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import io.fsctx.nt.UnicodeString;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code FltGetFileNameInformation}, {@code FltParseFileNameInformation}, the reference-counted
 * shared name objects and {@code FltGetVolumeName}, driven through the frame (ctx-sample.md 1.9,
 * 1.11 item 6, 1.12; bug check 0xF5/0x68 from 4.2).
 */
class FrameNameInformationTest {
  private Rig rig;

  @AfterEach
  void noContextOutlivesTheScenario() {
    if (rig != null) {
      rig.assertNoLiveContexts();
    }
  }

  private static FltFileNameInformation name(FltCallbackData data, int format) {
    Out<FltFileNameInformation> out = new Out<>();
    NtStatus st = Flt.getFileNameInformation(data, format | FLT_FILE_NAME_QUERY_DEFAULT, out);
    assertEquals(STATUS_SUCCESS, st);
    return out.get();
  }

  /** Records the normalized and opened names the low filter gets in post-create, parsed. */
  private Map<String, FltFileNameInformation> namesInPostCreate(String path) {
    Map<String, FltFileNameInformation> got = new TreeMap<>();
    rig.low.onPost(IrpMajorFunction.CREATE, (data, objs, cc, flags) -> {
      if (data.ioStatus().isSuccess()) {
        got.put("normalized", name(data, FLT_FILE_NAME_NORMALIZED));
        got.put("opened", name(data, FLT_FILE_NAME_OPENED));
      }
    });
    rig.io.closeHandle(rig.open(path));
    rig.low.onPost(IrpMajorFunction.CREATE, (data, objs, cc, flags) -> {});
    return got;
  }

  private static void releaseAll(Map<String, FltFileNameInformation> names) {
    for (FltFileNameInformation n : names.values()) {
      Flt.releaseFileNameInformation(n);
    }
  }

  @Test
  @DisplayName("normalized names keep the case the file was created with and drop ::$DATA; opened names are as the caller spelt them")
  void normalizedVsOpened_caseAndDefaultStream() {
    rig = Rig.on(new NtfsLikeFileSystem());
    rig.io.closeHandle(rig.open("\\Dir", CreateParameters.openIf().withOptions(IoConstants.FILE_DIRECTORY_FILE)));
    rig.io.closeHandle(rig.open("\\Dir\\MixedCase.TXT"));

    Map<String, FltFileNameInformation> names = namesInPostCreate("\\dir\\mixedcase.txt::$DATA");
    FltFileNameInformation normalized = names.get("normalized");
    FltFileNameInformation opened = names.get("opened");
    assertEquals(DEVICE + "\\Dir\\MixedCase.TXT", normalized.name());
    assertEquals(DEVICE + "\\dir\\mixedcase.txt::$DATA", opened.name());
    assertEquals(FLT_FILE_NAME_NORMALIZED, normalized.format());
    assertEquals(FLT_FILE_NAME_OPENED, opened.format());

    // Parsed fields appear only after FltParseFileNameInformation.
    assertEquals(0, normalized.namesParsed());
    assertEquals("", normalized.finalComponent());
    assertEquals(STATUS_SUCCESS, Flt.parseFileNameInformation(normalized));
    assertEquals(STATUS_SUCCESS, Flt.parseFileNameInformation(opened));
    assertEquals(DEVICE, normalized.volume());
    assertEquals("", normalized.share());
    assertEquals("\\Dir\\", normalized.parentDir());
    assertEquals("MixedCase.TXT", normalized.finalComponent());
    assertEquals("TXT", normalized.extension());
    assertEquals("", normalized.stream());
    assertEquals("\\dir\\", opened.parentDir());
    assertEquals("mixedcase.txt::$DATA", opened.finalComponent());
    assertEquals("txt", opened.extension());
    assertEquals("::$DATA", opened.stream());
    assertEquals(
        FltFileNameInformation.FLTFL_FILE_NAME_PARSED_FINAL_COMPONENT
            | FltFileNameInformation.FLTFL_FILE_NAME_PARSED_EXTENSION
            | FltFileNameInformation.FLTFL_FILE_NAME_PARSED_STREAM
            | FltFileNameInformation.FLTFL_FILE_NAME_PARSED_PARENT_DIR,
        opened.namesParsed());
    releaseAll(names);
  }

  @Test
  @DisplayName("in pre-create the normalized name of an existing file already has its on-disk case")
  void preCreate_normalizedNameOfExistingFile_hasOnDiskCase() {
    rig = Rig.on(new NtfsLikeFileSystem());
    rig.io.closeHandle(rig.open("\\Dir", CreateParameters.openIf().withOptions(IoConstants.FILE_DIRECTORY_FILE)));
    rig.io.closeHandle(rig.open("\\Dir\\MixedCase.TXT"));
    List<String> got = new ArrayList<>();
    rig.high.onPre(IrpMajorFunction.CREATE, (data, objs, cc) -> {
      FltFileNameInformation n = name(data, FLT_FILE_NAME_NORMALIZED);
      FltFileNameInformation o = name(data, FLT_FILE_NAME_OPENED);
      got.add(n.name());
      got.add(o.name());
      Flt.releaseFileNameInformation(n);
      Flt.releaseFileNameInformation(o);
      return rig.high.withToken(cc, "PreCreate");
    });
    rig.io.closeHandle(rig.open("\\DIR\\mixedcase.txt::$DATA"));
    rig.io.closeHandle(rig.open("\\DIR\\New.txt"));
    assertEquals(
        List.of(
            DEVICE + "\\Dir\\MixedCase.TXT", DEVICE + "\\DIR\\mixedcase.txt::$DATA",
            DEVICE + "\\Dir\\New.txt", DEVICE + "\\DIR\\New.txt"),
        got);
  }

  @Test
  @DisplayName("a hard link's open is named by the link it was opened through; a named stream keeps :name")
  void hardLinkAndAlternateDataStream_names() {
    rig = Rig.on(new NtfsLikeFileSystem());
    FileObject a = rig.open("\\a.txt");
    assertTrue(rig.io.setInformation(a, new FileInformation.Link("\\Link.txt", false)).isSuccess());
    rig.io.closeHandle(a);

    Map<String, FltFileNameInformation> viaLink = namesInPostCreate("\\LINK.TXT");
    assertEquals(DEVICE + "\\Link.txt", viaLink.get("normalized").name());
    assertEquals(DEVICE + "\\LINK.TXT", viaLink.get("opened").name());
    Map<String, FltFileNameInformation> viaFirst = namesInPostCreate("\\a.txt");
    assertEquals(DEVICE + "\\a.txt", viaFirst.get("normalized").name());

    Map<String, FltFileNameInformation> ads = namesInPostCreate("\\a.txt:ads:$DATA");
    FltFileNameInformation n = ads.get("normalized");
    assertEquals(DEVICE + "\\a.txt:ads", n.name());
    assertEquals(DEVICE + "\\a.txt:ads:$DATA", ads.get("opened").name());
    Flt.parseFileNameInformation(n);
    assertEquals(":ads", n.stream());
    assertEquals("a.txt:ads", n.finalComponent());
    assertEquals("txt", n.extension());
    assertEquals("\\", n.parentDir());
    releaseAll(viaLink);
    releaseAll(viaFirst);
    releaseAll(ads);
  }

  @Test
  @DisplayName("every filter that asks gets the same shared name object, so one filter's parse is visible to the other")
  void twoFilters_sameOperation_shareOneReferenceCountedNameObject() {
    rig = Rig.on(new NtfsLikeFileSystem());
    List<FltFileNameInformation> got = new ArrayList<>();
    for (TestMinifilter f : List.of(rig.high, rig.low)) {
      f.onPost(IrpMajorFunction.CREATE, (data, objs, cc, flags) -> got.add(name(data, FLT_FILE_NAME_NORMALIZED)));
    }
    FileObject fo = rig.open("\\shared.dat");
    assertSame(got.get(0), got.get(1));
    FltFileNameInformation n = got.get(0);
    int refs = n.referenceCount();
    Flt.referenceFileNameInformation(n);
    assertEquals(refs + 1, n.referenceCount());
    Flt.parseFileNameInformation(n); // "low" parses
    assertEquals("dat", got.get(1).extension()); // "high" sees it
    Flt.releaseFileNameInformation(n);
    Flt.releaseFileNameInformation(got.get(0));
    Flt.releaseFileNameInformation(got.get(1));
    assertEquals(refs - 2, n.referenceCount());
    rig.io.closeHandle(fo);
  }

  @Test
  @DisplayName("the cache keeps each format of one file object apart: both are served again, and a rename drops both")
  void twoFormats_oneFileObject_eachCachedApart_renameDropsBoth() {
    rig = Rig.on(new NtfsLikeFileSystem());
    List<FltFileNameInformation> held = new ArrayList<>();
    TestMinifilter.PostHook both = (data, objs, cc, flags) -> {
      held.add(name(data, FLT_FILE_NAME_NORMALIZED));
      held.add(name(data, FLT_FILE_NAME_OPENED));
      held.add(name(data, FLT_FILE_NAME_NORMALIZED));
      held.add(name(data, FLT_FILE_NAME_OPENED));
    };
    rig.low.onPost(IrpMajorFunction.CREATE, both);
    rig.low.onPost(IrpMajorFunction.SET_INFORMATION, both);
    FileObject fo = rig.open("\\two.txt");
    assertNotSame(held.get(0), held.get(1), "one object per format");
    assertSame(held.get(0), held.get(2), "the normalized name is served from the cache");
    assertSame(held.get(1), held.get(3), "so is the opened name, beside it");
    assertTrue(rig.io.setInformation(fo, new FileInformation.Rename("\\moved.txt", false)).isSuccess());
    assertEquals(DEVICE + "\\moved.txt", held.get(4).name());
    assertNotSame(held.get(0), held.get(4), "the rename dropped the cached normalized name");
    assertNotSame(held.get(1), held.get(5), "and the opened one");
    assertSame(held.get(4), held.get(6));
    assertSame(held.get(5), held.get(7));
    for (FltFileNameInformation n : held) {
      Flt.releaseFileNameInformation(n);
    }
    rig.io.closeHandle(fo);
  }

  @Test
  @DisplayName("ctx-sample.md 1.9: a rename invalidates the cached name; objects handed out earlier keep the old name")
  void rename_postRenameQueryReturnsNewName_earlierObjectsKeepOldOne() {
    rig = Rig.on(new NtfsLikeFileSystem());
    List<FltFileNameInformation> held = new ArrayList<>();
    rig.low.onPost(IrpMajorFunction.CREATE, (data, objs, cc, flags) -> held.add(name(data, FLT_FILE_NAME_NORMALIZED)));
    rig.low.onPre(IrpMajorFunction.SET_INFORMATION, (data, objs, cc) -> {
      held.add(name(data, FLT_FILE_NAME_NORMALIZED));
      return rig.low.withToken(cc, "PreSetInformation");
    });
    rig.low.onPost(IrpMajorFunction.SET_INFORMATION, (data, objs, cc, flags) -> held.add(name(data, FLT_FILE_NAME_NORMALIZED)));
    rig.high.onPost(IrpMajorFunction.SET_INFORMATION, (data, objs, cc, flags) -> held.add(name(data, FLT_FILE_NAME_NORMALIZED)));
    rig.low.onPre(IrpMajorFunction.READ, (data, objs, cc) -> {
      held.add(name(data, FLT_FILE_NAME_NORMALIZED));
      return FltPreopCallbackStatus.SUCCESS_NO_CALLBACK;
    });
    FileObject fo = rig.open("\\old.txt");
    assertTrue(rig.io.setInformation(fo, new FileInformation.Rename("\\new.txt", false)).isSuccess());
    rig.io.read(fo, 0, 1);

    List<String> names = new ArrayList<>();
    for (FltFileNameInformation n : held) {
      names.add(n.name());
    }
    assertEquals(
        List.of(
            DEVICE + "\\old.txt", // post-create
            DEVICE + "\\old.txt", // pre-rename
            DEVICE + "\\new.txt", // post-rename, low
            DEVICE + "\\new.txt", // post-rename, high
            DEVICE + "\\new.txt"), // a later read
        names);
    assertSame(held.get(0), held.get(1), "the cache served the pre-rename query");
    assertNotSame(held.get(1), held.get(2), "the rename invalidated the cache");
    assertSame(held.get(2), held.get(3));
    for (FltFileNameInformation n : held) {
      Flt.releaseFileNameInformation(n);
    }
    rig.io.closeHandle(fo);
  }

  @Test
  @DisplayName("a rename no filter has a callback for (sent down without callback data) still invalidates the cached name")
  void rename_noFilterCallbackForIt_stillInvalidatesTheCachedName() {
    // Only post-create and pre-read are registered: the rename and the close take the frame's
    // pass-down path, which must keep the frame's own bookkeeping.
    rig = Rig.on(new NtfsLikeFileSystem());
    List<FltFileNameInformation> held = new ArrayList<>();
    rig.low.onPost(IrpMajorFunction.CREATE, (data, objs, cc, flags) -> held.add(name(data, FLT_FILE_NAME_NORMALIZED)));
    rig.low.onPre(IrpMajorFunction.READ, (data, objs, cc) -> {
      held.add(name(data, FLT_FILE_NAME_NORMALIZED));
      return FltPreopCallbackStatus.SUCCESS_NO_CALLBACK;
    });
    FileObject fo = rig.open("\\before.txt");
    assertTrue(rig.io.setInformation(fo, new FileInformation.Rename("\\after.txt", false)).isSuccess());
    rig.io.read(fo, 0, 1);
    assertEquals(List.of(DEVICE + "\\before.txt", DEVICE + "\\after.txt"), held.stream().map(FltFileNameInformation::name).toList());
    for (FltFileNameInformation n : held) {
      Flt.releaseFileNameInformation(n);
    }
    rig.io.closeHandle(fo);
  }

  @Test
  @DisplayName("ctx-sample.md 4.2: releasing a name object more times than it was referenced is bug check 0xF5/0x68")
  void releaseFileNameInformation_tooManyTimes_bugChecks0x68() {
    rig = Rig.on(new NtfsLikeFileSystem());
    List<FltFileNameInformation> got = new ArrayList<>();
    rig.low.onPost(IrpMajorFunction.CREATE, (data, objs, cc, flags) -> got.add(name(data, FLT_FILE_NAME_NORMALIZED)));
    FileObject fo = rig.open("\\a.txt");
    FltFileNameInformation n = got.get(0);
    Flt.releaseFileNameInformation(n);
    BugCheckException e = assertThrows(BugCheckException.class, () -> Flt.releaseFileNameInformation(n));
    assertEquals(BugCheckException.FLTMGR_FILE_SYSTEM, e.bugCheckCode());
    assertEquals(0x68, e.parameter1());
    rig.io.closeHandle(fo);
  }

  @Test
  @DisplayName("no name for a create that failed, nor after the file object was closed")
  void failedCreateAndPostClose_nameRequestIsInvalid() {
    rig = Rig.on(new NtfsLikeFileSystem());
    List<NtStatus> statuses = new ArrayList<>();
    rig.low.onPost(IrpMajorFunction.CREATE, (data, objs, cc, flags) -> {
      Out<FltFileNameInformation> out = new Out<>();
      NtStatus st = Flt.getFileNameInformation(data, FLT_FILE_NAME_NORMALIZED | FLT_FILE_NAME_QUERY_DEFAULT, out);
      statuses.add(st);
      if (out.get() != null) {
        Flt.releaseFileNameInformation(out.get());
      }
    });
    rig.low.onPost(IrpMajorFunction.CLOSE, (data, objs, cc, flags) -> {
      Out<FltFileNameInformation> out = new Out<>();
      statuses.add(Flt.getFileNameInformation(data, FLT_FILE_NAME_NORMALIZED | FLT_FILE_NAME_QUERY_DEFAULT, out));
      assertNull(out.get());
    });
    rig.io.createFile(rig.volume, "\\missing", CreateParameters.open());
    rig.io.closeHandle(rig.open("\\present"));
    assertEquals(
        List.of(NtStatus.STATUS_FLT_INVALID_NAME_REQUEST, STATUS_SUCCESS, NtStatus.STATUS_FLT_INVALID_NAME_REQUEST),
        statuses);
  }

  @Test
  @DisplayName("ctx-sample.md 1.7: FltGetVolumeName's two calls: BUFFER_TOO_SMALL with the size, then the NT device name")
  void getVolumeName_twoCallProtocol() {
    rig = Rig.on(new NtfsLikeFileSystem());
    List<String> got = new ArrayList<>();
    rig.high.onPost(IrpMajorFunction.CREATE, (data, objs, cc, flags) -> {
      Out<Integer> size = new Out<>();
      assertEquals(NtStatus.STATUS_BUFFER_TOO_SMALL, Flt.getVolumeName(objs.volume(), null, size));
      assertEquals(DEVICE.length() * 2, size.get());
      UnicodeString tooSmall = UnicodeString.allocate(size.get() - 2);
      assertEquals(NtStatus.STATUS_BUFFER_TOO_SMALL, Flt.getVolumeName(objs.volume(), tooSmall, size));
      UnicodeString buffer = UnicodeString.allocate(size.get());
      assertEquals(STATUS_SUCCESS, Flt.getVolumeName(objs.volume(), buffer, null));
      assertEquals(size.get(), buffer.length());
      got.add(buffer.toString());
    });
    rig.io.closeHandle(rig.open("\\a.txt"));
    assertEquals(List.of(DEVICE), got);
  }

  @Test
  @DisplayName("a rename ends the cache's hold on every cached name of the volume at once; a close empties the file object's slot")
  void rename_endsEveryCacheHold_closeEmptiesTheSlot() {
    rig = Rig.on(new NtfsLikeFileSystem());
    List<FltFileNameInformation> held = new ArrayList<>();
    rig.low.onPost(IrpMajorFunction.CREATE, (data, objs, cc, flags) -> held.add(name(data, FLT_FILE_NAME_NORMALIZED)));
    FileObject a = rig.open("\\a.txt");
    FileObject b = rig.open("\\b.txt");
    assertEquals(List.of(2, 2), List.of(held.get(0).referenceCount(), held.get(1).referenceCount()),
        "the caller's reference and the cache's hold");
    assertTrue(rig.io.setInformation(a, new FileInformation.Rename("\\c.txt", false)).isSuccess());
    assertEquals(List.of(1, 1), List.of(held.get(0).referenceCount(), held.get(1).referenceCount()),
        "b.txt was not renamed, but the model drops every cached name of the volume");
    for (FltFileNameInformation n : held) {
      Flt.releaseFileNameInformation(n);
      assertEquals(0, n.referenceCount());
    }
    assertTrue(a.filterSlot() != null && b.filterSlot() != null, "stale entries stay until the next query or the close");
    rig.io.closeHandle(a);
    rig.io.closeHandle(b);
    assertNull(a.filterSlot());
    assertNull(b.filterSlot());
  }

  @Test
  @DisplayName("two Filter Managers framing one volume each cache their own names of a file object, and each lets go at its close")
  void twoManagers_oneFileObject_eachCachesItsOwnNames() {
    io.fsctx.io.IoManager io = new io.fsctx.io.IoManager();
    List<FltFileNameInformation> held = new ArrayList<>();
    List<io.fsctx.fltmgr.FilterManager> managers = new ArrayList<>();
    for (int m = 0; m < 2; m++) {
      io.fsctx.fltmgr.FilterManager manager = new io.fsctx.fltmgr.FilterManager();
      TestMinifilter f = TestMinifilter.at(Rig.LOW, new Journal()).register(manager);
      f.onPost(IrpMajorFunction.CREATE, (data, objs, cc, flags) -> {
        held.add(name(data, FLT_FILE_NAME_NORMALIZED));
        held.add(name(data, FLT_FILE_NAME_NORMALIZED));
      });
      manager.followMounts(io);
      managers.add(manager);
    }
    io.fsctx.io.Volume volume = io.mount(DEVICE, 'C', new NtfsLikeFileSystem());
    FileObject fo = io.createFile(volume, "\\two.txt", CreateParameters.openIf()).openedFileObject();
    assertEquals(4, held.size(), "both managers' filters asked twice");
    assertSame(held.get(0), held.get(1), "the first manager's name is served from its cache");
    assertSame(held.get(2), held.get(3), "so is the second manager's, from its own");
    assertNotSame(held.get(0), held.get(2));
    for (FltFileNameInformation n : held) {
      Flt.releaseFileNameInformation(n);
    }
    assertEquals(List.of(1, 1), List.of(held.get(0).referenceCount(), held.get(2).referenceCount()), "each cache holds its own");
    io.closeHandle(fo);
    assertEquals(List.of(0, 0), List.of(held.get(0).referenceCount(), held.get(2).referenceCount()),
        "the close let go of both managers' names");
    assertNull(fo.filterSlot());
  }

  @Test
  @DisplayName("name queries racing on one file object and renames on the volume lose no reference: every object ends with none")
  void concurrentQueriesAndRenames_everyNameObjectEndsReleased() throws Exception {
    rig = Rig.on(new NtfsLikeFileSystem());
    java.util.Set<FltFileNameInformation> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
    List<String> wrong = new java.util.concurrent.CopyOnWriteArrayList<>();
    rig.low.onPre(IrpMajorFunction.READ, (data, objs, cc) -> {
      FltFileNameInformation n = name(data, FLT_FILE_NAME_NORMALIZED);
      seen.add(n);
      if (!n.name().equals(DEVICE + "\\shared.txt")) {
        wrong.add(n.name());
      }
      Flt.releaseFileNameInformation(n);
      return FltPreopCallbackStatus.SUCCESS_NO_CALLBACK;
    });
    FileObject shared = rig.open("\\shared.txt");
    FileObject other = rig.open("\\other0.txt");
    int readers = 3;
    java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean renamed = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicLong reads = new java.util.concurrent.atomic.AtomicLong();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(readers + 1);
    try {
      List<java.util.concurrent.Future<?>> done = new ArrayList<>();
      for (int t = 0; t < readers; t++) {
        done.add(pool.submit(() -> {
          start.await();
          // Reading until the renames are over, so the two overlap however the threads are
          // scheduled (a fixed count could end before the renamer started on a loaded machine).
          for (int i = 0; i < 2_000 || !renamed.get(); i++) {
            rig.io.read(shared, 0, 16);
            reads.incrementAndGet();
          }
          return null;
        }));
      }
      done.add(pool.submit(() -> {
        start.await();
        try {
          // Each rename starts a new cache generation. The renamer waits for a read between
          // renames: otherwise, on a loaded machine, all 300 renames could end before the first
          // read, which would then build the only name object the test sees.
          for (int i = 1; i <= 300; i++) {
            awaitMoreThan(reads, reads.get());
            assertTrue(rig.io.setInformation(other, new FileInformation.Rename("\\other" + i + ".txt", false)).isSuccess());
          }
          // More increments than readers: one reader then read twice, so its second read began
          // after the last rename and saw a newer generation than the read before the first.
          awaitMoreThan(reads, reads.get() + readers);
        } finally {
          renamed.set(true);
        }
        return null;
      }));
      start.countDown();
      for (java.util.concurrent.Future<?> f : done) {
        f.get(60, java.util.concurrent.TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(List.of(), wrong);
    assertTrue(seen.size() > 1, "the renames made the readers build new name objects");
    rig.io.closeHandle(shared);
    rig.io.closeHandle(other);
    for (FltFileNameInformation n : seen) {
      assertEquals(0, n.referenceCount(), n.id());
    }
    assertNull(shared.filterSlot());
  }

  /** Waits, yielding, until {@code counter} exceeds {@code seen}; the caller's timeout bounds it. */
  private static void awaitMoreThan(java.util.concurrent.atomic.AtomicLong counter, long seen) {
    while (counter.get() <= seen) {
      Thread.yield();
    }
  }
}
