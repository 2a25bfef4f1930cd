package io.fsctx.fltmgr;

import io.fsctx.nt.PoolType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.fsctx.fsrtl.AdvancedFcbHeader;
import io.fsctx.fsrtl.FastMutex;
import io.fsctx.fsrtl.FsRtl;
import io.fsctx.io.FileObject;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The documentation's worked example (fltmgr.md 6.1.5), through both faces. */
class WorkedExampleTest {

  private final AtomicInteger cleanups = new AtomicInteger();

  private FltInstance setUp(FilterManager mgr) {
    FltRegistration reg =
        FltRegistration.builder()
            .contextRegistration(
                FltContextRegistration.of(
                    FltContextType.STREAM, 0, (c, t) -> cleanups.incrementAndGet(), 16,
                    FltContextRegistration.tag("Test"), null),
                FltContextRegistration.END)
            .build();
    FltFilter f = mgr.registerFilter(DriverObject.of("Test", "370000"), reg).filter();
    assertNotNull(f);
    FltVolume v = mgr.mountBareVolume("\\Device\\HarddiskVolume1", "NTFS", true);
    assertEquals(NtStatus.STATUS_SUCCESS, f.startFiltering());
    return v.instances().get(0);
  }

  private static FileObject openedFile(AdvancedFcbHeader h) {
    FsRtl.setupAdvancedHeader(h, new FastMutex());
    FileObject fo = new FileObject("FileObject#1", "\\a.txt");
    fo.setFsContext(h);
    return fo;
  }

  @Test
  @DisplayName("fltmgr.md 6.1.5: alloc 1, set 2, release 1, get 2, release 1, get 2, release 1, teardown 0 + cleanup (DDI facade)")
  void workedExample_ddiFacade_countsMatchDocumentation() {
    FilterManager mgr = new FilterManager();
    List<Integer> counts = new ArrayList<>();
    mgr.addListener(e -> counts.add(e.referenceCount()));
    FltInstance inst = setUp(mgr);
    AdvancedFcbHeader h = new AdvancedFcbHeader("Scb#1");
    FileObject fo = openedFile(h);

    Out<FltContext> ctx = new Out<>();
    assertEquals(NtStatus.STATUS_SUCCESS, Flt.allocateContext(inst.filter(), 0x8, 16, PoolType.PAGED_POOL, ctx));
    FltContext c = ctx.get();
    assertNotNull(c);
    assertEquals(1, c.referenceCount());
    assertEquals(NtStatus.STATUS_SUCCESS, Flt.setStreamContext(inst, fo, 1, c, null));
    assertEquals(2, c.referenceCount());
    Flt.releaseContext(c);
    assertEquals(1, c.referenceCount());
    for (int i = 0; i < 2; i++) {
      Out<FltContext> got = new Out<>();
      assertEquals(NtStatus.STATUS_SUCCESS, Flt.getStreamContext(inst, fo, got));
      assertEquals(2, c.referenceCount());
      Flt.releaseContext(got.get());
      assertEquals(1, c.referenceCount());
    }
    assertEquals(0, cleanups.get());
    FsRtl.teardownPerStreamContexts(h);
    assertEquals(1, cleanups.get());
    assertEquals(FltContext.State.FREED, c.state());
    assertEquals(List.of(1, 2, 1, 2, 1, 2, 1, 0, 0, 0), counts.subList(0, 10));
    assertEquals(0, mgr.liveContexts().size());
  }

  @Test
  @DisplayName("fltmgr.md 6.1.5: the same example through the Java API with leases")
  void workedExample_javaApi_countsMatchDocumentation() {
    FilterManager mgr = new FilterManager();
    FltInstance inst = setUp(mgr);
    AdvancedFcbHeader h = new AdvancedFcbHeader("Scb#1");
    FileObject fo = openedFile(h);
    FltContext c = inst.filter().allocateContext(0x8, 16, PoolType.PAGED_POOL).context();
    assertNotNull(c);
    try (ContextLease alloc = ContextLease.adopt(c);
        SetResult set = inst.setStreamContext(fo, SetContextOperation.KEEP_IF_EXISTS, c)) {
      assertEquals(SetResult.Outcome.ATTACHED, set.outcome());
      assertEquals(2, alloc.context().referenceCount());
    }
    assertEquals(1, c.referenceCount());
    for (int i = 0; i < 2; i++) {
      try (GetResult g = inst.getStreamContext(fo)) {
        assertEquals(2, g.require().context().referenceCount());
      }
      assertEquals(1, c.referenceCount());
    }
    FsRtl.teardownPerStreamContexts(h);
    assertEquals(1, cleanups.get());
    assertEquals(0, mgr.liveContexts().size());
  }
}
