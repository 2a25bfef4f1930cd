package io.fsctx.io;

import static io.fsctx.io.IoConstants.FILE_CREATE;
import static io.fsctx.io.IoConstants.FILE_CREATED;
import static io.fsctx.io.IoConstants.FILE_DELETE_ON_CLOSE;
import static io.fsctx.io.IoConstants.FILE_DIRECTORY_FILE;
import static io.fsctx.io.IoConstants.FILE_DOES_NOT_EXIST;
import static io.fsctx.io.IoConstants.FILE_EXISTS;
import static io.fsctx.io.IoConstants.FILE_NON_DIRECTORY_FILE;
import static io.fsctx.io.IoConstants.FILE_OPEN;
import static io.fsctx.io.IoConstants.FILE_OPENED;
import static io.fsctx.io.IoConstants.FILE_OVERWRITE;
import static io.fsctx.io.IoConstants.FILE_OVERWRITE_IF;
import static io.fsctx.io.IoConstants.FILE_OVERWRITTEN;
import static io.fsctx.io.IoConstants.FILE_SUPERSEDE;
import static io.fsctx.io.IoConstants.FILE_SUPERSEDED;
import static io.fsctx.io.IoConstants.SL_OPEN_PAGING_FILE;
import static io.fsctx.io.IoConstants.SL_OPEN_TARGET_DIRECTORY;
import static io.fsctx.nt.NtStatus.STATUS_ACCESS_DENIED;
import static io.fsctx.nt.NtStatus.STATUS_DELETE_PENDING;
import static io.fsctx.nt.NtStatus.STATUS_DIRECTORY_NOT_EMPTY;
import static io.fsctx.nt.NtStatus.STATUS_END_OF_FILE;
import static io.fsctx.nt.NtStatus.STATUS_FILE_CLOSED;
import static io.fsctx.nt.NtStatus.STATUS_FILE_IS_A_DIRECTORY;
import static io.fsctx.nt.NtStatus.STATUS_INVALID_DEVICE_REQUEST;
import static io.fsctx.nt.NtStatus.STATUS_INVALID_PARAMETER;
import static io.fsctx.nt.NtStatus.STATUS_NOT_A_DIRECTORY;
import static io.fsctx.nt.NtStatus.STATUS_NOT_SUPPORTED;
import static io.fsctx.nt.NtStatus.STATUS_NO_MORE_FILES;
import static io.fsctx.nt.NtStatus.STATUS_OBJECT_NAME_COLLISION;
import static io.fsctx.nt.NtStatus.STATUS_OBJECT_NAME_INVALID;
import static io.fsctx.nt.NtStatus.STATUS_OBJECT_NAME_NOT_FOUND;
import static io.fsctx.nt.NtStatus.STATUS_OBJECT_PATH_NOT_FOUND;
import static io.fsctx.nt.NtStatus.STATUS_REPARSE;
import static io.fsctx.nt.NtStatus.STATUS_SUCCESS;
import static io.fsctx.nt.NtStatus.STATUS_VOLUME_DISMOUNTED;

