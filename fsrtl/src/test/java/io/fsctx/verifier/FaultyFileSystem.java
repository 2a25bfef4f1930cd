package io.fsctx.verifier;

import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FCB_HEADER_V0;
import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FLAG2_IS_PAGING_FILE;
import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS;

import io.fsctx.fsrtl.AdvancedFcbHeader;
import io.fsctx.fsrtl.CommonFcbHeader;
import io.fsctx.fsrtl.FastMutex;
import io.fsctx.fsrtl.FsRtl;
import io.fsctx.fsrtl.PerFileContextSlot;
import io.fsctx.io.FileNames;
import io.fsctx.io.FileObject;
import io.fsctx.io.FileSystemDriver;
import io.fsctx.io.IoConstants;
import io.fsctx.io.Irp;
import io.fsctx.io.IrpMajorFunction;
import io.fsctx.io.IrpParameters;
import io.fsctx.io.Volume;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.PoolBlock;
import io.fsctx.nt.PoolType;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A small multi-stream file system for the verifier's own tests (fsrtl's tests cannot use the
 * models in modelfs), correct unless told to make one of the {@link Fault}s: a flat namespace
 * ({@code \name} and {@code \name:stream}), a per-file structure holding the file's context slot,
 * a stream structure per stream whose header is set up with {@code FsRtlSetupAdvancedHeaderEx}
 * and the slot, its fast mutex in a separate nonpaged block (as fastfat keeps it), a VCB for
 * volume opens, and the lifecycle a real file system owns: teardown then free at the last close,
 * the file's per-file teardown after its last stream, the VCB at dismount.
 *
 * <p>Thread safety: every request runs under the file system's monitor; teardowns and frees too
 * (there are no filters in these tests whose callbacks could need it).
 */
final class FaultyFileSystem implements FileSystemDriver {
  /** One mistake each; the rule that should catch it is in the test. */
  enum Fault {
    /** Stream headers are {@code FSRTL_COMMON_FCB_HEADER} only. */
    COMMON_HEADER,
    /** Stream headers are never set up. */
    NO_SETUP,
    /** The header is set up after the stream structure is in the table (noteReachable). */
    SETUP_AFTER_INSERT,
    /** The header is set up after the file object points at it. */
    SETUP_AFTER_PUBLISH,
    /** Every open of an existing stream runs setup again. */
    SETUP_ON_EVERY_OPEN,
    /** Flags and Flags2 are zeroed right after setup. */
    WIPE_FLAGS_AT_SETUP,
    /** A write clears FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS. */
    CLEAR_FLAGS2_ON_WRITE,
    /** The version is lowered to V0 after setup with a slot. */
    VERSION_V0,
    /** A paging file keeps SUPPORTS_FILTER_CONTEXTS and never gets IS_PAGING_FILE. */
    PAGING_KEEPS_SUPPORT,
    /** Stream structures are freed without FsRtlTeardownPerStreamContexts. */
    NO_STREAM_TEARDOWN,
    /** The VCB is freed at dismount without its teardown. */
    NO_VCB_TEARDOWN,
    /** Per-file structures are freed without FsRtlTeardownPerFileContexts. */
    NO_FILE_TEARDOWN,
    /** FsRtlTeardownPerStreamContexts in IRP_MJ_CLEANUP. */
    TEARDOWN_IN_CLEANUP,
    /** Teardown at the last close, but the structure stays in the table and is freed at dismount. */
    TEARDOWN_THEN_DELAYED_FREE,
    /** FsRtlTeardownPerFileContexts with every stream's deletion, while other streams live. */
    FILE_TEARDOWN_PER_STREAM,
    /** The nonpaged block holding the header's fast mutex is freed before the teardown. */
    FREE_LOCK_FIRST,
    /** The stream structure is freed twice. */
    DOUBLE_FREE,
    /** Stream structures are torn down but never freed. */
    NEVER_FREE,
    /** The stream structure is freed in IRP_MJ_CLEANUP, before its close. */
    FREE_AT_CLEANUP,
    /** Stream headers live outside any pool block. */
    NO_POOL
  }

  /** The per-file structure. */
  static final class FileCb {
    final PoolBlock memory;
    final PerFileContextSlot slot;
    int liveStreams;

    FileCb(PoolBlock memory, String id) {
      this.memory = memory;
      this.slot = new PerFileContextSlot(memory, id);
    }
  }

  /** A stream structure: header first, its mutex in a nonpaged block. */
  static final class Scb {
    final @Nullable PoolBlock memory;
    final PoolBlock nonPaged;
    final FastMutex mutex;
    final CommonFcbHeader header;
    final FileCb file;
    final String key;
    int openCount;

    Scb(@Nullable PoolBlock memory, PoolBlock nonPaged, CommonFcbHeader header, FileCb file, String key) {
      this.memory = memory;
      this.nonPaged = nonPaged;
      this.mutex = new FastMutex(nonPaged);
      this.header = header;
      this.file = file;
      this.key = key;
    }
  }

