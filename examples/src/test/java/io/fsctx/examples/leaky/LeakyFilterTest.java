package io.fsctx.examples.leaky;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.modelfs.NtfsLikeFileSystem;
import io.fsctx.fltmgr.FilterManager;
import io.fsctx.fltmgr.FltConfig;
import io.fsctx.fltmgr.FltContext;
import io.fsctx.fltmgr.FltContextType;
import io.fsctx.fltmgr.FltFilter;
import io.fsctx.fltmgr.UnloadReport;
import io.fsctx.fltmgr.VerifierFinding;
import io.fsctx.fltmgr.VerifierLevel;
import io.fsctx.fltmgr.testing.FilterVerifierExtension;
import io.fsctx.io.CreateParameters;
import io.fsctx.io.IoConstants;
import io.fsctx.io.IoManager;
import io.fsctx.io.Volume;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The deliberately leaky filter (Windows-driver-samples issue 1360): the verifier names its leaked
 * stream context with type, tag, payload class and the allocation site in {@code preCreate}.
 */
class LeakyFilterTest {

  private static final class Workload {
    final IoManager io = new IoManager();
    final FilterManager manager;
    final FltFilter filter;
    final Volume volume;

    Workload(FilterManager manager) {
      this.manager = manager;
      filter = LeakyFilter.register(manager);
      volume = io.mount("\\Device\\HarddiskVolume1", 'C', new NtfsLikeFileSystem());
      manager.followMounts(io);
    }

    void openAndClose(String path) {
      io.closeHandle(io.createFile(volume, path, CreateParameters.openIf()).openedFileObject());
    }

    void openPagingFileAndClose(String path) {
      io.closeHandle(
          io.createFile(volume, path, CreateParameters.openIf().withSlFlags(IoConstants.SL_OPEN_PAGING_FILE))
              .openedFileObject());
    }
  }

  private static FilterManager manager(VerifierLevel level) {
    return new FilterManager(FltConfig.builder().verifierLevel(level).unloadWaitTimeout(Duration.ofMillis(50)).build());
  }

  @Test
  @DisplayName("#1360: a paging-file open leaks one stream context; unload reports it with type, tag, payload and preCreate")
  void unregister_afterPagingFileOpen_reportsLeakedStreamContextWithAllocationSite() {
    Workload w = new Workload(manager(VerifierLevel.TRACKING));
    w.openAndClose("\\a.txt");
    w.openPagingFileAndClose("\\pagefile.sys");

    UnloadReport report = w.filter.unregister();

    assertEquals(1, report.leakedCount(), report::format);
    assertEquals(Map.of(FltContextType.STREAM, 1), report.countsByType());
    FltContext leaked = report.leaked().get(0);
    assertEquals(FltContextType.STREAM, leaked.type());
    assertEquals(LeakyFilter.STREAM_CONTEXT_TAG, leaked.poolTag());
    assertTrue(leaked.payload() instanceof LeakyFilter.LeakyStreamContext);
    assertEquals(1, leaked.referenceCount());
    String text = report.format();
    for (String part : List.of("Filter Leaky: 1 leaked", "STREAM: 1", leaked.id() + " STREAM tag 'LkSc' LeakyStreamContext refs=1",
        "allocated at " + LeakyFilter.class.getName() + ".preCreate(")) {
      assertTrue(text.contains(part), () -> "expected <" + part + "> in:\n" + text);
    }
    VerifierFinding f = w.manager.verifierFindings().stream()
        .filter(x -> x.kind() == VerifierFinding.Kind.LEAKED_CONTEXT_AT_UNLOAD)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no leak finding in " + w.manager.verifierFindings()));
    assertEquals("Leaky", f.culprit());
    assertEquals(leaked.id(), f.subject());
    assertNotNull(f.allocationSite());
    assertTrue(f.format().contains("allocated at " + LeakyFilter.class.getName() + ".preCreate("), f::format);
    assertEquals(List.of(leaked), w.manager.liveContexts());
  }

  @Test
  @DisplayName("#1360: at COUNTING the report still names the context, tag and payload, without a site")
  void unregister_counting_reportsContextWithoutSite() {
    Workload w = new Workload(manager(VerifierLevel.COUNTING));
    w.openPagingFileAndClose("\\pagefile.sys");
    w.openPagingFileAndClose("\\swapfile.sys");

    UnloadReport report = w.filter.unregister();

    assertEquals(Map.of(FltContextType.STREAM, 2), report.countsByType(), report::format);
    assertTrue(report.format().contains("tag 'LkSc' LeakyStreamContext"), report::format);
    assertTrue(!report.format().contains("allocated at"), report::format);
  }

  @Test
  @DisplayName("#1360: without a paging file the same filter leaves nothing behind")
  void unregister_ordinaryFilesOnly_clean() {
    Workload w = new Workload(manager(VerifierLevel.TRACKING));
    w.openAndClose("\\a.txt");
    w.openAndClose("\\a.txt");
    w.openAndClose("\\b.txt");

    UnloadReport report = w.filter.unregister();

    assertTrue(report.clean(), report::format);
    assertEquals(List.of(), w.manager.verifierFindings());
  }

  /** The extension as a user would run it: the leaky filter passes on ordinary files. */
  @Test
  @ExtendWith(FilterVerifierExtension.class)
  @DisplayName("Under FilterVerifierExtension the leaky filter passes a workload without paging files")
  void underExtension_ordinaryFiles_passes(FilterManager fm) {
    Workload w = new Workload(fm);
    w.openAndClose("\\a.txt");
    assertTrue(w.filter.unregister().clean());
  }
}
