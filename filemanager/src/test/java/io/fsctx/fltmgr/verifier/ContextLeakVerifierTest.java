package io.fsctx.fltmgr.verifier;

import static io.fsctx.fltmgr.verifier.VerifierFixture.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.fltmgr.Flt;
import io.fsctx.fltmgr.FltContext;
import io.fsctx.fltmgr.FltContextType;
import io.fsctx.fltmgr.UnloadReport;
import io.fsctx.fltmgr.VerifierFinding;
import io.fsctx.fltmgr.VerifierLevel;
import io.fsctx.io.FileObject;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** V1: leaked context references at instance teardown and at filter unload (ctx-sample.md 4.5). */
class ContextLeakVerifierTest {

  @Test
  @DisplayName("V1: a stream context still referenced when its instance is torn down is reported with its identity")
  void detach_streamContextStillReferenced_reportsLeakAtInstanceTeardown() {
    VerifierFixture fx = new VerifierFixture(VerifierLevel.COUNTING);
    FileObject fo = fx.openedFile("\\a.txt");
    FltContext c = fx.allocateStream();
    assertEquals(NtStatus.STATUS_SUCCESS, Flt.setStreamContext(fx.instance, fo, 1, c, null));
    // The bug: the allocation reference is never released.

    fx.detach();

    List<VerifierFinding> leaks = fx.findings(VerifierFinding.Kind.LEAKED_CONTEXT_AT_INSTANCE_TEARDOWN);
    assertEquals(1, leaks.size(), leaks::toString);
    VerifierFinding f = leaks.get(0);
    assertEquals(VerifierFixture.FILTER, f.culprit());
    assertEquals(c.id(), f.subject());
    assertContains(
        f.message(), c.id(), fx.instance.id(), "STREAM", "'VfSc'", "VerifStreamContext", "refs=1", "1 reference(s)");
    assertNull(f.allocationSite(), "COUNTING records no sites");
    Flt.releaseContext(c);
    assertEquals(List.of(), fx.manager.liveContexts());
  }

  @Test
  @DisplayName("V1: a filter that releases everything it got passes instance teardown clean")
  void detach_balancedReferences_noFindings() {
    VerifierFixture fx = new VerifierFixture(VerifierLevel.COUNTING);
    FileObject fo = fx.openedFile("\\a.txt");
    fx.attachStream(fo);
    Out<FltContext> got = new Out<>();
    assertEquals(NtStatus.STATUS_SUCCESS, Flt.getStreamContext(fx.instance, fo, got));
    Flt.releaseContext(got.get());
    FltContext ic = fx.allocate(FltContextType.INSTANCE);
    assertEquals(NtStatus.STATUS_SUCCESS, Flt.setInstanceContext(fx.instance, 1, ic, null));
    Flt.releaseContext(ic);

    fx.detach();

    assertEquals(List.of(), fx.findings());
    assertEquals(List.of(), fx.manager.liveContexts());
  }

  @Test
  @DisplayName("V1: contexts still referenced at unload are reported, one finding per context")
  void unregister_leakedStreamAndInstanceContexts_reportsLeakAtUnload() {
    VerifierFixture fx = new VerifierFixture(VerifierLevel.COUNTING);
    FileObject fo = fx.openedFile("\\a.txt");
    FltContext stream = fx.attachStream(fo);
    Out<FltContext> got = new Out<>();
    assertEquals(NtStatus.STATUS_SUCCESS, Flt.getStreamContext(fx.instance, fo, got)); // never released
    FltContext orphan = fx.allocate(FltContextType.INSTANCE); // never set, never released

    UnloadReport report = fx.filter.unregister();

    assertEquals(2, report.leakedCount());
    assertEquals(List.of(stream, orphan), report.leaked());
    List<VerifierFinding> leaks = fx.findings(VerifierFinding.Kind.LEAKED_CONTEXT_AT_UNLOAD);
    assertEquals(List.of(stream.id(), orphan.id()), leaks.stream().map(VerifierFinding::subject).toList());
    assertTrue(leaks.stream().allMatch(f -> f.culprit().equals(VerifierFixture.FILTER)));
    assertContains(leaks.get(0).message(), stream.id(), "STREAM", "'VfSc'", "VerifStreamContext", "refs=1");
    assertContains(leaks.get(1).message(), orphan.id(), "INSTANCE", "'VfIn'", "VerifInstanceContext", "refs=1");
    Flt.releaseContext(stream);
    Flt.releaseContext(orphan);
  }

