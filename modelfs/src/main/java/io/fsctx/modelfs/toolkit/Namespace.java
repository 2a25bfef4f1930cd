package io.fsctx.modelfs.toolkit;

import static io.fsctx.io.IoConstants.FILE_CREATE;
import static io.fsctx.io.IoConstants.FILE_CREATED;
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
import static io.fsctx.nt.NtStatus.STATUS_FILE_IS_A_DIRECTORY;
import static io.fsctx.nt.NtStatus.STATUS_NOT_A_DIRECTORY;
import static io.fsctx.nt.NtStatus.STATUS_NOT_SUPPORTED;
import static io.fsctx.nt.NtStatus.STATUS_OBJECT_NAME_COLLISION;
import static io.fsctx.nt.NtStatus.STATUS_OBJECT_NAME_INVALID;
import static io.fsctx.nt.NtStatus.STATUS_OBJECT_NAME_NOT_FOUND;
import static io.fsctx.nt.NtStatus.STATUS_OBJECT_PATH_NOT_FOUND;
import static io.fsctx.nt.NtStatus.STATUS_SUCCESS;
import static io.fsctx.nt.NtStatus.STATUS_TRANSACTIONAL_CONFLICT;
import static io.fsctx.modelfs.toolkit.NamePaths.key;
import static io.fsctx.modelfs.toolkit.NamePaths.parent;
import static io.fsctx.modelfs.toolkit.NamePaths.parentKey;
import static io.fsctx.modelfs.toolkit.NamePaths.resolveTarget;

