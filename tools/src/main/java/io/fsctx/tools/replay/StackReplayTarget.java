package io.fsctx.tools.replay;

import io.fsctx.examples.ctx.CtxLog;
import io.fsctx.fltmgr.FilterManager;
import io.fsctx.fltmgr.FltConfig;
import io.fsctx.fltmgr.FltContextType;
import io.fsctx.modelfs.toolkit.ClosePolicy;
import io.fsctx.io.CreateParameters;
import io.fsctx.io.CreateResult;
import io.fsctx.io.FileInformation;
import io.fsctx.io.FileInformationClass;
import io.fsctx.io.FileObject;
import io.fsctx.io.FileSystemDriver;
import io.fsctx.io.IoConstants;
import io.fsctx.io.IoManager;
import io.fsctx.io.IrpMajorFunction;
import io.fsctx.io.IrpParameters;
import io.fsctx.io.Volume;
import io.fsctx.modelfs.ModelFileSystem;
import io.fsctx.nt.NtStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedSet;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The real {@link ReplayTarget}: a fresh {@link IoManager}, a {@link FilterManager} following its
 * mounts, one file system per drive letter (a bundled model or the user's own, each wrapped in a
 * {@link TraceAnsweringFileSystem}), and the chosen {@link ReplayFilter}. Every replayed row
 * becomes a request that goes down through the attached minifilter to the file system, which
 * answers as the row says: a failure changes nothing, {@code STATUS_REPARSE} opens nothing, a
 * success performs the operation (the wrapper shaping the disk first when the traced machine's
 * files are not there). Nothing in the kernel knows about the trace.
 *
 * <h2>How rows become requests</h2>
 *
 * <ul>
 *   <li>{@code CreateFile}: {@code IRP_MJ_CREATE} for the path after {@code X:} (empty for a volume
 *       open), {@code FILE_OPEN_IF}, with {@code FILE_DIRECTORY_FILE} when the {@code Options:}
 *       field of {@code Detail} lists {@code Directory}. Nothing else of {@code Detail} is read.
 *   <li>{@code ReadFile} and {@code WriteFile}: offset 0, length 4096, whatever {@code Detail}
 *       says (its numbers are locale-dependent; the contract forbids depending on them).
 *   <li>Query/set information: the row's information class; renames carry {@code FileName:} of
 *       {@code Detail} (the file system renames during this very request, so {@link #rename} has
 *       nothing left to send), dispositions carry {@code Delete} as {@link
 *       ReplayEngine#requestsDelete} reads it (so {@link #markDeletePending} has nothing left to
 *       send either), links carry their target; other classes an opaque buffer.
 *   <li>Directory control, file-system control, lock control, flush, security, volume
 *       information: their major function with neutral parameters.
 *   <li>An operation name the model does not know ({@link IrpMajor#UNKNOWN}) is counted by the
 *       engine as replayed but sends nothing: no major function can be named for it.
 * </ul>
 *
 * <h2>Lifetimes</h2>
 * The contract's lifetimes (a stream's FCB torn down at its last close, the per-file structure
 * with its last stream) are those of a file system that closes immediately: the CLI builds the
 * bundled models with {@link ClosePolicy#IMMEDIATE}. A user's file system keeps its own close
 * policy: one that delays closes keeps an FCB, and the stream contexts on it, alive across a close
 * and a reopen, so it can report fewer stream and file contexts than the contract's figures for
 * the same trace. At {@link #finish} every file object is already closed; the target flushes the
 * delayed-close queue of every {@link ModelFileSystem} (so its delayed FCBs are torn down while the
 * filter is still loaded), unloads the filter (the unload waits at most {@link #UNLOAD_WAIT} for
 * outstanding references, so a leak does not stall the run), counts the contexts still alive as
 * leaked, and dismounts the volumes (a user's file system frees what it still holds there).
 *
 * <h2>Divergence</h2>
 * A row the trace says succeeded that could not be carried out even after the disk was shaped
 * ({@link TraceAnsweringFileSystem}) is counted in {@link #diverged()}: a create that opened
 * nothing is treated as not opened ({@link #open} returns null, so later rows of its key find no
 * file object), any other request was completed with the row's status all the same. On the shared
 * capture nothing diverges for the bundled models.
 *
 * <h2>Counting</h2>
 * Allocations and frees per context type are the Filter Manager's own counters ({@link
 * FilterManager#contextsAllocated}, {@link FilterManager#contextsFreed}; no event is built per
 * context); {@code leaked} is the number of contexts still alive after the unload. Only counters
 * are kept, so memory does not grow with the trace.
 *
 * <p>Thread safety: confined to the replay thread, like every {@link ReplayTarget}.
 */
public final class StackReplayTarget implements ReplayTarget<FileObject> {
  /** How long the unload waits for the filter's outstanding context references. */
  public static final Duration UNLOAD_WAIT = Duration.ofMillis(200);

  /** The volumes' device names: {@code \Device\HarddiskVolume1}, 2, ... in mount order. */
  static final String DEVICE_PREFIX = "\\Device\\HarddiskVolume";

  /**
   * The most UTF-16 code units a {@code UNICODE_STRING} holds: its {@code Length} is a byte count
   * in a {@code USHORT} (at most 65,535, so 32,767 characters).
   */
  static final int MAX_NAME_CHARS = 0xFFFF / 2;

  /** Read and write requests carry this length; {@code Detail}'s numbers are not used. */
  static final int IO_LENGTH = 4096;

  private final Supplier<? extends FileSystemDriver> fileSystems;
  private final ReplayFilter filter;
  private final CtxLog ctxLog;
  private final IoManager io = new IoManager();
  private final FilterManager manager;
  private final Map<Character, Volume> volumes = new HashMap<>();
  private final long[] longest = new long[26];
  private final Map<Character, TraceAnsweringFileSystem> answering = new HashMap<>();
  /**
   * The same two maps by drive letter (A to Z), for the look-ups of every row: an array index
   * rather than a boxed key's hash look-up.
   */
  private final @Nullable Volume[] volumeByLetter = new Volume[26];

  private final @Nullable TraceAnsweringFileSystem[] answeringByLetter = new TraceAnsweringFileSystem[26];
  private ReplayFilter.@Nullable Loaded loaded;
  private boolean finished;
  private long deletePendingMarked;
  private long renamed;
  private long unknownNotSent;
  private long createsNotOpened;

  /**
   * Creates a target with a silent filter log.
   *
   * @param fileSystems makes one unmounted file system per drive letter (a bundled model with
   *     {@link ClosePolicy#IMMEDIATE} for the contract's lifetimes, or the user's own)
   * @param filter the filter to attach
   */
  public StackReplayTarget(Supplier<? extends FileSystemDriver> fileSystems, ReplayFilter filter) {
    this(fileSystems, filter, 0, line -> {});
  }

  /**
   * Creates a target.
   *
   * @param fileSystems makes one unmounted file system per drive letter (a bundled model with
   *     {@link ClosePolicy#IMMEDIATE} for the contract's lifetimes, or the user's own)
   * @param filter the filter to attach
   * @param ctxDebugLevel CTX's {@code DebugLevel} (only for {@link ReplayFilter#CTX}); lines of
   *     other levels are neither printed nor kept
   * @param filterLog receives the CTX lines the level lets through
   */
  public StackReplayTarget(
      Supplier<? extends FileSystemDriver> fileSystems,
      ReplayFilter filter,
      int ctxDebugLevel,
      Consumer<String> filterLog) {
    this.fileSystems = fileSystems;
    this.filter = filter;
    this.ctxLog = CtxLog.streaming(ctxDebugLevel, filterLog);
    this.manager = new FilterManager(FltConfig.builder().unloadWaitTimeout(UNLOAD_WAIT).build());
  }

  /** The Filter Manager (for tests that look further than the counts). */
  public FilterManager filterManager() {
    return manager;
  }

  /** The I/O manager (for tests). */
  public IoManager ioManager() {
    return io;
  }

  /**
   * The bundled model file system mounted for a drive letter, or null when none is (or it is the
   * user's own), for tests.
   *
   * @param letter the drive letter, any case
   * @return the file system
   */
  public @Nullable ModelFileSystem fileSystem(char letter) {
    TraceAnsweringFileSystem a = answering.get(Character.toUpperCase(letter));
    return a != null && a.inner() instanceof ModelFileSystem m ? m : null;
  }

  /** How many requests the file systems did only after the disk was shaped, over all volumes. */
  public long shaped() {
    long n = 0;
    for (TraceAnsweringFileSystem a : answering.values()) {
      n += a.shaped();
    }
    return n;
  }

  /**
   * How many replayed rows diverged from the trace: successful creates that opened nothing
   * ({@link #createsNotOpened()}) and other disk-changing requests the file systems could not do
   * although their rows say they succeeded ({@link TraceAnsweringFileSystem#diverged()}).
   */
  @Override
  public long diverged() {
    long n = createsNotOpened;
    for (TraceAnsweringFileSystem a : answering.values()) {
      n += a.diverged();
    }
    return n;
  }

  /** How many {@code CreateFile} rows with {@code SUCCESS} opened no file object. */
  public long createsNotOpened() {
    return createsNotOpened;
  }

  /** How many successful delete dispositions were replayed. */
  public long deletePendingMarked() {
    return deletePendingMarked;
  }

  /** How many successful renames moved a file. */
  public long renamed() {
    return renamed;
  }

  /** How many rows of unknown operations were counted as replayed without sending anything. */
  public long unknownNotSent() {
    return unknownNotSent;
  }

  @Override
  public void mountVolumes(SortedSet<Character> driveLetters) {
    if (loaded != null) {
      throw new IllegalStateException("mountVolumes called twice");
    }
    for (char letter : driveLetters) {
      mount(letter);
    }
    // Volumes first, then the filter: exactly one instance per drive letter.
    manager.followMounts(io);
    loaded = filter.load(manager, ctxLog);
  }

  /**
   * {@inheritDoc}
   *
   * <p>When nothing could be opened even after the disk was shaped (a user's file system that
   * refuses the path, a filter that fails the create), the create is counted as diverged and
   * treated as not opened: the filters saw it fail with the file system's status, and later rows
   * of its key find no file object.
   */
  @Override
  public void mountVolume(char driveLetter) {
    if (loaded == null) {
      throw new IllegalStateException("mountVolume before mountVolumes");
    }
    if (volumes.containsKey(driveLetter)) {
      throw new IllegalStateException(driveLetter + ": is already mounted");
    }
    // The Filter Manager follows the I/O manager's mounts: the filter attaches to this volume.
    mount(driveLetter);
  }

  private void mount(char letter) {
    TraceAnsweringFileSystem fs = new TraceAnsweringFileSystem(fileSystems.get());
    Volume v = io.mount(DEVICE_PREFIX + (volumes.size() + 1), letter, fs);
    volumes.put(letter, v);
    answering.put(letter, fs);
    if (letter >= 'A' && letter <= 'Z') {
      longest[letter - 'A'] = longestPath(v.ntDeviceName().length());
      volumeByLetter[letter - 'A'] = v;
      answeringByLetter[letter - 'A'] = fs;
    }
  }

  /**
   * {@code \Device\HarddiskVolumeN} plus the path after {@code X:} is the name the filters query
   * ({@code FltGetFileNameInformation}); it must fit in a {@code UNICODE_STRING}.
   */
  @Override
  public long longestPath(char driveLetter) {
    if (driveLetter >= 'A' && driveLetter <= 'Z') {
      long cached = longest[driveLetter - 'A'];
      if (cached != 0) {
        return cached;
      }
    }
    Volume v = volumes.get(driveLetter);
    return longestPath(v == null ? DEVICE_PREFIX.length() + 2 : v.ntDeviceName().length());
  }

  /** The longest {@code C:\...} path whose NT name fits, on a device name of that length. */
  private static long longestPath(int deviceNameLength) {
    return MAX_NAME_CHARS - deviceNameLength + 2L;
  }

  @Override
  public @Nullable FileObject open(TraceRequest create) {
    CreateResult r = create(create, NtStatus.STATUS_SUCCESS);
    FileObject fo = r.fileObject();
    if (fo == null) {
      createsNotOpened++;
    }
    return fo;
  }

  @Override
  public void createFailed(TraceRequest create) {
    NtStatus status =
        ReplayEngine.isReparseText(create.row().result()) ? NtStatus.STATUS_REPARSE : create.status();
    CreateResult r = create(create, status);
    FileObject fo = r.fileObject();
    if (fo != null) {
      // A success code other than SUCCESS and REPARSE (OPLOCK BREAK IN PROGRESS, ...): the
      // contract says nothing is opened, but the file system did; give it back at once.
      io.closeHandle(fo);
    }
  }

  private CreateResult create(TraceRequest req, NtStatus forced) {
    CreateParameters p = CreateParameters.openIf();
    if (hasDirectoryOption(req.detail())) {
      p = p.withOptions(IoConstants.FILE_DIRECTORY_FILE);
    }
    TraceAnsweringFileSystem fs = answering(req);
    fs.expect(IrpMajorFunction.CREATE, forced);
    try {
      return io.createFile(volume(req), volumePath(req.path()), p);
    } finally {
      fs.clearExpectation();
    }
  }

  @Override
  public void networkQueryOpen(TraceRequest request) {
    TraceAnsweringFileSystem fs = answering(request);
    fs.expect(IrpMajorFunction.NETWORK_QUERY_OPEN, request.status());
    try {
      io.networkQueryOpen(volume(request), volumePath(request.path()));
    } finally {
      fs.clearExpectation();
    }
  }

  @Override
  public void send(FileObject fileObject, TraceRequest request) {
    TraceOperation op = request.operation();
    int code = op.majorFunction();
    IrpMajorFunction major = code == IrpMajor.UNKNOWN ? null : IrpMajorFunction.fromCode(code);
    if (major == null) {
      unknownNotSent++;
      return;
    }
    int minor = 0;
    IrpParameters params;
    switch (major) {
      case READ -> params = new IrpParameters.Read(0, IO_LENGTH);
      case WRITE -> params = new IrpParameters.Write(0, IO_LENGTH);
      case QUERY_INFORMATION ->
          params = new IrpParameters.QueryInformation(FileInformationClass.fromValue(op.infoClass()));
      case SET_INFORMATION -> params = setInformation(request);
      case DIRECTORY_CONTROL -> {
        boolean notify = op.name().strip().equalsIgnoreCase("NotifyChangeDirectory");
        minor = notify ? IoConstants.IRP_MN_NOTIFY_CHANGE_DIRECTORY : IoConstants.IRP_MN_QUERY_DIRECTORY;
        FileInformationClass c = FileInformationClass.fromValue(op.infoClass());
        params =
            new IrpParameters.DirectoryControl(
                c == FileInformationClass.OTHER ? FileInformationClass.FILE_BOTH_DIRECTORY_INFORMATION : c,
                "*");
      }
      case FILE_SYSTEM_CONTROL -> {
        minor = IoConstants.IRP_MN_USER_FS_REQUEST;
        params = new IrpParameters.FileSystemControl(0);
      }
      case LOCK_CONTROL -> {
        String n = op.name().strip().toUpperCase(Locale.ROOT);
        minor =
            n.equals("LOCKFILE")
                ? IoConstants.IRP_MN_LOCK
                : n.equals("UNLOCKFILEALL") || n.equals("UNLOCKFILEBYKEY")
                    ? IoConstants.IRP_MN_UNLOCK_ALL
                    : IoConstants.IRP_MN_UNLOCK_SINGLE;
        params = new IrpParameters.LockControl(0, 0, 0, true);
      }
      case QUERY_SECURITY, SET_SECURITY -> params = new IrpParameters.Security(0);
      default -> params = IrpParameters.NONE;
    }
    if (major == IrpMajorFunction.CREATE
        || major == IrpMajorFunction.CLEANUP
        || major == IrpMajorFunction.CLOSE) {
      // Not reachable from the operation table; never send them outside their own routines.
      unknownNotSent++;
      return;
    }
    TraceAnsweringFileSystem fs = answering(request);
    fs.expect(major, request.status());
    try {
      io.send(fileObject, major, minor, params, 0);
    } finally {
      fs.clearExpectation();
    }
  }

  private IrpParameters setInformation(TraceRequest request) {
    TraceOperation op = request.operation();
    FileInformationClass c = FileInformationClass.fromValue(op.infoClass());
    FileInformation info;
    if (op.isRename()) {
      info = new FileInformation.Rename(renameTargetOnVolume(request), false);
    } else if (op.isDisposition()) {
      info = new FileInformation.Disposition(ReplayEngine.requestsDelete(request.detail()));
    } else if (op.infoClass() == InfoClass.FILE_LINK || op.infoClass() == InfoClass.FILE_LINK_EX) {
      info = new FileInformation.Link(renameTargetOnVolume(request), false);
    } else {
      info = new FileInformation.Opaque();
    }
    if (c == FileInformationClass.OTHER) {
      c = info.defaultClass();
    }
    return new IrpParameters.SetInformation(c, info);
  }

  /**
   * The {@code FileName:} of a rename or link row as a path on the row's volume ({@code \dir\new});
   * a name on another volume or not on a drive letter is passed as written, and the file system
   * (which cannot move a file there) completes the request with the row's status and no change.
   */
  private static String renameTargetOnVolume(TraceRequest request) {
    String written = ReplayEngine.renameTarget(request.detail());
    if (written == null) {
      return "";
    }
    TracePath p = TracePath.parse(written);
    if (p != null && p.volume() == request.path().volume() && p.kind() != TracePath.Kind.VOLUME) {
      return volumePath(p);
    }
    return written;
  }

  @Override
  public void markDeletePending(FileObject fileObject, TraceRequest request) {
    // The disposition request sent by send() already made the file delete-pending.
    deletePendingMarked++;
  }

  @Override
  public void rename(FileObject fileObject, TraceRequest request, TracePath newName) {
    // The rename request sent by send() already moved the file's name; FCBs and contexts stay.
    renamed++;
  }

  @Override
  public void cleanupAndClose(FileObject fileObject, @Nullable TraceRequest closeRow) {
    if (closeRow == null) {
      io.closeHandle(fileObject);
      return;
    }
    TraceAnsweringFileSystem fs = answering(closeRow);
    fs.expect(IrpMajorFunction.CLEANUP, closeRow.status());
    try {
      io.closeHandle(fileObject);
    } finally {
      fs.clearExpectation();
    }
  }

  @Override
  public ContextCounts finish() {
    if (finished) {
      throw new IllegalStateException("finish called twice");
    }
    finished = true;
    for (TraceAnsweringFileSystem fs : answering.values()) {
      if (fs.inner() instanceof ModelFileSystem m) {
        m.flushDelayedCloses();
      }
    }
    ReplayFilter.Loaded l = loaded;
    if (l != null) {
      l.unload();
    }
    long leaked = manager.liveContexts().size();
    Map<FltContextType, ContextCounts.TypeCounts> perType = new EnumMap<>(FltContextType.class);
    // Filter Manager's own counters: no event is built for every allocation and free.
    for (FltContextType t : FltContextType.values()) {
      long allocated = manager.contextsAllocated(t);
      long freed = manager.contextsFreed(t);
      if (allocated != 0 || freed != 0) {
        perType.put(t, new ContextCounts.TypeCounts(allocated, freed));
      }
    }
    for (Volume v : volumes.values()) {
      io.dismount(v);
    }
    return ContextCounts.of(perType, leaked);
  }

  private TraceAnsweringFileSystem answering(TraceRequest req) {
    char letter = req.path().volume();
    TraceAnsweringFileSystem fs =
        letter >= 'A' && letter <= 'Z' ? answeringByLetter[letter - 'A'] : answering.get(letter);
    if (fs == null) {
      throw new IllegalStateException(
          "line " + req.line() + ": volume " + req.path().volumeName() + " was not mounted");
    }
    return fs;
  }

  private Volume volume(TraceRequest req) {
    char letter = req.path().volume();
    Volume v = letter >= 'A' && letter <= 'Z' ? volumeByLetter[letter - 'A'] : volumes.get(letter);
    if (v == null) {
      throw new IllegalStateException(
          "line " + req.line() + ": volume " + req.path().volumeName() + " was not mounted");
    }
    return v;
  }

  /**
   * The path on the volume: everything after {@code X:} ({@code \dir\a.txt:ads}, empty for {@code
   * X:}). Without a stream part that is the path's {@link TracePath#name()}, the same string on
   * every row about the file (the read-ahead thread splits a repeated path once).
   */
  static String volumePath(TracePath path) {
    String name = path.name();
    // The name is a prefix of what follows "X:", so equal lengths mean equal strings.
    return name.length() == path.written().length() - 2 ? name : path.written().substring(2);
  }

  /**
   * Whether the {@code Options:} field of a create's {@code Detail} lists {@code Directory}
   * ({@code FILE_DIRECTORY_FILE}); {@code Non-Directory File} does not count.
   */
  static boolean hasDirectoryOption(String detail) {
    int i = detail.indexOf("Options: ");
    if (i < 0) {
      return false;
    }
    int from = i + "Options: ".length();
    int end = ReplayEngine.nextDetailField(detail, from);
    // The comma-separated options in [from, end), each stripped, compared with "Directory".
    int start = from;
    for (int j = from; j <= end; j++) {
      if (j == end || detail.charAt(j) == ',') {
        int a = start;
        int b = j;
        while (a < b && Character.isWhitespace(detail.charAt(a))) {
          a++;
        }
        while (b > a && Character.isWhitespace(detail.charAt(b - 1))) {
          b--;
        }
        if (b - a == 9 && detail.regionMatches(true, a, "Directory", 0, 9)) {
          return true;
        }
        start = j + 1;
      }
    }
    return false;
  }
}