import io.fsctx.fsrtl.AdvancedFcbHeader;
import io.fsctx.fsrtl.CommonFcbHeader;
import io.fsctx.fsrtl.FastMutex;
import io.fsctx.fsrtl.FsRtl;
import io.fsctx.fsrtl.FsRtlConstants;
import io.fsctx.fsrtl.PerFileContext;
import io.fsctx.fsrtl.PerFileContextSlot;
import io.fsctx.fsrtl.PerStreamContext;
import io.fsctx.nt.NtStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The base of a model file system: one instance is mounted on one {@link Volume} (it is that
 * volume's VCB) and its volume device dispatches each request by major function to an overridable
 * method ({@link #create}, {@link #read}, …, {@link #close}). The default methods implement a
 * small in-memory file system that keeps names but no data, and the structures filters care
 * about: a per-file {@link Fcb}, a per-stream {@link Scb} owning the header {@code FsContext}
 * points at, a per-open {@link Ccb} in {@code FsContext2}. Subclasses choose the header ({@link
 * HeaderKind}), whether names may carry streams ({@link #normalizeStreamSuffix}), whether hard
 * links exist ({@link #supportsHardLinks}), and may override any step.
 *
 * <h2>Lifetimes (ctx-sample.md 3.3, replay.md "Lifetimes")</h2>
 * <ul>
 *   <li>Create opens the stream's {@link Scb}, making it (and the file's {@link Fcb}) if none is
 *       alive. {@code openCount} and {@code uncleanCount} go up.
 *   <li>Cleanup lowers {@code uncleanCount} and applies delete-on-close (the file becomes
 *       delete-pending). The structures survive.
 *   <li>Close lowers {@code openCount}. At zero the {@link Scb} is freed at once ({@link
 *       ClosePolicy#IMMEDIATE}) or queued ({@link ClosePolicy#DELAYED}) until {@link
 *       #flushDelayedCloses()} or dismount. Delete-pending streams are never delayed.
 *   <li>Freeing an {@link Scb} calls {@link #tearDownStreamContexts} ({@code
 *       FsRtlTeardownPerStreamContexts}); when it was the file's last stream the {@link Fcb} is
 *       freed too, {@link #tearDownFileContexts} ({@code FsRtlTeardownPerFileContexts}) runs, and
 *       a delete-pending file loses its names. Both publish events ({@link IoEvent.FcbFreed},
 *       {@link IoEvent.PerFileFreed}) saying whether the teardown ran and what was left.
 *   <li>{@link #createStreamFileObject(Scb)} makes an internal stream file object: it holds the
 *       stream open without any create, and its last dereference sends {@code IRP_MJ_CLOSE}.
 *   <li>The volume's own header (fastfat's VCB {@code VolumeFileHeader}) is made at mount, used
 *       by volume opens (empty path) and freed at dismount.
 * </ul>
 *
 * <h2>Paging files</h2>
 * {@code \pagefile.sys} and {@code \swapfile.sys} at the root, and any create with {@code
 * SL_OPEN_PAGING_FILE}, are paging files: after setup their advanced headers get {@code
 * FSRTL_FLAG2_IS_PAGING_FILE} and lose {@code FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS} ({@link
 * #applyPagingFileRule}), as fastfat's {@code FatCreateFcb} does. A common-only header has neither
 * filter contexts nor the rule.
 *
 * <h2>Scripted results</h2>
 * Each request's forced status ({@link Irp#forcedStatus()}, else the {@link ResultOracle}) is
 * honoured: a failure completes the request with it and changes nothing; {@code STATUS_REPARSE}
 * completes a create with no open; any other success performs the operation whatever the model
 * would have said (creating the file, its stream and missing parent directories when needed, and
 * replacing rename targets) and completes with the forced status. Cleanup and close cannot fail
 * on Windows: they always do their bookkeeping and only report a forced status.
 *
 * <h2>Names</h2>
 * Paths start with a backslash, components are compared case-insensitively and keep the case
 * they were created with. Each name of a file is a link; a rename moves the link a handle was
 * opened through, so {@link #queryFileNames} of every open through it follows, and renaming a
 * directory moves the names below it.
 *
 * <h2>Thread safety and lock order</h2>
 * Safe for concurrent requests. One volume lock (a {@link ReentrantLock}, like a VCB resource
 * held exclusive) guards the name table, the counts and the delayed-close queue; it is taken
 * after any lock of the devices above and before FsRtl's header locks. FsRtl teardowns (which run
 * filters' free callbacks) and event delivery always happen after the volume lock is released,
 * once the structure is unreachable.
 */
public abstract class FileSystemDriver {
  private final String fileSystemName;
  private final HeaderKind headerKind;
  private final ClosePolicy closePolicy;
  private volatile ResultOracle resultOracle = ResultOracle.NONE;
  private volatile @Nullable Volume volume;
  private volatile @Nullable DeviceObject volumeDevice;

  private final ReentrantLock vcbLock = new ReentrantLock();
  // Guarded by vcbLock (scbByHeader and Fcb.streams are also concurrent for lock-free reads).
  private final Map<String, Link> names = new HashMap<>();
  private final Map<CommonFcbHeader, Scb> scbByHeader = new ConcurrentHashMap<>();
  private final LinkedHashSet<Scb> delayedCloses = new LinkedHashSet<>();
  private @Nullable Scb volumeScb;
  private boolean dismounted;

  /** An on-disk file: its names, its streams, and its in-memory {@link Fcb} while one is alive. */
  static final class FileRecord {
    final boolean directory;
    final List<Link> links = new ArrayList<>();
    final Map<String, String> streams = new HashMap<>();
    @Nullable Fcb fcb;
    volatile boolean deletePending;
    boolean pagingFile;

    FileRecord(boolean directory) {
      this.directory = directory;
    }
  }

  /** One name of a file; a rename changes its path in place. */
  static final class Link {
    final FileRecord file;
    volatile String path;

    Link(FileRecord file, String path) {
      this.file = file;
      this.path = path;
    }
  }

  /** A parsed path: the file's path and the normalized stream suffix. */
  private record ParsedPath(String filePath, String streamSuffix) {}

  /**
   * Creates an unmounted file system.
   *
   * @param fileSystemName a name for messages, such as {@code NTFS-like}
   * @param headerKind which header each stream gets
   * @param closePolicy when unreferenced streams are freed
   */
  protected FileSystemDriver(String fileSystemName, HeaderKind headerKind, ClosePolicy closePolicy) {
    this.fileSystemName = fileSystemName;
    this.headerKind = headerKind;
    this.closePolicy = closePolicy;
  }

  // ---- Configuration and introspection --------------------------------------------------------

  /** The name given at construction. */
  public final String fileSystemName() {
    return fileSystemName;
  }

  /** The header kind of every stream. */
  public final HeaderKind headerKind() {
    return headerKind;
  }

  /** The close policy. */
  public final ClosePolicy closePolicy() {
    return closePolicy;
  }

  /**
   * Installs the oracle consulted for requests that carry no forced status.
   *
   * @param oracle the oracle; {@link ResultOracle#NONE} to stop forcing
   */
  public final void setResultOracle(ResultOracle oracle) {
    resultOracle = oracle;
  }

  /** The volume this file system is mounted on, or null before mount. */
  public final @Nullable Volume volume() {
    return volume;
  }

  /** The volume device at the bottom of the volume's stack, or null before mount. */
  public final @Nullable DeviceObject volumeDevice() {
    return volumeDevice;
  }

  /** Every live stream structure, the volume's included (a snapshot). */
  public final List<Scb> liveScbs() {
    return List.copyOf(scbByHeader.values());
  }

  /** How many streams wait on the delayed-close queue. */
  public final int delayedCloseCount() {
    vcbLock.lock();
    try {
      return delayedCloses.size();
    } finally {
      vcbLock.unlock();
    }
  }

  /**
   * The stream structure a file object is on.
   *
   * @param fileObject any file object
   * @return its {@link Scb}, or null when it is unopened, not this file system's, or freed
   */
  public final @Nullable Scb scbOf(FileObject fileObject) {
    CommonFcbHeader h = fileObject.fsContext();
    return h == null ? null : scbByHeader.get(h);
  }

  /**
   * Whether a path names an existing file (and stream) on the volume.
   *
   * @param path such as {@code \dir\file} or {@code \file:ads}
   * @return whether it exists
   */
  public final boolean exists(String path) {
    vcbLock.lock();
    try {
      ParsedPath pp = parse(path);
      if (pp == null) {
        return false;
      }
      Link l = names.get(key(pp.filePath()));
      return l != null && l.file.streams.containsKey(key(pp.streamSuffix()));
    } finally {
      vcbLock.unlock();
    }
  }

  /**
   * The names of a file object, from which Filter Manager builds {@code FltGetFileNameInformation}.
   *
   * @param fileObject an opened file object of this volume
   * @return the current normalized name and the opened name, or null when the file object is not
   *     open on this file system
   */
  public final @Nullable FileNames queryFileNames(FileObject fileObject) {
    vcbLock.lock();
    try {
      Scb scb = scbOf(fileObject);
      if (scb == null) {
        return null;
      }
      Link via = fileObject.fsContext2() instanceof Ccb c ? c.link() : null;
      return new FileNames(normalizedNameLocked(scb, via), fileObject.fileName());
    } finally {
      vcbLock.unlock();
    }
  }

  /**
   * The normalized form of a path that need not be open, from which Filter Manager builds a
   * normalized name before the create has reached the file system: every component that exists
   * with the case it was created with, the rest as given, and the stream suffix normalized ({@code
   * ::$DATA} dropped, an existing stream with its own case).
   *
   * @param path a path on the volume, such as {@code \DIR\file.txt::$DATA}
   * @return the normalized path, or null when the path is not valid on this file system
   */
  public final @Nullable String normalizePath(String path) {
    vcbLock.lock();
    try {
      ParsedPath pp = parse(path);
      if (pp == null) {
        return null;
      }
      String sofar = "";
      Link last = names.get(key("\\"));
      if (!pp.filePath().equals("\\")) {
        for (String c : pp.filePath().substring(1).split("\\\\", -1)) {
          Link l = last == null ? null : names.get(key(sofar + "\\" + c));
          sofar = l == null ? sofar + "\\" + c : l.path;
          last = l;
        }
      } else {
        sofar = "\\";
      }
      String suffix = pp.streamSuffix();
      if (last != null) {
        suffix = last.file.streams.getOrDefault(key(suffix), suffix);
      }
      return sofar + suffix;
    } finally {
      vcbLock.unlock();
    }
  }

  // ---- Hooks for subclasses --------------------------------------------------------------------

  /**
   * Normalizes the stream part of a path's last component, from its first colon on ({@code :ads},
   * {@code :ads:$DATA}, {@code ::$DATA}, {@code ::$BITMAP}). The default is a single-stream file
   * system: every colon makes the name invalid.
   *
   * @param rawSuffix the text from the first colon, never empty
   * @return the normalized suffix (empty for the default stream, {@code :name} for a named data
   *     stream), or null to fail the open with {@code STATUS_OBJECT_NAME_INVALID}
   */
  protected @Nullable String normalizeStreamSuffix(String rawSuffix) {
    return null;
  }

  /**
   * Whether the file system has named streams (FILE_NAMED_STREAMS), judged by whether it accepts
   * a named-stream suffix. Filter Manager emulates file contexts on volumes without them.
   */
  public boolean supportsNamedStreams() {
    return normalizeStreamSuffix(":x") != null;
  }

  /** Whether {@code FileLinkInformation} can add names; the default is no. */
  protected boolean supportsHardLinks() {
    return false;
  }

  /** The status a link request fails with when hard links are not supported. */
  protected NtStatus hardLinksUnsupportedStatus() {
    return STATUS_NOT_SUPPORTED;
  }

  /**
   * Whether a file path names a paging file: by default {@code \pagefile.sys} and {@code
   * \swapfile.sys} at the root, compared case-insensitively. Creates with {@code
   * SL_OPEN_PAGING_FILE} count as paging files regardless.
   *
   * @param filePath the file's path
   * @return whether it is a paging file
   */
  protected boolean isPagingFileName(String filePath) {
    return filePath.equalsIgnoreCase("\\pagefile.sys") || filePath.equalsIgnoreCase("\\swapfile.sys");
  }

  /**
   * Makes and sets up the header of a new stream structure, as {@link #headerKind()} says:
   * {@code FsRtlSetupAdvancedHeader} with a fresh fast mutex, or {@code
   * FsRtlSetupAdvancedHeaderEx} with the file's slot, or a bare common header. Override to model
   * other layouts (or mistakes); the paging-file rule is applied afterwards when it applies.
   *
   * @param fcb the per-file structure (the volume's for the VCB header)
   * @param id the stream structure's id, to use as the header's id
   * @return the header, which the new {@link Scb} owns
   */
  protected CommonFcbHeader newStreamHeader(Fcb fcb, String id) {
    return switch (headerKind) {
      case COMMON -> new CommonFcbHeader(id);
      case ADVANCED -> {
        AdvancedFcbHeader h = new AdvancedFcbHeader(id);
        FsRtl.setupAdvancedHeader(h, new FastMutex());
        yield h;
      }
      case ADVANCED_WITH_FILE_CONTEXTS -> {
        AdvancedFcbHeader h = new AdvancedFcbHeader(id);
        FsRtl.setupAdvancedHeaderEx(h, new FastMutex(), fcb.perFileContextSlot());
        yield h;
      }
    };
  }

  /**
   * Called while a stream structure is freed, with no lock held and the structure unreachable:
   * by default {@code FsRtlTeardownPerStreamContexts(header)}. A subclass that skips it models a
   * file system that leaks every filter's stream contexts (WinBtrfs issue 802).
   *
   * @param scb the dying stream
   */
  protected void tearDownStreamContexts(Scb scb) {
    FsRtl.teardownPerStreamContexts(scb.header());
  }

  /**
   * Called while a per-file structure is freed, after its last stream, with no lock held: by
   * default {@code FsRtlTeardownPerFileContexts} on its slot when it has one.
   *
   * @param fcb the dying per-file structure
   */
  protected void tearDownFileContexts(Fcb fcb) {
    PerFileContextSlot slot = fcb.perFileContextSlot();
    if (slot != null) {
      FsRtl.teardownPerFileContexts(slot);
    }
  }

  /**
   * The paging-file rule of fastfat's {@code FatCreateFcb} (and NTFS): after setup, set {@code
   * FSRTL_FLAG2_IS_PAGING_FILE} and clear {@code FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS}.
   *
   * @param header a set-up advanced header of a paging file
   */
  public static void applyPagingFileRule(AdvancedFcbHeader header) {
    header.setFlags2Bits(FsRtlConstants.FSRTL_FLAG2_IS_PAGING_FILE);
    header.clearFlags2Bits(FsRtlConstants.FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS);
  }

  // ---- Mount, dismount, the volume device ------------------------------------------------------

  final DeviceObject createVolumeDevice(String id) {
    synchronized (this) {
      if (volumeDevice != null) {
        throw new IllegalStateException(fileSystemName + " is already mounted on " + volume);
      }
      DeviceObject d = new DeviceObject(id) {
        @Override
        public NtStatus dispatch(Irp irp) {
          return dispatchIrp(irp);
        }
      };
      volumeDevice = d;
      return d;
    }
  }

  final List<IoEvent> mountOn(Volume v) {
    vcbLock.lock();
    try {
      volume = v;
      FileRecord root = new FileRecord(true);
      root.streams.put("", "");
      addLinkLocked(root, "\\");
      Fcb vcb = new Fcb(v.ioManager().ids().next("Fcb"), null, null);
      String id = v.ioManager().ids().next("Scb");
      CommonFcbHeader h = newStreamHeader(vcb, id);
      Scb scb = new Scb(id, vcb, "", "", h);
      vcb.streams.put("", scb);
      scbByHeader.put(h, scb);
      volumeScb = scb;
      return List.of(new IoEvent.FcbCreated(v, id, h, ""));
    } finally {
      vcbLock.unlock();
    }
  }

  final void dismount() {
    List<Runnable> after = new ArrayList<>();
    vcbLock.lock();
    try {
      dismounted = true;
      for (Scb s : List.copyOf(delayedCloses)) {
        freeScbLocked(s, after);
      }
      delayedCloses.clear();
      Scb v = volumeScb;
      if (v != null && v.openCount() == 0 && !v.isFreed()) {
        freeScbLocked(v, after);
      }
    } finally {
      vcbLock.unlock();
    }
    runAll(after);
  }

  /**
   * Frees every stream on the delayed-close queue that is still unreferenced (fastfat's {@code
   * FatFspClose} working through its queue).
   *
   * @return how many stream structures were freed
   */
  public final int flushDelayedCloses() {
    List<Runnable> after = new ArrayList<>();
    int n = 0;
    vcbLock.lock();
    try {
      for (Scb s : List.copyOf(delayedCloses)) {
        if (s.openCount() == 0) {
          freeScbLocked(s, after);
          n++;
        }
      }
      delayedCloses.clear();
    } finally {
      vcbLock.unlock();
    }
    runAll(after);
    return n;
  }

  /**
   * {@code IoCreateStreamFileObject}: an internal file object on one of this file system's
   * streams, with {@code FO_STREAM_FILE} and a null {@code FsContext2}. It keeps the stream open
   * ({@code openCount} + 1) without any create; the caller owns its one reference and releases it
   * with {@link IoManager#dereferenceObject}, which sends {@code IRP_MJ_CLOSE} down the stack.
   *
   * @param scb a live stream of this file system
   * @return the stream file object
   * @throws IllegalStateException when the stream has been freed or the file system is unmounted
   */
  public final FileObject createStreamFileObject(Scb scb) {
    Volume v = requireVolume();
    String name;
    vcbLock.lock();
    try {
      if (scb.isFreed() || scbByHeader.get(scb.header()) != scb) {
        throw new IllegalStateException(scb + " is not a live stream of " + fileSystemName);
      }
      reviveLocked(scb);
      scb.addOpen(1);
      name = normalizedNameLocked(scb, null);
    } finally {
      vcbLock.unlock();
    }
    return v.ioManager().createStreamFileObject(v, scb.header(), name);
  }

  // ---- Dispatch -----------------------------------------------------------------------------

  private NtStatus dispatchIrp(Irp irp) {
    IrpMajorFunction major = irp.majorFunction();
    if (irp.forcedStatus() == null) {
      NtStatus fromOracle = resultOracle.resultFor(irp);
      if (fromOracle != null) {
        irp.setForcedStatusFromOracle(fromOracle);
      }
    }
    boolean bookkeeping = major == IrpMajorFunction.CLEANUP || major == IrpMajorFunction.CLOSE;
    if (!bookkeeping) {
      if (isDismounted()) {
        return irp.complete(STATUS_VOLUME_DISMOUNTED, 0);
      }
      NtStatus forced = irp.forcedStatus();
      if (forced != null && !forced.isSuccess()) {
        return irp.complete(forced, 0);
      }
    }
    return switch (major) {
      case CREATE -> create(irp);
      case CLEANUP -> cleanup(irp);
      case CLOSE -> close(irp);
      case READ -> read(irp);
      case WRITE -> write(irp);
      case QUERY_INFORMATION -> queryInformation(irp);
      case SET_INFORMATION -> setInformation(irp);
      case DIRECTORY_CONTROL -> directoryControl(irp);
      case FILE_SYSTEM_CONTROL -> fileSystemControl(irp);
      case LOCK_CONTROL -> lockControl(irp);
      case FLUSH_BUFFERS -> flushBuffers(irp);
      case QUERY_SECURITY, SET_SECURITY -> security(irp);
      case NETWORK_QUERY_OPEN -> networkQueryOpen(irp);
      default -> other(irp);
    };
  }

  private boolean isDismounted() {
    vcbLock.lock();
    try {
      return dismounted;
    } finally {
      vcbLock.unlock();
    }
  }

  /**
   * Completes a request with its forced status when it has one, else with {@code status}.
   *
   * @param irp the request
   * @param status what the model decided
   * @param information the {@code Information} value
   * @return the completion status
   */
  protected static NtStatus completeHonouringForced(Irp irp, NtStatus status, long information) {
    NtStatus forced = irp.forcedStatus();
    return irp.complete(forced != null ? forced : status, information);
  }

  // ---- IRP_MJ_CREATE ----------------------------------------------------------------------------

  /**
   * {@code IRP_MJ_CREATE}: opens the named stream (or the volume, for an empty path) on the
   * request's file object, setting {@code FsContext} and {@code FsContext2}.
   *
   * @param irp the create request
   * @return the completion status; {@code Information} is {@code FILE_OPENED}, {@code FILE_CREATED}…
   */
  protected NtStatus create(Irp irp) {
    FileObject fo = requireFileObject(irp);
    IrpParameters.Create p = irp.parameters(IrpParameters.Create.class);
    NtStatus forced = irp.forcedStatus();
    if (STATUS_REPARSE.equals(forced)) {
      return irp.complete(STATUS_REPARSE, 0);
    }
    List<Runnable> after = new ArrayList<>();
    IoStatus result;
    vcbLock.lock();
    try {
      result = createLocked(fo, p, forced != null, after);
    } finally {
      vcbLock.unlock();
    }
    runAll(after);
    if (result.isSuccess() && forced != null) {
      return irp.complete(forced, result.information());
    }
    return irp.complete(result.status(), result.information());
  }

  private IoStatus createLocked(FileObject fo, IrpParameters.Create p, boolean force, List<Runnable> after) {
    CreateParameters o = p.options();
    String path = p.fileName();
    Volume v = requireVolume();
    if (path.isEmpty()) {
      Scb vs = volumeScb;
      if (vs == null || vs.isFreed()) {
        return IoStatus.of(STATUS_VOLUME_DISMOUNTED);
      }
      openOnLocked(fo, vs, null, path, false);
      fo.setFlags(FileObject.FO_VOLUME_OPEN);
      return new IoStatus(STATUS_SUCCESS, FILE_OPENED);
    }
    ParsedPath pp = parse(path);
    if (pp == null) {
      if (!force) {
        return IoStatus.of(STATUS_OBJECT_NAME_INVALID);
      }
      pp = forceParse(path);
    }
    long targetInfo = -1;
    int disposition = o.createDisposition();
    boolean wantDirectory = o.hasOption(FILE_DIRECTORY_FILE);
    if (o.hasSlFlag(SL_OPEN_TARGET_DIRECTORY)) {
      targetInfo = names.containsKey(key(pp.filePath())) ? FILE_EXISTS : FILE_DOES_NOT_EXIST;
      pp = new ParsedPath(parent(pp.filePath()), "");
      disposition = FILE_OPEN;
      wantDirectory = true;
    }
    String skey = key(pp.streamSuffix());
    Link link = names.get(key(pp.filePath()));
    long info;
    if (link == null) {
      if (!force && (disposition == FILE_OPEN || disposition == FILE_OVERWRITE)) {
        return IoStatus.of(names.containsKey(key(parent(pp.filePath())))
            ? STATUS_OBJECT_NAME_NOT_FOUND : STATUS_OBJECT_PATH_NOT_FOUND);
      }
      Link parentLink = names.get(key(parent(pp.filePath())));
      if (parentLink == null || !parentLink.file.directory) {
        if (!force) {
          return IoStatus.of(parentLink == null ? STATUS_OBJECT_PATH_NOT_FOUND : STATUS_NOT_A_DIRECTORY);
        }
        ensureDirectoriesLocked(parent(pp.filePath()));
      } else if (parentLink.file.deletePending && !force) {
        return IoStatus.of(STATUS_DELETE_PENDING);
      }
      FileRecord f = new FileRecord(wantDirectory && pp.streamSuffix().isEmpty());
      f.streams.put("", "");
      f.streams.put(skey, pp.streamSuffix());
      link = addLinkLocked(f, pp.filePath());
      info = FILE_CREATED;
    } else {
      FileRecord f = link.file;
      boolean streamExists = f.streams.containsKey(skey);
      if (!force) {
        if (f.deletePending) {
          return IoStatus.of(STATUS_DELETE_PENDING);
        }
        if (disposition == FILE_CREATE && streamExists) {
          return IoStatus.of(STATUS_OBJECT_NAME_COLLISION);
        }
        if (wantDirectory && !f.directory) {
          return IoStatus.of(STATUS_NOT_A_DIRECTORY);
        }
        if (o.hasOption(FILE_NON_DIRECTORY_FILE) && f.directory && pp.streamSuffix().isEmpty()) {
          return IoStatus.of(STATUS_FILE_IS_A_DIRECTORY);
        }
        if (!streamExists && (disposition == FILE_OPEN || disposition == FILE_OVERWRITE)) {
          return IoStatus.of(STATUS_OBJECT_NAME_NOT_FOUND);
        }
      }
      if (!streamExists) {
        f.streams.put(skey, pp.streamSuffix());
        info = FILE_CREATED;
      } else if (disposition == FILE_SUPERSEDE) {
        info = FILE_SUPERSEDED;
      } else if (disposition == FILE_OVERWRITE || disposition == FILE_OVERWRITE_IF) {
        info = FILE_OVERWRITTEN;
      } else {
        info = FILE_OPENED;
      }
    }
    if (o.hasSlFlag(SL_OPEN_PAGING_FILE) || isPagingFileName(pp.filePath())) {
      link.file.pagingFile = true;
    }
    Scb scb = openStreamLocked(v, link, skey, pp.streamSuffix(), after);
    if (info == FILE_OVERWRITTEN || info == FILE_SUPERSEDED) {
      scb.header().setFileSize(0);
      scb.header().setValidDataLength(0);
    }
    openOnLocked(fo, scb, link, path, o.hasOption(FILE_DELETE_ON_CLOSE));
    return new IoStatus(STATUS_SUCCESS, targetInfo >= 0 ? targetInfo : info);
  }

  private void openOnLocked(FileObject fo, Scb scb, @Nullable Link link, String openedName, boolean deleteOnClose) {
    Ccb ccb = new Ccb(requireVolume().ioManager().ids().next("Ccb"), scb, link, openedName, deleteOnClose);
    reviveLocked(scb);
    scb.addOpen(1);
    scb.addUnclean(1);
    fo.setFsContext(scb.header());
    fo.setFsContext2(ccb);
    if (deleteOnClose) {
      fo.setFlags(FileObject.FO_DELETE_ON_CLOSE);
    }
  }

  private Scb openStreamLocked(Volume v, Link link, String skey, String suffix, List<Runnable> after) {
    FileRecord f = link.file;
    Fcb fcb = f.fcb;
    if (fcb == null) {
      String fcbId = v.ioManager().ids().next("Fcb");
      PerFileContextSlot slot =
          headerKind == HeaderKind.ADVANCED_WITH_FILE_CONTEXTS ? new PerFileContextSlot(fcbId) : null;
      fcb = new Fcb(fcbId, f, slot);
      f.fcb = fcb;
    }
    Scb scb = fcb.streams.get(skey);
    if (scb == null) {
      String id = v.ioManager().ids().next("Scb");
      CommonFcbHeader h = newStreamHeader(fcb, id);
      if (f.pagingFile && h instanceof AdvancedFcbHeader a) {
        applyPagingFileRule(a);
      }
      scb = new Scb(id, fcb, skey, suffix, h);
      fcb.streams.put(skey, scb);
      scbByHeader.put(h, scb);
      String name = link.path + suffix;
      after.add(() -> v.ioManager().publish(new IoEvent.FcbCreated(v, id, h, name)));
    } else if (f.pagingFile && scb.header() instanceof AdvancedFcbHeader a && !a.isPagingFile()) {
      applyPagingFileRule(a);
    }
    return scb;
  }

  private void reviveLocked(Scb scb) {
    if (scb.state() == Scb.State.DELAYED_CLOSE) {
      delayedCloses.remove(scb);
      scb.setState(Scb.State.IN_USE);
    }
  }

  // ---- IRP_MJ_CLEANUP and IRP_MJ_CLOSE -------------------------------------------------------------

  /**
   * {@code IRP_MJ_CLEANUP}: the handle is gone. Lowers {@code uncleanCount} and makes a
   * delete-on-close open's file (or named stream) delete-pending. Nothing is freed.
   *
   * @param irp the cleanup request
   * @return {@code STATUS_SUCCESS}, or the forced status
   */
  protected NtStatus cleanup(Irp irp) {
    FileObject fo = requireFileObject(irp);
    vcbLock.lock();
    try {
      if (fo.fsContext2() instanceof Ccb ccb && !ccb.isCleanedUp()) {
        ccb.markCleanedUp();
        Scb scb = ccb.scb();
        scb.addUnclean(-1);
        if (ccb.deleteOnClose()) {
          setDeletePendingLocked(scb, true);
        }
      }
    } finally {
      vcbLock.unlock();
    }
    return completeHonouringForced(irp, STATUS_SUCCESS, 0);
  }

  /**
   * {@code IRP_MJ_CLOSE}: the file object's last reference is gone. Lowers {@code openCount} and,
   * at zero, frees or queues the stream by the close policy.
   *
   * @param irp the close request
   * @return {@code STATUS_SUCCESS}, or the forced status
   */
  protected NtStatus close(Irp irp) {
    FileObject fo = requireFileObject(irp);
    List<Runnable> after = new ArrayList<>();
    vcbLock.lock();
    try {
      Scb scb = scbOf(fo);
      if (scb != null) {
        scb.addOpen(-1);
        if (scb.openCount() == 0) {
          releaseLocked(scb, after);
        }
      }
    } finally {
      vcbLock.unlock();
    }
    runAll(after);
    return completeHonouringForced(irp, STATUS_SUCCESS, 0);
  }

  private void releaseLocked(Scb scb, List<Runnable> after) {
    if (scb == volumeScb) {
      if (dismounted) {
        freeScbLocked(scb, after);
      }
      return;
    }
    FileRecord f = scb.fcb().file();
    boolean deleting = scb.isDeletePending() || (f != null && f.deletePending);
    if (closePolicy == ClosePolicy.IMMEDIATE || dismounted || deleting) {
      freeScbLocked(scb, after);
    } else {
      scb.setState(Scb.State.DELAYED_CLOSE);
      delayedCloses.add(scb);
    }
  }

  private void freeScbLocked(Scb scb, List<Runnable> after) {
    if (scb.isFreed()) {
      return;
    }
    String name = normalizedNameLocked(scb, null);
    scb.setState(Scb.State.FREED);
    delayedCloses.remove(scb);
    scbByHeader.remove(scb.header());
    Fcb fcb = scb.fcb();
    fcb.streams.remove(scb.streamKey());
    FileRecord f = fcb.file();
    if (f != null && scb.isDeletePending()) {
      f.streams.remove(scb.streamKey());
    }
    boolean lastStream = fcb.streams.isEmpty();
    if (lastStream) {
      fcb.markFreed();
      if (f != null) {
        f.fcb = null;
        if (f.deletePending) {
          deleteFileLocked(f);
        }
      }
    }
    Volume v = requireVolume();
    after.add(() -> finishFreeScb(v, scb, name));
    if (lastStream) {
      after.add(() -> finishFreeFcb(v, fcb));
    }
  }

  private void finishFreeScb(Volume v, Scb scb, String name) {
    CommonFcbHeader h = scb.header();
    long before = h instanceof AdvancedFcbHeader a ? a.teardownCount() : 0;
    tearDownStreamContexts(scb);
    boolean called = h instanceof AdvancedFcbHeader a && a.teardownCount() > before;
    List<PerStreamContext> left = h instanceof AdvancedFcbHeader a ? a.perStreamContexts() : List.of();
    v.ioManager().publish(new IoEvent.FcbFreed(v, scb.id(), h, name, called, left));
  }

  private void finishFreeFcb(Volume v, Fcb fcb) {
    PerFileContextSlot slot = fcb.perFileContextSlot();
    long before = slot == null ? 0 : slot.teardownCount();
    tearDownFileContexts(fcb);
    boolean called = slot != null && slot.teardownCount() > before;
    List<PerFileContext> left = slot == null ? List.of() : slot.perFileContexts();
    v.ioManager().publish(new IoEvent.PerFileFreed(v, fcb.id(), slot, called, left));
  }

  private void deleteFileLocked(FileRecord f) {
    if (f.directory) {
      for (Link l : f.links) {
        if (hasChildrenLocked(l.path)) {
          f.deletePending = false;
          return;
        }
      }
    }
    for (Link l : f.links) {
      names.remove(key(l.path), l);
    }
    f.links.clear();
  }

  private void setDeletePendingLocked(Scb scb, boolean delete) {
    FileRecord f = scb.fcb().file();
    if (f == null) {
      return;
    }
    if (scb.streamSuffix().isEmpty()) {
      f.deletePending = delete;
    } else {
      scb.setDeletePending(delete);
    }
  }

  // ---- Other major functions ---------------------------------------------------------------------

  /**
   * {@code IRP_MJ_READ}: no data is kept; reports the bytes that lie below the end of file.
   * Non-paging I/O after cleanup fails with {@code STATUS_FILE_CLOSED}, reading a directory with
   * {@code STATUS_INVALID_DEVICE_REQUEST}, from the end of file on with {@code STATUS_END_OF_FILE}.
   *
   * @param irp the read request
   * @return the completion status; {@code Information} is the byte count
   */
  protected NtStatus read(Irp irp) {
    IrpParameters.Read p = irp.parameters(IrpParameters.Read.class);
    Scb scb = scbOf(requireFileObject(irp));
    NtStatus bad = checkDataIo(irp, scb);
    if (bad != null) {
      return irp.complete(bad, 0);
    }
    long size = scb == null ? 0 : scb.header().fileSize();
    if (p.byteOffset() >= size) {
      return completeHonouringForced(irp, STATUS_END_OF_FILE, irp.forcedStatus() == null ? 0 : p.length());
    }
    return completeHonouringForced(irp, STATUS_SUCCESS, Math.min(p.length(), size - p.byteOffset()));
  }

  /**
   * {@code IRP_MJ_WRITE}: no data is kept; extends the stream's sizes when writing past the end.
   *
   * @param irp the write request
   * @return the completion status; {@code Information} is the byte count
   */
  protected NtStatus write(Irp irp) {
    IrpParameters.Write p = irp.parameters(IrpParameters.Write.class);
    Scb scb = scbOf(requireFileObject(irp));
    NtStatus bad = checkDataIo(irp, scb);
    if (bad != null) {
      return irp.complete(bad, 0);
    }
    if (scb != null) {
      vcbLock.lock();
      try {
        long end = p.byteOffset() + p.length();
        CommonFcbHeader h = scb.header();
        if (end > h.fileSize()) {
          h.setFileSize(end);
          h.setValidDataLength(end);
          h.setAllocationSize(Math.max(h.allocationSize(), end));
        }
      } finally {
        vcbLock.unlock();
      }
    }
    return completeHonouringForced(irp, STATUS_SUCCESS, p.length());
  }

  private @Nullable NtStatus checkDataIo(Irp irp, @Nullable Scb scb) {
    if (irp.forcedStatus() != null) {
      return null;
    }
    FileObject fo = requireFileObject(irp);
    if (scb == null) {
      return STATUS_INVALID_DEVICE_REQUEST;
    }
    if (!irp.isPagingIo() && fo.hasFlags(FileObject.FO_CLEANUP_COMPLETE)) {
      return STATUS_FILE_CLOSED;
    }
    if (scb.fcb().isDirectory() && scb.streamSuffix().isEmpty()) {
      return STATUS_INVALID_DEVICE_REQUEST;
    }
    return null;
  }

  /**
   * {@code IRP_MJ_QUERY_INFORMATION}: succeeds for an opened file object; nothing is returned.
   *
   * @param irp the query
   * @return the completion status
   */
  protected NtStatus queryInformation(Irp irp) {
    Scb scb = scbOf(requireFileObject(irp));
    return completeHonouringForced(irp, scb == null ? STATUS_INVALID_PARAMETER : STATUS_SUCCESS, 0);
  }

  /**
   * {@code IRP_MJ_SET_INFORMATION}: acts on rename, link, disposition, end of file and allocation;
   * accepts the rest.
   *
   * @param irp the request
   * @return the completion status
   */
  protected NtStatus setInformation(Irp irp) {
    FileObject fo = requireFileObject(irp);
    IrpParameters.SetInformation p = irp.parameters(IrpParameters.SetInformation.class);
    boolean force = irp.forcedStatus() != null;
    NtStatus status;
    vcbLock.lock();
    try {
      status = setInformationLocked(fo, p.information(), force);
    } finally {
      vcbLock.unlock();
    }
    if (!status.isSuccess() && !force) {
      return irp.complete(status, 0);
    }
    return completeHonouringForced(irp, status, 0);
  }

  private NtStatus setInformationLocked(FileObject fo, FileInformation info, boolean force) {
    Scb scb = scbOf(fo);
    if (scb == null) {
      return STATUS_INVALID_PARAMETER;
    }
    Link via = fo.fsContext2() instanceof Ccb c ? c.link() : null;
    FileRecord f = scb.fcb().file();
    if (info instanceof FileInformation.EndOfFile e) {
      CommonFcbHeader h = scb.header();
      h.setFileSize(e.endOfFile());
      if (h.validDataLength() > e.endOfFile()) {
        h.setValidDataLength(e.endOfFile());
      }
      h.setAllocationSize(Math.max(h.allocationSize(), e.endOfFile()));
      return STATUS_SUCCESS;
    }
    if (info instanceof FileInformation.Allocation a) {
      scb.header().setAllocationSize(a.allocationSize());
      return STATUS_SUCCESS;
    }
    if (!(info instanceof FileInformation.Disposition
        || info instanceof FileInformation.Rename
        || info instanceof FileInformation.Link)) {
      return STATUS_SUCCESS;
    }
    if (f == null || via == null) {
      return STATUS_INVALID_PARAMETER;
    }
    if (info instanceof FileInformation.Disposition d) {
      if (d.delete() && !force) {
        if (via.path.equals("\\")) {
          return STATUS_ACCESS_DENIED;
        }
        if (f.directory && scb.streamSuffix().isEmpty() && hasChildrenLocked(via.path)) {
          return STATUS_DIRECTORY_NOT_EMPTY;
        }
      }
      setDeletePendingLocked(scb, d.delete());
      return STATUS_SUCCESS;
    }
    if (info instanceof FileInformation.Rename r) {
      return renameLocked(via, r.targetName(), r.replaceIfExists(), force);
    }
    FileInformation.Link l = (FileInformation.Link) info;
    if (!supportsHardLinks()) {
      return hardLinksUnsupportedStatus();
    }
    if (f.directory && !force) {
      return STATUS_FILE_IS_A_DIRECTORY;
    }
    String target = resolveTarget(via.path, l.linkName());
    NtStatus st = prepareTargetLocked(f, target, l.replaceIfExists(), force);
    if (!st.isSuccess() || names.containsKey(key(target))) {
      return st;
    }
    addLinkLocked(f, target);
    return STATUS_SUCCESS;
  }

  private NtStatus renameLocked(Link link, String targetName, boolean replace, boolean force) {
    if (targetName.startsWith(":")) {
      // Renaming a stream is not modelled.
      return force ? STATUS_SUCCESS : STATUS_NOT_SUPPORTED;
    }
    if (link.path.equals("\\")) {
      return STATUS_ACCESS_DENIED;
    }
    String target = resolveTarget(link.path, targetName);
    if (!key(target).equals(key(link.path))) {
      NtStatus st = prepareTargetLocked(link.file, target, replace, force);
      if (!st.isSuccess()) {
        return st;
      }
      Link existing = names.get(key(target));
      if (existing != null) {
        // Another name of the same file: the rename just drops the source name.
        names.remove(key(link.path), link);
        link.file.links.remove(link);
        link.path = target;
        return STATUS_SUCCESS;
      }
    }
    String oldKeyPrefix = key(link.path) + "\\";
    String newPrefix = target + "\\";
    names.remove(key(link.path), link);
    link.path = target;
    names.put(key(target), link);
    if (link.file.directory) {
      for (Link child : List.copyOf(names.values())) {
        if (key(child.path).startsWith(oldKeyPrefix)) {
          names.remove(key(child.path), child);
          child.path = newPrefix + child.path.substring(oldKeyPrefix.length());
          names.put(key(child.path), child);
        }
      }
    }
    return STATUS_SUCCESS;
  }

  /** Checks a rename or link target; removes a replaced name. Success means the name is free or is {@code file}'s. */
  private NtStatus prepareTargetLocked(FileRecord file, String target, boolean replace, boolean force) {
    if (parse(target) == null || target.contains(":")) {
      return STATUS_OBJECT_NAME_INVALID;
    }
    Link parentLink = names.get(key(parent(target)));
    if (parentLink == null || !parentLink.file.directory) {
      if (!force) {
        return STATUS_OBJECT_PATH_NOT_FOUND;
      }
      ensureDirectoriesLocked(parent(target));
    }
    Link existing = names.get(key(target));
    if (existing == null || existing.file == file) {
      return STATUS_SUCCESS;
    }
    if (!force) {
      if (!replace) {
        return STATUS_OBJECT_NAME_COLLISION;
      }
      if (existing.file.directory || existing.file.fcb != null) {
        return STATUS_ACCESS_DENIED;
      }
    }
    names.remove(key(target), existing);
    existing.file.links.remove(existing);
    return STATUS_SUCCESS;
  }

  /**
   * {@code IRP_MJ_DIRECTORY_CONTROL}: counts the entries of an opened directory whose names match
   * the pattern ({@code *} or an exact name, case-insensitively).
   *
   * @param irp the request
   * @return {@code STATUS_SUCCESS} with the count, {@code STATUS_NO_MORE_FILES}, or {@code
   *     STATUS_INVALID_PARAMETER} for a non-directory
   */
  protected NtStatus directoryControl(Irp irp) {
    FileObject fo = requireFileObject(irp);
    IrpParameters.DirectoryControl p = irp.parameters(IrpParameters.DirectoryControl.class);
    vcbLock.lock();
    try {
      Scb scb = scbOf(fo);
      Link via = fo.fsContext2() instanceof Ccb c ? c.link() : null;
      if (scb == null || via == null || !scb.fcb().isDirectory()) {
        return completeHonouringForced(irp, STATUS_INVALID_PARAMETER, 0);
      }
      String prefix = via.path.equals("\\") ? "\\" : key(via.path) + "\\";
      long n = 0;
      for (String k : names.keySet()) {
        if (k.length() > prefix.length() && k.startsWith(prefix) && k.indexOf('\\', prefix.length()) < 0) {
          String last = k.substring(prefix.length());
          if (p.pattern().equals("*") || last.equals(key(p.pattern()))) {
            n++;
          }
        }
      }
      return completeHonouringForced(irp, n == 0 ? STATUS_NO_MORE_FILES : STATUS_SUCCESS, n);
    } finally {
      vcbLock.unlock();
    }
  }

  /**
   * {@code IRP_MJ_FILE_SYSTEM_CONTROL}: no FSCTL is modelled, so {@code
   * STATUS_INVALID_DEVICE_REQUEST} unless forced.
   *
   * @param irp the request
   * @return the completion status
   */
  protected NtStatus fileSystemControl(Irp irp) {
    return completeHonouringForced(irp, STATUS_INVALID_DEVICE_REQUEST, 0);
  }

  /**
   * {@code IRP_MJ_LOCK_CONTROL}: byte-range locks are not kept; every request succeeds.
   *
   * @param irp the request
   * @return the completion status
   */
  protected NtStatus lockControl(Irp irp) {
    return completeHonouringForced(irp, STATUS_SUCCESS, 0);
  }

  /**
   * {@code IRP_MJ_FLUSH_BUFFERS}: nothing is cached; succeeds.
   *
   * @param irp the request
   * @return the completion status
   */
  protected NtStatus flushBuffers(Irp irp) {
    return completeHonouringForced(irp, STATUS_SUCCESS, 0);
  }

  /**
   * {@code IRP_MJ_QUERY_SECURITY} and {@code IRP_MJ_SET_SECURITY}: no descriptors are kept; succeed.
   *
   * @param irp the request
   * @return the completion status
   */
  protected NtStatus security(Irp irp) {
    return completeHonouringForced(irp, STATUS_SUCCESS, 0);
  }

  /**
   * {@code IRP_MJ_NETWORK_QUERY_OPEN}: succeeds when the named stream exists, opening nothing.
   *
   * @param irp the request, whose file object only carries the name
   * @return the completion status
   */
  protected NtStatus networkQueryOpen(Irp irp) {
    String path = irp.parameters(IrpParameters.Create.class).fileName();
    boolean found = path.isEmpty() || exists(path);
    return completeHonouringForced(irp, found ? STATUS_SUCCESS : STATUS_OBJECT_NAME_NOT_FOUND, 0);
  }

  /**
   * Any other major function: {@code STATUS_INVALID_DEVICE_REQUEST} unless forced.
   *
   * @param irp the request
   * @return the completion status
   */
  protected NtStatus other(Irp irp) {
    return completeHonouringForced(irp, STATUS_INVALID_DEVICE_REQUEST, 0);
  }

  // ---- Names --------------------------------------------------------------------------------

  private String normalizedNameLocked(Scb scb, @Nullable Link via) {
    FileRecord f = scb.fcb().file();
    if (f == null) {
      return "";
    }
    Link l = via;
    if (l == null) {
      l = f.links.isEmpty() ? null : f.links.get(0);
    }
    return (l == null ? "" : l.path) + scb.streamSuffix();
  }

  private Link addLinkLocked(FileRecord f, String path) {
    Link l = new Link(f, path);
    f.links.add(l);
    names.put(key(path), l);
    return l;
  }

  private void ensureDirectoriesLocked(String dirPath) {
    if (dirPath.equals("\\")) {
      return;
    }
    Link l = names.get(key(dirPath));
    if (l != null) {
      return;
    }
    ensureDirectoriesLocked(parent(dirPath));
    FileRecord d = new FileRecord(true);
    d.streams.put("", "");
    addLinkLocked(d, dirPath);
  }

  private boolean hasChildrenLocked(String dirPath) {
    String prefix = dirPath.equals("\\") ? "\\" : key(dirPath) + "\\";
    for (String k : names.keySet()) {
      if (k.length() > prefix.length() && k.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  private @Nullable ParsedPath parse(String raw) {
    if (!raw.startsWith("\\")) {
      return null;
    }
    String path = raw;
    while (path.length() > 1 && path.endsWith("\\")) {
      path = path.substring(0, path.length() - 1);
    }
    int colon = path.indexOf(':');
    int lastSep = path.lastIndexOf('\\');
    String suffix = "";
    String filePath = path;
    if (colon >= 0) {
      if (colon < lastSep) {
        return null;
      }
      String s = normalizeStreamSuffix(path.substring(colon));
      if (s == null) {
        return null;
      }
      suffix = s;
      filePath = path.substring(0, colon);
      if (filePath.length() > 1 && filePath.endsWith("\\")) {
        return null;
      }
    }
    if (!filePath.equals("\\")) {
      for (String c : filePath.substring(1).split("\\\\", -1)) {
        if (c.isEmpty() || c.equals(".") || c.equals("..")) {
          return null;
        }
        for (int i = 0; i < c.length(); i++) {
          char ch = c.charAt(i);
          if (ch < 0x20 || "\"*/<>?|".indexOf(ch) >= 0) {
            return null;
          }
        }
      }
    }
    return new ParsedPath(filePath, suffix);
  }

  /** A best-effort parse for a forced success: the text before any colon is the file. */
  private static ParsedPath forceParse(String raw) {
    String p = raw.startsWith("\\") ? raw : "\\" + raw;
    int colon = p.indexOf(':');
    if (colon >= 0) {
      p = p.substring(0, colon);
    }
    p = p.replaceAll("\\\\+", "\\\\");
    while (p.length() > 1 && p.endsWith("\\")) {
      p = p.substring(0, p.length() - 1);
    }
    return new ParsedPath(p, "");
  }

  private static String resolveTarget(String currentPath, String target) {
    if (target.startsWith("\\")) {
      return target;
    }
    String dir = parent(currentPath);
    return dir.equals("\\") ? "\\" + target : dir + "\\" + target;
  }

  private static String parent(String filePath) {
    int i = filePath.lastIndexOf('\\');
    return i <= 0 ? "\\" : filePath.substring(0, i);
  }

  private static String key(String s) {
    return s.toUpperCase(Locale.ROOT);
  }

  // ---- Helpers -------------------------------------------------------------------------------

  private Volume requireVolume() {
    Volume v = volume;
    if (v == null) {
      throw new IllegalStateException(fileSystemName + " is not mounted");
    }
    return v;
  }

  private static FileObject requireFileObject(Irp irp) {
    FileObject fo = irp.fileObject();
    if (fo == null) {
      throw new IllegalArgumentException(irp + " has no file object");
    }
    return fo;
  }

  private static void runAll(List<Runnable> actions) {
    RuntimeException first = null;
    for (Runnable r : actions) {
      try {
        r.run();
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  @Override
  public String toString() {
    Volume v = volume;
    return fileSystemName + (v == null ? "" : " on " + v);
  }
}
