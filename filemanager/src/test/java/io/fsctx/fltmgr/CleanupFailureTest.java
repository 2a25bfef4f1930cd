package io.fsctx.fltmgr;

import io.fsctx.nt.PoolType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fsctx.fsrtl.AdvancedFcbHeader;
import io.fsctx.fsrtl.FastMutex;
import io.fsctx.fsrtl.FsRtl;
import io.fsctx.io.FileObject;
import io.fsctx.nt.NtStatus;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A cleanup callback that throws must not strand the other contexts detached with it. */
class CleanupFailureTest {

  @Test
  @DisplayName("stream teardown: one throwing cleanup still frees every other context, and the failure surfaces")
  void teardown_oneCleanupThrows_othersFreedFailureRethrown() {
    FilterManager mgr = new FilterManager();
    AtomicInteger cleanups = new AtomicInteger();
    FltRegistration reg =
        FltRegistration.builder()
            .contextRegistration(
                FltContextRegistration.of(
                    FltContextType.STREAM, 0,
                    (c, t) -> {
                      if (cleanups.incrementAndGet() == 1) {
                        throw new IllegalStateException("filter bug in cleanup");
                      }
                    },
                    8, FltContextRegistration.tag("Tst1"), null),
                FltContextRegistration.END)
            .build();
    FltFilter f = java.util.Objects.requireNonNull(mgr.registerFilter(DriverObject.of("T", "370000"), reg).filter());
    FltVolume v = mgr.mountBareVolume("\\Device\\HarddiskVolume1", "NTFS", true);
    f.startFiltering();
    FltInstance a = v.instances().get(0);
    FltInstance b = java.util.Objects.requireNonNull(f.attachVolumeAtAltitude(v, "360000", "second").instance());
    AdvancedFcbHeader h = new AdvancedFcbHeader("Scb#1");
    FsRtl.setupAdvancedHeader(h, new FastMutex());
    FileObject fo = new FileObject("FileObject#1", "\\a");
    fo.setFsContext(h);
    for (FltInstance i : new FltInstance[] {a, b}) {
      FltContext c = java.util.Objects.requireNonNull(f.allocateContext(0x8, 8, PoolType.PAGED_POOL).context());
      assertEquals(NtStatus.STATUS_SUCCESS, Flt.setStreamContext(i, fo, 1, c, null));
      Flt.releaseContext(c);
    }

    assertThrows(IllegalStateException.class, () -> FsRtl.teardownPerStreamContexts(h));

    assertEquals(2, cleanups.get());
    assertEquals(0, f.liveContextCount());
    assertEquals(0, v.streamControlBlockCount());
    assertEquals(true, f.unregister().clean());
  }
}
