package io.fsctx.modelfs;

import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FLAG2_IS_PAGING_FILE;
import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS;
import static io.fsctx.io.IoConstants.FILE_DELETE_ON_CLOSE;
import static io.fsctx.io.IoConstants.FILE_OPEN;
import static io.fsctx.io.IoConstants.FILE_OPEN_BY_FILE_ID;
import static io.fsctx.io.IoConstants.FILE_OPEN_IF;
import static io.fsctx.io.IoConstants.FILE_OPENED;
import static io.fsctx.nt.NtStatus.STATUS_DELETE_PENDING;
import static io.fsctx.nt.NtStatus.STATUS_FILE_DELETED;
import static io.fsctx.nt.NtStatus.STATUS_INVALID_PARAMETER;
import static io.fsctx.nt.NtStatus.STATUS_MEDIA_WRITE_PROTECTED;
import static io.fsctx.nt.NtStatus.STATUS_NOT_SUPPORTED;
import static io.fsctx.nt.NtStatus.STATUS_SUCCESS;
import static io.fsctx.nt.NtStatus.STATUS_TRANSACTION_NOT_ACTIVE;
import static io.fsctx.nt.NtStatus.STATUS_VOLUME_DISMOUNTED;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.fsctx.fsrtl.AdvancedFcbHeader;
import io.fsctx.fsrtl.FastMutex;
import io.fsctx.fsrtl.FsRtl;
import io.fsctx.fsrtl.PerFileContextSlot;
import io.fsctx.io.CreateParameters;
import io.fsctx.io.FileId128;
import io.fsctx.io.FileIdName;
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
import io.fsctx.tm.Enlistment;
import io.fsctx.tm.KTransaction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * A model of NTFS as filters see it, written as an author would write it: one per-file structure
 * ({@link Fcb}) per open file, holding the file's per-file context slot, and one stream structure
 * ({@link Scb}) per open stream, whose {@code FSRTL_ADVANCED_FCB_HEADER} is set up with {@code
 * FsRtlSetupAdvancedHeaderEx} and the file's slot, so every stream of a file shares its file
 * contexts (native {@code FLT_FILE_CONTEXT} support). The volume's own stream (NTFS's volume DASD
 * stream) has a header set up with no slot and lives from mount to dismount.
 *
 * <p>The file system does the whole lifecycle itself: {@link #createScb} sets the header up
 * (paging files then get {@code FSRTL_FLAG2_IS_PAGING_FILE} and lose {@code
 * FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS}) before the SCB enters its table; at the last close (or
 * from the delayed-close queue, or at dismount) {@link #deleteScb} calls {@code
 * FsRtlTeardownPerStreamContexts} and frees the SCB, and when that was the file's last stream,
 * {@link #deleteFcb} calls {@code FsRtlTeardownPerFileContexts} and frees the FCB.
 *
 * <h2>Deletes</h2>
 * A delete-pending file is deleted at its last cleanup (the last handle on any of its streams),
 * as NTFS does; file objects still referenced after that (a filter's, a stream file object) stay
 * open on the FCB, and queries, sets and controls through them fail with {@code
 * STATUS_FILE_DELETED}. The FCB and its contexts still go at the last close, so their lifetimes
 * do not depend on when the names went. A delete-pending named stream goes at its own last
 * cleanup. {@code FileDispositionInformationEx} is supported: {@code FILE_DISPOSITION_ON_CLOSE}
 * sets the open's delete-on-close state, {@code FILE_DISPOSITION_POSIX_SEMANTICS} removes the
 * file's names at the cleanup of the handle that asked, even with other handles open (those keep
 * working), and a read-only file needs {@code FILE_DISPOSITION_IGNORE_READONLY_ATTRIBUTE}.
 *
 * <h2>Transactions</h2>
 * A create in a transaction ({@code FileObject.transaction()}) sees the disk as the transaction
 * does, and the file system enlists the volume in the transaction once (commit and rollback): a
 * file created in it is visible only inside it until commit, a file deleted in it (the delete
 * disposition set through a transacted handle, applied at the last cleanup) is gone inside it at
 * once and for everyone at commit, and a rollback brings it back ({@link Namespace}, Transactional
 * NTFS's behaviour as filters observe it). A create in a transaction that is no longer active
 * fails with {@code STATUS_TRANSACTION_NOT_ACTIVE}.
 *
 * <h2>Identity</h2>
 * Files have 64-bit IDs ({@code FileInternalInformation}, {@code FileIdInformation} with the
 * volume serial number, opens with {@code FILE_OPEN_BY_FILE_ID}) and object IDs ({@code
 * FSCTL_GET_OBJECT_ID}, {@code FSCTL_CREATE_OR_GET_OBJECT_ID}, set and delete, as MS-FSA
 * describes them). The driver object is {@code \FileSystem\Ntfs}, so Filter Manager reports
 * {@code FLT_FSTYPE_NTFS}; {@code FileFsAttributeInformation} says {@code NTFS} with named streams,
 * object IDs, transactions, hard links and open by ID. On read-only storage, creates that would
 * create or overwrite, writes, sets and new object IDs fail with {@code
 * STATUS_MEDIA_WRITE_PROTECTED}.
 *
 * <p>Names: {@code name:stream[:$DATA]} is a named stream, {@code name::$DATA} the default stream,
 * {@code name::$TYPE} a stream named by its type ({@link StreamNaming#NTFS}); hard links ({@code
 * FileLinkInformation}) give a file several names; names are case-insensitive and keep their
 * case; an empty path opens the volume and {@code \} is the root.
 *
 * <p>The structure routines are {@code protected} so the deliberately broken variants ({@link
 * NoTeardownFileSystem}, {@link FlagsWipedFileSystem}) differ from this class in one mistake.
 *
 * <p>Thread safety: safe for concurrent requests. One VCB lock guards the namespace, the tables,
 * the counts' decisions and the delayed-close queue; teardowns and pool frees run after it is
 * released, once the structures are unreachable.
 */
public class NtfsLikeFileSystem implements ModelFileSystem {
  /** Pool tags: the VCB, per-file FCBs, SCBs, CCBs. */
  protected static final String TAG_VCB = "NtfV";
  protected static final String TAG_FCB = "NtfF";
  protected static final String TAG_SCB = "NtfS";
  protected static final String TAG_CCB = "NtfC";

  /** The volume's control block and its DASD stream header. */
  protected static final class Vcb {
    public final PoolBlock memory;
    public final AdvancedFcbHeader header;
    public final OpenCounts counts = new OpenCounts();

    Vcb(PoolBlock memory, AdvancedFcbHeader header) {
      this.memory = memory;
      this.header = header;
    }
  }

  /** An SCB's stream key and suffix when they differ (a named stream, whose key is folded). */
  private record StreamName(String key, String suffix) {}

  /** {@link Fcb#posixDeleted()} without a transaction. */
  private static final Object POSIX_DELETED = new Object();

  /** {@link Fcb#posixDeleted()} with the transaction that made the file delete-pending. */
  private record PosixDeletedIn(KTransaction transaction) {}

  /**
   * The per-file structure: the file's per-file context slot and its live streams. It extends
   * {@link PerFileContextSlot} as the NTFS FCB embeds the slot's {@code PVOID}: the header's
   * {@code FileContextSupportPointer} points at the FCB itself (a slot object of its own, and a
   * field for it, cost 16 bytes per open file, issue 14). It prints as its slot does ({@code
   * Fcb#3.FileContextSupportPointer}).
   */
  protected static final class Fcb extends PerFileContextSlot {
    public final FileRecord file;
    /**
     * The live streams, by stream key: null, the one SCB (nearly every file has only its default
     * stream open), or an {@link FcbTable} once a second stream opens. A table for the one stream
     * cost 24 bytes per open file (issue 14). Guarded by the VCB lock.
     */
    private @Nullable Object streams;
    /** SCBs built on this FCB and not yet deleted (a stream leaves the table before its teardown). */
    public int liveScbs;
    /** Handles open on any stream of the file whose cleanup has not come yet. */
    public int uncleanHandles;
    /**
     * What only a file being deleted has: null, the transaction of the handle that made the file
     * delete-pending, {@link #POSIX_DELETED}, or a {@link PosixDeletedIn} for both. One field for
     * the two (nearly every open file has neither) keeps the FCB at 56 bytes, not 64 (issue 14).
     * Guarded by the VCB lock.
     */
    private @Nullable Object deleteState;

    Fcb(PoolBlock memory, long number, FileRecord file) {
      super(memory, "Fcb", number);
      this.file = file;
    }

    /** The FCB's pool block (never null: every FCB is built in one). */
    public PoolBlock block() {
      return Objects.requireNonNull(memory());
    }

    /** The transaction of the handle that made the file delete-pending, or null. */
    public @Nullable KTransaction deleteTransaction() {
      Object d = deleteState;
      return d instanceof PosixDeletedIn p ? p.transaction() : d instanceof KTransaction t ? t : null;
    }

    /** Sets {@link #deleteTransaction()}; called under the VCB lock. */
    void deleteTransaction(@Nullable KTransaction tx) {
      deleteState = state(tx, posixDeleted());
    }

    /** Whether a POSIX delete removed the file's names (other handles keep working). */
    public boolean posixDeleted() {
      Object d = deleteState;
      return d == POSIX_DELETED || d instanceof PosixDeletedIn;
    }

    /** Records a POSIX delete of the file's names; called under the VCB lock. */
    void markPosixDeleted() {
      deleteState = state(deleteTransaction(), true);
    }

    private static @Nullable Object state(@Nullable KTransaction tx, boolean posix) {
      if (!posix) {
        return tx;
      }
      return tx == null ? POSIX_DELETED : new PosixDeletedIn(tx);
    }

    /** The live SCB of a stream, or null. */
    @SuppressWarnings("unchecked") // streams holds an Scb or this table type
    public @Nullable Scb stream(String streamKey) {
      Object s = streams;
      if (s instanceof Scb one) {
        return one.streamKey().equals(streamKey) ? one : null;
      }
      return s == null ? null : ((FcbTable<String, Scb>) s).get(streamKey);
    }

    /**
     * Makes an SCB findable by later opens, telling its header's audit, as {@link
     * FcbTable#insert} does.
     *
     * @throws IllegalStateException when another SCB of the stream is live
     */
    @SuppressWarnings("unchecked") // streams holds an Scb or this table type
    void insertStream(Scb scb) {
      Object s = streams;
      if (s == null || s == scb) {
        streams = scb;
        scb.audit().noteReachable();
        return;
      }
      FcbTable<String, Scb> table;
      if (s instanceof Scb one) {
        if (one.streamKey().equals(scb.streamKey())) {
          throw new IllegalStateException(scb.streamKey() + " already has " + one);
        }
        table = new FcbTable<>(x -> x);
        table.insert(one.streamKey(), one);
        streams = table;
      } else {
        table = (FcbTable<String, Scb>) s;
      }
      table.insert(scb.streamKey(), scb);
    }

    /** Makes an SCB unreachable; returns whether it was there. */
    @SuppressWarnings("unchecked") // streams holds an Scb or this table type
    boolean removeStream(Scb scb) {
      Object s = streams;
      if (s == scb) {
        streams = null;
        return true;
      }
      return s instanceof FcbTable<?, ?> t && ((FcbTable<String, Scb>) t).remove(scb.streamKey(), scb);
    }
  }

  /**
   * The per-stream structure. It begins with the stream's {@code FSRTL_ADVANCED_FCB_HEADER}, as
   * an SCB does in C, by extending {@link AdvancedFcbHeader}: {@code FsContext} points at the SCB
   * itself, and a request gets from it to the SCB with a type test where C casts. A header object
   * of its own, with a field each way, cost 16 bytes per open stream (issue 14). Its {@code
   * OpenCount} and {@code UncleanCount} are its own fields, kept by {@link OpenCounts}'s rules and
   * guarded by the SCB's monitor (the header's).
   */
  protected static final class Scb extends AdvancedFcbHeader {
    private static final byte DELETE_PENDING = 1;
    private static final byte STREAM_DELETED = 2;

    public final Fcb fcb;
    /**
     * The stream's key and its suffix as written: the one string when they are the same (the
     * default stream opened by its plain name, nearly every open), else a {@link StreamName}. One
     * field, and the two delete flags one byte, keep the SCB at 128 bytes, not 136 (issue 14).
     */
    private final Object stream;
    /** {@link #DELETE_PENDING} and {@link #STREAM_DELETED}; guarded by the VCB lock. */
    private byte deleteFlags;

    @GuardedBy("this")
    private int openCount;

    @GuardedBy("this")
    private int uncleanCount;

    Scb(PoolBlock memory, long number, Fcb fcb, String streamKey, String streamSuffix) {
      super(memory, "Scb", number);
      this.fcb = fcb;
      this.stream = streamKey.equals(streamSuffix) ? streamKey : new StreamName(streamKey, streamSuffix);
    }

    /** The stream's key in the FCB's table: empty for the default stream. */
    public String streamKey() {
      return stream instanceof StreamName n ? n.key() : (String) stream;
    }

    /**
     * The stream's name as the create wrote it, without a default type ({@code :ads}); empty for
     * the default stream.
     */
    public String streamSuffix() {
      return stream instanceof StreamName n ? n.suffix() : (String) stream;
    }

    /** Whether the named stream is delete-pending (a file's own disposition is its record's). */
    public boolean deletePending() {
      return (deleteFlags & DELETE_PENDING) != 0;
    }

    /** Sets or clears {@link #deletePending()}; called under the VCB lock. */
    void deletePending(boolean pending) {
      deleteFlags = (byte) (pending ? deleteFlags | DELETE_PENDING : deleteFlags & ~DELETE_PENDING);
    }

    /** Whether the named stream was removed at its last cleanup. */
    public boolean streamDeleted() {
      return (deleteFlags & STREAM_DELETED) != 0;
    }

    /** Records that the named stream was removed; called under the VCB lock. */
    void markStreamDeleted() {
      deleteFlags |= STREAM_DELETED;
    }

    /** The SCB's pool block (never null: every SCB is built in one). */
    public PoolBlock block() {
      return Objects.requireNonNull(memory());
    }

    /** A create opened the stream ({@link OpenCounts#opened}). */
    synchronized void opened() {
      openCount++;
      uncleanCount++;
    }

    /** A stream file object was made on it ({@link OpenCounts#openedWithoutHandle}). */
    synchronized void openedWithoutHandle() {
      openCount++;
    }

    /** {@code IRP_MJ_CLEANUP} of a handle on it; returns the handles left ({@link OpenCounts#cleanedUp}). */
    synchronized int cleanedUp() {
      uncleanCount = OpenCounts.afterCleanup(uncleanCount);
      return uncleanCount;
    }

    /** {@code IRP_MJ_CLOSE} of a file object on it; returns those left ({@link OpenCounts#closed}). */
    synchronized int closed() {
      openCount = OpenCounts.afterClose(openCount);
      return openCount;
    }

    /** {@code UncleanCount}. */
    synchronized int uncleanCount() {
      return uncleanCount;
    }
  }

  /**
   * One open, through one name. The open's transaction is not kept here: it is its file object's
   * ({@link FileObject#transaction()}, set by the I/O manager before the create and never changed),
   * and a field for it made every CCB eight bytes bigger (issue 14).
   */
  protected static final class Ccb {
    public final PoolBlock memory;
    public final @Nullable Scb scb;
    public final Namespace.@Nullable Link link;
    public boolean deleteOnClose;
    public boolean cleanedUp;
    /** Whether this open asked for a POSIX delete (applied at its cleanup). */
    public boolean posixDelete;

    Ccb(PoolBlock memory, @Nullable Scb scb, Namespace.@Nullable Link link, boolean deleteOnClose) {
      this.memory = memory;
      this.scb = scb;
      this.link = link;
      this.deleteOnClose = deleteOnClose;
    }
  }

  private final String name;
  private final ClosePolicy closePolicy;
  private final ReentrantLock vcbLock = new ReentrantLock();

  @GuardedBy("vcbLock")
  private final Namespace disk = new Namespace(StreamNaming.NTFS);

  @GuardedBy("vcbLock")
  private final FcbTable<FileRecord, Fcb> fcbs = new FcbTable<>(f -> null, f -> f.file);

  @GuardedBy("vcbLock")
  private final DelayedCloseQueue<Scb> delayedCloses = new DelayedCloseQueue<>();

  @GuardedBy("vcbLock")
  private boolean dismounted;

  @GuardedBy("vcbLock")
  private boolean vcbTornDown;

  /** The volume's enlistment in each transaction it has done work in, until the outcome. */
  @GuardedBy("vcbLock")
  private final Map<KTransaction, Enlistment> enlistments = new HashMap<>();


  private volatile @Nullable Volume volume;
  private volatile @Nullable Vcb vcb;

  /**
   * Creates an unmounted NTFS-like file system.
   *
   * @param closePolicy when unreferenced streams are freed
   */
  public NtfsLikeFileSystem(ClosePolicy closePolicy) {
    this("NTFS-like", closePolicy);
  }

  /** Creates one that frees streams at their last close. */
  public NtfsLikeFileSystem() {
    this(ClosePolicy.IMMEDIATE);
  }

  /**
   * For variants: a name for messages and a close policy.
   *
   * @param name the file system's name
   * @param closePolicy when unreferenced streams are freed
   */
  protected NtfsLikeFileSystem(String name, ClosePolicy closePolicy) {
    this.name = name;
    this.closePolicy = closePolicy;
  }

  @Override
  public String fileSystemName() {
    return name;
  }

  @Override
  public boolean supportsNamedStreams() {
    return true;
  }

  /** {@code \FileSystem\Ntfs}: Filter Manager reports the volume as {@code FLT_FSTYPE_NTFS}. */
  @Override
  public String driverName() {
    return "\\FileSystem\\Ntfs";
  }

  /** The attributes {@code FileFsAttributeInformation} reports. */
  static final int ATTRIBUTES = FsInformation.FILE_CASE_PRESERVED_NAMES | FsInformation.FILE_UNICODE_ON_DISK
      | FsInformation.FILE_PERSISTENT_ACLS | FsInformation.FILE_NAMED_STREAMS | FsInformation.FILE_SUPPORTS_OBJECT_IDS
      | FsInformation.FILE_SUPPORTS_TRANSACTIONS | FsInformation.FILE_SUPPORTS_HARD_LINKS
      | FsInformation.FILE_SUPPORTS_OPEN_BY_FILE_ID;

  // ---- Structures: create and delete ---------------------------------------------------------

  /**
   * Sets up the header an SCB begins with: {@code FsRtlSetupAdvancedHeaderEx} with the stream's
   * fast mutex and the file's slot, then the paging-file rule. Called on a new SCB, before it is
   * reachable.
   *
   * @param scb the new SCB, whose {@link Scb#fcb} gives the slot
   * @param mutex the header's fast mutex, in the SCB's block
   * @param pagingFile whether the file is a paging file
   */
  protected void initializeScbHeader(Scb scb, FastMutex mutex, boolean pagingFile) {
    FsRtl.setupAdvancedHeaderEx(scb, mutex, scb.fcb);
    if (pagingFile) {
      scb.setFlags2Bits(FSRTL_FLAG2_IS_PAGING_FILE);
      scb.clearFlags2Bits(FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS);
    }
  }

  /**
   * Builds the per-file structure of a file with its (NULL) slot and makes it reachable. Called
   * under the VCB lock.
   *
   * @param file the file on the disk
   * @return the FCB
   */
  @GuardedBy("vcbLock")
  protected Fcb createFcb(FileRecord file) {
    Volume v = requireVolume();
    PoolBlock memory = v.pool().allocate(PoolType.PAGED_POOL, TAG_FCB, "FCB");
    Fcb fcb = new Fcb(memory, v.ioManager().ids().nextNumber("Fcb"), file);
    fcbs.insert(file, fcb);
    return fcb;
  }

  /**
   * Builds a stream structure, sets its header up, and only then makes it reachable in the FCB's
   * stream table. Called under the VCB lock.
   *
   * @param fcb the file's FCB
   * @param streamKey the stream's key
   * @param streamSuffix the stream's suffix
   * @return the SCB, with zero counts
   */
  @GuardedBy("vcbLock")
  protected Scb createScb(Fcb fcb, String streamKey, String streamSuffix) {
    Volume v = requireVolume();
    PoolBlock memory = v.pool().allocate(PoolType.NON_PAGED_POOL_NX, TAG_SCB, "SCB");
    Scb scb = new Scb(memory, v.ioManager().ids().nextNumber("Scb"), fcb, streamKey, streamSuffix);
    initializeScbHeader(scb, new FastMutex(memory), fcb.file.isPagingFile());
    long size = fcb.file.streamSize(streamKey); // the stream's size on the disk
    if (size > 0) {
      scb.setAllocationSize(size);
      scb.setFileSize(size);
      scb.setValidDataLength(size);
    }
    fcb.liveScbs++;
    fcb.insertStream(scb);
    return scb;
  }

  /**
   * Deletes a stream structure that has left its table: {@code FsRtlTeardownPerStreamContexts},
   * then the free. Called with no lock held.
   *
   * @param scb the SCB
   */
  protected void deleteScb(Scb scb) {
    FsRtl.teardownPerStreamContexts(scb);
    scb.block().pool().free(scb.block());
  }

  /**
   * Deletes a per-file structure after its last stream: {@code FsRtlTeardownPerFileContexts} on
   * its slot, then the free. Called with no lock held.
   *
   * @param fcb the FCB
   */
  protected void deleteFcb(Fcb fcb) {
    FsRtl.teardownPerFileContexts(fcb);
    fcb.block().pool().free(fcb.block());
  }

  /**
   * The VCB and its volume stream header ({@code FsRtlSetupAdvancedHeaderEx} without a slot: a
   * volume has no per-file structure).
   *
   * @param v the volume being mounted
   * @return the VCB
   */
  protected Vcb initializeVcb(Volume v) {
    PoolBlock memory = v.pool().allocate(PoolType.NON_PAGED_POOL_NX, TAG_VCB, "VCB");
    AdvancedFcbHeader h = new AdvancedFcbHeader(memory, v.ioManager().ids().next("Scb"));
    FsRtl.setupAdvancedHeaderEx(h, new FastMutex(memory), null);
    return new Vcb(memory, h);
  }

  /**
   * The volume stream's teardown and the VCB's free, once the volume is dismounted and no volume
   * open is left. Called with no lock held.
   *
   * @param vcb the VCB
   */
  protected void tearDownVcb(Vcb vcb) {
    FsRtl.teardownPerStreamContexts(vcb.header);
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
      case READ -> Requests.read(irp, headerOf(irp), isDirectoryStream(irp));
      case WRITE -> Requests.write(irp, headerOf(irp), isDirectoryStream(irp), requireVolume().storage().writable());
      case QUERY_INFORMATION -> queryInformation(irp);
      case QUERY_VOLUME_INFORMATION -> Requests.queryVolumeInformation(irp, volumeFacts());
      case FILE_SYSTEM_CONTROL -> fileSystemControl(irp);
      case SET_INFORMATION -> setInformation(irp);
      case DIRECTORY_CONTROL -> directoryControl(irp);
      case NETWORK_QUERY_OPEN -> networkQueryOpen(irp);
      default -> Requests.simple(irp);
    };
  }

  @Override
  public void dismount() {
    List<Scb> toDelete = new ArrayList<>();
    Vcb tearDown = null;
    vcbLock.lock();
    try {
      dismounted = true;
      for (Scb s : delayedCloses.drain()) {
        unlinkLocked(s, toDelete);
      }
      Vcb v = vcb;
      if (v != null && v.counts.openCount() == 0 && !vcbTornDown) {
        vcbTornDown = true;
        tearDown = v;
      }
    } finally {
      vcbLock.unlock();
    }
    deleteAll(toDelete);
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
      Scb scb = scbOf(fileObject);
      if (scb == null) {
        return null;
      }
      return new FileNames(disk.nameOf(scb.fcb.file, linkOf(fileObject), scb.streamSuffix()), fileObject.fileName());
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
    List<Scb> toDelete = new ArrayList<>();
    vcbLock.lock();
    try {
      for (Scb s : delayedCloses.drain()) {
        unlinkLocked(s, toDelete);
      }
    } finally {
      vcbLock.unlock();
    }
    deleteAll(toDelete);
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
    AdvancedFcbHeader header;
    String streamName;
    vcbLock.lock();
    try {
      Vcb volumeCb = vcb;
      Scb scb = scbOf(openOn);
      if (volumeCb != null && isVolumeOpen(openOn)) {
        volumeCb.counts.openedWithoutHandle();
        header = volumeCb.header;
        streamName = "";
      } else if (scb != null) {
        delayedCloses.remove(scb);
        scb.openedWithoutHandle();
        header = scb;
        streamName = disk.nameOf(scb.fcb.file, null, scb.streamSuffix());
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
   * Opens the named stream (or the volume, for an empty path): asks the disk what the create
   * means, finds the file's FCB and the stream's SCB or builds them, and points the file object at
   * the SCB's header and a new CCB.
   *
   * @param irp the create
   * @return the completion status; {@code Information} is {@code FILE_OPENED}, {@code FILE_CREATED}…
   */
  protected NtStatus create(Irp irp) {
    FileObject fo = Requests.fileObject(irp);
    IrpParameters.Create p = irp.parameters(IrpParameters.Create.class);
    vcbLock.lock();
    try {
      if (p.fileName().isEmpty()) {
        Vcb v = vcb;
        if (v == null || vcbTornDown) {
          return irp.complete(STATUS_VOLUME_DISMOUNTED, 0);
        }
        v.counts.opened();
        fo.setFsContext(v.header);
        fo.setFsContext2(newCcb(null, null, false));
        fo.setFlags(FileObject.FO_VOLUME_OPEN);
        return irp.complete(STATUS_SUCCESS, FILE_OPENED);
      }
      KTransaction tx = fo.transaction();
      if (tx != null && !tx.isActive()) {
        return irp.complete(STATUS_TRANSACTION_NOT_ACTIVE, 0);
      }
      // Enlisted before the disk changes, so the outcome always reaches what the create did.
      NtStatus enlisted = tx == null ? STATUS_SUCCESS : enlistLocked(tx);
      if (!enlisted.isSuccess()) {
        return irp.complete(enlisted, 0);
      }
      Namespace.Resolution r = p.options().hasOption(FILE_OPEN_BY_FILE_ID)
          ? resolveById(p.fileName(), p.options(), tx)
          : writeProtected(p.fileName(), p.options(), tx) ? failed(STATUS_MEDIA_WRITE_PROTECTED)
          : disk.resolveCreate(p.fileName(), p.options(), true, tx);
      if (!r.succeeded()) {
        return irp.complete(r.status(), 0);
      }
      Namespace.Link link = r.openedLink();
      Fcb fcb = fcbs.get(link.file());
      if (fcb == null) {
        fcb = createFcb(link.file());
      }
      Scb scb = fcb.stream(r.streamKey());
      if (scb == null) {
        scb = createScb(fcb, r.streamKey(), r.streamSuffix());
      } else if (fcb.file.isPagingFile() && (scb.flags2() & FSRTL_FLAG2_IS_PAGING_FILE) == 0) {
        // Opened as a paging file after it was opened as an ordinary one (SL_OPEN_PAGING_FILE).
        scb.setFlags2Bits(FSRTL_FLAG2_IS_PAGING_FILE);
        scb.clearFlags2Bits(FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS);
      }
      delayedCloses.remove(scb);
      if (r.truncated()) {
        Requests.truncate(scb);
      }
      boolean deleteOnClose = p.options().hasOption(FILE_DELETE_ON_CLOSE);
      scb.opened();
      fcb.uncleanHandles++;
      Ccb ccb = newCcb(scb, link, deleteOnClose);
      fo.setFsContext(scb);
      fo.setFsContext2(ccb);
      if (deleteOnClose) {
        fo.setFlags(FileObject.FO_DELETE_ON_CLOSE);
      }
      return irp.complete(STATUS_SUCCESS, r.information());
    } finally {
      vcbLock.unlock();
    }
  }

  /**
   * {@code IRP_MJ_CLEANUP}: lowers {@code UncleanCount}, makes a delete-on-close open's file (or
   * named stream) delete-pending, and deletes a delete-pending file at its last cleanup (a named
   * stream at the stream's last cleanup, a POSIX delete at this handle's). Nothing is freed.
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
        Scb scb = ccb.scb;
        Vcb v = vcb;
        if (scb == null && v != null) {
          v.counts.cleanedUp();
        } else if (scb != null) {
          scb.cleanedUp();
          scb.fcb.uncleanHandles--;
          if (ccb.deleteOnClose) {
            markDeletePendingLocked(scb, true, fo.transaction());
          }
          deleteAtCleanupLocked(scb, ccb);
        }
      }
    } finally {
      vcbLock.unlock();
    }
    return irp.complete(STATUS_SUCCESS, 0);
  }

  /**
   * {@code IRP_MJ_CLOSE}: frees the CCB and lowers {@code OpenCount}; at zero the SCB is deleted
   * (or queued, by the close policy), and with the file's last SCB its FCB.
   *
   * @param irp the close
   * @return {@code STATUS_SUCCESS}
   */
  protected NtStatus close(Irp irp) {
    FileObject fo = Requests.fileObject(irp);
    List<Scb> toDelete = new ArrayList<>();
    Vcb tearDown = null;
    vcbLock.lock();
    try {
      Vcb v = vcb;
      if (v != null && isVolumeOpen(fo)) {
        if (v.counts.closed() == 0 && dismounted && !vcbTornDown) {
          vcbTornDown = true;
          tearDown = v;
        }
      } else {
        Scb scb = scbOf(fo);
        if (scb != null && scb.closed() == 0) {
          boolean deleting = scb.deletePending() || scb.fcb.file.isDeletePending() || scb.fcb.file.isDeleted();
          if (closePolicy == ClosePolicy.IMMEDIATE || dismounted || deleting) {
            unlinkLocked(scb, toDelete);
          } else {
            delayedCloses.enqueue(scb);
          }
        }
      }
    } finally {
      vcbLock.unlock();
    }
    if (fo.fsContext2() instanceof Ccb ccb) {
      ccb.memory.pool().free(ccb.memory);
    }
    deleteAll(toDelete);
    if (tearDown != null) {
      tearDownVcb(tearDown);
    }
    return irp.complete(STATUS_SUCCESS, 0);
  }

  private NtStatus networkQueryOpen(Irp irp) {
    vcbLock.lock();
    try {
      return Requests.networkQueryOpen(irp, disk);
    } finally {
      vcbLock.unlock();
    }
  }

  private NtStatus directoryControl(Irp irp) {
    vcbLock.lock();
    try {
      return Requests.queryDirectory(irp, disk, linkOf(Requests.fileObject(irp)));
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
      Scb scb = scbOf(fo);
      Vcb v = vcb;
      if (scb != null && isDeleted(scb, fo)) {
        return irp.complete(STATUS_FILE_DELETED, 0);
      }
      if (!requireVolume().storage().writable() && (scb != null || (v != null && isVolumeOpen(fo)))) {
        return irp.complete(STATUS_MEDIA_WRITE_PROTECTED, 0);
      }
      Requests.OpenStream stream = null;
      if (scb != null) {
        Ccb ccb = fo.fsContext2() instanceof Ccb c ? c : null;
        stream = new Requests.OpenStream(scb, linkOf(fo), scb.streamSuffix(), new Requests.Dispositions() {
          @Override
          public void markDeletePending(boolean delete) {
            markDeletePendingLocked(scb, delete, ccb == null ? null : fo.transaction());
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

          @Override
          public NtStatus setPosixDelete() {
            if (ccb == null || !scb.streamSuffix().isEmpty()) {
              return STATUS_NOT_SUPPORTED;
            }
            ccb.posixDelete = true;
            return STATUS_SUCCESS;
          }
        });
      } else if (v != null && isVolumeOpen(fo)) {
        stream = new Requests.OpenStream(v.header, null, "", delete -> {});
      }
      return Requests.setInformation(irp, disk, stream, null, f -> fcbs.get(f) != null);
    } finally {
      vcbLock.unlock();
    }
  }

  private NtStatus queryInformation(Irp irp) {
    FileObject fo = Requests.fileObject(irp);
    vcbLock.lock();
    try {
      Scb scb = scbOf(fo);
      Vcb v = vcb;
      long serial = volumeFacts().serialNumber();
      Requests.OpenFile open = null;
      if (scb != null) {
        if (isDeleted(scb, fo)) {
          return irp.complete(STATUS_FILE_DELETED, 0);
        }
        KTransaction tx = fo.fsContext2() instanceof Ccb ? fo.transaction() : null;
        // A disposition set in another transaction is not visible to this open (read-committed).
        boolean pending = scb.streamSuffix().isEmpty()
            ? scb.fcb.file.isDeletePendingFor(tx) && (scb.fcb.deleteTransaction() == null || scb.fcb.deleteTransaction() == tx)
            : scb.deletePending();
        open = new Requests.OpenFile(scb, scb.fcb.file, linkOf(fo), scb.streamSuffix(), pending, serial);
      } else if (v != null && isVolumeOpen(fo)) {
        open = new Requests.OpenFile(v.header, null, null, "", false, serial);
      }
      return Requests.queryInformation(irp, disk, open);
    } finally {
      vcbLock.unlock();
    }
  }

  private NtStatus fileSystemControl(Irp irp) {
    FileObject fo = Requests.fileObject(irp);
    vcbLock.lock();
    try {
      Scb scb = scbOf(fo);
      if (scb != null && isDeleted(scb, fo)) {
        return irp.complete(STATUS_FILE_DELETED, 0);
      }
      return Requests.objectIdControl(irp, scb == null ? null : scb.fcb.file, requireVolume().storage());
    } finally {
      vcbLock.unlock();
    }
  }

  /**
   * What {@code FileFsVolumeInformation}, {@code FileFsAttributeInformation} and the size classes
   * report: the serial number (from the volume GUID), {@code NTFS} and its attributes, 4 KiB
   * clusters.
   */
  protected Requests.VolumeFacts volumeFacts() {
    Volume v = requireVolume();
    return new Requests.VolumeFacts((int) v.storage().volumeGuid().getMostSignificantBits(), "", "NTFS", ATTRIBUTES, 255,
        v.storage(), 0x100000, 0x80000, 4096 / v.storage().sectorSize());
  }

  // ---- Helpers ----------------------------------------------------------------------------------

  @GuardedBy("vcbLock")
  private Ccb newCcb(@Nullable Scb scb, Namespace.@Nullable Link link, boolean deleteOnClose) {
    return new Ccb(requireVolume().pool().allocate(PoolType.PAGED_POOL, TAG_CCB, "CCB"), scb, link, deleteOnClose);
  }

  @GuardedBy("vcbLock")
  private void markDeletePendingLocked(Scb scb, boolean delete, @Nullable KTransaction tx) {
    if (scb.streamSuffix().isEmpty()) {
      scb.fcb.file.setDeletePending(delete);
      scb.fcb.deleteTransaction(delete ? tx : null);
    } else {
      scb.deletePending(delete);
    }
  }

  /**
   * The deletes a cleanup triggers: a POSIX delete of this handle at once; a delete-pending named
   * stream at the stream's last cleanup; a delete-pending file at its last cleanup on any stream,
   * in the transaction of the handle that set the disposition.
   */
  @GuardedBy("vcbLock")
  private void deleteAtCleanupLocked(Scb scb, Ccb ccb) {
    Fcb fcb = scb.fcb;
    FileRecord file = fcb.file;
    if (ccb.posixDelete && file.isDeletePending() && !file.isDeleted() && file.deletedIn() == null) {
      if (disk.deleteFile(file, fcb.deleteTransaction())) {
        fcb.markPosixDeleted();
      }
    }
    if (scb.deletePending() && !scb.streamDeleted() && scb.uncleanCount() == 0) {
      disk.deleteStream(file, scb.streamKey());
      scb.markStreamDeleted();
    }
    // A delete already applied in a transaction waits for its outcome.
    if (fcb.uncleanHandles == 0 && file.isDeletePending() && !file.isDeleted() && file.deletedIn() == null) {
      disk.deleteFile(file, fcb.deleteTransaction());
    }
  }

  /**
   * Whether requests through this file object find the file (or its named stream) deleted: the
   * names went at the last cleanup (not by a POSIX delete, whose other handles keep working).
   */
  @GuardedBy("vcbLock")
  private boolean isDeleted(Scb scb, FileObject fo) {
    KTransaction tx = fo.fsContext2() instanceof Ccb ? fo.transaction() : null;
    return scb.streamDeleted() || (scb.fcb.file.isDeletedFor(tx) && !scb.fcb.posixDeleted());
  }

  /**
   * An open by file ID ({@code FILE_OPEN_BY_FILE_ID}): the name is the binary ID; only {@code
   * FILE_OPEN} of the default stream of a visible file, as NTFS allows. An unknown ID is {@code
   * STATUS_INVALID_PARAMETER}.
   */
  @GuardedBy("vcbLock")
  private Namespace.Resolution resolveById(String name, CreateParameters options, @Nullable KTransaction tx) {
    FileId128 id = FileIdName.parse(name);
    if (id == null || id.upper() != 0 || options.createDisposition() != FILE_OPEN) {
      return failed(STATUS_INVALID_PARAMETER);
    }
    Namespace.Link link = disk.linkById(id.lower(), tx);
    if (link == null) {
      return failed(STATUS_INVALID_PARAMETER);
    }
    FileRecord f = link.file();
    if (f.isDeletePending()) {
      return failed(STATUS_DELETE_PENDING);
    }
    NtStatus type = Namespace.checkType(options, f, true);
    if (!type.isSuccess()) {
      return failed(type);
    }
    return new Namespace.Resolution(STATUS_SUCCESS, FILE_OPENED, link, "", "", false);
  }

  private static Namespace.Resolution failed(NtStatus status) {
    return new Namespace.Resolution(status, 0, null, "", "", false);
  }

  /** On read-only storage, a create that would create or overwrite (MS-FSA's write-protect check). */
  @GuardedBy("vcbLock")
  private boolean writeProtected(String path, CreateParameters options, @Nullable KTransaction tx) {
    if (requireVolume().storage().writable()) {
      return false;
    }
    int d = options.createDisposition();
    return d != FILE_OPEN && (d != FILE_OPEN_IF || !disk.exists(path, tx));
  }

  /**
   * Enlists the volume in a transaction the first time it works in it: commit makes the disk's
   * transacted changes permanent, rollback undoes them.
   *
   * @return success, or why the enlistment failed: {@code STATUS_TRANSACTION_NOT_ACTIVE} once the
   *     transaction is ending, {@code STATUS_INSUFFICIENT_RESOURCES}
   */
  @GuardedBy("vcbLock")
  private NtStatus enlistLocked(KTransaction tx) {
    if (enlistments.containsKey(tx)) {
      return STATUS_SUCCESS;
    }
    KTransaction.EnlistResult r = tx.enlist(name + " on " + requireVolume().id(),
        KTransaction.TRANSACTION_NOTIFY_COMMIT | KTransaction.TRANSACTION_NOTIFY_ROLLBACK, this::transactionOutcome);
    Enlistment e = r.enlistment();
    if (e == null) {
      return r.status();
    }
    enlistments.put(tx, e);
    return STATUS_SUCCESS;
  }

  /** The resource manager's side of the outcome (called with no lock held). */
  private NtStatus transactionOutcome(KTransaction tx, Enlistment e, int notification) {
    vcbLock.lock();
    try {
      if (notification == KTransaction.TRANSACTION_NOTIFY_COMMIT) {
        disk.commit(tx);
      } else {
        disk.rollback(tx);
      }
      enlistments.remove(tx, e);
    } finally {
      vcbLock.unlock();
    }
    return STATUS_SUCCESS;
  }

  /**
   * Makes an unreferenced SCB unreachable, applying a pending delete of a named stream to the
   * disk; its deletion follows after the lock is released ({@link #deleteAll}).
   */
  @GuardedBy("vcbLock")
  private void unlinkLocked(Scb scb, List<Scb> toDelete) {
    if (scb.fcb.removeStream(scb)) {
      delayedCloses.remove(scb);
      if (scb.deletePending()) {
        disk.deleteStream(scb.fcb.file, scb.streamKey());
      } else {
        scb.fcb.file.setStreamSize(scb.streamKey(), scb.fileSize()); // written back
      }
      toDelete.add(scb);
    }
  }

  /**
   * Deletes unlinked SCBs (teardown and free, no lock held), then every FCB whose last SCB that
   * was: a per-file structure goes only once all its streams have been torn down and freed, even
   * when several threads close its streams at once, so {@code FsRtlTeardownPerFileContexts}
   * always comes after the file's last stream teardown.
   */
  private void deleteAll(List<Scb> scbs) {
    FirstFailure failures = new FirstFailure();
    List<Fcb> fcbsToDelete = new ArrayList<>();
    for (Scb s : scbs) {
      failures.run(() -> deleteScb(s));
      vcbLock.lock();
      try {
        Fcb fcb = s.fcb;
        if (--fcb.liveScbs == 0 && fcbs.remove(fcb.file, fcb)) {
          // Normally the names went at the last cleanup; a file made delete-pending afterwards
          // (through a file object without a handle) goes now. A transacted delete waits for the
          // outcome.
          if (fcb.file.isDeletePending() && !fcb.file.isDeleted() && fcb.file.deletedIn() == null) {
            disk.deleteFile(fcb.file);
          }
          fcbsToDelete.add(fcb);
        }
      } finally {
        vcbLock.unlock();
      }
    }
    for (Fcb f : fcbsToDelete) {
      failures.run(() -> deleteFcb(f));
    }
    failures.rethrowIfAny();
  }

  private boolean isVolumeOpen(FileObject fo) {
    Vcb v = vcb;
    return v != null && fo.fsContext() == v.header;
  }

  private @Nullable Scb scbOf(FileObject fo) {
    return fo.fsContext() instanceof Scb s ? s : null;
  }

  private static Namespace.@Nullable Link linkOf(FileObject fo) {
    return fo.fsContext2() instanceof Ccb c ? c.link : null;
  }

  private @Nullable AdvancedFcbHeader headerOf(Irp irp) {
    FileObject fo = Requests.fileObject(irp);
    Vcb v = vcb;
    if (v != null && isVolumeOpen(fo)) {
      return v.header;
    }
    Scb scb = scbOf(fo);
    return scb == null ? null : scb;
  }

  private boolean isDirectoryStream(Irp irp) {
    Scb scb = scbOf(Requests.fileObject(irp));
    return scb != null && scb.fcb.file.isDirectory() && scb.streamSuffix().isEmpty();
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
