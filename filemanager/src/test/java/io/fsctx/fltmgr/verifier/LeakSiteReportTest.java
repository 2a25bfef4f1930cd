package io.fsctx.fltmgr.verifier;

import static io.fsctx.fltmgr.verifier.FrameFixture.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.fltmgr.FilterManager;
import io.fsctx.fltmgr.Flt;
import io.fsctx.fltmgr.FltCallbackData;
import io.fsctx.fltmgr.FltConfig;
import io.fsctx.fltmgr.FltContext;
import io.fsctx.fltmgr.FltContextRegistration;
import io.fsctx.fltmgr.FltContextType;
import io.fsctx.fltmgr.FltFileNameInformation;
import io.fsctx.fltmgr.FltOperationRegistration;
import io.fsctx.fltmgr.FltPostopCallbackStatus;
import io.fsctx.fltmgr.FltPreopCallbackStatus;
import io.fsctx.fltmgr.FltRegistration;
import io.fsctx.fltmgr.FltRelatedObjects;
import io.fsctx.fltmgr.HeldReference;
import io.fsctx.nt.PoolType;
import io.fsctx.fltmgr.UnloadReport;
import io.fsctx.fltmgr.VerifierFinding;
import io.fsctx.fltmgr.VerifierLevel;
import io.fsctx.fltmgr.testing.FilterHarness;
import io.fsctx.io.FileObject;
import io.fsctx.io.IrpMajorFunction;
import io.fsctx.io.IrpParameters;
import io.fsctx.modelfs.NtfsLikeFileSystem;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * V1 and V4 with sites: at TRACKING a leak report names the line of the get whose release is
 * missing, with the callback it ran in, for a stream context and for a name-information object;
 * balanced gets of the same object are not named (the issue: the report used to name the
 * allocation and the last, balanced, access).
 */
class LeakSiteReportTest {

  /** The line of the caller of this method: put it on the same line as the call it locates. */
  private static int line() {
    return StackWalker.getInstance().walk(s -> s.skip(1).findFirst()).orElseThrow().getLineNumber();
  }

  /**
   * A per-stream write counter with the bug under test: a write at offset 0 returns before it
   * releases the stream context it got, and before it releases the name it got.
   */
  static final class ForgetfulWriter {
    static final String NAME = "Forgetful";
    static volatile int streamGetLine;
    static volatile int nameGetLine;

    /** The stream context's payload. */
    static final class WriteCount {
      long writes;

      WriteCount(int size) {
        // The count starts at zero.
      }
    }

    static FltRegistration registration() {
      return FltRegistration.builder()
          .contextRegistration(
              FltContextRegistration.of(FltContextType.STREAM, 0, null, 8, FltContextRegistration.tag("FgSc"), WriteCount::new),
              FltContextRegistration.END)
          .operationRegistration(
              new FltOperationRegistration(IrpMajorFunction.CREATE.code(), 0, null, ForgetfulWriter::postCreate),
              new FltOperationRegistration(IrpMajorFunction.WRITE.code(), 0, ForgetfulWriter::preWrite, null))
          .build();
    }

    static FltPostopCallbackStatus postCreate(FltCallbackData data, FltRelatedObjects objs, @Nullable Object cc, int flags) {
      if (data.ioStatus().equals(NtStatus.STATUS_SUCCESS)) {
        Out<FltContext> c = new Out<>();
        if (Flt.allocateContext(objs.filter(), FltContextType.STREAM.code(), 8, PoolType.PAGED_POOL, c).isSuccess()) {
          FltContext ctx = Objects.requireNonNull(c.get());
          Flt.setStreamContext(Objects.requireNonNull(objs.instance()), objs.fileObject(), 1, ctx, null);
          Flt.releaseContext(ctx);
        }
      }
      return FltPostopCallbackStatus.FINISHED_PROCESSING;
    }

    static FltPreopCallbackStatus preWrite(FltCallbackData data, FltRelatedObjects objs, Out<Object> cc) {
      Out<FltFileNameInformation> name = new Out<>();
      NtStatus named = Flt.getFileNameInformation(data, FltFileNameInformation.FLT_FILE_NAME_NORMALIZED, name); nameGetLine = line();
      Out<FltContext> c = new Out<>();
      NtStatus got = Flt.getStreamContext(Objects.requireNonNull(objs.instance()), objs.fileObject(), c); streamGetLine = line();
      if (!got.isSuccess() || !named.isSuccess()) {
        return FltPreopCallbackStatus.SUCCESS_NO_CALLBACK;
      }
      FltContext ctx = Objects.requireNonNull(c.get());
      ctx.payload(WriteCount.class).writes++;
      if (data.iopb().parameters(IrpParameters.Write.class).byteOffset() == 0) {
        return FltPreopCallbackStatus.SUCCESS_NO_CALLBACK; // the bug: both releases are skipped
      }
      Flt.releaseContext(ctx);
      Flt.releaseFileNameInformation(Objects.requireNonNull(name.get()));
      return FltPreopCallbackStatus.SUCCESS_NO_CALLBACK;
    }
  }

  private @Nullable FltContext leakedContext;

  /**
   * Runs the forgetful writer on {@code fm}: balanced writes, then the one write whose releases
   * are missing, then more balanced writes; then unloads it.
   */
  private UnloadReport writesThenUnload(FilterManager fm) {
    FilterHarness h = FilterHarness.on(fm, new NtfsLikeFileSystem());
    h.start(ForgetfulWriter.NAME, "370030", ForgetfulWriter.registration());
    writes(h);
    UnloadReport report = h.unload();
    leakedContext = report.leaked().isEmpty() ? null : report.leaked().get(0);
    return report;
  }

