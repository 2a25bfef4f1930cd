package io.fsctx.tools.checkfs;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.fsctx.fsrtl.AdvancedFcbHeader;
import io.fsctx.fsrtl.CommonFcbHeader;
import io.fsctx.fsrtl.FastMutex;
import io.fsctx.fsrtl.FsRtl;
import io.fsctx.io.FileNames;
import io.fsctx.io.FileObject;
import io.fsctx.io.FileSystemDriver;
import io.fsctx.io.IoConstants;
import io.fsctx.io.Irp;
import io.fsctx.io.IrpParameters;
import io.fsctx.io.Volume;
import io.fsctx.modelfs.toolkit.Namespace;
import io.fsctx.modelfs.toolkit.Namespace.FileRecord;
import io.fsctx.modelfs.toolkit.OpenCounts;
import io.fsctx.modelfs.toolkit.Requests;
import io.fsctx.modelfs.toolkit.StreamNaming;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.PoolBlock;
import io.fsctx.nt.PoolType;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A small standalone file system (built on the toolkit's namespace, counts and request helpers,
 * with an FCB table of its own that does not tell the header audit about inserts, as an author's
 * own table would not) whose one bug only a race shows: a create that builds a new FCB puts it in
 * the table, drops its lock, and only then sets the header up and opens the file. Single-threaded,
 * every header is set up before any file object points at it; a second create of the same file
 * that arrives in the window finds the FCB and points its file object at a header not yet set up.
 *
 * <p>The window is made wide enough to be hit deterministically when it matters: a builder running
 * on another thread than the one that mounted the volume (check-fs's race phase, where several
 * threads open the same new file at once) waits, bounded, for a racing create to find the
 * half-built FCB. Opens on the mounting thread never wait, so the single-threaded workload runs
 * as fast as on any file system and cannot see the bug. With {@code late == false} the header is
 * set up before the insert, and the file system is correct (the no-false-positive control).
 *
 * <p>Thread safety: safe for concurrent requests; one lock guards the namespace, the table and the
 * counts.
 */
final class LateSetupFileSystem implements FileSystemDriver {
  private static final long RACE_WAIT_SECONDS = 5;

  /** CCB: the name an open came through and whether it deletes the file at cleanup. */
  private record Ccb(Namespace.Link link, boolean deleteOnClose) {}

  /** FCB: header, mutex and counts in one pool block. */
  private static final class Fcb {
    final PoolBlock memory;
    final AdvancedFcbHeader header;
    final FastMutex mutex;
    final FileRecord file;
    final OpenCounts counts = new OpenCounts();
    /** Counted down by a create that found this FCB before its header was set up. */
    final CountDownLatch foundHalfBuilt = new CountDownLatch(1);

    Fcb(PoolBlock memory, String id, FileRecord file) { // the header is set up by the caller
      this.memory = memory;
      this.header = new AdvancedFcbHeader(memory, id);
      this.mutex = new FastMutex(memory);
      this.file = file;
    }
  }

  private final boolean late;
  private final Object lock = new Object();

  @GuardedBy("lock")
  private final Namespace disk = new Namespace(StreamNaming.SINGLE_STREAM);

  @GuardedBy("lock")
  private final Map<FileRecord, Fcb> table = new HashMap<>();

  private final Map<CommonFcbHeader, Fcb> byHeader = new ConcurrentHashMap<>();
  private volatile @Nullable Thread mountThread;
  private volatile @Nullable Volume volume;
  private volatile @Nullable PoolBlock vcbMemory;
  private volatile @Nullable AdvancedFcbHeader vcbHeader;

  @GuardedBy("lock")
  private int volumeOpens;

  @GuardedBy("lock")
  private boolean dismounted;

  /** The buggy file system. */
  LateSetupFileSystem() {
    this(true);
  }

  /**
   * @param late whether a new FCB's header is set up after the FCB is in the table (the bug)
   */
  LateSetupFileSystem(boolean late) {
    this.late = late;
  }

  @Override
  public String fileSystemName() {
    return late ? "late-setup (header set up after the FCB table insert)" : "early-setup";
  }

  @Override
  public boolean supportsNamedStreams() {
    return false;
  }

  @Override
  public void mount(Volume v) {
    volume = v;
    mountThread = Thread.currentThread();
    PoolBlock memory = v.pool().allocate(PoolType.NON_PAGED_POOL_NX, "LsuV", "VCB");
    AdvancedFcbHeader h = new AdvancedFcbHeader(memory, "Vcb#1");
    FsRtl.setupAdvancedHeader(h, new FastMutex(memory));
    vcbMemory = memory;
    vcbHeader = h;
  }

  @Override
  public NtStatus dispatch(Irp irp) {
    FileObject fo = Requests.fileObject(irp);
    Fcb fcb = fo.fsContext() == null ? null : byHeader.get(fo.fsContext());
    return switch (irp.majorFunction()) {
      case CREATE -> create(irp, fo);
      case CLEANUP -> {
        if (fcb != null) {
          synchronized (lock) {
            fcb.counts.cleanedUp();
            if (fo.fsContext2() instanceof Ccb c && c.deleteOnClose()) {
              fcb.file.setDeletePending(true);
            }
          }
        }
        yield irp.complete(NtStatus.STATUS_SUCCESS, 0);
      }
      case CLOSE -> close(irp, fo, fcb);
      case READ -> Requests.read(irp, fo.fsContext(), fcb != null && fcb.file.isDirectory());
      case WRITE -> Requests.write(irp, fo.fsContext(), fcb != null && fcb.file.isDirectory());
      case DIRECTORY_CONTROL -> {
        synchronized (lock) {
          yield Requests.queryDirectory(irp, disk, linkOf(fo));
        }
      }
      case SET_INFORMATION -> {
        synchronized (lock) {
          Requests.OpenStream s = fcb == null ? null
              : new Requests.OpenStream(fcb.header, linkOf(fo), "", fcb.file::setDeletePending);
          yield Requests.setInformation(irp, disk, s, Requests.NO_HARD_LINKS, this::isOpenLocked);
        }
      }
      default -> Requests.simple(irp);
    };
  }

