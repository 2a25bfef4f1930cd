package io.fsctx.fltmgr.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.fltmgr.DriverObject;
import io.fsctx.fltmgr.FilterManager;
import io.fsctx.fltmgr.Flt;
import io.fsctx.fltmgr.FltConfig;
import io.fsctx.fltmgr.FltContext;
import io.fsctx.fltmgr.FltContextRegistration;
import io.fsctx.fltmgr.FltContextType;
import io.fsctx.fltmgr.FltFilter;
import io.fsctx.fltmgr.FltOperationRegistration;
import io.fsctx.fltmgr.FltPostopCallbackStatus;
import io.fsctx.fltmgr.FltPreopCallbackStatus;
import io.fsctx.fltmgr.FltRegistration;
import io.fsctx.nt.PoolType;
import io.fsctx.fltmgr.PostOperationCallback;
import io.fsctx.fltmgr.PreOperationCallback;
import io.fsctx.fltmgr.VerifierFinding;
import io.fsctx.fltmgr.VerifierLevel;
import io.fsctx.io.CreateParameters;
import io.fsctx.io.FileObject;
import io.fsctx.io.FileSystemDriver;
import io.fsctx.io.IoConstants;
import io.fsctx.io.IoManager;
import io.fsctx.io.IrpMajorFunction;
import io.fsctx.io.Volume;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An I/O manager, a Filter Manager following its mounts, one test filter ({@code FrameTest},
 * stream contexts tagged {@code FrSc} with payload {@link FrameStreamContext}) with a create
 * registration, and one mounted volume. Confined to a test.
 */
final class FrameFixture {
  static final String FILTER = "FrameTest";
  static final int STREAM_TAG = FltContextRegistration.tag("FrSc");
  static final int FILE_TAG = FltContextRegistration.tag("FrFi");

  /** The payload class the reports name. */
  static final class FrameStreamContext {
    FrameStreamContext(int size) {
      // No fields.
    }
  }

  final IoManager io = new IoManager();
  final FilterManager manager;
  final FltFilter filter;
  final Volume volume;

  FrameFixture(
      VerifierLevel level,
      FileSystemDriver fileSystem,
      @Nullable PreOperationCallback preCreate,
      @Nullable PostOperationCallback postCreate) {
    manager =
        new FilterManager(FltConfig.builder().verifierLevel(level).unloadWaitTimeout(Duration.ofMillis(50)).build());
    FltRegistration.Builder reg =
        FltRegistration.builder()
            .contextRegistration(
                FltContextRegistration.of(FltContextType.STREAM, 0, null, 16, STREAM_TAG, FrameStreamContext::new),
                FltContextRegistration.of(FltContextType.FILE, 0, null, 16, FILE_TAG, null),
                FltContextRegistration.END);
    if (preCreate != null || postCreate != null) {
      reg.operationRegistration(
          new FltOperationRegistration(IrpMajorFunction.CREATE.code(), 0, preCreate, postCreate));
    }
    Out<FltFilter> f = new Out<>();
    assertEquals(NtStatus.STATUS_SUCCESS, Flt.registerFilter(manager, DriverObject.of(FILTER, "370000"), reg.build(), f));
    filter = f.get();
    assertNotNull(filter);
    assertEquals(NtStatus.STATUS_SUCCESS, Flt.startFiltering(filter));
    volume = io.mount("\\Device\\HarddiskVolume1", 'C', fileSystem);
    manager.followMounts(io);
  }

  /** Creates (or opens) {@code path} and returns the opened file object. */
  FileObject open(String path) {
    return io.createFile(volume, path, CreateParameters.openIf()).openedFileObject();
  }

  /** Opens {@code path} as a paging file ({@code SL_OPEN_PAGING_FILE}). */
  FileObject openPagingFile(String path) {
    return io.createFile(volume, path, CreateParameters.openIf().withSlFlags(IoConstants.SL_OPEN_PAGING_FILE))
        .openedFileObject();
  }

  /** Allocates a stream context of the test filter; the caller owns the reference. */
  static FltContext allocate(FltFilter filter) {
    return allocate(filter, FltContextType.STREAM);
  }

  /** Allocates a context of the test filter; the caller owns the reference. */
  static FltContext allocate(FltFilter filter, FltContextType type) {
    Out<FltContext> c = new Out<>();
    assertEquals(NtStatus.STATUS_SUCCESS, Flt.allocateContext(filter, type.code(), 16, PoolType.PAGED_POOL, c));
    FltContext ctx = c.get();
    assertNotNull(ctx);
    return ctx;
  }

  /**
   * A fixture whose filter sets a stream context and a file context on every successful open in
   * post-create, releasing its references whatever the outcome (a correct filter).
   */
  static FrameFixture settingContexts(VerifierLevel level, FileSystemDriver fileSystem) {
    return new FrameFixture(
        level,
        fileSystem,
        (d, o, cc) -> FltPreopCallbackStatus.SUCCESS_WITH_CALLBACK,
        (d, o, cc, flags) -> {
          if (d.ioStatus().isSuccess() && !d.ioStatus().equals(NtStatus.STATUS_REPARSE)) {
            FltContext s = allocate(o.filter(), FltContextType.STREAM);
            Flt.setStreamContext(o.instance(), o.fileObject(), 0, s, null);
            Flt.releaseContext(s);
            FltContext f = allocate(o.filter(), FltContextType.FILE);
            Flt.setFileContext(o.instance(), o.fileObject(), 0, f, null);
            Flt.releaseContext(f);
          }
          return FltPostopCallbackStatus.FINISHED_PROCESSING;
        });
  }

  List<VerifierFinding> findings() {
    return manager.verifierFindings();
  }

  List<VerifierFinding> findings(VerifierFinding.Kind kind) {
    return manager.verifierFindings().stream().filter(f -> f.kind() == kind).toList();
  }

  /** The only finding of {@code kind}. */
  VerifierFinding single(VerifierFinding.Kind kind) {
    List<VerifierFinding> found = findings(kind);
    assertEquals(1, found.size(), () -> kind + " findings: " + findings());
    return found.get(0);
  }

  static void assertContains(String text, String... parts) {
    for (String part : parts) {
      assertTrue(text.contains(part), () -> "expected <" + part + "> in:\n" + text);
    }
  }
}