  private static void writes(FilterHarness h) {
    FileObject fo = h.open("\\report.txt");
    h.write(fo, 512, 10);
    h.write(fo, 0, 10);
    h.write(fo, 1024, 10);
    h.close(fo);
  }

  private static FilterManager manager(VerifierLevel level) {
    return new FilterManager(FltConfig.builder().verifierLevel(level).unloadWaitTimeout(Duration.ofMillis(20)).build());
  }

  /** The test's own release of the reference the filter leaked, so nothing outlives the test. */
  @AfterEach
  void releaseLeakedContext() {
    if (leakedContext != null) {
      Flt.releaseContext(leakedContext);
    }
  }

  private static String site(int line) {
    return ForgetfulWriter.class.getName() + ".preWrite(LeakSiteReportTest.java:" + line + ")";
  }

  @Test
  @DisplayName("V1 at TRACKING: the unload report names the line of the stream-context get whose release is missing, and its callback, before the allocation site")
  void unload_getWithoutRelease_reportNamesTheGetLineAndCallback() {
    FilterManager fm = manager(VerifierLevel.TRACKING);

    UnloadReport report = writesThenUnload(fm);
    String text = report.format();

    assertEquals(1, report.leakedCount(), text);
    FltContext leaked = report.leaked().get(0);
    List<HeldReference> refs = report.outstandingReferences(leaked);
    assertEquals(1, refs.size(), text);
    HeldReference ref = refs.get(0);
    assertEquals("FltGetStreamContext", ref.routine());
    assertEquals("PreWrite", ref.callback());
    StackTraceElement at = Objects.requireNonNull(ref.site());
    assertEquals("LeakSiteReportTest.java", at.getFileName());
    assertEquals(ForgetfulWriter.streamGetLine, at.getLineNumber(), text);
    String line = "reference taken by FltGetStreamContext in PreWrite at " + site(ForgetfulWriter.streamGetLine);
    assertContains(text, line, "allocated at " + ForgetfulWriter.class.getName() + ".postCreate(");
    assertTrue(text.indexOf(line) < text.indexOf("allocated at"), text);
    assertEquals(1, text.split("reference taken by FltGetStreamContext", -1).length - 1, "balanced gets are not named: " + text);
    VerifierFinding f = fm.verifierFindings().stream()
        .filter(x -> x.kind() == VerifierFinding.Kind.LEAKED_CONTEXT_AT_UNLOAD).findFirst().orElseThrow();
    assertEquals(refs, f.outstanding());
    assertContains(f.format(), line);
    assertTrue(!f.format().contains("last referenced at"), f::format);
  }

  @Test
  @DisplayName("V4 at TRACKING: the unload report names the line of the FltGetFileNameInformation whose release is missing, and its callback")
  void unload_nameGetWithoutRelease_reportNamesTheGetLineAndCallback() {
    FilterManager fm = manager(VerifierLevel.TRACKING);

    UnloadReport report = writesThenUnload(fm);
    String text = report.format();

    assertEquals(1, report.leakedNames().size(), text);
    UnloadReport.LeakedName leaked = report.leakedNames().get(0);
    assertEquals(1, leaked.references());
    assertContains(leaked.name(), "\\report.txt");
    HeldReference ref = leaked.outstanding().get(0);
    assertEquals(List.of(ref), leaked.outstanding());
    assertEquals("FltGetFileNameInformation", ref.routine());
    assertEquals("PreWrite", ref.callback());
    StackTraceElement at = Objects.requireNonNull(ref.site());
    assertEquals(ForgetfulWriter.nameGetLine, at.getLineNumber(), text);
    String line = "reference taken by FltGetFileNameInformation in PreWrite at " + site(ForgetfulWriter.nameGetLine);
    assertContains(text, "References to FLT_FILE_NAME_INFORMATION: 1", leaked.id(), line);
    VerifierFinding f = fm.verifierFindings().stream()
        .filter(x -> x.kind() == VerifierFinding.Kind.NAME_INFORMATION_LEAKED).findFirst().orElseThrow();
    assertEquals(leaked.id(), f.subject());
    assertContains(f.format(), line);
  }

  @Test
  @DisplayName("V1 at FULL: each outstanding reference also carries its stack, down to the test that sent the write")
  void unload_full_referencesCarryStacks() {
    UnloadReport report = writesThenUnload(manager(VerifierLevel.FULL));
    String text = report.format();

    HeldReference ref = report.outstandingReferences(report.leaked().get(0)).get(0);
    assertEquals(ForgetfulWriter.streamGetLine, Objects.requireNonNull(ref.site()).getLineNumber());
    assertEquals(ref.site(), ref.stack().get(0));
    assertTrue(ref.stack().stream().anyMatch(e -> e.getMethodName().equals("writes")
        && e.getClassName().equals(LeakSiteReportTest.class.getName())), () -> ref.stack().toString());
    assertContains(text, "\n          at ", "... ");
    assertTrue(report.leakedNames().get(0).outstanding().get(0).stack().size() > 1, text);
  }

  @Test
  @DisplayName("V1 at COUNTING: the report still names the leaked context but records no references (nothing is paid for them)")
  void unload_counting_noReferenceRecords() {
    UnloadReport report = writesThenUnload(manager(VerifierLevel.COUNTING));

    FltContext leaked = report.leaked().get(0);
    assertEquals(List.of(), leaked.outstandingReferences());
    assertEquals(List.of(), report.outstandingReferences(leaked));
    assertEquals(List.of(), report.leakedNames().get(0).outstanding());
    assertTrue(!report.format().contains("reference taken by"), report::format);
    assertNotNull(report.leakedNames().get(0).id());
  }
}