  private NtStatus create(Irp irp, FileObject fo) {
    IrpParameters.Create p = irp.parameters(IrpParameters.Create.class);
    Volume v = Objects.requireNonNull(volume);
    boolean deleteOnClose = p.options().hasOption(IoConstants.FILE_DELETE_ON_CLOSE);
    Fcb built = null;
    Namespace.Link link;
    synchronized (lock) {
      if (dismounted) {
        return irp.complete(NtStatus.STATUS_VOLUME_DISMOUNTED, 0);
      }
      if (p.fileName().isEmpty()) {
        volumeOpens++;
        fo.setFsContext(vcbHeader);
        fo.setFlags(FileObject.FO_VOLUME_OPEN);
        return irp.complete(NtStatus.STATUS_SUCCESS, IoConstants.FILE_OPENED);
      }
      Namespace.Resolution r = disk.resolveCreate(p.fileName(), p.options());
      if (!r.succeeded()) {
        return irp.complete(r.status(), 0);
      }
      link = r.openedLink();
      Fcb fcb = table.get(link.file());
      if (fcb == null) {
        fcb = new Fcb(v.pool().allocate(PoolType.NON_PAGED_POOL_NX, "LsuF", "FCB"), v.ioManager().ids().next("Fcb"),
            link.file());
        if (!late) {
          setUp(fcb);
        }
        byHeader.put(fcb.header, fcb);
        table.put(link.file(), fcb);
        built = fcb;
      }
      fcb.counts.opened(); // counted now, so no close frees it before this open completes
      if (built == null || !late) {
        return open(irp, fo, fcb, link, r.information(), deleteOnClose);
      }
    }
    // The bug: the FCB is in the table and the lock is dropped before its header is set up.
    if (Thread.currentThread() != mountThread) {
      awaitQuietly(built.foundHalfBuilt);
    }
    setUp(built);
    synchronized (lock) {
      return open(irp, fo, built, link, IoConstants.FILE_OPENED, deleteOnClose);
    }
  }

  @GuardedBy("lock")
  private NtStatus open(Irp irp, FileObject fo, Fcb fcb, Namespace.Link link, long information, boolean deleteOnClose) {
    fo.setFsContext(fcb.header);
    fo.setFsContext2(new Ccb(link, deleteOnClose));
    if (!fcb.header.isSetUp()) {
      fcb.foundHalfBuilt.countDown(); // a racing open published a header that is not set up yet
    }
    return irp.complete(NtStatus.STATUS_SUCCESS, information);
  }

  // Called by Requests.setInformation while the caller holds the lock.
  @SuppressWarnings("GuardedBy")
  private boolean isOpenLocked(FileRecord file) {
    return table.containsKey(file);
  }

  private static void setUp(Fcb fcb) {
    FsRtl.setupAdvancedHeader(fcb.header, fcb.mutex);
    if (fcb.file.isPagingFile()) {
      fcb.header.setFlags2Bits(io.fsctx.fsrtl.FsRtlConstants.FSRTL_FLAG2_IS_PAGING_FILE);
      fcb.header.clearFlags2Bits(io.fsctx.fsrtl.FsRtlConstants.FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS);
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(RACE_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private NtStatus close(Irp irp, FileObject fo, @Nullable Fcb fcb) {
    boolean freeVcb = false;
    Fcb free = null;
    synchronized (lock) {
      if (fo.fsContext() == vcbHeader) {
        freeVcb = --volumeOpens == 0 && dismounted;
      } else if (fcb != null && fcb.counts.closed() == 0) {
        table.remove(fcb.file, fcb);
        byHeader.remove(fcb.header);
        if (fcb.file.isDeletePending()) {
          disk.deleteFile(fcb.file);
        }
        free = fcb;
      }
    }
    if (free != null) {
      tearDownAndFree(free.header, free.memory);
    }
    if (freeVcb) {
      tearDownAndFree(Objects.requireNonNull(vcbHeader), Objects.requireNonNull(vcbMemory));
    }
    return irp.complete(NtStatus.STATUS_SUCCESS, 0);
  }

  private static Namespace.@Nullable Link linkOf(FileObject fo) {
    return fo.fsContext2() instanceof Ccb c ? c.link() : null;
  }

  private static void tearDownAndFree(AdvancedFcbHeader header, PoolBlock memory) {
    FsRtl.teardownPerStreamContexts(header);
    memory.pool().free(memory);
  }

  @Override
  public void dismount() {
    boolean freeVcb;
    synchronized (lock) {
      dismounted = true;
      freeVcb = volumeOpens == 0;
    }
    if (freeVcb) {
      tearDownAndFree(Objects.requireNonNull(vcbHeader), Objects.requireNonNull(vcbMemory));
    }
  }

  @Override
  public @Nullable FileNames queryFileNames(FileObject fileObject) {
    synchronized (lock) {
      Fcb fcb = fileObject.fsContext() == null ? null : byHeader.get(fileObject.fsContext());
      return fcb == null ? null : new FileNames(disk.nameOf(fcb.file, linkOf(fileObject), ""), fileObject.fileName());
    }
  }

  @Override
  public @Nullable String normalizePath(String path) {
    synchronized (lock) {
      return disk.normalizePath(path);
    }
  }
}