  @Test
  @DisplayName("V1: UnloadReport.format() is shaped like !fltkd: counts per type, then one line per context")
  void unloadReport_format_countsPerTypeThenOneLinePerContext() {
    VerifierFixture fx = new VerifierFixture(VerifierLevel.TRACKING);
    FltContext s1 = fx.allocateStream();
    FltContext s2 = fx.allocateStream();
    FltContext i1 = fx.allocate(FltContextType.INSTANCE);

    UnloadReport report = fx.filter.unregister();
    String text = report.format();

    assertEquals(Map.of(FltContextType.INSTANCE, 1, FltContextType.STREAM, 2), report.countsByType());
    List<String> lines = text.lines().toList();
    assertTrue(lines.get(0).startsWith("Filter VerifTest: 3 leaked"), text);
    assertContains(lines.get(1), "References to FLT_CONTEXT");
    assertEquals(List.of("    INSTANCE: 1", "    STREAM: 2"), lines.subList(2, 4), text);
    List<String> objectLines = lines.stream().filter(l -> l.startsWith("  Ctx#")).toList();
    assertEquals(3, objectLines.size(), text);
    assertContains(objectLines.get(0), s1.id(), "STREAM", "'VfSc'", "VerifStreamContext", "refs=1");
    assertContains(objectLines.get(1), s2.id());
    assertContains(objectLines.get(2), i1.id(), "INSTANCE", "'VfIn'", "VerifInstanceContext");
    // At TRACKING each object line is followed by its allocation site, outside the framework.
    List<String> sites = lines.stream().filter(l -> l.contains("allocated at")).toList();
    assertEquals(3, sites.size(), text);
    sites.forEach(l -> assertContains(l, VerifierFixture.class.getName()));
    for (FltContext c : List.of(s1, s2, i1)) {
      Flt.releaseContext(c);
    }
  }

  @Test
  @DisplayName("V1: at TRACKING the leak finding carries the allocation site, naming the allocating method")
  void unregister_tracking_findingNamesAllocationSite() {
    VerifierFixture fx = new VerifierFixture(VerifierLevel.TRACKING);
    FltContext c = allocateHere(fx);

    fx.filter.unregister();

    VerifierFinding f = fx.findings(VerifierFinding.Kind.LEAKED_CONTEXT_AT_UNLOAD).get(0);
    Throwable site = f.allocationSite();
    assertNotNull(site);
    assertContains(f.format(), "allocated at " + VerifierFixture.class.getName());
    assertTrue(
        Arrays.stream(site.getStackTrace())
            .anyMatch(e -> e.getClassName().equals(ContextLeakVerifierTest.class.getName())
                && e.getMethodName().equals("allocateHere")),
        () -> Arrays.toString(site.getStackTrace()));
    Flt.releaseContext(c);
  }

  private static FltContext allocateHere(VerifierFixture fx) {
    return fx.allocateStream();
  }

  @Test
  @DisplayName("V1: a filter that releases everything unloads clean, with an empty report")
  void unregister_balancedReferences_cleanReportAndNoFindings() {
    VerifierFixture fx = new VerifierFixture(VerifierLevel.TRACKING);
    FileObject fo = fx.openedFile("\\a.txt");
    fx.attachStream(fo);
    FltContext allocatedOnly = fx.allocateStream();
    Flt.releaseContext(allocatedOnly);

    UnloadReport report = fx.filter.unregister();

    assertTrue(report.clean());
    assertEquals("Filter VerifTest: 0 leaked context reference holder(s)\n", report.format());
    assertEquals(List.of(), fx.findings());
    assertEquals(List.of(), fx.manager.liveContexts());
  }
}
