package io.fsctx.fltmgr;

import io.fsctx.nt.PoolType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.fsrtl.AdvancedFcbHeader;
import io.fsctx.fsrtl.FastMutex;
import io.fsctx.fsrtl.FsRtl;
import io.fsctx.io.FileObject;
import io.fsctx.nt.NtStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.GraphLayout;

/**
 * How much heap one attached stream context costs beyond the filter's payload: N streams each get
 * one stream context from one instance, and the growth of everything reachable from the manager
 * and the file system's own objects (headers, file objects), minus the N payloads, is divided by
 * N. The headers, file objects and the list arrays they start with are measured before, so what
 * the file system owns anyway is not charged to the context.
 */
class ContextFootprintTest {
  static {
    // Records and lambdas (hidden classes) refuse Unsafe.objectFieldOffset on JDK 17; JOL then
    // needs its own way of finding field offsets. Read once, when JOL's classes initialise.
    System.setProperty("jol.magicFieldOffset", "true");
  }

  private static final int STREAMS = 512;

  /**
   * The design target from the performance issue (8), met with the verifier off: the context
   * (56 bytes), its control block (48) and the header's one-entry list array (24).
   */
  static final long TARGET_BYTES_PER_CONTEXT = 128;

  /**
   * What the default configuration (verifier {@code COUNTING}, whose live set adds a 32-byte map
   * node and its share of the table) measures, 168 bytes, with a little headroom, so a change
   * that makes attachment more expensive fails here; lower it when the footprint improves.
   */
  static final long REGRESSION_CEILING_BYTES_PER_CONTEXT = 176;

  record Footprint(long perContext, String table) {}

  static Footprint measure(VerifierLevel level) {
    FilterManager mgr = new FilterManager(FltConfig.builder().verifierLevel(level).build());
    FltRegistration reg =
        FltRegistration.builder()
            .contextRegistration(
                FltContextRegistration.of(FltContextType.STREAM, 0, null, 16, FltContextRegistration.tag("Jol "), null),
                FltContextRegistration.END)
            .build();
    FltFilter filter = Objects.requireNonNull(mgr.registerFilter(DriverObject.of("Jol", "370000"), reg).filter());
    FltVolume volume = mgr.mountBareVolume("\\Device\\HarddiskVolume1", "NTFS", true);
    assertEquals(NtStatus.STATUS_SUCCESS, filter.startFiltering());
    FltInstance instance = volume.instances().get(0);

    List<AdvancedFcbHeader> headers = new ArrayList<>();
    List<FileObject> files = new ArrayList<>();
    for (int i = 0; i < STREAMS; i++) {
      AdvancedFcbHeader h = new AdvancedFcbHeader("Scb#" + i);
      FsRtl.setupAdvancedHeader(h, new FastMutex());
      FileObject fo = new FileObject("FileObject#" + i, "\\f" + i);
      fo.setFsContext(h);
      headers.add(h);
      files.add(fo);
    }
    Object[] roots = {mgr, headers, files};
    GraphLayout before = GraphLayout.parseInstance(roots);

    List<FltContext> contexts = new ArrayList<>();
    for (FileObject fo : files) {
      FltContext c = Objects.requireNonNull(filter.allocateContext(FltContextType.STREAM.code(), 16, PoolType.PAGED_POOL).context());
      try (ContextLease alloc = ContextLease.adopt(c);
          SetResult set = instance.setStreamContext(fo, SetContextOperation.KEEP_IF_EXISTS, c)) {
        assertEquals(SetResult.Outcome.ATTACHED, set.outcome());
      }
      contexts.add(c);
    }
    GraphLayout after = GraphLayout.parseInstance(roots);
    long payloads = 0;
    for (FltContext c : contexts) {
      payloads += GraphLayout.parseInstance(c.payload()).totalSize();
    }
    long growth = after.totalSize() - before.totalSize() - payloads;
    String table = after.subtract(before).toFootprint();

    for (AdvancedFcbHeader h : headers) {
      FsRtl.teardownPerStreamContexts(h);
    }
    for (FltContext c : contexts) {
      assertEquals(FltContext.State.FREED, c.state());
    }
    return new Footprint(growth / STREAMS, table);
  }

  @Test
  @DisplayName("an attached stream context retains no more heap than the current design does (regression ceiling)")
  void attachStreamContext_defaultConfig_staysUnderRegressionCeiling() {
    Footprint f = measure(VerifierLevel.COUNTING);
    System.out.println("Heap retained per attached stream context beyond its payload (default config): "
        + f.perContext() + " bytes\n" + f.table());
    assertTrue(f.perContext() <= REGRESSION_CEILING_BYTES_PER_CONTEXT,
        () -> f.perContext() + " bytes per context > ceiling " + REGRESSION_CEILING_BYTES_PER_CONTEXT + "\n" + f.table());
  }

  @Test
  @DisplayName("an attached stream context retains at most 128 bytes beyond its payload with the verifier off (design target)")
  void attachStreamContext_verifierOff_meetsTarget() {
    Footprint f = measure(VerifierLevel.OFF);
    System.out.println("Heap retained per attached stream context (verifier off): " + f.perContext() + " bytes\n" + f.table());
    assertTrue(f.perContext() <= TARGET_BYTES_PER_CONTEXT, () -> f.perContext() + " bytes per context\n" + f.table());
  }
}
