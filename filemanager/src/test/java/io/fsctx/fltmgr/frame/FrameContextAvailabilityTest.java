package io.fsctx.fltmgr.frame;

import static io.fsctx.fltmgr.frame.Rig.HIGH;
import static io.fsctx.fltmgr.frame.Rig.LOW;
import static io.fsctx.fltmgr.FltContextType.FILE;
import static io.fsctx.fltmgr.FltContextType.INSTANCE;
import static io.fsctx.fltmgr.FltContextType.STREAM;
import static io.fsctx.fltmgr.FltContextType.STREAMHANDLE;
import static io.fsctx.fltmgr.FltContextType.VOLUME;
import static io.fsctx.nt.NtStatus.STATUS_FLT_CONTEXT_ALREADY_DEFINED;
import static io.fsctx.nt.NtStatus.STATUS_NOT_SUPPORTED;
import static io.fsctx.nt.NtStatus.STATUS_SUCCESS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.modelfs.FatLikeFileSystem;
import io.fsctx.modelfs.LegacyFileSystem;
import io.fsctx.modelfs.NtfsLikeFileSystem;
import io.fsctx.fltmgr.Flt;
import io.fsctx.fltmgr.FltContext;
import io.fsctx.fltmgr.FltContextType;
import io.fsctx.fltmgr.FltPreopCallbackStatus;
import io.fsctx.fltmgr.FltRelatedObjects;
import io.fsctx.nt.PoolType;
import io.fsctx.fltmgr.SetContextOperation;
import io.fsctx.modelfs.toolkit.ClosePolicy;
import io.fsctx.io.CreateParameters;
import io.fsctx.io.FileObject;
import io.fsctx.io.IoConstants;
import io.fsctx.io.IrpMajorFunction;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Which contexts a minifilter can use in which phase of which request, on which file system
 * (fltmgr.md 6.4; ctx-sample.md 3.3 "Paging files", 3.4 item 7).
 */
class FrameContextAvailabilityTest {
  private static final List<FltContextType> PER_FILE_OBJECT = List.of(STREAM, STREAMHANDLE, FILE);

  private Rig rig;

  @AfterEach
  void noContextOutlivesTheScenario() {
    if (rig != null) {
      rig.assertNoLiveContexts();
    }
  }

  /** Tries get and set of {@code types} and records "callback type op" → status. */
  private static void probe(
      TestMinifilter f, String callback, FltRelatedObjects objs, List<FltContextType> types, Map<String, NtStatus> out) {
    for (FltContextType t : types) {
      NtStatus got = f.get(t, objs, null);
      NtStatus set = f.attach(t, objs, callback + " " + t);
      synchronized (out) {
        out.put(callback + " " + t + " get", got);
        out.put(callback + " " + t + " set", set);
      }
    }
  }

  @Test
  @DisplayName("fltmgr.md 6.4: file, stream and stream-handle contexts are unavailable in pre-create, post-close and network-query-open; instance and volume contexts work in pre-create")
  void contexts_byPhase_unavailableInPreCreatePostCloseAndNetworkQueryOpen() {
    rig = Rig.on(new NtfsLikeFileSystem());
    Map<String, NtStatus> seen = new TreeMap<>();
    TestMinifilter f = rig.low;
    f.onPre(IrpMajorFunction.CREATE, (data, objs, cc) -> {
      probe(f, "PreCreate", objs, PER_FILE_OBJECT, seen);
      probe(f, "PreCreate", objs, List.of(INSTANCE, VOLUME), seen);
      return f.withToken(cc, "PreCreate");
    });
    f.onPost(IrpMajorFunction.CREATE, (data, objs, cc, flags) -> probe(f, "PostCreate", objs, PER_FILE_OBJECT, seen));
    f.onPre(IrpMajorFunction.CLOSE, (data, objs, cc) -> {
      for (FltContextType t : PER_FILE_OBJECT) {
        seen.put("PreClose " + t + " get", f.get(t, objs, null));
      }
      return f.withToken(cc, "PreClose");
    });
    f.onPost(IrpMajorFunction.CLOSE, (data, objs, cc, flags) -> probe(f, "PostClose", objs, PER_FILE_OBJECT, seen));
    f.onPre(IrpMajorFunction.NETWORK_QUERY_OPEN, (data, objs, cc) -> {
      probe(f, "PreNetworkQueryOpen", objs, PER_FILE_OBJECT, seen);
      return f.withToken(cc, "PreNetworkQueryOpen");
    });
    f.onPost(
        IrpMajorFunction.NETWORK_QUERY_OPEN,
        (data, objs, cc, flags) -> probe(f, "PostNetworkQueryOpen", objs, PER_FILE_OBJECT, seen));

    FileObject fo = rig.open("\\a.txt");
    assertEquals(STATUS_SUCCESS, rig.io.networkQueryOpen(rig.volume, "\\a.txt").status());
    rig.io.closeHandle(fo);

    Map<String, NtStatus> expected = new TreeMap<>();
    for (FltContextType t : PER_FILE_OBJECT) {
      for (String phase : List.of("PreCreate", "PostClose", "PreNetworkQueryOpen", "PostNetworkQueryOpen")) {
        expected.put(phase + " " + t + " get", STATUS_NOT_SUPPORTED);
        expected.put(phase + " " + t + " set", STATUS_NOT_SUPPORTED);
      }
      expected.put("PostCreate " + t + " get", NtStatus.STATUS_NOT_FOUND);
      expected.put("PostCreate " + t + " set", STATUS_SUCCESS);
      expected.put("PreClose " + t + " get", STATUS_SUCCESS);
    }
    expected.put("PreCreate INSTANCE get", NtStatus.STATUS_NOT_FOUND);
    expected.put("PreCreate INSTANCE set", STATUS_SUCCESS);
    expected.put("PreCreate VOLUME get", NtStatus.STATUS_NOT_FOUND);
    expected.put("PreCreate VOLUME set", STATUS_SUCCESS);
    assertEquals(expected, seen);

    // The contexts set in post-create died with the stream (immediate close policy).
    assertEquals(
        List.of(
            "cleanup 320000 STREAM PostCreate STREAM",
            "cleanup 320000 STREAMHANDLE PostCreate STREAMHANDLE",
            "cleanup 320000 FILE PostCreate FILE"),
        rig.journal.cleanups().stream().filter(l -> l.contains("PostCreate")).toList());
    // Every refused set freed its context at the release that followed it.
    assertEquals(4 * 3, rig.journal.cleanups().stream().filter(l -> !l.contains("PostCreate")).count());

    rig.io.dismount(rig.volume);
    assertTrue(rig.journal.cleanups().contains("cleanup 320000 INSTANCE PreCreate INSTANCE"));
    assertTrue(rig.journal.cleanups().contains("cleanup 320000 VOLUME PreCreate VOLUME"));
  }