  private final Set<Fault> faults;
  private final Set<String> disk = new HashSet<>();
  private final Map<String, FileCb> files = new HashMap<>();
  private final Map<String, Scb> streams = new HashMap<>();
  private final Map<CommonFcbHeader, Scb> byHeader = new HashMap<>();
  private final List<Scb> delayed = new ArrayList<>();
  private @Nullable Volume volume;
  private @Nullable AdvancedFcbHeader vcbHeader;
  private @Nullable PoolBlock vcb;
  private int vcbOpens;
  private boolean dismounted;

  FaultyFileSystem(Fault... faults) {
    this.faults = faults.length == 0 ? EnumSet.noneOf(Fault.class) : EnumSet.of(faults[0], faults);
  }

  private boolean has(Fault f) {
    return faults.contains(f);
  }

  @Override
  public String fileSystemName() {
    return "faulty" + faults;
  }

  @Override
  public boolean supportsNamedStreams() {
    return true;
  }

  @Override
  public synchronized void mount(Volume v) {
    volume = v;
    vcb = v.pool().allocate(PoolType.NON_PAGED_POOL, "TvfV", "VCB");
    vcbHeader = new AdvancedFcbHeader(vcb, "Vcb#1");
    FsRtl.setupAdvancedHeaderEx(vcbHeader, new FastMutex(vcb), null);
  }

  @Override
  public synchronized NtStatus dispatch(Irp irp) {
    IrpMajorFunction major = irp.majorFunction();
    if (dismounted && major != IrpMajorFunction.CLEANUP && major != IrpMajorFunction.CLOSE) {
      return irp.complete(NtStatus.STATUS_VOLUME_DISMOUNTED, 0);
    }
    FileObject fo = irp.fileObject();
    Scb scb = fo == null || fo.fsContext() == null ? null : byHeader.get(fo.fsContext());
    switch (major) {
      case CREATE -> {
        return create(irp, fo);
      }
      case WRITE -> {
        if (scb != null && has(Fault.CLEAR_FLAGS2_ON_WRITE)) {
          scb.header.setFlags2(0);
        }
      }
      case CLEANUP -> {
        if (scb != null && has(Fault.TEARDOWN_IN_CLEANUP)) {
          FsRtl.teardownPerStreamContexts(scb.header);
        }
        if (scb != null && has(Fault.FREE_AT_CLEANUP) && scb.memory != null && !scb.memory.isFreed()) {
          free(scb.memory);
        }
      }
      case CLOSE -> close(fo, scb);
      default -> {
        // Reads, queries and the rest succeed and change nothing.
      }
    }
    return irp.complete(NtStatus.STATUS_SUCCESS, 0);
  }

  private NtStatus create(Irp irp, @Nullable FileObject maybeFo) {
    IrpParameters.Create p = irp.parameters(IrpParameters.Create.class);
    Volume v = Objects.requireNonNull(volume);
    FileObject fo = Objects.requireNonNull(maybeFo);
    if (p.fileName().isEmpty()) {
      vcbOpens++;
      fo.setFsContext(vcbHeader);
      fo.setFlags(FileObject.FO_VOLUME_OPEN);
      return irp.complete(NtStatus.STATUS_SUCCESS, IoConstants.FILE_OPENED);
    }
    String key = p.fileName().toUpperCase(Locale.ROOT);
    String fileKey = key.contains(":") ? key.substring(0, key.indexOf(':')) : key;
    if (!disk.contains(key) && p.options().createDisposition() == IoConstants.FILE_OPEN) {
      return irp.complete(NtStatus.STATUS_OBJECT_NAME_NOT_FOUND, 0);
    }
    disk.add(key);
    Scb scb = streams.get(key);
    if (scb == null) {
      FileCb file = files.get(fileKey);
      if (file == null) {
        file = new FileCb(v.pool().allocate(PoolType.PAGED_POOL, "TvfF", "FCB"), v.ioManager().ids().next("File"));
        files.put(fileKey, file);
      }
      scb = newScb(v, file, key, fileKey.equals("\\PAGEFILE.SYS"));
      file.liveStreams++;
      streams.put(key, scb);
      byHeader.put(scb.header, scb);
      if (!has(Fault.SETUP_AFTER_PUBLISH)) {
        scb.header.audit().noteReachable(); // a table of its own: it tells the audit, as FcbTable does
      }
      if (has(Fault.SETUP_AFTER_INSERT)) {
        setup(scb);
      }
      if (p.options().hasOption(IoConstants.FILE_DIRECTORY_FILE)) {
        // The create's error path: the type check comes after the structure was built, as in
        // fastfat, so the new structure is deleted (teardown included) before the failure.
        deleteScb(scb);
        return irp.complete(NtStatus.STATUS_NOT_A_DIRECTORY, 0);
      }
    } else {
      delayed.remove(scb);
      if (has(Fault.SETUP_ON_EVERY_OPEN)) {
        setup(scb);
      }
    }
    scb.openCount++;
    fo.setFsContext(scb.header);
    if (has(Fault.SETUP_AFTER_PUBLISH) && scb.header instanceof AdvancedFcbHeader a && !a.isSetUp()) {
      setup(scb);
    }
    return irp.complete(NtStatus.STATUS_SUCCESS, IoConstants.FILE_OPENED);
  }

