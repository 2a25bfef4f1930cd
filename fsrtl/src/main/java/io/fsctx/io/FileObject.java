package io.fsctx.io;

import io.fsctx.fsrtl.CommonFcbHeader;
import io.fsctx.fsrtl.FileObjectContexts;
import io.fsctx.fsrtl.FsRtlFileObject;
import io.fsctx.fsrtl.PerFileObjectContext;
import io.fsctx.nt.AllocationFaults;
import io.fsctx.nt.FieldHandles;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code FILE_OBJECT}: one open of a stream (or a volume, or an internal stream file object).
 * {@code FsContext} points at the stream's FCB header once the file system has opened it;
 * {@code FsContext2} at the file system's per-open structure (CCB), or null for stream file
 * objects. It also carries the per-file-object context list of legacy filters, allocated on
 * demand.
 *
 * <p>Object manager state: an {@link IoManager} keeps a handle count and a pointer (reference)
 * count here. A successful create gives one handle and one reference; {@link
 * IoManager#closeHandle} sends {@code IRP_MJ_CLEANUP} and drops the handle's reference; when the
 * last reference goes ({@link IoManager#dereferenceObject}) {@code IRP_MJ_CLOSE} is sent and the
 * object is deleted ({@link #isDeleted()}).
 *
 * <p>Thread safety: fields are individually atomic; flag and count updates are atomic.
 */
public class FileObject implements FsRtlFileObject {
  /** {@code FO_FILE_OPEN}. */
  public static final int FO_FILE_OPEN = 0x00000001;
  /** {@code FO_SYNCHRONOUS_IO}. */
  public static final int FO_SYNCHRONOUS_IO = 0x00000002;
  /** {@code FO_NO_INTERMEDIATE_BUFFERING}. */
  public static final int FO_NO_INTERMEDIATE_BUFFERING = 0x00000008;
  /** {@code FO_WRITE_THROUGH}. */
  public static final int FO_WRITE_THROUGH = 0x00000010;
  /** {@code FO_CACHE_SUPPORTED}. */
  public static final int FO_CACHE_SUPPORTED = 0x00000040;
  /** {@code FO_STREAM_FILE}: created by the file system itself ({@code IoCreateStreamFileObject}). */
  public static final int FO_STREAM_FILE = 0x00000100;
  /** {@code FO_FILE_MODIFIED}. */
  public static final int FO_FILE_MODIFIED = 0x00001000;
  /** {@code FO_CLEANUP_COMPLETE}: {@code IRP_MJ_CLEANUP} has been processed. */
  public static final int FO_CLEANUP_COMPLETE = 0x00004000;
  /** {@code FO_TEMPORARY_FILE}. */
  public static final int FO_TEMPORARY_FILE = 0x00008000;
  /** {@code FO_DELETE_ON_CLOSE}. */
  public static final int FO_DELETE_ON_CLOSE = 0x00010000;
  /** {@code FO_OPENED_CASE_SENSITIVE}. */
  public static final int FO_OPENED_CASE_SENSITIVE = 0x00020000;
  /** {@code FO_HANDLE_CREATED}: a handle was created for this file object. */
  public static final int FO_HANDLE_CREATED = 0x00040000;
  /**
   * {@code FO_FILE_OPEN_CANCELLED}: a filter cancelled the open after the file system completed it
   * ({@code FltCancelFileOpen}); the file object was closed below the filter and never opened
   * for its caller.
   */
  public static final int FO_FILE_OPEN_CANCELLED = 0x00200000;
  /** {@code FO_VOLUME_OPEN}: an open of the volume itself. */
  public static final int FO_VOLUME_OPEN = 0x00400000;

  // Flags and the object manager's counts are plain ints updated through var handles: a file
  // object is made for every create, so it carries no Atomic* objects of its own.
  private static final VarHandle FLAGS;
  private static final VarHandle POINTER_COUNT;
  private static final VarHandle HANDLE_COUNT;
  private static final VarHandle CONTEXTS;
  private static final VarHandle FILTER_SLOT;
  private static final VarHandle RARE;

  static {
    MethodHandles.Lookup l = MethodHandles.lookup();
    FLAGS = FieldHandles.of(l, FileObject.class, "flags", int.class);
    POINTER_COUNT = FieldHandles.of(l, FileObject.class, "pointerCount", int.class);
    HANDLE_COUNT = FieldHandles.of(l, FileObject.class, "handleCount", int.class);
    CONTEXTS = FieldHandles.of(l, FileObject.class, "perFileObjectContexts", FileObjectContexts.class);
    FILTER_SLOT = FieldHandles.of(l, FileObject.class, "filterSlot", Object.class);
    RARE = FieldHandles.of(l, FileObject.class, "rare", Rare.class);
  }

  /**
   * What few file objects have: an identity given by the caller (or a number beyond an int), a
   * device hint, a transaction. One field for the three rather than a field each made every file
   * object eight bytes bigger (issue 14); an ordinary open keeps null here.
   */
  private record Rare(
      @Nullable String id, @Nullable DeviceObject deviceHint, io.fsctx.tm.@Nullable KTransaction transaction) {}

  private static final int READ = 1;
  private static final int WRITE = 2;
  private static final int DELETE = 4;

  /**
   * The identity when it is not formatted from {@link #number}, the device hint and the
   * transaction, or null when the object has none of them; replaced with a compare-and-set.
   */
  private volatile @Nullable Rare rare;
  /** The I/O manager's number for it, or 0 (an int, so the object has room for {@link #filterSlot}). */
  private final int number;
  /**
   * The Filter Manager model's per-file-object state (the names it cached for the file object),
   * kept on the file object so that a name query finds it without a map entry per open file object
   * or a volume-wide lock (issue 14).
   */
  private volatile @Nullable Object filterSlot;
  private volatile @Nullable CommonFcbHeader fsContext;
  private volatile @Nullable Object fsContext2;
  private volatile String fileName;
  private volatile int flags;
  /**
   * Made on first use ({@link #perFileObjectContexts()}): few file objects ever carry a legacy
   * filter's per-file-object context, and the holder was 48 of the bytes every open file object
   * kept (issue 14, round 8). Its list was already allocated only on the first insert.
   */
  private volatile @Nullable FileObjectContexts perFileObjectContexts;
  private volatile @Nullable Volume volume;
  private volatile boolean closeCompleted;
  private volatile int pointerCount;
  private volatile int handleCount;
  private volatile boolean deleted;
  /**
   * {@code ReadAccess}, {@code WriteAccess} and {@code DeleteAccess} as bits ({@link #READ} and so
   * on), set together at the create: three booleans made the object a word longer.
   */
  private volatile byte access;

  /**
   * Creates an unopened file object: {@code FsContext} is null until the file system opens it.
   *
   * @param id stable identity, such as {@code FileObject#7}
   * @param fileName the name it is opened by, relative to its volume
   */
  public FileObject(String id, String fileName) {
    this.rare = new Rare(id, null, null);
    this.number = 0;
    this.fileName = fileName;
  }

  /** A file object of an I/O manager, {@code FileObject#number}; the name is built when asked. */
  FileObject(long number, String fileName) {
    // A number beyond an int is formatted at once: the object keeps either the int or the name.
    this.number = number <= Integer.MAX_VALUE ? (int) number : 0;
    this.rare = number <= Integer.MAX_VALUE ? null : new Rare("FileObject#" + number, null, null);
    this.fileName = fileName;
  }

  /** The identity for messages. */
  public final String id() {
    Rare r = rare;
    // Formatted on each call rather than kept: a file object is made for every create, and a
    // kept id cost 56 bytes per open file object.
    return r != null && r.id() != null ? r.id() : "FileObject#" + number;
  }

  /**
   * The Filter Manager model's per-file-object slot (its cached names for the file object): null
   * until a Filter Manager stores something. Other code must leave it alone. Models no Windows
   * field one for one: Filter Manager keeps such state in structures of its own that it finds
   * from the file object.
   *
   * <p>Thread safety: a volatile read; change it only with {@link #compareAndSetFilterSlot}.
   *
   * @return what the Filter Manager stored, or null
   */
  public final @Nullable Object filterSlot() {
    return filterSlot;
  }

  /**
   * Replaces the Filter Manager slot if it still holds {@code expected} (an atomic
   * compare-and-set, so two name queries racing on one file object cannot lose a cached name).
   *
   * @param expected what the caller read
   * @param value what to store (the caller keeps ownership of both)
   * @return whether it was replaced
   */
  public final boolean compareAndSetFilterSlot(@Nullable Object expected, @Nullable Object value) {
    return FILTER_SLOT.compareAndSet(this, expected, value);
  }

  /** {@code FsContext}: the stream's FCB header, or null while unopened. */
  @Override
  public final @Nullable CommonFcbHeader fsContext() {
    return fsContext;
  }

  /** Sets {@code FsContext}; done by the file system during create. */
  public final void setFsContext(@Nullable CommonFcbHeader header) {
    fsContext = header;
    if (header != null) {
      header.audit().notePublished();
    }
  }

  /** {@code FsContext2}: the file system's per-open structure, null for stream file objects. */
  public final @Nullable Object fsContext2() {
    return fsContext2;
  }

  /** Sets {@code FsContext2}. */
  public final void setFsContext2(@Nullable Object value) {
    fsContext2 = value;
  }

  /** {@code FileName}: the name the object was opened by. */
  public final String fileName() {
    return fileName;
  }

  /** Sets {@code FileName} (the I/O manager does this; a rename does not change it on Windows). */
  public final void setFileName(String name) {
    fileName = name;
  }

  /** {@code Flags}: {@code FO_*} bits. */
  public final int flags() {
    return flags;
  }

  /** Whether every bit of {@code mask} is set. */
  public final boolean hasFlags(int mask) {
    return (flags & mask) == mask;
  }

  /** ORs bits into {@code Flags}. */
  public final void setFlags(int bits) {
    FLAGS.getAndBitwiseOr(this, bits);
  }

  /** Clears bits of {@code Flags}. */
  public final void clearFlags(int bits) {
    FLAGS.getAndBitwiseAnd(this, ~bits);
  }

  /**
   * The per-file-object context list of legacy filters, its holder made on the first call (the
   * list itself on the first insert, as before).
   *
   * <p>Thread safety: concurrent first calls agree on one holder (compare-and-set).
   */
  @Override
  public final FileObjectContexts perFileObjectContexts() {
    FileObjectContexts c = perFileObjectContexts;
    if (c != null) {
      return c;
    }
    FileObjectContexts fresh = new FileObjectContexts();
    Object won = CONTEXTS.compareAndExchange(this, null, fresh);
    return won == null ? fresh : (FileObjectContexts) won;
  }

  /**
   * What the I/O manager's delete of the file object finds in its per-file-object list ({@link
   * FileObjectContexts#leakAtDelete()}), without making the holder when nobody ever asked for
   * it: an insert that races with the delete then lands on a fresh list, as it does when the
   * holder exists but its list was never allocated.
   *
   * @return the contexts still linked, head first; empty when there were none
   */
  public final List<PerFileObjectContext> leakPerFileObjectContextsAtDelete() {
    FileObjectContexts c = perFileObjectContexts;
    return c == null ? List.of() : c.leakAtDelete();
  }

  /**
   * The device this file object's requests start at, when it was opened with a device hint
   * ({@code IoCreateFileSpecifyDeviceObjectHint}: the devices above it never see its requests,
   * cleanup and close included); null means the top of its volume's stack.
   */
  public final @Nullable DeviceObject deviceHint() {
    Rare r = rare;
    return r == null ? null : r.deviceHint();
  }

  final void setDeviceHint(@Nullable DeviceObject device) {
    if (device != null || rare != null) {
      updateRare(r -> new Rare(r == null ? null : r.id(), device, r == null ? null : r.transaction()));
    }
  }

  /** Replaces {@link #rare} with what {@code change} makes of it, retrying on a race. */
  private void updateRare(java.util.function.UnaryOperator<@Nullable Rare> change) {
    Rare r;
    do {
      r = rare;
    } while (!RARE.compareAndSet(this, r, change.apply(r)));
  }

  /**
   * The transaction the file object was opened in ({@code IoGetTransactionParameterBlock}: the
   * transaction of the create's driver create context), or null for a non-transacted open. Every
   * request on the file object is part of it; Filter Manager passes it to minifilters in {@code
   * FLT_RELATED_OBJECTS}. The file object holds a reference on it until it is deleted.
   */
  public final io.fsctx.tm.@Nullable KTransaction transaction() {
    Rare r = rare;
    return r == null ? null : r.transaction();
  }

  final void setTransaction(io.fsctx.tm.@Nullable KTransaction tx) {
    if (tx != null || rare != null) {
      updateRare(r -> new Rare(r == null ? null : r.id(), r == null ? null : r.deviceHint(), tx));
    }
  }

  /** {@code ReadAccess}: the open was granted read or execute access to the data. */
  public final boolean readAccess() {
    return (access & READ) != 0;
  }

  /** {@code WriteAccess}: the open was granted write or append access to the data. */
  public final boolean writeAccess() {
    return (access & WRITE) != 0;
  }

  /** {@code DeleteAccess}: the open was granted {@code DELETE}. */
  public final boolean deleteAccess() {
    return (access & DELETE) != 0;
  }

  final void setAccess(boolean read, boolean write, boolean delete) {
    access = (byte) ((read ? READ : 0) | (write ? WRITE : 0) | (delete ? DELETE : 0));
  }

  /** Makes the lazy allocation of the per-file-object container fail as chosen. */
  public final void setAllocationFaults(AllocationFaults faults) {
    perFileObjectContexts().setAllocationFaults(faults);
  }

  /** The volume the file object was opened on ({@code DeviceObject}/{@code Vpb}), or null when made outside an I/O manager. */
  public final @Nullable Volume volume() {
    return volume;
  }

  final void setVolume(Volume v) {
    volume = v;
  }

  /** The object manager's pointer count: references, including the one each handle holds. */
  public final int pointerCount() {
    return pointerCount;
  }

  /** The object manager's handle count: 1 from a successful create until {@link IoManager#closeHandle}. */
  public final int handleCount() {
    return handleCount;
  }

  /** Whether {@code IRP_MJ_CLOSE} has been processed for this object (see {@link #markCloseCompleted}). */
  public final boolean isCloseCompleted() {
    return closeCompleted;
  }

  /**
   * Records that the file system has processed {@code IRP_MJ_CLOSE} for this object; from then
   * on (post-close) file, stream and stream-handle contexts are unavailable on it. Filter
   * Manager's frame calls this.
   */
  public final void markCloseCompleted() {
    closeCompleted = true;
  }

  /** Whether the file object has been deleted (its last reference is gone). */
  public final boolean isDeleted() {
    return deleted;
  }

  /** Sets both counts (a create's one handle and one reference, a stream file object's reference). */
  final void setCounts(int handles, int pointers) {
    handleCount = handles;
    pointerCount = pointers;
  }

  /** Sets the handle count alone (a successful create's handle; the pointer count is already set). */
  final void setHandleCount(int handles) {
    handleCount = handles;
  }

  /** Adds {@code delta} to the pointer count unless it is 0 (no resurrection); returns the old count. */
  final int addPointerUnlessZero(int delta) {
    return addUnlessZero(POINTER_COUNT, delta);
  }

  /** Adds {@code delta} to the handle count unless it is 0; returns the old count. */
  final int addHandleUnlessZero(int delta) {
    return addUnlessZero(HANDLE_COUNT, delta);
  }

  private int addUnlessZero(VarHandle count, int delta) {
    while (true) {
      int c = (int) count.getVolatile(this);
      if (c == 0 || count.compareAndSet(this, c, c + delta)) {
        return c;
      }
    }
  }

  final void markDeleted() {
    deleted = true;
  }

  @Override
  public String toString() {
    return id();
  }
}