  @Test
  @DisplayName("fltmgr.md 6.4: the documented pattern: allocate in pre-create, hand over as completion context, set in post-create")
  void preCreateAllocation_handedOverAsCompletionContext_setInPostCreate() {
    rig = Rig.on(new NtfsLikeFileSystem());
    TestMinifilter f = rig.high;
    f.onPre(IrpMajorFunction.CREATE, (data, objs, cc) -> {
      Out<FltContext> c = new Out<>();
      assertEquals(STATUS_SUCCESS, Flt.allocateContext(f.filter(), STREAM.code(), 16, PoolType.PAGED_POOL, c));
      c.get().payload(TestMinifilter.Tag.class).label = "from pre-create";
      cc.set(c.get());
      return FltPreopCallbackStatus.SUCCESS_WITH_CALLBACK;
    });
    f.onPost(IrpMajorFunction.CREATE, (data, objs, cc, flags) -> {
      FltContext c = (FltContext) cc;
      if (data.ioStatus().isSuccess()) {
        NtStatus st = Flt.setStreamContext(objs.instance(), objs.fileObject(), SetContextOperation.KEEP_IF_EXISTS.code(), c, null);
        assertTrue(st.equals(STATUS_SUCCESS) || st.equals(STATUS_FLT_CONTEXT_ALREADY_DEFINED), st.toString());
      }
      Flt.releaseContext(c);
    });
    FileObject first = rig.open("\\a.txt");
    FileObject second = rig.open("\\a.txt");
    assertFalse(rig.io.createFile(rig.volume, "\\nope\\x", CreateParameters.open()).isOpened());
    Out<String> label = new Out<>();
    assertEquals(STATUS_SUCCESS, f.get(STREAM, new FltRelatedObjects(f.filter(), rig.fltVolume, f.instance(rig.fltVolume), second, null), label));
    assertEquals("from pre-create", label.get());
    rig.io.closeHandle(first);
    rig.io.closeHandle(second);
    // One attached, one refused (already defined), one for the failed create: all three cleaned up.
    assertEquals(3, rig.journal.cleanups().size());
  }

  @Test
  @DisplayName("ctx-sample.md 3.4: a common-header (legacy) file system gives STATUS_NOT_SUPPORTED for file, stream and stream-handle contexts; instance contexts work")
  void legacyFileSystem_perFileObjectContextsNotSupported_instanceContextWorks() {
    rig = Rig.on(new LegacyFileSystem());
    Map<String, NtStatus> seen = new TreeMap<>();
    for (TestMinifilter f : List.of(rig.high, rig.low)) {
      f.onPost(IrpMajorFunction.CREATE, (data, objs, cc, flags) -> {
        probe(f, f.altitude() + " PostCreate", objs, PER_FILE_OBJECT, seen);
        probe(f, f.altitude() + " PostCreate", objs, List.of(INSTANCE), seen);
        seen.put(f.altitude() + " supports", Flt.supportsStreamContexts(objs.fileObject())
            || Flt.supportsStreamHandleContexts(objs.fileObject())
            || Flt.supportsFileContexts(objs.fileObject())
            || Flt.supportsFileContextsEx(objs.fileObject(), objs.instance()) ? STATUS_SUCCESS : STATUS_NOT_SUPPORTED);
      });
    }
    FileObject fo = rig.open("\\a.txt");
    rig.io.closeHandle(fo);
    for (String alt : List.of(HIGH, LOW)) {
      for (FltContextType t : PER_FILE_OBJECT) {
        assertEquals(STATUS_NOT_SUPPORTED, seen.get(alt + " PostCreate " + t + " get"), alt + " " + t);
        assertEquals(STATUS_NOT_SUPPORTED, seen.get(alt + " PostCreate " + t + " set"), alt + " " + t);
      }
      assertEquals(NtStatus.STATUS_NOT_FOUND, seen.get(alt + " PostCreate INSTANCE get"));
      assertEquals(STATUS_SUCCESS, seen.get(alt + " PostCreate INSTANCE set"));
      assertEquals(STATUS_NOT_SUPPORTED, seen.get(alt + " supports"));
      Out<String> label = new Out<>();
      assertEquals(STATUS_SUCCESS, rig.high.get(INSTANCE, FltRelatedObjects.forInstance(rig.high.instance(rig.fltVolume)), label));
      assertEquals("370000 PostCreate INSTANCE", label.get());
    }
    rig.io.dismount(rig.volume);
  }

