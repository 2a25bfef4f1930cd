package io.fsctx.fltmgr.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.fsctx.modelfs.NtfsLikeFileSystem;
import io.fsctx.fltmgr.DriverObject;
import io.fsctx.fltmgr.FilterManager;
import io.fsctx.fltmgr.Flt;
import io.fsctx.fltmgr.FltContext;
import io.fsctx.fltmgr.FltContextRegistration;
import io.fsctx.fltmgr.FltContextType;
import io.fsctx.fltmgr.FltFilter;
import io.fsctx.fltmgr.FltOperationRegistration;
import io.fsctx.fltmgr.FltPostopCallbackStatus;
import io.fsctx.fltmgr.FltPreopCallbackStatus;
import io.fsctx.fltmgr.FltRegistration;
import io.fsctx.nt.PoolType;
import io.fsctx.io.CreateParameters;
import io.fsctx.io.CreateResult;
import io.fsctx.io.FileObject;
import io.fsctx.io.IoManager;
import io.fsctx.io.IrpMajorFunction;
import io.fsctx.io.Volume;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameSmokeTest {

  @Test
  void create_twoAltitudes_preDescendingPostAscending_andStreamContextSetInPostCreate() {
    IoManager io = new IoManager();
    FilterManager mgr = new FilterManager();
    List<String> calls = Collections.synchronizedList(new ArrayList<>());
    List<NtStatus> preCreateSets = new ArrayList<>();
    FltFilter[] high = new FltFilter[1];
    for (String alt : new String[] {"370000", "320000"}) {
      Out<FltFilter> f = new Out<>();
      FltRegistration reg =
          FltRegistration.builder()
              .contextRegistration(
                  FltContextRegistration.of(FltContextType.STREAM, 0, null, 8, FltContextRegistration.tag("Tst1"), null),
                  FltContextRegistration.END)
              .operationRegistration(
                  new FltOperationRegistration(
                      IrpMajorFunction.CREATE.code(),
                      0,
                      (data, objs, cc) -> {
                        calls.add("pre" + alt);
                        Out<FltContext> c = new Out<>();
                        Flt.allocateContext(objs.filter(), 0x8, 8, PoolType.PAGED_POOL, c);
                        preCreateSets.add(Flt.setStreamContext(objs.instance(), objs.fileObject(), 1, c.get(), null));
                        cc.set(c.get());
                        return FltPreopCallbackStatus.SUCCESS_WITH_CALLBACK;
                      },
                      (data, objs, cc, flags) -> {
                        calls.add("post" + alt);
                        FltContext c = (FltContext) cc;
                        assertEquals(NtStatus.STATUS_SUCCESS, Flt.setStreamContext(objs.instance(), objs.fileObject(), 1, c, null));
                        Flt.releaseContext(c);
                        return FltPostopCallbackStatus.FINISHED_PROCESSING;
                      }))
              .build();
      assertEquals(NtStatus.STATUS_SUCCESS, Flt.registerFilter(mgr, DriverObject.of("F" + alt, alt), reg, f));
      assertEquals(NtStatus.STATUS_SUCCESS, Flt.startFiltering(f.get()));
      if (high[0] == null) {
        high[0] = f.get();
      }
    }
    Volume vol = io.mount("\\Device\\HarddiskVolume1", 'C', new NtfsLikeFileSystem());
    mgr.followMounts(io);
    CreateResult r = io.createFile(vol, "\\a.txt", CreateParameters.create());
    FileObject fo = r.fileObject();
    assertNotNull(fo);
    assertEquals(List.of("pre370000", "pre320000", "post320000", "post370000"), calls);
    assertEquals(List.of(NtStatus.STATUS_NOT_SUPPORTED, NtStatus.STATUS_NOT_SUPPORTED), preCreateSets);
    assertEquals(2, mgr.liveContexts().size());
    io.closeHandle(fo);
    assertEquals(0, mgr.liveContexts().size());
    assertEquals(true, high[0].unregister().clean());
  }
}
