package io.fsctx.examples.ctx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.modelfs.NtfsLikeFileSystem;
import io.fsctx.fltmgr.ContextEvent;
import io.fsctx.fltmgr.FltContextRegistration;
import io.fsctx.fltmgr.FltContextType;
import io.fsctx.fltmgr.FltOperationRegistration;
import io.fsctx.io.CreateParameters;
import io.fsctx.io.CreateResult;
import io.fsctx.io.IoConstants;
import io.fsctx.io.Irp;
import io.fsctx.io.IrpParameters;
import io.fsctx.io.FileObject;
import io.fsctx.nt.NtStatus;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Where the port fixes the sample's latent bugs (§1.11), the registration table, and the log. */
class CtxPortDifferencesTest {

  @Test
  @DisplayName("§1.11.5: a failed file-name allocation fails the file context (the sample reported success) and leaks nothing")
  void fileNameAllocationFails_reportedAsFailure_contextFreed() {
    CtxHarness h = new CtxHarness(new NtfsLikeFileSystem());
    h.ctx.support().setAllocationFaults(what -> what.equals("CxSt FileContext.FileName"));
    FileObject fo = h.open("\\a.txt", CreateParameters.create());
    assertNull(h.peek(FltContextType.FILE, fo, CtxFileContext.class, CtxFileContext::fileName), "no file context set");
    String f = h.allocated(FltContextType.FILE).get(0);
    assertEquals(List.of("PostCreate ALLOCATE 1", "PostCreate CLEANUP 0", "PostCreate FREE 0"), h.ledger(f));
    assertTrue(h.errorLines().stream().anyMatch(l -> l.equals(
        "[Ctx]: CtxPostCreate -> Failed with status STATUS_INSUFFICIENT_RESOURCES (0xC000009A)")), () -> h.errorLines().toString());
    h.ctx.support().setAllocationFaults(what -> false);
    h.io.closeHandle(fo);
    h.unloadClean();
  }

  @Test
  @DisplayName("§1.11.5: instance setup failing before the name is allocated: cleanup sees an initialised, empty name; no attach; nothing leaks")
  void instanceSetupFails_cleanupReadsInitialisedFields_noAttach() {
    CtxHarness h = new CtxHarness(new NtfsLikeFileSystem(), false);
    h.ctx.support().setAllocationFaults(what -> what.equals("CxSt InstanceContext.VolumeName"));
    assertEquals(NtStatus.STATUS_SUCCESS, h.ctx.driverEntry());
    assertTrue(h.ctx.filter().instances().isEmpty(), "setup refused the attach");
    String ic = h.allocated(FltContextType.INSTANCE).get(0);
    assertEquals(List.of("InstanceSetup ALLOCATE 1", "InstanceSetup CLEANUP 0", "InstanceSetup FREE 0"), h.ledger(ic));
    assertTrue(h.log.lines().stream().anyMatch(l -> l.line().contains("Filter will not attach")));
    h.ctx.unload();
    assertEquals(0, h.ctx.support().outstanding().values().stream().mapToInt(Integer::intValue).sum());
  }

  @Test
  @DisplayName("§1.11.7: a create completed with STATUS_REPARSE opened nothing; the port skips it (the sample did not)")
  void reparse_skipped_noContextsNoErrors() {
    CtxHarness h = new CtxHarness(new NtfsLikeFileSystem() {
      @Override
      protected NtStatus create(Irp irp) {
        // A reparse point at \link: the file system sends the open elsewhere and opens nothing.
        if (irp.parameters(IrpParameters.Create.class).fileName().equals("\\link")) {
          return irp.complete(NtStatus.STATUS_REPARSE, IoConstants.IO_REPARSE);
        }
        return super.create(irp);
      }
    });
    CreateResult r = h.io.createFile(h.volume, "\\link", CreateParameters.openIf());
    assertEquals(NtStatus.STATUS_REPARSE, r.status());
    assertEquals(1, h.ctxEvents().stream().filter(e -> e.kind() == ContextEvent.Kind.ALLOCATE).count(), "instance context only");
    assertTrue(h.errorLines().isEmpty(), () -> h.errorLines().toString());
    h.unloadClean();
  }

  @Test
  @DisplayName("§1.4: the registration table has the sample's four types, sizes 32/16/40/24, tags CxIc/CxFc/CxSc/CxHc, one cleanup")
  void registration_matchesSample() {
    CtxHarness h = new CtxHarness(new NtfsLikeFileSystem(), false);
    List<FltContextRegistration> regs = h.ctx.contextRegistration();
    List<String> rows = new ArrayList<>();
    for (FltContextRegistration r : regs) {
      rows.add(r.isEnd() ? "END" : FltContextType.of(r.contextType()) + " " + r.size() + " "
          + FltContextRegistration.tagToString(r.poolTag()) + " " + r.flags() + " " + (r.contextCleanupCallback() != null));
    }
    assertEquals(List.of("INSTANCE 32 CxIc 0 true", "FILE 16 CxFc 0 true", "STREAM 40 CxSc 0 true",
        "STREAMHANDLE 24 CxHc 0 true", "END"), rows);
    for (FltOperationRegistration op : h.ctx.callbacks()) {
      assertEquals(FltOperationRegistration.FLTFL_OPERATION_REGISTRATION_SKIP_PAGING_IO, op.flags());
    }
    assertEquals("370070", Ctx.ALTITUDE);
  }

  @Test
  @DisplayName("§1.10: a line prints when its mask shares a bit with DebugLevel; every line is recorded and starts with [Ctx]: ")
  void debugLevel_gatesPrinting_recordsEverything() {
    List<String> printed = new ArrayList<>();
    CtxLog log = new CtxLog(CtxLog.SAMPLE_DEFAULT_LEVEL, printed::add);
    log.trace(CtxLog.DEBUG_TRACE_STREAM_CONTEXT_OPERATIONS, "quiet %d", 1);
    log.trace(CtxLog.DEBUG_TRACE_STREAM_CONTEXT_OPERATIONS | CtxLog.DEBUG_TRACE_ERROR, "loud %x %08X %wZ",
        255, 0xC0000225, io.fsctx.nt.UnicodeString.of("\\a"));
    assertEquals(List.of("[Ctx]: loud ff C0000225 \\a"), printed);
    assertEquals(2, log.lines().size());
    assertEquals(0x27, CtxLog.parseLevel("error,load_unload,instances,stream_context_operations"));
    assertEquals(0x27, CtxLog.parseLevel("0x27"));
    assertEquals(39, CtxLog.parseLevel("39"));
    assertEquals(-1, CtxLog.parseLevel("all"));
  }
}