import com.google.common.base.Preconditions;
import io.fsctx.io.CreateParameters;
import io.fsctx.io.FileObjectIdBuffer;
import io.fsctx.io.IoConstants;
import io.fsctx.nt.NtStatus;
import io.fsctx.modelfs.toolkit.NamePaths.ParsedPath;
import io.fsctx.tm.KTransaction;
import java.util.LinkedHashMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The "disk" of a model file system: its directory tree, the files with their names (hard
 * links) and streams, and the rules of names and create dispositions. It knows nothing of FCBs,
 * headers or contexts: a file system asks it what a create means ({@link #resolveCreate}) and
 * then builds or finds its own in-memory structures for the answer, sets their headers up and
 * tears them down itself.
 *
 * <h2>Names</h2>
 * Paths start with a backslash; components are compared case-insensitively and keep the case they
 * were created with. Each name of a file is a {@link Link}; a rename moves the link a handle was
 * opened through, and renaming a directory moves the names below it. The stream part of a name is
 * spelt as the file system's {@link StreamNaming} says.
 *
 * <h2>Paging files</h2>
 * {@code \pagefile.sys} and {@code \swapfile.sys} at the root, and any create with {@code
 * SL_OPEN_PAGING_FILE}, are paging files ({@link FileRecord#isPagingFile()}); what that means
 * for the header is the file system's business (fastfat's {@code FatCreateFcb} rule).
 *
 * <h2>Deletes</h2>
 * {@link #deleteFile} removes every name of a file: the file is then {@linkplain
 * FileRecord#isDeleted() deleted}, although file objects may still be open on it. When that
 * happens (at the file's last cleanup, or at the cleanup of a POSIX-delete handle) is the file
 * system's decision.
 *
 * <h2>Transactions</h2>
 * A file created in a transaction ({@link #resolveCreate(String, CreateParameters, boolean,
 * KTransaction)}) is visible only inside it until {@link #commit}; a file deleted in a transaction
 * ({@link #deleteFile(FileRecord, KTransaction)}) is gone inside it at once and for everyone else
 * at {@link #commit}; {@link #rollback} undoes both. Outside the transaction, a file it deleted
 * stays readable (read-committed isolation) and an open for writing or deleting it, or a create
 * of a name it created, is {@code STATUS_TRANSACTIONAL_CONFLICT}, as a transacted writer locks the
 * file in Transactional NTFS. Recreating a name inside the transaction that deleted it is not
 * modelled and is also a conflict. The file system enlists in the transaction and calls {@link
 * #commit} or {@link #rollback} when it is told the outcome.
 *
 * <h2>Disk edits</h2>
 * {@link #ensureDirectory}, {@link #turnIntoDirectory}, {@link #clearDeletePending} and {@link
 * #freeName} change the disk as if it had been that way before the volume was mounted: no create
 * disposition, no rename rule and no delete-pending state is consulted. No request path of a file
 * system uses them; a tool that must make a disk hold what a trace says was there (replay) does,
 * through the file system's own lock ({@code ModelFileSystem.editDisk}). Edits that would change
 * what an in-memory structure describes (the type of a file with a live FCB) take a test that
 * tells which files have one, and leave those alone.
 *
 * <p>Thread safety: not thread-safe. A file system guards it with its VCB lock (fastfat's VCB
 * resource), the same lock that guards its FCB tables, so that "the file exists" and "its FCB is
 * in the table" change together.
 */
public final class Namespace {

  /**
   * A file on the disk: a directory flag, its names, its streams and their sizes as last written
   * back, and its on-disk identity.
   */
  public static final class FileRecord {
    private final long fileId;
    private boolean directory;
    /** The names, first the one the file was created with, in {@link LinkNames}' form. */
    private @Nullable Object links;
    /**
     * What few files have: named streams, sizes written back, an object ID, an uncommitted
     * transaction. Kept apart, made on the first of them, so that a record is 32 bytes rather
     * than 48 (one per file on the disk, issue 14).
     */
    private @Nullable Rare rare;

    /** The parts of a {@link FileRecord} few files have. */
    private static final class Rare {
      /** Stream key (upper case) → normalized suffix as created. The default stream is "" → "". */
      Map<String, String> streams = DEFAULT_STREAM_ONLY;
      /** Stream key → end of file as last written back; absent: 0. */
      Map<String, Long> streamSizes = NO_SIZES;
      @Nullable FileObjectIdBuffer objectId;
      @Nullable KTransaction createdIn;
      @Nullable KTransaction deletedIn;
    }

    // Shared by every file until it gets a stream or a size of its own (most never do).
    private static final Map<String, String> DEFAULT_STREAM_ONLY = Map.of("", "");
    private static final Map<String, Long> NO_SIZES = Map.of();

    private Rare rare() {
      Rare r = rare;
      if (r == null) {
        r = new Rare();
        rare = r;
      }
      return r;
    }

    /** Stream key (upper case) → normalized suffix as created (read only). */
    Map<String, String> streams() {
      Rare r = rare;
      return r == null ? DEFAULT_STREAM_ONLY : r.streams;
    }

    void putStream(String key, String suffix) {
      if (streams() == DEFAULT_STREAM_ONLY) {
        if (key.isEmpty() && suffix.isEmpty()) {
          return;
        }
        rare().streams = new HashMap<>(DEFAULT_STREAM_ONLY);
      }
      rare().streams.put(key, suffix);
    }

    void removeStream(String key) {
      if (rare == null && !DEFAULT_STREAM_ONLY.containsKey(key)) {
        return; // nothing to remove: only the default stream, and no size written back
      }
      Rare r = rare();
      if (r.streams.containsKey(key)) {
        if (r.streams == DEFAULT_STREAM_ONLY) {
          r.streams = new HashMap<>(r.streams);
        }
        r.streams.remove(key);
      }
      if (r.streamSizes.containsKey(key)) {
        r.streamSizes.remove(key);
      }
    }
    private boolean deletePending;
    private boolean pagingFile;
    private boolean deleted;
    private int fileAttributes;

    FileRecord(long fileId, boolean directory) {
      this.fileId = fileId;
      this.directory = directory;
    }

    /** The file's on-disk identity ({@code FileInternalInformation}'s index number). */
    public long fileId() {
      return fileId;
    }

    /**
     * The file id's hash. Equality stays identity (one record per file on a disk, and ids are
     * unique on it), but the hash is derived from the id rather than the JVM's identity hash:
     * it is cheaper, and it stays the same under tools that rewrite identity hash codes to make
     * runs deterministic (Lincheck's model checker gave a file record created before a scenario a
     * different identity hash inside it, so file-system tables keyed by records lost entries).
     */
    @Override
    public int hashCode() {
      return Long.hashCode(fileId);
    }

    /** Whether the file is a directory. */
    public boolean isDirectory() {
      return directory;
    }

    /** Whether the file is delete-pending: its names go when the file system deletes it. */
    public boolean isDeletePending() {
      return deletePending;
    }

    /**
     * Whether the file is delete-pending as a transaction sees it: a delete another transaction
     * applied and has not committed is not visible (read-committed).
     *
     * @param transaction the viewer's transaction, or null
     * @return whether the viewer sees the file delete-pending
     */
    public boolean isDeletePendingFor(@Nullable KTransaction transaction) {
      KTransaction deletedIn = deletedIn();
      return deletePending && (deletedIn == null || deletedIn == transaction);
    }

    /**
     * Marks or unmarks the file delete-pending ({@code FileDispositionInformation}, or a {@code
     * FILE_DELETE_ON_CLOSE} open's cleanup).
     *
     * @param value the new state
     */
    public void setDeletePending(boolean value) {
      deletePending = value;
    }

    /** Whether the file is a paging file. */
    public boolean isPagingFile() {
      return pagingFile;
    }

    /** Whether the file's names are gone from the disk ({@link Namespace#deleteFile}). */
    public boolean isDeleted() {
      return deleted;
    }

    /**
     * Whether the file is deleted as a transaction sees it: deleted on the disk, or deleted by
     * that very transaction, which has not committed yet.
     *
     * @param transaction the viewer's transaction, or null for a non-transacted one
     * @return whether the file is gone for the viewer
     */
    public boolean isDeletedFor(@Nullable KTransaction transaction) {
      KTransaction deletedIn = deletedIn();
      return deleted || (deletedIn != null && deletedIn == transaction);
    }

    /** {@code FILE_ATTRIBUTE_*} bits kept on the disk (read-only matters to deletes). */
    public int fileAttributes() {
      return fileAttributes;
    }

    /**
     * Sets the attributes ({@code FileBasicInformation}); {@code FILE_ATTRIBUTE_DIRECTORY} and
     * {@code FILE_ATTRIBUTE_NORMAL} are not stored (the first is the file's nature, the second
     * means "none").
     *
     * @param attributes {@code FILE_ATTRIBUTE_*} bits
     */
    public void setFileAttributes(int attributes) {
      fileAttributes = attributes & ~(IoConstants.FILE_ATTRIBUTE_DIRECTORY | IoConstants.FILE_ATTRIBUTE_NORMAL);
    }

    /** Whether the read-only attribute is set. */
    public boolean isReadOnly() {
      return (fileAttributes & IoConstants.FILE_ATTRIBUTE_READONLY) != 0;
    }

    /**
     * A stream's end of file as the file system last wrote it back to the disk (when its per-stream
     * structure went); a new structure on the stream starts from it.
     *
     * @param streamKey the stream's key, empty for the default stream
     * @return the size in bytes, 0 for a stream never written back
     */
    public long streamSize(String streamKey) {
      Rare r = rare;
      return r == null ? 0 : r.streamSizes.getOrDefault(streamKey, 0L);
    }

    /**
     * Writes a stream's end of file back to the disk.
     *
     * @param streamKey the stream's key
     * @param size the size in bytes, not negative
     */
    public void setStreamSize(String streamKey, long size) {
      if (size < 0) {
        throw new IllegalArgumentException("negative stream size " + size);
      }
      if (size == 0) {
        Rare r = rare;
        if (r != null && r.streamSizes.containsKey(streamKey)) {
          r.streamSizes.remove(streamKey);
        }
      } else {
        Rare r = rare();
        if (r.streamSizes == NO_SIZES) {
          r.streamSizes = new HashMap<>(2);
        }
        r.streamSizes.put(streamKey, size);
      }
    }

    /** The file's object ID ({@code FSCTL_CREATE_OR_GET_OBJECT_ID}), or null when it has none. */
    public @Nullable FileObjectIdBuffer objectId() {
      Rare r = rare;
      return r == null ? null : r.objectId;
    }

    /**
     * Sets or removes the object ID.
     *
     * @param id the new ID, or null to remove it
     */
    public void setObjectId(@Nullable FileObjectIdBuffer id) {
      if (id != null || rare != null) {
        rare().objectId = id;
      }
    }

    /** The transaction the file was created in and that has not committed yet, or null. */
    public @Nullable KTransaction createdIn() {
      Rare r = rare;
      return r == null ? null : r.createdIn;
    }

    /** The transaction that deleted the file and has not committed yet, or null. */
    public @Nullable KTransaction deletedIn() {
      Rare r = rare;
      return r == null ? null : r.deletedIn;
    }

    private void setCreatedIn(@Nullable KTransaction transaction) {
      if (transaction != null || rare != null) {
        rare().createdIn = transaction;
      }
    }

    private void setDeletedIn(@Nullable KTransaction transaction) {
      if (transaction != null || rare != null) {
        rare().deletedIn = transaction;
      }
    }

    /** The names of the file (hard links), first the one it was created with. */
    public List<Link> links() {
      return linkList();
    }

    private List<Link> linkList() {
      return LinkNames.list(links);
    }

    private @Nullable Link firstLink() {
      return LinkNames.first(links);
    }

    private boolean hasLink(Link link) {
      return LinkNames.contains(links, link);
    }

    private void addLink(Link link) {
      links = LinkNames.add(links, link);
    }

    private void removeLink(Link link) {
      links = LinkNames.remove(links, link);
    }

    /** Whether the stream with this key exists (empty key: the default stream). */
    public boolean hasStream(String streamKey) {
      return streams().containsKey(streamKey);
    }

    @Override
    public String toString() {
      Link first = firstLink();
      return "File#" + fileId + (first == null ? "" : " " + first.path);
    }
  }

  /** One name of a file; a rename changes its path in place. */
  public static final class Link {
    private final FileRecord file;
    private String path;
    /** The hash of the key the link is in {@link NameTable} under; set by the table. */
    int keyHash;
    /**
     * The directory entries the link is one of, and its neighbours there: a list threaded through
     * the links ({@link DirectoryEntries}).
     */
    @Nullable DirectoryEntries entriesIn;
    @Nullable Link previousEntry;
    @Nullable Link nextEntry;

    Link(FileRecord file, String path) {
      this.file = file;
      this.path = path;
    }

    /** The file this name belongs to. */
    public FileRecord file() {
      return file;
    }

    /** The current path, with the case it was created with. */
    public String path() {
      return path;
    }

    @Override
    public String toString() {
      return path;
    }
  }

  /**
   * What a create means on this disk.
   *
   * @param status {@code STATUS_SUCCESS} or the failure the create must complete with
   * @param information {@code FILE_OPENED}, {@code FILE_CREATED}, {@code FILE_OVERWRITTEN}, {@code
   *     FILE_SUPERSEDED}, or for {@code SL_OPEN_TARGET_DIRECTORY} {@code FILE_EXISTS} / {@code
   *     FILE_DOES_NOT_EXIST}
   * @param link the name the file is opened through (null on failure)
   * @param streamKey the stream's key within the file, empty for the default stream
   * @param streamSuffix the stream's normalized suffix as created ({@code :ads}), empty for the
   *     default stream
   * @param truncated whether the create overwrote or superseded the stream (its sizes go to zero)
   */
  public record Resolution(
      NtStatus status, long information, @Nullable Link link, String streamKey, String streamSuffix, boolean truncated) {

    static Resolution failed(NtStatus status) {
      return new Resolution(status, 0, null, "", "", false);
    }

    /** Whether the create may go on. */
    public boolean succeeded() {
      return status.isSuccess();
    }

    /** The opened link; only on success. */
    public Link openedLink() {
      Link l = link;
      if (l == null) {
        throw new IllegalStateException("the create failed: " + status);
      }
      return l;
    }
  }

  private final StreamNaming naming;
  private final NamePaths paths;
  private final NameTable names = new NameTable();
  /**
   * The names directly below each directory, by the directory's key: what listing a directory,
   * asking whether it is empty and renaming it look at, so none of them scans the whole disk.
   * Kept with {@link #names} by {@link #putName} and {@link #removeName}; a directory without
   * entries has no list.
   */
  private final Map<String, DirectoryEntries> children = new HashMap<>();

  /**
   * Named files by file ID, for opens by ID; null until the first such open. Most runs never
   * open by ID, and an entry per file (a boxed key and a node) was about 45 bytes of every new
   * file's cost (issue 14). Once made it is kept with the names: {@link #putName} adds, a delete
   * removes. A file without a name is left out, which {@link #linkById} answers the same way
   * (no name to open it by).
   */
  private @Nullable Map<Long, FileRecord> byId;
  /** The files each uncommitted transaction created or deleted, in the order it did. */
  private final Map<KTransaction, List<FileRecord>> transacted = new LinkedHashMap<>();
  private long nextFileId = 1;

  /**
   * Creates a disk holding only the root directory {@code \}.
   *
   * @param naming how stream names are spelt
   */
  public Namespace(StreamNaming naming) {
    this.naming = naming;
    this.paths = new NamePaths(naming);
    addLink(newFile(true), "\\");
  }

  /** How stream names are spelt. */
  public StreamNaming naming() {
    return naming;
  }

  /**
   * Decides what a create means, creating the file (and the stream) when its disposition asks
   * for it. It does not create parent directories.
   *
   * @param path the path on the volume, not empty (a volume open is the file system's own)
   * @param parameters the create's disposition, options and {@code SL_*} flags
   * @return the outcome
   */
  public Resolution resolveCreate(String path, CreateParameters parameters) {
    return resolveCreate(path, parameters, true);
  }

  /**
   * {@link #resolveCreate(String, CreateParameters)}, optionally leaving the checks of {@code
   * FILE_DIRECTORY_FILE} and {@code FILE_NON_DIRECTORY_FILE} against an existing file to the
   * caller ({@link #checkType}), for a file system that, like fastfat, builds the FCB first and
   * checks afterwards (so a failed check is a create error path that deletes an FCB).
   *
   * @param path the path on the volume, not empty
   * @param parameters the create's parameters
   * @param typeChecks whether to check an existing file's type here
   * @return the outcome
   */
  public Resolution resolveCreate(String path, CreateParameters parameters, boolean typeChecks) {
    return resolveCreate(path, parameters, typeChecks, null);
  }

  /**
   * {@link #resolveCreate(String, CreateParameters, boolean)} for a create in a transaction: names
   * the transaction cannot see are absent, and a file it creates is visible only inside it until
   * it commits (see the class comment for the conflicts).
   *
   * @param path the path on the volume, not empty
   * @param parameters the create's parameters
   * @param typeChecks whether to check an existing file's type here
   * @param transaction the create's transaction, or null
   * @return the outcome
   */
  public Resolution resolveCreate(
      String path, CreateParameters parameters, boolean typeChecks, @Nullable KTransaction transaction) {
    ParsedPath pp = paths.parse(path);
    if (pp == null) {
      return Resolution.failed(STATUS_OBJECT_NAME_INVALID);
    }
    long targetInfo = -1;
    int disposition = parameters.createDisposition();
    boolean wantDirectory = parameters.hasOption(FILE_DIRECTORY_FILE);
    if (parameters.hasSlFlag(SL_OPEN_TARGET_DIRECTORY)) {
      targetInfo = names.containsKey(key(pp.filePath())) ? FILE_EXISTS : FILE_DOES_NOT_EXIST;
      pp = new ParsedPath(parent(pp.filePath()), "");
      disposition = FILE_OPEN;
      wantDirectory = true;
    }
    String skey = key(pp.streamSuffix());
    String fileKey = key(pp.filePath());
    Link link = names.get(fileKey);
    if (link != null && !visible(link.file, transaction)) {
      // Another transaction's new file, or this transaction's deleted one: the name is taken on
      // the disk but this create cannot see the file.
      if (disposition == FILE_OPEN || disposition == FILE_OVERWRITE) {
        return Resolution.failed(STATUS_OBJECT_NAME_NOT_FOUND);
      }
      return Resolution.failed(STATUS_TRANSACTIONAL_CONFLICT);
    }
    if (link != null && conflicts(link.file, transaction, parameters)) {
      return Resolution.failed(STATUS_TRANSACTIONAL_CONFLICT);
    }
    long info;
    if (link == null) {
      if (disposition == FILE_OPEN || disposition == FILE_OVERWRITE) {
        return Resolution.failed(names.containsKey(parentKey(fileKey, pp.filePath()))
            ? STATUS_OBJECT_NAME_NOT_FOUND : STATUS_OBJECT_PATH_NOT_FOUND);
      }
      String parentKey = parentKey(fileKey, pp.filePath());
      Link parentLink = names.get(parentKey);
      if (parentLink != null && !visible(parentLink.file, transaction)) {
        parentLink = null;
      }
      if (parentLink == null || !parentLink.file.directory) {
        return Resolution.failed(parentLink == null ? STATUS_OBJECT_PATH_NOT_FOUND : STATUS_NOT_A_DIRECTORY);
      }
      if (parentLink.file.deletePending) {
        return Resolution.failed(STATUS_DELETE_PENDING);
      }
      FileRecord f = newFile(wantDirectory && pp.streamSuffix().isEmpty());
      f.putStream(skey, pp.streamSuffix());
      link = addLink(f, pp.filePath(), fileKey, parentKey);
      if (transaction != null) {
        f.setCreatedIn(transaction);
        transacted.computeIfAbsent(transaction, t -> new ArrayList<>()).add(f);
      }
      info = FILE_CREATED;
    } else {
      FileRecord f = link.file;
      boolean streamExists = f.streams().containsKey(skey);
      // A file another transaction deleted is read here as it was before (read-committed).
      if (f.deletePending && f.deletedIn() == null) {
        return Resolution.failed(STATUS_DELETE_PENDING);
      }
      if (disposition == FILE_CREATE && streamExists) {
        return Resolution.failed(STATUS_OBJECT_NAME_COLLISION);
      }
      if (typeChecks) {
        NtStatus type = checkType(parameters, f, pp.streamSuffix().isEmpty());
        if (!type.isSuccess() || (wantDirectory && !f.directory)) {
          return Resolution.failed(type.isSuccess() ? STATUS_NOT_A_DIRECTORY : type);
        }
      }
      if (!streamExists && (disposition == FILE_OPEN || disposition == FILE_OVERWRITE)) {
        return Resolution.failed(STATUS_OBJECT_NAME_NOT_FOUND);
      }
      if (!streamExists) {
        f.putStream(skey, pp.streamSuffix());
        info = FILE_CREATED;
      } else if (disposition == FILE_SUPERSEDE) {
        info = FILE_SUPERSEDED;
      } else if (disposition == FILE_OVERWRITE || disposition == FILE_OVERWRITE_IF) {
        info = FILE_OVERWRITTEN;
      } else {
        info = FILE_OPENED;
      }
    }
    if (parameters.hasSlFlag(SL_OPEN_PAGING_FILE) || isPagingFileName(pp.filePath())) {
      link.file.pagingFile = true;
    }
    String suffix = link.file.streams().getOrDefault(skey, pp.streamSuffix());
    boolean truncated = info == FILE_OVERWRITTEN || info == FILE_SUPERSEDED;
    return new Resolution(STATUS_SUCCESS, targetInfo >= 0 ? targetInfo : info, link, skey, suffix, truncated);
  }

  /**
   * Whether an existing file suits the open's {@code FILE_DIRECTORY_FILE} / {@code
   * FILE_NON_DIRECTORY_FILE} options.
   *
   * @param parameters the create's parameters
   * @param file the file
   * @param defaultStream whether the default stream is opened (a named stream of a directory is
   *     not a directory)
   * @return {@code STATUS_SUCCESS}, {@code STATUS_NOT_A_DIRECTORY} or {@code
   *     STATUS_FILE_IS_A_DIRECTORY}
   */
  public static NtStatus checkType(CreateParameters parameters, FileRecord file, boolean defaultStream) {
    if (parameters.hasOption(FILE_DIRECTORY_FILE) && !file.directory) {
      return STATUS_NOT_A_DIRECTORY;
    }
    if (parameters.hasOption(FILE_NON_DIRECTORY_FILE) && file.directory && defaultStream) {
      return STATUS_FILE_IS_A_DIRECTORY;
    }
    return STATUS_SUCCESS;
  }

  /**
   * Whether a path names an existing file and stream, as a non-transacted open sees the disk
   * (committed state: a file an uncommitted transaction created does not exist yet, one it
   * deleted still does).
   *
   * @param path such as {@code \dir\file} or {@code \file:ads}
   * @return whether it exists
   */
  public boolean exists(String path) {
    return exists(path, null);
  }

  /**
   * Whether a path names an existing file and stream as a transaction sees the disk.
   *
   * @param path such as {@code \dir\file}
   * @param transaction the viewer's transaction, or null
   * @return whether it exists for the viewer
   */
  public boolean exists(String path, @Nullable KTransaction transaction) {
    ParsedPath pp = paths.parse(path);
    if (pp == null) {
      return false;
    }
    Link l = names.get(key(pp.filePath()));
    return l != null && visible(l.file, transaction) && l.file.streams().containsKey(key(pp.streamSuffix()));
  }

  /**
   * The normalized form of a path that need not exist: every existing component with the case it
   * was created with, the rest as given, the stream suffix normalized.
   *
   * @param path a path on the volume
   * @return the normalized path, or null when the path is not valid here
   */
  public @Nullable String normalizePath(String path) {
    ParsedPath pp = paths.parse(path);
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
      suffix = last.file.streams().getOrDefault(key(suffix), suffix);
    }
    return sofar + suffix;
  }

  /**
   * A stream's current name: the path of the link it was opened through (or the file's first
   * name) and the stream suffix.
   *
   * @param file the file
   * @param via the link it was opened through, or null
   * @param streamSuffix the stream's suffix
   * @return such as {@code \Dir\File.txt:ads}; just the suffix when the file has no names left;
   *     for the default stream, the link's own string
   */
  public String nameOf(FileRecord file, @Nullable Link via, String streamSuffix) {
    Link l = via;
    if (l == null || !file.hasLink(l)) {
      l = file.firstLink();
    }
    // concat, not +: the default stream's name is then the link's own string, which the name
    // objects of filters keep for as long as the file object is open (issue 14).
    return (l == null ? "" : l.path).concat(streamSuffix);
  }

  /**
   * Whether a delete may be asked of a file ({@code FileDispositionInformation} with {@code
   * DeleteFile}): not the root, not a directory with entries.
   *
   * @param via the name the file was opened through
   * @param streamSuffix the opened stream (deleting a named stream deletes only it)
   * @return {@code STATUS_SUCCESS}, {@code STATUS_ACCESS_DENIED} or {@code STATUS_DIRECTORY_NOT_EMPTY}
   */
  public NtStatus checkDelete(Link via, String streamSuffix) {
    if (via.path.equals("\\")) {
      return STATUS_ACCESS_DENIED;
    }
    if (via.file.directory && streamSuffix.isEmpty() && hasChildren(via.path)) {
      return STATUS_DIRECTORY_NOT_EMPTY;
    }
    return STATUS_SUCCESS;
  }

  /**
   * Removes every name of a delete-pending file (its on-disk deletion). A directory that gained
   * entries meanwhile stays and is no longer delete-pending.
   *
   * @param file the file
   * @return whether the file was deleted
   */
  public boolean deleteFile(FileRecord file) {
    if (file.directory) {
      for (Link l : file.linkList()) {
        if (hasChildren(l.path)) {
          file.deletePending = false;
          return false;
        }
      }
    }
    for (Link l : file.linkList()) {
      removeName(l);
    }
    file.links = null;
    file.deleted = true;
    Map<Long, FileRecord> ids = byId;
    if (ids != null) {
      ids.remove(file.fileId, file);
    }
    return true;
  }

  /**
   * {@link #deleteFile(FileRecord)} in a transaction: the file is gone inside the transaction at
   * once ({@link FileRecord#isDeleted()}), and for everyone at {@link #commit}; {@link #rollback}
   * brings it back, no longer delete-pending. Without a transaction, the plain delete.
   *
   * @param file the file
   * @param transaction the deleting transaction, or null
   * @return whether the file was (or, in a transaction, will be) deleted
   */
  public boolean deleteFile(FileRecord file, @Nullable KTransaction transaction) {
    if (transaction == null) {
      return deleteFile(file);
    }
    if (file.directory) {
      for (Link l : file.linkList()) {
        if (hasChildren(l.path)) {
          file.deletePending = false;
          return false;
        }
      }
    }
    file.setDeletedIn(transaction);
    transacted.computeIfAbsent(transaction, t -> new ArrayList<>()).add(file);
    return true;
  }

  /**
   * Makes a transaction's work permanent: the files it deleted lose their names, the files it
   * created become visible to everyone.
   *
   * @param transaction the committed transaction
   */
  public void commit(KTransaction transaction) {
    List<FileRecord> files = transacted.remove(transaction);
    if (files == null) {
      return;
    }
    for (FileRecord f : files) {
      if (f.createdIn() == transaction) {
        f.setCreatedIn(null);
      }
      if (f.deletedIn() == transaction) {
        f.setDeletedIn(null);
        deleteFile(f);
      }
    }
  }

  /**
   * Undoes a transaction's work: the files it deleted are back and no longer delete-pending, the
   * files it created are gone.
   *
   * @param transaction the rolled-back transaction
   */
  public void rollback(KTransaction transaction) {
    List<FileRecord> files = transacted.remove(transaction);
    if (files == null) {
      return;
    }
    for (FileRecord f : files) {
      if (f.deletedIn() == transaction) {
        f.setDeletedIn(null);
        f.deletePending = false;
      }
      if (f.createdIn() == transaction) {
        f.setCreatedIn(null);
        deleteFile(f);
      }
    }
  }

  /** Whether a transaction has uncommitted work on this disk. */
  public boolean hasWorkOf(KTransaction transaction) {
    return transacted.containsKey(transaction);
  }

  /**
   * A file by its ID, for an open by file ID, as a transaction (or, with null, a non-transacted
   * open) sees it.
   *
   * @param fileId the ID ({@link FileRecord#fileId()})
   * @param transaction the open's transaction, or null
   * @return the file's first name, or null when no visible file has that ID
   */
  public @Nullable Link linkById(long fileId, @Nullable KTransaction transaction) {
    Map<Long, FileRecord> ids = byId;
    if (ids == null) {
      ids = new HashMap<>();
      for (Link l : names.values()) {
        ids.put(l.file.fileId, l.file);
      }
      byId = ids;
    }
    FileRecord f = ids.get(fileId);
    Link first = f == null ? null : f.firstLink();
    if (f == null || first == null || !visible(f, transaction)) {
      return null;
    }
    return first;
  }

  private static boolean visible(FileRecord f, @Nullable KTransaction transaction) {
    KTransaction created = f.createdIn();
    if (created != null && created != transaction) {
      return false;
    }
    KTransaction deletedIn = f.deletedIn();
    return deletedIn == null || deletedIn != transaction;
  }

  /** A writer or deleter outside the transaction that deleted the file conflicts with it. */
  private static boolean conflicts(FileRecord f, @Nullable KTransaction transaction, CreateParameters parameters) {
    KTransaction deletedIn = f.deletedIn();
    if (deletedIn == null || deletedIn == transaction) {
      return false;
    }
    int access = parameters.desiredAccess();
    return IoConstants.writesData(access) || IoConstants.deletes(access);
  }

  /**
   * Removes a named stream of a file (a delete-pending named stream's deletion).
   *
   * @param file the file
   * @param streamKey the stream's key; the default stream cannot be removed this way
   */
  public void deleteStream(FileRecord file, String streamKey) {
    if (!streamKey.isEmpty()) {
      file.removeStream(streamKey);
    }
  }

  /**
   * {@code FileRenameInformation}: moves the name a file was opened through.
   *
   * @param via the name the file was opened through
   * @param targetName the new name, absolute or relative to the same directory
   * @param replaceIfExists whether an existing target that is not open may be replaced
   * @param targetIsOpen tells whether another file's structures are alive (such a target cannot
   *     be replaced: {@code STATUS_ACCESS_DENIED})
   * @return {@code STATUS_SUCCESS} or the failure
   */
  public NtStatus rename(
      Link via, String targetName, boolean replaceIfExists, java.util.function.Predicate<FileRecord> targetIsOpen) {
    if (targetName.startsWith(":")) {
      return STATUS_NOT_SUPPORTED; // renaming a stream is not modelled
    }
    if (via.path.equals("\\")) {
      return STATUS_ACCESS_DENIED;
    }
    String target = resolveTarget(via.path, targetName);
    if (!key(target).equals(key(via.path))) {
      NtStatus st = prepareTarget(via.file, target, replaceIfExists, targetIsOpen);
      if (!st.isSuccess()) {
        return st;
      }
      Link existing = names.get(key(target));
      if (existing != null) {
        // Another name of the same file: the rename just drops the source name.
        removeName(via);
        via.file.removeLink(via);
        via.path = target;
        return STATUS_SUCCESS;
      }
    }
    int oldPrefixLength = via.path.length() + 1;
    String newPrefix = target + "\\";
    // The names below a renamed directory move with it: found through the directory index, so a
    // rename costs what is below the directory, not what is on the disk.
    List<Link> below = via.file.directory ? descendants(via.path) : List.of();
    removeName(via);
    for (Link child : below) {
      removeName(child);
    }
    via.path = target;
    putName(via);
    for (Link child : below) {
      child.path = newPrefix + child.path.substring(oldPrefixLength);
      putName(child);
    }
    return STATUS_SUCCESS;
  }

  /**
   * {@code FileLinkInformation}: gives a file another name.
   *
   * @param via the name the file was opened through
   * @param linkName the new name, absolute or relative to the same directory
   * @param replaceIfExists whether an existing target that is not open may be replaced
   * @param targetIsOpen tells whether another file's structures are alive
   * @return {@code STATUS_SUCCESS} or the failure ({@code STATUS_FILE_IS_A_DIRECTORY} for a directory)
   */
  public NtStatus link(
      Link via, String linkName, boolean replaceIfExists, java.util.function.Predicate<FileRecord> targetIsOpen) {
    if (via.file.directory) {
      return STATUS_FILE_IS_A_DIRECTORY;
    }
    String target = resolveTarget(via.path, linkName);
    NtStatus st = prepareTarget(via.file, target, replaceIfExists, targetIsOpen);
    if (!st.isSuccess() || names.containsKey(key(target))) {
      return st;
    }
    addLink(via.file, target);
    return STATUS_SUCCESS;
  }

  // ---- Disk edits ------------------------------------------------------------------------------

  /**
   * Makes a path name a directory, as if the disk had had it: every missing component becomes a
   * new directory, and every existing component that is a plain file without live in-memory
   * structures is turned into a directory ({@link #turnIntoDirectory}). Delete-pending marks are
   * left as they are.
   *
   * @param path an absolute path without a stream part, such as {@code \Users\test}; {@code \}
   *     is the root and always a directory
   * @param inUse tells whether a file has live in-memory structures (an FCB, open or waiting for a
   *     delayed close): such a plain file in the way stays a plain file
   * @return whether the path names a directory now
   * @throws IllegalArgumentException when the path is not a valid name on this disk or has a
   *     stream part
   */
  public boolean ensureDirectory(String path, Predicate<FileRecord> inUse) {
    String dir = requireFilePath(path);
    if (dir.equals("\\")) {
      return true;
    }
    String sofar = "";
    for (String c : dir.substring(1).split("\\\\", -1)) {
      sofar = sofar + "\\" + c;
      Link l = names.get(key(sofar));
      if (l == null) {
        addLink(newFile(true), sofar);
      } else if (!l.file.directory && !turnIntoDirectory(sofar, inUse)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Turns an existing plain file into a directory, as if it had always been one (a file a trace
   * opened without saying it was a directory): the same file, with its names, streams and marks.
   * The file's in-memory structures were built for a plain file, so a file that has live ones is
   * left alone.
   *
   * @param path the file's path, without a stream part
   * @param inUse tells whether a file has live in-memory structures
   * @return whether the path names a directory now (false: no such file, or a plain file in use)
   * @throws IllegalArgumentException when the path is not a valid name here or has a stream part
   */
  public boolean turnIntoDirectory(String path, Predicate<FileRecord> inUse) {
    Link l = names.get(key(requireFilePath(path)));
    if (l == null) {
      return false;
    }
    if (!l.file.directory) {
      if (inUse.test(l.file)) {
        return false;
      }
      l.file.directory = true;
    }
    return true;
  }

  /**
   * Clears the delete-pending mark of the file a path names, as if no delete had been asked:
   * the file keeps its names when its structures go. A named stream's own mark is the file
   * system's and is not touched.
   *
   * @param path the file's path; a stream part is ignored
   * @return whether a mark was cleared
   * @throws IllegalArgumentException when the path is not a valid name here
   */
  public boolean clearDeletePending(String path) {
    ParsedPath pp = paths.parse(path);
    Preconditions.checkArgument(pp != null, "path is not a valid name here: %s", path);
    Link l = names.get(key(pp.filePath()));
    if (l == null || !l.file.deletePending) {
      return false;
    }
    l.file.deletePending = false;
    return true;
  }

  /**
   * Removes one name from the disk, as if it had never been given: the file keeps its other names
   * and, when it has live structures, lives on without this one (as a file replaced by a rename
   * with POSIX semantics does). The root and a directory that has entries keep their names.
   *
   * @param path the name to free, without a stream part
   * @return whether the name was removed (false: no such name, the root, or a directory with
   *     entries)
   * @throws IllegalArgumentException when the path is not a valid name here or has a stream part
   */
  public boolean freeName(String path) {
    String p = requireFilePath(path);
    Link l = names.get(key(p));
    if (l == null || p.equals("\\") || (l.file.directory && hasChildren(l.path))) {
      return false;
    }
    removeName(l);
    l.file.removeLink(l);
    return true;
  }

  private String requireFilePath(String path) {
    ParsedPath pp = paths.parse(path);
    Preconditions.checkArgument(pp != null && pp.streamSuffix().isEmpty() && path.indexOf(':') < 0,
        "path is not a file path valid here: %s", path);
    return pp.filePath();
  }

  /**
   * Counts the entries of a directory whose names match a pattern ({@code *} or an exact name,
   * case-insensitively), for {@code IRP_MN_QUERY_DIRECTORY}.
   *
   * @param directory the directory's name
   * @param pattern the search pattern
   * @return how many entries match
   */
  public long countEntries(Link directory, String pattern) {
    if (pattern.equals("*")) {
      DirectoryEntries entries = children.get(key(directory.path));
      return entries == null ? 0 : entries.count;
    }
    if (pattern.isEmpty() || pattern.indexOf('\\') >= 0) {
      return 0;
    }
    String prefix = directory.path.equals("\\") ? "\\" : directory.path + "\\";
    return names.containsKey(key(prefix + pattern)) ? 1 : 0;
  }

  /** Whether a path names a paging file by name: {@code \pagefile.sys} or {@code \swapfile.sys}. */
  public static boolean isPagingFileName(String filePath) {
    return filePath.equalsIgnoreCase("\\pagefile.sys") || filePath.equalsIgnoreCase("\\swapfile.sys");
  }

  // ---- Internals ---------------------------------------------------------------------------

  private FileRecord newFile(boolean directory) {
    return new FileRecord(nextFileId++, directory); // indexed by ID once it has a name
  }

  private Link addLink(FileRecord f, String path) {
    String k = key(path);
    return addLink(f, path, k, parentKey(k, path));
  }

  /** {@link #addLink(FileRecord, String)} with the keys of the path and of its parent made already. */
  private Link addLink(FileRecord f, String path, String key, String parentKey) {
    Link l = new Link(f, path);
    f.addLink(l);
    putName(l, key, parentKey);
    return l;
  }

  /** Gives a link its name in {@link #names} and in its parent's entry of {@link #children}. */
  private void putName(Link l) {
    String k = key(l.path);
    putName(l, k, parentKey(k, l.path));
  }

  private void putName(Link l, String key, String parentKey) {
    Map<Long, FileRecord> ids = byId;
    if (ids != null) {
      ids.put(l.file.fileId, l.file);
    }
    Link old = names.put(key, l);
    if (old != null && old != l) {
      unlistEntry(old);
    }
    if (!l.path.equals("\\")) {
      unlistEntry(l); // a link is one entry of one directory, however often it is named
      children.computeIfAbsent(parentKey, DirectoryEntries::new).add(l);
    }
  }

  /** Takes a link's name away, from {@link #names} and from its parent's entry; false if not named. */
  private boolean removeName(Link l) {
    if (!names.remove(key(l.path), l)) {
      return false;
    }
    unlistEntry(l);
    return true;
  }

  /** Takes a link out of its directory's entries; the directory's list goes with its last entry. */
  private void unlistEntry(Link l) {
    DirectoryEntries e = l.entriesIn;
    if (e != null) {
      e.remove(l);
      if (e.count == 0) {
        children.remove(e.key, e);
      }
    }
  }

  /** Every name below a directory, at any depth, parents before their children. */
  private List<Link> descendants(String dirPath) {
    List<Link> out = new ArrayList<>();
    addEntries(children.get(key(dirPath)), out);
    for (int i = 0; i < out.size(); i++) {
      addEntries(children.get(key(out.get(i).path)), out);
    }
    return out;
  }

  private static void addEntries(@Nullable DirectoryEntries entries, List<Link> out) {
    for (Link l = entries == null ? null : entries.first; l != null; l = l.nextEntry) {
      out.add(l);
    }
  }

  /** Checks a rename or link target; removes a replaced name. Success: the name is free or is {@code file}'s. */
  private NtStatus prepareTarget(
      FileRecord file, String target, boolean replace, java.util.function.Predicate<FileRecord> targetIsOpen) {
    if (paths.parse(target) == null || target.contains(":")) {
      return STATUS_OBJECT_NAME_INVALID;
    }
    Link parentLink = names.get(key(parent(target)));
    if (parentLink == null || !parentLink.file.directory) {
      return STATUS_OBJECT_PATH_NOT_FOUND;
    }
    Link existing = names.get(key(target));
    if (existing == null || existing.file == file) {
      return STATUS_SUCCESS;
    }
    if (!replace) {
      return STATUS_OBJECT_NAME_COLLISION;
    }
    if (existing.file.directory || targetIsOpen.test(existing.file)) {
      return STATUS_ACCESS_DENIED;
    }
    removeName(existing);
    existing.file.removeLink(existing);
    return STATUS_SUCCESS;
  }

  private boolean hasChildren(String dirPath) {
    return children.containsKey(key(dirPath));
  }
}