  @ParameterizedTest
  @EnumSource(ClosePolicy.class)
  @DisplayName("ctx-sample.md 3.3: a paging file's stream does not support filter contexts, and nothing leaks")
  void pagingFile_contextsNotSupported_nothingLeaks(ClosePolicy policy) {
    rig = Rig.on(new NtfsLikeFileSystem(policy));
    Map<String, NtStatus> seen = new TreeMap<>();
    rig.low.onPost(IrpMajorFunction.CREATE, (data, objs, cc, flags) -> {
      probe(rig.low, "PostCreate", objs, PER_FILE_OBJECT, seen);
      seen.put("supported", Flt.supportsStreamContexts(objs.fileObject()) ? STATUS_SUCCESS : STATUS_NOT_SUPPORTED);
    });
    FileObject fo =
        rig.open("\\pagefile.sys", CreateParameters.openIf().withSlFlags(IoConstants.SL_OPEN_PAGING_FILE));
    rig.io.write(fo, 0, 4096);
    rig.io.closeHandle(fo);
    rig.fs.flushDelayedCloses();
    for (FltContextType t : PER_FILE_OBJECT) {
      assertEquals(STATUS_NOT_SUPPORTED, seen.get("PostCreate " + t + " get"), t.toString());
      assertEquals(STATUS_NOT_SUPPORTED, seen.get("PostCreate " + t + " set"), t.toString());
    }
    assertEquals(STATUS_NOT_SUPPORTED, seen.get("supported"));
    assertEquals(0, rig.fltVolume.streamControlBlockCount());
  }

  @ParameterizedTest
  @EnumSource(ClosePolicy.class)
  @DisplayName("fltmgr.md 7: on a FAT-like volume file contexts are emulated per stream and die with the stream")
  void fatLike_emulatedFileContexts_setGetWorkAndCleanupAtStreamTeardown(ClosePolicy policy) {
    rig = Rig.on(new FatLikeFileSystem(policy));
    Map<String, Boolean> supports = new TreeMap<>();
    Map<String, NtStatus> seen = new TreeMap<>();
    Out<String> label = new Out<>();
    rig.low.onPost(IrpMajorFunction.CREATE, (data, objs, cc, flags) -> {
      supports.put("FltSupportsFileContexts", Flt.supportsFileContexts(objs.fileObject()));
      supports.put("FltSupportsFileContextsEx(fo, null)", Flt.supportsFileContextsEx(objs.fileObject(), null));
      supports.put("FltSupportsFileContextsEx(fo, instance)", Flt.supportsFileContextsEx(objs.fileObject(), objs.instance()));
      seen.put("set", rig.low.attach(FILE, objs, "fat file"));
      seen.put("get", rig.low.get(FILE, objs, label));
    });
    FileObject fo = rig.open("\\A.TXT");
    rig.journal.clear();
    rig.io.closeHandle(fo);
    assertEquals(
        Map.of(
            "FltSupportsFileContexts", false,
            "FltSupportsFileContextsEx(fo, null)", false,
            "FltSupportsFileContextsEx(fo, instance)", true),
        supports);
    assertEquals(STATUS_SUCCESS, seen.get("set"));
    assertEquals(STATUS_SUCCESS, seen.get("get"));
    assertEquals("fat file", label.get());
    if (policy == ClosePolicy.IMMEDIATE) {
      // The FCB is freed inside IRP_MJ_CLOSE, before the post-close callbacks.
      assertEquals(
          List.of(
              "370000 PreCleanup", "320000 PreCleanup", "320000 PostCleanup", "370000 PostCleanup",
              "370000 PreClose", "320000 PreClose",
              "cleanup 320000 FILE fat file", "fcb freed \\A.TXT",
              "320000 PostClose", "370000 PostClose"),
          rig.journal.lines());
    } else {
      assertEquals(List.of(), rig.journal.cleanups(), "the FCB waits on the delayed-close queue");
      assertEquals(1, rig.fs.flushDelayedCloses());
      assertEquals(List.of("cleanup 320000 FILE fat file", "fcb freed \\A.TXT"), rig.journal.deaths());
    }
  }
}
