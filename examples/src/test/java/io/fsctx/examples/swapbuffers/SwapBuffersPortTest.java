package io.fsctx.examples.swapbuffers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.examples.support.DbgPrint;
import io.fsctx.examples.support.SampleRun;
import io.fsctx.fltmgr.ContextEvent;
import io.fsctx.fltmgr.FilterManager;
import io.fsctx.fltmgr.Flt;
import io.fsctx.fltmgr.FltContext;
import io.fsctx.fltmgr.FltContextType;
import io.fsctx.fltmgr.FltInstance;
import io.fsctx.fltmgr.FltVolume;
import io.fsctx.fltmgr.GetResult;
import io.fsctx.fltmgr.VerifierFinding;
import io.fsctx.fltmgr.testing.FilterHarness;
import io.fsctx.io.CreateParameters;
import io.fsctx.io.FileObject;
import io.fsctx.io.IoConstants;
import io.fsctx.io.IoManager;
import io.fsctx.io.StorageDevice;
import io.fsctx.io.Volume;
import io.fsctx.modelfs.FatLikeFileSystem;
import io.fsctx.modelfs.NtfsLikeFileSystem;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import io.fsctx.nt.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * The swapBuffers port's observable behaviour: one volume context per volume shared by two
 * instances, its fields, the pre/post reference balance, the sector rounding of non-cached
 * transfers, the name fallback for a volume without a DOS name, and the sample's known defect
 * under {@code --provoke volume-query-failure}.
 */
class SwapBuffersPortTest {
  private final IoManager io = new IoManager();
  private final FilterManager mgr = new FilterManager(FilterHarness.testConfig());
  private final List<String> lines = new ArrayList<>();
  private final DbgPrint log = new DbgPrint(SwapBuffers.LOGFL_ALL, lines::add);
  private final SwapBuffers swap = new SwapBuffers(mgr, log);

  private FltVolume load(Volume v) {
    mgr.followMounts(io);
    assertEquals(NtStatus.STATUS_SUCCESS, swap.driverEntry());
    return Objects.requireNonNull(mgr.volumeOf(v));
  }

  private SwapVolumeContext volumeContextOf(FltVolume v) {
    try (GetResult g = v.getVolumeContext(Objects.requireNonNull(swap.filter()))) {
      return g.require().payload(SwapVolumeContext.class);
    }
  }

  @Test
  void instanceSetup_lettered_dosNameAndSectorSize() {
    Volume c = io.mount("\\Device\\HarddiskVolume1", 'C', new NtfsLikeFileSystem());
    FltVolume v = load(c);
    SwapVolumeContext ctx = volumeContextOf(v);
    assertEquals("C:", ctx.name().toString());
    assertEquals(512, ctx.sectorSize());
    assertTrue(swap.unload().clean());
    assertEquals(List.of(), mgr.liveContexts());
  }

  @Test
  void instanceSetup_noDriveLetter_realDeviceNameWithColon() {
    Volume d = io.mount("\\Device\\HarddiskVolume7", null, new FatLikeFileSystem(),
        StorageDevice.disk("\\Device\\HarddiskVolume7").withSectorSize(4096));
    FltVolume v = load(d);
    SwapVolumeContext ctx = volumeContextOf(v);
    assertEquals("\\Device\\HarddiskVolume7:", ctx.name().toString());
    assertEquals(4096, ctx.sectorSize());
    assertTrue(swap.unload().clean());
  }

