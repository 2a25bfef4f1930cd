package io.fsctx.fltmgr.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.fsctx.fltmgr.DriverObject;
import io.fsctx.fltmgr.FilterManager;
import io.fsctx.fltmgr.Flt;
import io.fsctx.fltmgr.FltConfig;
import io.fsctx.fltmgr.FltContext;
import io.fsctx.fltmgr.FltContextRegistration;
import io.fsctx.fltmgr.FltContextType;
import io.fsctx.fltmgr.FltFilter;
import io.fsctx.fltmgr.FltInstance;
import io.fsctx.fltmgr.FltRegistration;
import io.fsctx.fltmgr.FltVolume;
import io.fsctx.nt.PoolType;
import io.fsctx.fltmgr.VerifierFinding;
import io.fsctx.fltmgr.VerifierLevel;
import io.fsctx.fsrtl.AdvancedFcbHeader;
import io.fsctx.fsrtl.FastMutex;
import io.fsctx.fsrtl.FsRtl;
import io.fsctx.io.FileObject;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import java.time.Duration;
import java.util.List;

/**
 * One filter ({@code VerifTest}, tags {@code VfSc} for streams and {@code VfIn} for instances) on
 * one NTFS-like volume, with streams built by hand as the worked example does. Confined to a test.
 */
final class VerifierFixture {
  static final String FILTER = "VerifTest";
  static final int STREAM_TAG = FltContextRegistration.tag("VfSc");
  static final int INSTANCE_TAG = FltContextRegistration.tag("VfIn");

  /** The payload of the fixture's stream contexts, so reports can name a payload class. */
  static final class VerifStreamContext {
    VerifStreamContext(int size) {
      // No fields: the class name is what the reports show.
    }
  }

  /** The payload of the fixture's instance contexts. */
  static final class VerifInstanceContext {
    VerifInstanceContext(int size) {
      // No fields.
    }
  }

  final FilterManager manager;
  final FltFilter filter;
  final FltVolume volume;
  final FltInstance instance;
  private int streams;

  VerifierFixture(VerifierLevel level) {
    manager =
        new FilterManager(
            FltConfig.builder().verifierLevel(level).unloadWaitTimeout(Duration.ofMillis(50)).build());
    FltRegistration reg =
        FltRegistration.builder()
            .contextRegistration(
                FltContextRegistration.of(FltContextType.STREAM, 0, null, 16, STREAM_TAG, VerifStreamContext::new),
                FltContextRegistration.of(
                    FltContextType.INSTANCE, 0, null, 16, INSTANCE_TAG, VerifInstanceContext::new),
                FltContextRegistration.END)
            .instanceQueryTeardownCallback((objects, flags) -> NtStatus.STATUS_SUCCESS)
            .build();
    FltFilter f = manager.registerFilter(DriverObject.of(FILTER, "370000"), reg).filter();
    assertNotNull(f);
    filter = f;
    volume = manager.mountBareVolume("\\Device\\HarddiskVolume1", "NTFS", true);
    assertEquals(NtStatus.STATUS_SUCCESS, filter.startFiltering());
    instance = volume.instances().get(0);
  }

  /** A stream whose header is set up, and a file object opened on it. */
  FileObject openedFile(String name) {
    streams++;
    AdvancedFcbHeader h = new AdvancedFcbHeader("Scb#" + streams);
    FsRtl.setupAdvancedHeader(h, new FastMutex());
    FileObject fo = new FileObject("FileObject#" + streams, name);
    fo.setFsContext(h);
    return fo;
  }

  /** A file object in pre-create: the file system has not opened it, so FsContext is NULL. */
  FileObject unopenedFile(String name) {
    streams++;
    return new FileObject("FileObject#" + streams, name);
  }

  /** {@code FltAllocateContext} of a stream context; the caller owns the reference. */
  FltContext allocateStream() {
    return allocate(FltContextType.STREAM);
  }

  FltContext allocate(FltContextType type) {
    Out<FltContext> c = new Out<>();
    assertEquals(NtStatus.STATUS_SUCCESS, Flt.allocateContext(filter, type.code(), 16, PoolType.PAGED_POOL, c));
    FltContext ctx = c.get();
    assertNotNull(ctx);
    return ctx;
  }

  /** Allocates a stream context, sets it on {@code fo} and keeps only the link reference. */
  FltContext attachStream(FileObject fo) {
    FltContext c = allocateStream();
    assertEquals(NtStatus.STATUS_SUCCESS, Flt.setStreamContext(instance, fo, 1, c, null));
    Flt.releaseContext(c);
    return c;
  }

  /** {@code FltDetachVolume} of the fixture's instance (a manual detach). */
  void detach() {
    assertEquals(NtStatus.STATUS_SUCCESS, filter.detachVolume(volume, instance.name()));
  }

  List<VerifierFinding> findings() {
    return manager.verifierFindings();
  }

  List<VerifierFinding> findings(VerifierFinding.Kind kind) {
    return manager.verifierFindings().stream().filter(f -> f.kind() == kind).toList();
  }

  /** Asserts that {@code text} contains every one of {@code parts}. */
  static void assertContains(String text, String... parts) {
    for (String part : parts) {
      org.junit.jupiter.api.Assertions.assertTrue(
          text.contains(part), () -> "expected <" + part + "> in:\n" + text);
    }
  }

  /** Tears the stream of {@code fo} down, as the file system does when it frees the FCB. */
  static void tearDown(FileObject fo) {
    FsRtl.teardownPerStreamContexts((AdvancedFcbHeader) java.util.Objects.requireNonNull(fo.fsContext()));
  }
}