  private Scb newScb(Volume v, FileCb file, String key, boolean pagingFile) {
    PoolBlock memory = has(Fault.NO_POOL) ? null : v.pool().allocate(PoolType.PAGED_POOL, "TvfS", "SCB");
    PoolBlock nonPaged = v.pool().allocate(PoolType.NON_PAGED_POOL, "TvfN", "SCB nonpaged");
    String id = v.ioManager().ids().next("Scb");
    CommonFcbHeader h = has(Fault.COMMON_HEADER) ? new CommonFcbHeader(memory, id) : new AdvancedFcbHeader(memory, id);
    Scb scb = new Scb(memory, nonPaged, h, file, key);
    boolean late = has(Fault.NO_SETUP) || has(Fault.SETUP_AFTER_INSERT) || has(Fault.SETUP_AFTER_PUBLISH);
    if (!late) {
      setup(scb);
    }
    if (h instanceof AdvancedFcbHeader a && pagingFile && !has(Fault.PAGING_KEEPS_SUPPORT)) {
      a.setFlags2Bits(FSRTL_FLAG2_IS_PAGING_FILE);
      a.clearFlags2Bits(FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS);
    }
    return scb;
  }

  private void setup(Scb scb) {
    if (!(scb.header instanceof AdvancedFcbHeader a)) {
      return;
    }
    FsRtl.setupAdvancedHeaderEx(a, scb.mutex, scb.file.slot);
    if (has(Fault.WIPE_FLAGS_AT_SETUP)) {
      a.setFlags(0);
      a.setFlags2(0);
    }
    if (has(Fault.VERSION_V0)) {
      a.setVersion(FSRTL_FCB_HEADER_V0);
    }
  }

  private void close(@Nullable FileObject fo, @Nullable Scb scb) {
    if (fo != null && fo.fsContext() == vcbHeader) {
      if (--vcbOpens == 0 && dismounted) {
        tearDownVcb();
      }
      return;
    }
    if (scb == null || --scb.openCount > 0) {
      return;
    }
    if (has(Fault.TEARDOWN_THEN_DELAYED_FREE)) {
      FsRtl.teardownPerStreamContexts(scb.header);
      delayed.add(scb);
      return;
    }
    deleteScb(scb);
  }

  private void deleteScb(Scb scb) {
    streams.remove(scb.key, scb);
    byHeader.remove(scb.header);
    if (has(Fault.FREE_LOCK_FIRST)) {
      free(scb.nonPaged);
    }
    if (!has(Fault.NO_STREAM_TEARDOWN) && !has(Fault.TEARDOWN_THEN_DELAYED_FREE)) {
      FsRtl.teardownPerStreamContexts(scb.header);
    }
    if (!has(Fault.FREE_LOCK_FIRST)) {
      free(scb.nonPaged);
    }
    if (!has(Fault.NEVER_FREE) && !has(Fault.FREE_AT_CLEANUP)) {
      free(scb.memory);
    }
    if (has(Fault.DOUBLE_FREE)) {
      free(scb.memory);
    }
    FileCb file = scb.file;
    if (has(Fault.FILE_TEARDOWN_PER_STREAM)) {
      FsRtl.teardownPerFileContexts(file.slot);
    }
    if (--file.liveStreams == 0) {
      files.values().remove(file);
      if (!has(Fault.NO_FILE_TEARDOWN) && !has(Fault.FILE_TEARDOWN_PER_STREAM)) {
        FsRtl.teardownPerFileContexts(file.slot);
      }
      free(file.memory);
    }
  }

  private void tearDownVcb() {
    if (!has(Fault.NO_VCB_TEARDOWN)) {
      FsRtl.teardownPerStreamContexts(Objects.requireNonNull(vcbHeader));
    }
    free(vcb);
  }

  private static void free(@Nullable PoolBlock block) {
    if (block != null) {
      block.pool().free(block);
    }
  }

  @Override
  public synchronized void dismount() {
    dismounted = true;
    for (Scb s : List.copyOf(delayed)) {
      delayed.remove(s);
      deleteScb(s);
    }
    if (vcbOpens == 0) {
      tearDownVcb();
    }
  }

  @Override
  public synchronized @Nullable FileNames queryFileNames(FileObject fileObject) {
    Scb scb = fileObject.fsContext() == null ? null : byHeader.get(fileObject.fsContext());
    return scb == null ? null : new FileNames(scb.key, fileObject.fileName());
  }

  @Override
  public @Nullable String normalizePath(String path) {
    return path;
  }
}