  @Test
  void secondInstance_sharesTheVolumeContext_duplicateFreedAtOnce() {
    Volume c = io.mount("\\Device\\HarddiskVolume1", 'C', new NtfsLikeFileSystem());
    List<ContextEvent> events = new ArrayList<>();
    mgr.addListener(events::add);
    FltVolume v = load(c);
    FltContext first;
    try (GetResult g = v.getVolumeContext(Objects.requireNonNull(swap.filter()))) {
      first = g.require().context();
    }
    Out<FltInstance> second = new Out<>();
    assertEquals(NtStatus.STATUS_SUCCESS, Flt.attachVolumeAtAltitude(Objects.requireNonNull(swap.filter()), v,
        SwapBuffersWorkload.SECOND_INSTANCE_ALTITUDE, SwapBuffersWorkload.SECOND_INSTANCE_NAME, second));
    assertEquals(2, v.instances().size());
    try (GetResult g = v.getVolumeContext(Objects.requireNonNull(swap.filter()))) {
      assertSame(first, g.require().context(), "KEEP_IF_EXISTS kept the first instance's context");
    }
    long allocated = events.stream().filter(e -> e.kind() == ContextEvent.Kind.ALLOCATE).count();
    long freed = events.stream().filter(e -> e.kind() == ContextEvent.Kind.FREE).count();
    assertEquals(2, allocated, "each InstanceSetup allocates one");
    assertEquals(1, freed, "the second one is freed by its release after ALREADY_DEFINED");

    // Both instances see every read: two swaps, each with its own get and release.
    FileObject fo = io.createFile(c, "\\a", CreateParameters.openIf()).openedFileObject();
    io.write(fo, 0, 10);
    int before = first.referenceCount();
    io.read(fo, 0, 10);
    assertEquals(before, first.referenceCount(), "every get in a pre-operation is released in its post-operation");
    assertEquals(2, lines.stream().filter(l -> l.startsWith("SwapBuffers!SwapPreReadBuffers:") && l.contains(" C: ")).count());
    io.closeHandle(fo);

    assertTrue(swap.unload().clean());
    assertEquals(2, events.stream().filter(e -> e.kind() == ContextEvent.Kind.FREE).count(), "freed once, at unload");
    assertEquals(List.of(), mgr.liveContexts());
  }

  @Test
  void nonCachedTransfers_roundedToTheSectorSize_emptyOnesNotSwapped() {
    Volume d = io.mount("\\Device\\HarddiskVolume2", null, new NtfsLikeFileSystem(),
        StorageDevice.disk("\\Device\\HarddiskVolume2").withSectorSize(4096));
    load(d);
    FileObject fo = io.createFile(d, "\\n", CreateParameters.openIf().withOptions(IoConstants.FILE_NO_INTERMEDIATE_BUFFERING))
        .openedFileObject();
    io.write(fo, 0, 100);
    io.read(fo, 0, 0);
    io.closeHandle(fo);
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("SwapBuffers!SwapPreWriteBuffers:") && l.endsWith("len=4096")),
        lines::toString);
    assertFalse(lines.stream().anyMatch(l -> l.startsWith("SwapBuffers!SwapPreReadBuffers:")), "a zero-byte read is not swapped");
    assertTrue(swap.unload().clean());
    assertTrue(io.pool().outstanding().stream().noneMatch(b -> b.tag().startsWith("SB")), "every swapped buffer freed");
  }

  @Test
  void readPastTheEnd_noDataRead_stillReleased() {
    Volume c = io.mount("\\Device\\HarddiskVolume1", 'C', new NtfsLikeFileSystem());
    FltVolume v = load(c);
    FileObject fo = io.createFile(c, "\\e", CreateParameters.openIf()).openedFileObject();
    io.read(fo, 1 << 20, 10);
    io.closeHandle(fo);
    assertTrue(lines.stream().anyMatch(l -> l.contains("SwapPostReadBuffers:") && l.contains("No data read, status=c0000011")),
        lines::toString);
    assertNotNull(v);
    assertTrue(swap.unload().clean());
  }

  @Test
  void workload_clean_onBothModels() {
    for (boolean ntfs : new boolean[] {true, false}) {
      SampleRun.Result r = SwapBuffersWorkload.run(ntfs ? NtfsLikeFileSystem::new : FatLikeFileSystem::new,
          new DbgPrint(SwapBuffers.LOGFL_ALL, l -> {}), false, s -> {});
      assertTrue(r.clean(), r::format);
      assertEquals(3, r.allocated(FltContextType.VOLUME), "two volumes and the second instance's duplicate");
      assertEquals(3, r.freed(FltContextType.VOLUME));
    }
  }

  @Test
  void provokeVolumeQueryFailure_cleanupFreesAWildPointer_reportedAndNotClean() {
    List<String> l = new ArrayList<>();
    SampleRun.Result r = SwapBuffersWorkload.run(NtfsLikeFileSystem::new, new DbgPrint(SwapBuffers.LOGFL_ALL, l::add), true,
        s -> {});
    assertFalse(r.clean());
    assertNotNull(r.crash());
    assertEquals(Pool.BAD_POOL_CALLER, Objects.requireNonNull(r.crash()).bugCheckCode());
    assertTrue(r.findings().stream().anyMatch(f -> f.kind() == VerifierFinding.Kind.BUG_CHECK_IN_CALLBACK
        && f.message().contains("ContextCleanup")), r::format);
    assertTrue(l.stream().anyMatch(x -> x.contains("FltGetVolumeProperties failed, status=80000005")), l::toString);
  }
}
