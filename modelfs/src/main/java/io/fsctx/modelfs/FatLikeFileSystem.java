package io.fsctx.modelfs;

import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FLAG2_IS_PAGING_FILE;
import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS;
import static io.fsctx.io.IoConstants.FILE_DELETE_ON_CLOSE;
import static io.fsctx.io.IoConstants.FILE_DOES_NOT_EXIST;
import static io.fsctx.io.IoConstants.FILE_EXISTS;
import static io.fsctx.io.IoConstants.FILE_OPEN;
import static io.fsctx.io.IoConstants.FILE_OPEN_BY_FILE_ID;
import static io.fsctx.io.IoConstants.FILE_OPEN_IF;
import static io.fsctx.io.IoConstants.FILE_OPENED;
import static io.fsctx.nt.NtStatus.STATUS_FILE_DELETED;
import static io.fsctx.nt.NtStatus.STATUS_INVALID_PARAMETER;
import static io.fsctx.nt.NtStatus.STATUS_MEDIA_WRITE_PROTECTED;
import static io.fsctx.nt.NtStatus.STATUS_NOT_IMPLEMENTED;
import static io.fsctx.nt.NtStatus.STATUS_SUCCESS;
import static io.fsctx.nt.NtStatus.STATUS_TRANSACTIONAL_OPEN_NOT_ALLOWED;
import static io.fsctx.nt.NtStatus.STATUS_VOLUME_DISMOUNTED;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.fsctx.fsrtl.AdvancedFcbHeader;
import io.fsctx.fsrtl.CommonFcbHeader;
import io.fsctx.fsrtl.FastMutex;
import io.fsctx.fsrtl.FsRtl;
import io.fsctx.io.CreateParameters;
import io.fsctx.io.FileNames;
import io.fsctx.io.FileObject;
import io.fsctx.io.FsInformation;
import io.fsctx.io.Irp;
import io.fsctx.io.IrpMajorFunction;
import io.fsctx.io.IrpParameters;
import io.fsctx.io.Volume;
import io.fsctx.modelfs.toolkit.ClosePolicy;
import io.fsctx.modelfs.toolkit.DelayedCloseQueue;
import io.fsctx.modelfs.toolkit.FcbTable;
import io.fsctx.modelfs.toolkit.Namespace;
import io.fsctx.modelfs.toolkit.Namespace.FileRecord;
import io.fsctx.modelfs.toolkit.OpenCounts;
import io.fsctx.modelfs.toolkit.Requests;
import io.fsctx.modelfs.toolkit.StreamNaming;
import io.fsctx.nt.FirstFailure;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.PoolBlock;
import io.fsctx.nt.PoolType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * A model of fastfat as filters see it, written the way fastfat is: one FCB per open file (a DCB
 * for a directory), each a pool allocation whose first member is its {@code
 * FSRTL_ADVANCED_FCB_HEADER}, with the header's fast mutex in a separately allocated nonpaged
 * part; a VCB whose {@code VolumeFileHeader} serves volume opens; a CCB per open. The file system
 * itself sets each header up ({@code FsRtlSetupAdvancedHeader}, no per-file slot, so Filter
 * Manager emulates file contexts), applies the paging-file rule, keeps {@code OpenCount} and
 * {@code UncleanCount}, and calls {@code FsRtlTeardownPerStreamContexts} before it frees an FCB on
 * every path: the last close (or the delayed-close queue), a create that fails after building the
 * FCB, the close of a directory's internal stream file object, and the VCB at dismount.
 *
 * <h2>The routines, by their fastfat names</h2>
 * <ul>
 *   <li>{@link #createFcb} ({@code FatCreateFcb}/{@code FatCreateDcb}): allocate, set up, apply
 *       the paging-file rule, then insert in the FCB table.
 *   <li>{@link #deleteFcb} ({@code FatDeleteFcb}): teardown, then free the nonpaged part (the
 *       mutex) and the FCB. Called with no lock held, after the FCB left the table.
 *   <li>{@link #initializeVcb} / {@link #tearDownVcb} ({@code FatInitializeVcb} / {@code
 *       FatTearDownVcb}).
 *   <li>{@code create}, {@code cleanup}, {@code close} ({@code FatCommonCreate}, {@code
 *       FatCommonCleanup}, {@code FatCommonClose}).
 * </ul>
 * These are {@code protected} so the deliberately broken variants ({@link LegacyFileSystem}, and
 * the ones {@code check-fs}'s tests use) differ from this class in exactly one mistake.
 *
 * <h2>Other behaviour</h2>
 * A colon in a name fails the open with {@code STATUS_OBJECT_NAME_INVALID} (no named streams);
 * {@code FileLinkInformation} fails with {@code STATUS_NOT_SUPPORTED} (no hard links; fastfat's
 * own answer is not documented). A delete-pending file is deleted at its last cleanup; file
 * objects still referenced afterwards get {@code STATUS_FILE_DELETED} for queries and sets, and
 * the FCB goes at the last close as before. Deleting a read-only file is {@code
 * STATUS_CANNOT_DELETE}, as in fastfat's {@code FatSetDispositionInfo}. {@code
 * FileDispositionInformationEx} is accepted with {@code FILE_DISPOSITION_ON_CLOSE} and {@code
 * FILE_DISPOSITION_IGNORE_READONLY_ATTRIBUTE}; {@code FILE_DISPOSITION_POSIX_SEMANTICS} is {@code
 * STATUS_NOT_SUPPORTED} ([X] policy: the fastfat sample predates the class and fails it as an
 * unknown class, {@code STATUS_INVALID_PARAMETER}). Opens by file ID are {@code
 * STATUS_NOT_IMPLEMENTED} (fastfat's {@code FatCommonCreate}), creates in a transaction {@code
 * STATUS_TRANSACTIONAL_OPEN_NOT_ALLOWED} ([X] policy: FAT has no transactions), object-ID controls
 * {@code STATUS_INVALID_DEVICE_REQUEST} (MS-FSA: the object store does not implement them). Files
 * have 64-bit IDs ({@code FileInternalInformation}); the driver object is {@code
 * \FileSystem\Fastfat}, so Filter Manager reports {@code FLT_FSTYPE_FAT}, and {@code
 * FileFsAttributeInformation} says {@code FAT} with case-preserved Unicode names only. On
 * read-only storage, creates that would create or overwrite, writes and sets fail with {@code
 * STATUS_MEDIA_WRITE_PROTECTED}. A
 * directory enumeration makes the DCB's internal stream file object ({@code DirectoryFile}), which
 * is dereferenced when the directory's last user file object is closed, so the DCB is freed
 * inside that stream file object's {@code IRP_MJ_CLOSE}.
 *
 * <p>Thread safety: safe for concurrent requests. One VCB lock (a {@link ReentrantLock}, fastfat's
 * VCB resource held exclusive) guards the namespace, the FCB table, the counts' decisions and the
 * delayed-close queue. Teardowns (which run filters' free callbacks), pool frees and stream file
 * object dereferences happen after it is released, once the FCB is unreachable.
 */
public class FatLikeFileSystem implements ModelFileSystem {
  /** Pool tags: the VCB, FCBs/DCBs, their nonpaged parts, CCBs. */
  protected static final String TAG_VCB = "FatV";
  protected static final String TAG_FCB = "FatF";
  protected static final String TAG_NONPAGED = "FatN";
  protected static final String TAG_CCB = "FatC";

  /** {@code VCB}: the volume's header (volume opens), its mutex, its counts. */
  protected static final class Vcb {
    public final PoolBlock memory;
    public final CommonFcbHeader volumeFileHeader;
    public final OpenCounts counts = new OpenCounts();

    Vcb(PoolBlock memory, CommonFcbHeader volumeFileHeader) {
      this.memory = memory;
      this.volumeFileHeader = volumeFileHeader;
    }
  }

  /** {@code NON_PAGED_FCB}: the part of an FCB that must not be paged, the header's fast mutex. */
  protected static final class NonPagedFcb {
    public final PoolBlock memory;
    public final FastMutex advancedFcbHeaderMutex;

    NonPagedFcb(PoolBlock memory) {
      this.memory = memory;
      this.advancedFcbHeaderMutex = new FastMutex(memory);
    }
  }

  /** {@code FCB} or {@code DCB}: header first, as in fastfat's {@code fatstruc.h}. */
  protected static final class Fcb {
    public final PoolBlock memory;
    public final CommonFcbHeader header;
    public final NonPagedFcb nonPaged;
    public final FileRecord file;
    public final OpenCounts counts = new OpenCounts();
    /** The DCB's internal stream file object ({@code DirectoryFile}), made on first enumeration. */
    public @Nullable FileObject directoryFile;

    Fcb(PoolBlock memory, CommonFcbHeader header, NonPagedFcb nonPaged, FileRecord file) {
      this.memory = memory;
      this.header = header;
      this.nonPaged = nonPaged;
      this.file = file;
    }

    @Override
    public String toString() {
      return header.id();
    }
  }

  /** {@code CCB}: one open, through one name. */
  protected static final class Ccb {
    public final PoolBlock memory;
    public final @Nullable Fcb fcb;
    public final Namespace.@Nullable Link link;
    public boolean deleteOnClose;
    public boolean cleanedUp;

    Ccb(PoolBlock memory, @Nullable Fcb fcb, Namespace.@Nullable Link link, boolean deleteOnClose) {
      this.memory = memory;
      this.fcb = fcb;
      this.link = link;
      this.deleteOnClose = deleteOnClose;
    }
  }

  private final String name;
  private final ClosePolicy closePolicy;
  private final ReentrantLock vcbLock = new ReentrantLock();

  @GuardedBy("vcbLock")
  private final Namespace disk = new Namespace(StreamNaming.SINGLE_STREAM);

  @GuardedBy("vcbLock")
  private final FcbTable<FileRecord, Fcb> fcbs = new FcbTable<>(f -> f.header);

  @GuardedBy("vcbLock")
  private final DelayedCloseQueue<Fcb> delayedCloses = new DelayedCloseQueue<>();

  @GuardedBy("vcbLock")
  private boolean dismounted;

  @GuardedBy("vcbLock")
  private boolean vcbTornDown;

  /** Every live FCB by its header, for requests that only have {@code FsContext}. */
  private final Map<CommonFcbHeader, Fcb> byHeader = new ConcurrentHashMap<>();

  private volatile @Nullable Volume volume;
  private volatile @Nullable Vcb vcb;

  /**
   * Creates an unmounted FAT-like file system.
   *
   * @param closePolicy when unreferenced FCBs are freed ({@link ClosePolicy#DELAYED} mirrors
   *     fastfat's delayed close)
   */
  public FatLikeFileSystem(ClosePolicy closePolicy) {
    this("FAT-like", closePolicy);
  }

  /** Creates one that frees FCBs at their last close. */
  public FatLikeFileSystem() {
    this(ClosePolicy.IMMEDIATE);
  }

  /**
   * For variants: a name for messages and a close policy.
   *
   * @param name the file system's name
   * @param closePolicy when unreferenced FCBs are freed
   */
  protected FatLikeFileSystem(String name, ClosePolicy closePolicy) {
    this.name = name;
    this.closePolicy = closePolicy;
  }

  @Override
  public String fileSystemName() {
    return name;
  }

  @Override
  public boolean supportsNamedStreams() {
    return false;
  }

  /** {@code \FileSystem\Fastfat}: Filter Manager reports the volume as {@code FLT_FSTYPE_FAT}. */
  @Override
  public String driverName() {
    return "\\FileSystem\\Fastfat";
  }

  /** The close policy. */
  public final ClosePolicy closePolicy() {
    return closePolicy;
  }

  // ---- Structures: create and delete ---------------------------------------------------------

  /**
   * The structures that carry a header, by fastfat's node type codes ({@code FAT_NTC_VCB}, {@code
   * FAT_NTC_DCB}, {@code FAT_NTC_FCB}): {@link #initializeHeader} is told which one it builds, so
   * a variant can differ for one kind only.
   */
  protected enum NodeType {
    /** The VCB's {@code VolumeFileHeader} ({@code FatInitializeVcb}). */
    VCB,
    /** A directory's DCB ({@code FatCreateDcb}). */
    DCB,
    /** A file's FCB ({@code FatCreateFcb}). */
    FCB
  }

  /**
   * Builds a structure's header in its pool block and sets it up. fastfat: {@code
   * FsRtlSetupAdvancedHeader(&Fcb->Header, &Fcb->NonPaged->AdvancedFcbHeaderMutex)} (the same for
   * a DCB, and for the VCB with its own mutex), then for a paging file set {@code
   * FSRTL_FLAG2_IS_PAGING_FILE} and clear {@code FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS}.
   *
   * @param type which structure the header is for
   * @param memory the structure's block
   * @param id the header's id
   * @param nonPaged the nonpaged part holding the mutex
   * @param pagingFile whether the file is a paging file
   * @return the set-up header
   */
  protected CommonFcbHeader initializeHeader(
      NodeType type, PoolBlock memory, String id, NonPagedFcb nonPaged, boolean pagingFile) {
    AdvancedFcbHeader h = new AdvancedFcbHeader(memory, id);
    FsRtl.setupAdvancedHeader(h, nonPaged.advancedFcbHeaderMutex);
    if (pagingFile) {
      h.setFlags2Bits(FSRTL_FLAG2_IS_PAGING_FILE);
      h.clearFlags2Bits(FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS);
    }
    return h;
  }

  /**
   * {@code FatCreateFcb} / {@code FatCreateDcb}: allocates the FCB and its nonpaged part, sets
   * the header up, and only then makes the FCB reachable in the table. Called under the VCB lock.
   *
   * @param file the file on the disk
   * @return the new FCB, with zero counts
   */
  @GuardedBy("vcbLock")
  protected Fcb createFcb(FileRecord file) {
    Volume v = requireVolume();
    String what = file.isDirectory() ? "DCB" : "FCB";
    PoolBlock memory = v.pool().allocate(PoolType.PAGED_POOL, TAG_FCB, what);
    NonPagedFcb nonPaged = new NonPagedFcb(v.pool().allocate(PoolType.NON_PAGED_POOL_NX, TAG_NONPAGED, what + " nonpaged"));
    NodeType type = file.isDirectory() ? NodeType.DCB : NodeType.FCB;
    CommonFcbHeader header = initializeHeader(type, memory, v.ioManager().ids().next(type == NodeType.DCB ? "Dcb" : "Fcb"),
        nonPaged, file.isPagingFile());
    long size = file.streamSize(""); // the file's size in its directory entry
    if (size > 0) {
      header.setAllocationSize(size);
      header.setFileSize(size);
      header.setValidDataLength(size);
    }
    Fcb fcb = new Fcb(memory, header, nonPaged, file);
    byHeader.put(header, fcb);
    fcbs.insert(file, fcb);
    return fcb;
  }

  /**
   * {@code FatDeleteFcb}: the FCB has already left the table and has no file objects. Tears its
   * filter contexts down, then frees the nonpaged part (the mutex FsRtl may have used) and the FCB.
   * Called with no lock held.
   *
   * @param fcb the FCB
   */
  protected void deleteFcb(Fcb fcb) {
    byHeader.remove(fcb.header, fcb);
    if (fcb.header instanceof AdvancedFcbHeader h) {
      FsRtl.teardownPerStreamContexts(h);
    }
    PoolBlock nonPaged = fcb.nonPaged.memory;
    nonPaged.pool().free(nonPaged);
    fcb.memory.pool().free(fcb.memory);
  }

  /**
   * {@code FatInitializeVcb}: the VCB and its {@code VolumeFileHeader}, set up with the VCB's own
   * mutex.
   *
   * @param v the volume being mounted
   * @return the VCB
   */
  protected Vcb initializeVcb(Volume v) {
    PoolBlock memory = v.pool().allocate(PoolType.NON_PAGED_POOL_NX, TAG_VCB, "VCB");
    NonPagedFcb mutexHolder = new NonPagedFcb(memory);
    CommonFcbHeader h = initializeHeader(NodeType.VCB, memory, v.ioManager().ids().next("Vcb"), mutexHolder, false);
    return new Vcb(memory, h);
  }

  /**
   * {@code FatTearDownVcb}: teardown of the volume header, then the VCB's free. Called once, with
   * no lock held, when the volume is dismounted and no volume open is left.
   *
   * @param vcb the VCB
   */
  protected void tearDownVcb(Vcb vcb) {
    byHeader.remove(vcb.volumeFileHeader);
    if (vcb.volumeFileHeader instanceof AdvancedFcbHeader h) {
      FsRtl.teardownPerStreamContexts(h);
    }
    vcb.memory.pool().free(vcb.memory);
  }

  // ---- FileSystemDriver ----------------------------------------------------------------------

  @Override
  public void mount(Volume v) {
    synchronized (this) {
      if (volume != null) {
        throw new IllegalStateException(name + " is already mounted on " + volume);
      }
      volume = v;
    }
    vcb = initializeVcb(v);
  }

  @Override
  public NtStatus dispatch(Irp irp) {
    IrpMajorFunction major = irp.majorFunction();
    if (major != IrpMajorFunction.CLEANUP && major != IrpMajorFunction.CLOSE && isDismounted()) {
      return irp.complete(STATUS_VOLUME_DISMOUNTED, 0);
    }
    return switch (major) {
      case CREATE -> create(irp);
      case CLEANUP -> cleanup(irp);
      case CLOSE -> close(irp);
      case READ -> Requests.read(irp, headerOf(irp), isDirectory(irp));
      case WRITE -> Requests.write(irp, headerOf(irp), isDirectory(irp), requireVolume().storage().writable());
      case QUERY_INFORMATION -> queryInformation(irp);
      case QUERY_VOLUME_INFORMATION -> Requests.queryVolumeInformation(irp, volumeFacts());
      case SET_INFORMATION -> setInformation(irp);
      case DIRECTORY_CONTROL -> directoryControl(irp);
      case NETWORK_QUERY_OPEN -> networkQueryOpen(irp);
      default -> Requests.simple(irp);
    };
  }

  @Override
  public void dismount() {
    List<Fcb> toDelete;
    Vcb tearDown = null;
    vcbLock.lock();
    try {
      dismounted = true;
      toDelete = new ArrayList<>();
      for (Fcb f : delayedCloses.drain()) {
        unlinkLocked(f, toDelete);
      }
      Vcb v = vcb;
      if (v != null && v.counts.openCount() == 0 && !vcbTornDown) {
        vcbTornDown = true;
        tearDown = v;
      }
    } finally {
      vcbLock.unlock();
    }
    FirstFailure.forEach(toDelete, this::deleteFcb);
    if (tearDown != null) {
      tearDownVcb(tearDown);
    }
  }

  @Override
  public @Nullable FileNames queryFileNames(FileObject fileObject) {
    if (isVolumeOpen(fileObject)) {
      return new FileNames("", fileObject.fileName());
    }
    vcbLock.lock();
    try {
      Fcb fcb = fcbOf(fileObject);
      if (fcb == null) {
        return null;
      }
      Namespace.Link via = fileObject.fsContext2() instanceof Ccb c ? c.link : null;
      return new FileNames(disk.nameOf(fcb.file, via, ""), fileObject.fileName());
    } finally {
      vcbLock.unlock();
    }
  }

  @Override
  public @Nullable String normalizePath(String path) {
    vcbLock.lock();
    try {
      return disk.normalizePath(path);
    } finally {
      vcbLock.unlock();
    }
  }

  // ---- ModelFileSystem -----------------------------------------------------------------------

  @Override
  public boolean exists(String path) {
    vcbLock.lock();
    try {
      return disk.exists(path);
    } finally {
      vcbLock.unlock();
    }
  }

  @Override
  public int flushDelayedCloses() {
    List<Fcb> toDelete = new ArrayList<>();
    vcbLock.lock();
    try {
      for (Fcb f : delayedCloses.drain()) {
        unlinkLocked(f, toDelete);
      }
    } finally {
      vcbLock.unlock();
    }
    FirstFailure.forEach(toDelete, this::deleteFcb);
    return toDelete.size();
  }

  // The predicate runs synchronously inside the edit, while vcbLock is held.
  @SuppressWarnings("GuardedBy")
  @Override
  public <T> T editDisk(DiskEdit<T> edit) {
    vcbLock.lock();
    try {
      return edit.apply(disk, f -> fcbs.get(f) != null);
    } finally {
      vcbLock.unlock();
    }
  }

  @Override
  public int delayedCloseCount() {
    vcbLock.lock();
    try {
      return delayedCloses.size();
    } finally {
      vcbLock.unlock();
    }
  }

  @Override
  public FileObject createStreamFileObject(FileObject openOn) {
    Volume v = requireVolume();
    CommonFcbHeader header;
    String streamName;
    vcbLock.lock();
    try {
      Vcb volumeCb = vcb;
      Fcb fcb = fcbOf(openOn);
      if (volumeCb != null && isVolumeOpen(openOn)) {
        // fastfat's VirtualVolumeFile.
        volumeCb.counts.openedWithoutHandle();
        header = volumeCb.volumeFileHeader;
        streamName = "";
      } else if (fcb != null) {
        reviveLocked(fcb);
        fcb.counts.openedWithoutHandle();
        header = fcb.header;
        streamName = disk.nameOf(fcb.file, null, "");
      } else {
        throw new IllegalStateException(openOn + " is not open on " + name);
      }
    } finally {
      vcbLock.unlock();
    }
    return v.ioManager().createStreamFileObject(v, header, streamName);
  }

  // ---- IRP_MJ_CREATE, IRP_MJ_CLEANUP, IRP_MJ_CLOSE ---------------------------------------------

  /**
   * {@code FatCommonCreate}: asks the disk what the create means, finds the FCB or builds one
   * ({@link #createFcb}), checks the open's options against the file (fastfat does this after it
   * has the FCB, so a failed check deletes a freshly built FCB, teardown included), then opens it.
   *
   * @param irp the create
   * @return the completion status
   */
  protected NtStatus create(Irp irp) {
    FileObject fo = Requests.fileObject(irp);
    IrpParameters.Create p = irp.parameters(IrpParameters.Create.class);
    if (p.fileName().isEmpty()) {
      return openVolume(irp, fo);
    }
    CreateParameters options = p.options();
    if (fo.transaction() != null) {
      return irp.complete(STATUS_TRANSACTIONAL_OPEN_NOT_ALLOWED, 0);
    }
    if (options.hasOption(FILE_OPEN_BY_FILE_ID)) {
      return irp.complete(STATUS_NOT_IMPLEMENTED, 0);
    }
    List<Fcb> toDelete = new ArrayList<>();
    NtStatus status;
    long information = 0;
    vcbLock.lock();
    try {
      int disposition = options.createDisposition();
      if (!requireVolume().storage().writable() && disposition != FILE_OPEN
          && (disposition != FILE_OPEN_IF || !disk.exists(p.fileName()))) {
        return irp.complete(STATUS_MEDIA_WRITE_PROTECTED, 0);
      }
      // The type checks come after the FCB exists, as in fastfat; the disk only resolves names.
      Namespace.Resolution r = disk.resolveCreate(p.fileName(), options, false);
      if (!r.succeeded()) {
        return irp.complete(r.status(), 0);
      }
      Namespace.Link link = r.openedLink();
      Fcb fcb = fcbs.get(link.file());
      boolean built = fcb == null;
      if (fcb == null) {
        fcb = createFcb(link.file());
      }
      boolean targetDirectory = r.information() == FILE_EXISTS || r.information() == FILE_DOES_NOT_EXIST;
      status = targetDirectory ? STATUS_SUCCESS : Namespace.checkType(options, link.file(), true);
      if (!status.isSuccess()) {
        if (built) {
          unlinkLocked(fcb, toDelete);
        }
      } else {
        reviveLocked(fcb);
        if (r.truncated()) {
          Requests.truncate(fcb.header);
        }
        openLocked(fo, fcb, link, options.hasOption(FILE_DELETE_ON_CLOSE));
        information = r.information();
      }
    } finally {
      vcbLock.unlock();
    }
    FirstFailure.forEach(toDelete, this::deleteFcb);
    return irp.complete(status, information);
  }

  /**
   * {@code FatCommonCleanup}: the handle is gone. Lowers {@code UncleanCount}, makes a
   * delete-on-close open's file delete-pending, and at the file's last cleanup deletes a
   * delete-pending file from the disk. Nothing is freed.
   *
   * @param irp the cleanup
   * @return {@code STATUS_SUCCESS}
   */
  protected NtStatus cleanup(Irp irp) {
    FileObject fo = Requests.fileObject(irp);
    vcbLock.lock();
    try {
      if (fo.fsContext2() instanceof Ccb ccb && !ccb.cleanedUp) {
        ccb.cleanedUp = true;
        Fcb fcb = ccb.fcb;
        Vcb v = vcb;
        if (fcb == null && v != null) {
          v.counts.cleanedUp();
        } else if (fcb != null) {
          fcb.counts.cleanedUp();
          if (ccb.deleteOnClose) {
            fcb.file.setDeletePending(true);
          }
          // The file goes at its last cleanup; the FCB stays until the last close.
          if (fcb.counts.uncleanCount() == 0 && fcb.file.isDeletePending() && !fcb.file.isDeleted()) {
            disk.deleteFile(fcb.file);
          }
        }
      }
    } finally {
      vcbLock.unlock();
    }
    return irp.complete(STATUS_SUCCESS, 0);
  }

  /**
   * {@code FatCommonClose}: the file object's last reference is gone. Frees the CCB, lowers
   * {@code OpenCount} and, at zero, deletes the FCB (or queues it for a delayed close). When only
   * a directory's own stream file object is left, that is dereferenced, and the DCB goes in its
   * close.
   *
   * @param irp the close
   * @return {@code STATUS_SUCCESS}
   */
  protected NtStatus close(Irp irp) {
    FileObject fo = Requests.fileObject(irp);
    List<Fcb> toDelete = new ArrayList<>();
    FileObject releaseDirectoryFile = null;
    Vcb tearDown = null;
    PoolBlock freeCcb = null;
    vcbLock.lock();
    try {
      if (fo.fsContext2() instanceof Ccb ccb) {
        freeCcb = ccb.memory;
      }
      Fcb fcb = fcbOf(fo);
      Vcb v = vcb;
      if (v != null && isVolumeOpen(fo)) {
        if (v.counts.closed() == 0 && dismounted && !vcbTornDown) {
          vcbTornDown = true;
          tearDown = v;
        }
      } else if (fcb != null) {
        int left = fcb.counts.closed();
        if (left == 0) {
          releaseLocked(fcb, toDelete);
        } else if (left == 1 && fcb.directoryFile != null && fcb.counts.uncleanCount() == 0) {
          releaseDirectoryFile = fcb.directoryFile;
          fcb.directoryFile = null;
        }
      }
    } finally {
      vcbLock.unlock();
    }
    if (freeCcb != null) {
      freeCcb.pool().free(freeCcb);
    }
    FirstFailure.forEach(toDelete, this::deleteFcb);
    if (tearDown != null) {
      tearDownVcb(tearDown);
    }
    if (releaseDirectoryFile != null) {
      requireVolume().ioManager().dereferenceObject(releaseDirectoryFile);
    }
    return irp.complete(STATUS_SUCCESS, 0);
  }

  // ---- Other requests ------------------------------------------------------------------------

  private NtStatus networkQueryOpen(Irp irp) {
    vcbLock.lock();
    try {
      return Requests.networkQueryOpen(irp, disk);
    } finally {
      vcbLock.unlock();
    }
  }

  // The dispositions run synchronously inside Requests.setInformation, while vcbLock is held.
  @SuppressWarnings("GuardedBy")
  private NtStatus setInformation(Irp irp) {
    FileObject fo = Requests.fileObject(irp);
    vcbLock.lock();
    try {
      Fcb fcb = fcbOf(fo);
      if (fcb != null && fcb.file.isDeleted()) {
        return irp.complete(STATUS_FILE_DELETED, 0);
      }
      if (fcb != null && !requireVolume().storage().writable()) {
        return irp.complete(STATUS_MEDIA_WRITE_PROTECTED, 0);
      }
      Ccb ccb = fo.fsContext2() instanceof Ccb c ? c : null;
      Requests.OpenStream stream = fcb == null ? null : new Requests.OpenStream(fcb.header,
          ccb == null ? null : ccb.link, "", new Requests.Dispositions() {
            @Override
            public void markDeletePending(boolean delete) {
              fcb.file.setDeletePending(delete);
            }

            @Override
            public NtStatus setDeleteOnClose(boolean delete) {
              if (ccb == null) {
                return STATUS_INVALID_PARAMETER;
              }
              ccb.deleteOnClose = delete;
              Requests.markDeleteOnClose(fo, delete);
              return STATUS_SUCCESS;
            }
          });
      return Requests.setInformation(irp, disk, stream, Requests.NO_HARD_LINKS, f -> fcbs.get(f) != null);
    } finally {
      vcbLock.unlock();
    }
  }

  private NtStatus queryInformation(Irp irp) {
    FileObject fo = Requests.fileObject(irp);
    vcbLock.lock();
    try {
      Requests.OpenFile open = null;
      long serial = volumeFacts().serialNumber();
      Fcb fcb = fcbOf(fo);
      Vcb v = vcb;
      if (fcb != null) {
        if (fcb.file.isDeleted()) {
          return irp.complete(STATUS_FILE_DELETED, 0);
        }
        Namespace.Link via = fo.fsContext2() instanceof Ccb c ? c.link : null;
        open = new Requests.OpenFile(fcb.header, fcb.file, via, "", fcb.file.isDeletePending(), serial);
      } else if (v != null && isVolumeOpen(fo)) {
        open = new Requests.OpenFile(v.volumeFileHeader, null, null, "", false, serial);
      }
      return Requests.queryInformation(irp, disk, open);
    } finally {
      vcbLock.unlock();
    }
  }

  /**
   * What the volume queries report: the serial number (from the volume GUID), {@code FAT} with
   * fastfat's attributes ({@code FatQueryFsAttributeInfo}: case-preserved Unicode names), 4 KiB
   * clusters.
   */
  protected Requests.VolumeFacts volumeFacts() {
    Volume v = requireVolume();
    return new Requests.VolumeFacts((int) v.storage().volumeGuid().getMostSignificantBits(), "", "FAT",
        FsInformation.FILE_CASE_PRESERVED_NAMES | FsInformation.FILE_UNICODE_ON_DISK, 255,
        v.storage(), 0x40000, 0x20000, 4096 / v.storage().sectorSize());
  }

  /**
   * {@code IRP_MN_QUERY_DIRECTORY}: counts the entries; the first enumeration of a directory
   * makes its DCB's internal stream file object, as fastfat does to read the directory's data.
   */
  private NtStatus directoryControl(Irp irp) {
    FileObject fo = Requests.fileObject(irp);
    NtStatus st;
    Fcb dcb;
    boolean needsDirectoryFile;
    vcbLock.lock();
    try {
      dcb = fcbOf(fo);
      Namespace.Link via = fo.fsContext2() instanceof Ccb c ? c.link : null;
      st = Requests.queryDirectory(irp, disk, via);
      needsDirectoryFile = dcb != null && via != null && dcb.file.isDirectory() && dcb.directoryFile == null;
    } finally {
      vcbLock.unlock();
    }
    if (dcb != null && needsDirectoryFile) {
      FileObject directoryFile = createStreamFileObject(fo);
      boolean kept;
      vcbLock.lock();
      try {
        kept = dcb.directoryFile == null;
        if (kept) {
          dcb.directoryFile = directoryFile;
        }
      } finally {
        vcbLock.unlock();
      }
      if (!kept) {
        requireVolume().ioManager().dereferenceObject(directoryFile);
      }
    }
    return st;
  }

  // ---- Helpers ----------------------------------------------------------------------------------

  private NtStatus openVolume(Irp irp, FileObject fo) {
    vcbLock.lock();
    try {
      Vcb v = vcb;
      if (v == null || vcbTornDown) {
        return irp.complete(STATUS_VOLUME_DISMOUNTED, 0);
      }
      v.counts.opened();
      PoolBlock ccb = requireVolume().pool().allocate(PoolType.PAGED_POOL, TAG_CCB, "CCB");
      fo.setFsContext(v.volumeFileHeader);
      fo.setFsContext2(new Ccb(ccb, null, null, false));
      fo.setFlags(FileObject.FO_VOLUME_OPEN);
    } finally {
      vcbLock.unlock();
    }
    return irp.complete(STATUS_SUCCESS, FILE_OPENED);
  }

  @GuardedBy("vcbLock")
  private void openLocked(FileObject fo, Fcb fcb, Namespace.Link link, boolean deleteOnClose) {
    fcb.counts.opened();
    PoolBlock ccb = requireVolume().pool().allocate(PoolType.PAGED_POOL, TAG_CCB, "CCB");
    fo.setFsContext(fcb.header);
    fo.setFsContext2(new Ccb(ccb, fcb, link, deleteOnClose));
    if (deleteOnClose) {
      fo.setFlags(FileObject.FO_DELETE_ON_CLOSE);
    }
  }

  /** The last file object is gone: delete now, or queue, by the close policy. */
  @GuardedBy("vcbLock")
  private void releaseLocked(Fcb fcb, List<Fcb> toDelete) {
    if (closePolicy == ClosePolicy.IMMEDIATE || dismounted || fcb.file.isDeletePending()) {
      unlinkLocked(fcb, toDelete);
    } else {
      delayedCloses.enqueue(fcb);
    }
  }

  /** Makes the FCB unreachable (and a delete-pending file nameless); {@link #deleteFcb} follows. */
  @GuardedBy("vcbLock")
  private void unlinkLocked(Fcb fcb, List<Fcb> toDelete) {
    if (fcbs.remove(fcb.file, fcb)) {
      // Normally the names went at the last cleanup; a file made delete-pending afterwards goes now.
      if (fcb.file.isDeletePending() && !fcb.file.isDeleted()) {
        disk.deleteFile(fcb.file);
      }
      fcb.file.setStreamSize("", fcb.header.fileSize()); // the directory entry's size
      toDelete.add(fcb);
    }
  }

  @GuardedBy("vcbLock")
  private void reviveLocked(Fcb fcb) {
    delayedCloses.remove(fcb);
  }

  private @Nullable Fcb fcbOf(FileObject fo) {
    CommonFcbHeader h = fo.fsContext();
    return h == null ? null : byHeader.get(h);
  }

  private boolean isVolumeOpen(FileObject fo) {
    Vcb v = vcb;
    return v != null && fo.fsContext() == v.volumeFileHeader;
  }

  /** The header the request's file object is open on (an FCB's or the VCB's), or null. */
  private @Nullable CommonFcbHeader headerOf(Irp irp) {
    FileObject fo = Requests.fileObject(irp);
    if (isVolumeOpen(fo)) {
      return fo.fsContext();
    }
    Fcb fcb = fcbOf(fo);
    return fcb == null ? null : fcb.header;
  }

  private boolean isDirectory(Irp irp) {
    Fcb fcb = fcbOf(Requests.fileObject(irp));
    return fcb != null && fcb.file.isDirectory();
  }

  private boolean isDismounted() {
    vcbLock.lock();
    try {
      return dismounted;
    } finally {
      vcbLock.unlock();
    }
  }

  private Volume requireVolume() {
    Volume v = volume;
    if (v == null) {
      throw new IllegalStateException(name + " is not mounted");
    }
    return v;
  }


  @Override
  public String toString() {
    Volume v = volume;
    return name + (v == null ? "" : " on " + v);
  }
}
