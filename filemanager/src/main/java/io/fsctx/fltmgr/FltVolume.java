package io.fsctx.fltmgr;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.fsctx.fsrtl.FsRtlContext;
import io.fsctx.fsrtl.PerFileContext;
import io.fsctx.fsrtl.PerStreamContext;
import io.fsctx.nt.NtStatus;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/**
 * {@code PFLT_VOLUME}: a volume Filter Manager is attached to, its instances ordered by altitude
 * (highest first, the order pre-operation callbacks run in), its volume contexts (one per
 * filter), and the per-stream control blocks it has inserted into FCB headers.
 *
 * <p>Volume contexts are deleted when the filter unloads or the volume is dismounted; detaching
 * the last instance of a filter keeps its volume context (fltmgr.md 6.3, an [X] policy).
 *
 * <p>Thread safety: safe for concurrent use. Attach and dismount serialise on the volume.
 */
public final class FltVolume {
  /** Where a volume is in its life. */
  public enum State {
    /** Mounted. */
    MOUNTED,
    /** Being dismounted: instances tearing down, sets refused. */
    DISMOUNTING,
    /** Gone. */
    DISMOUNTED
  }

  private final FilterManager manager;
  private final String id;
  private final String deviceName;
  private final String fileSystemName;
  private final FltFilesystemType fileSystemType;
  private final boolean supportsNamedStreams;
  private final CopyOnWriteArrayList<FltInstance> instances = new CopyOnWriteArrayList<>();
  private final ContextTable<FltFilter> volumeContexts = new ContextTable<>(this);
  /**
   * Guards the list of per-stream control blocks, linked through {@link StreamListCtrl#prev} and
   * {@link StreamListCtrl#next} so that a block costs no entry of its own here. Taken after a
   * header's monitor and never together with any other framework lock.
   */
  private final Object ctrlLock = new Object();

  @GuardedBy("ctrlLock")
  private final CtrlList<StreamListCtrl> streamCtrls = new CtrlList<>();

  @GuardedBy("ctrlLock")
  private final CtrlList<FileListCtrl> fileCtrls = new CtrlList<>();
  /**
   * The FsRtl ids of every control block on this volume (owner = the volume, instance = null,
   * the block's teardown as free callback), one record for all of them: a block keeps a reference
   * to it rather than three fields of its own (issue 14).
   */
  final FsRtlContext.Ids<PerStreamContext> streamCtrlIds =
      new FsRtlContext.Ids<>(this, null, c -> ((StreamListCtrl) c).onStreamTeardown());

  /** As {@link #streamCtrlIds}, for the per-file blocks. */
  final FsRtlContext.Ids<PerFileContext> fileCtrlIds =
      new FsRtlContext.Ids<>(this, null, c -> ((FileListCtrl) c).onFileTeardown());
  private volatile State state = State.MOUNTED;
  private volatile io.fsctx.io.@Nullable Volume ioVolume;
  private volatile @Nullable FltFrame frame;
  /**
   * Cached names of file objects whose {@link io.fsctx.io.FileObject#filterSlot} another Filter
   * Manager uses (two managers framing one device stack; otherwise empty): the same entries as a
   * slot holds. Written under the map's monitor.
   */
  private final ConcurrentHashMap<io.fsctx.io.FileObject, Object> otherNames = new ConcurrentHashMap<>();
  /**
   * The name cache's generation: a name object is cached while its generation is this one. A
   * rename, link or delete starts the next, which ends the cache's hold on every name at once.
   */
  private final java.util.concurrent.atomic.AtomicInteger nameGeneration = new java.util.concurrent.atomic.AtomicInteger();
  /**
   * The instance each file object opened by a filter-initiated create with an instance was opened
   * through ({@code FltCreateFile*} with a non-null {@code Instance}): the frame starts every
   * request on such a file object below that instance. Removed when the file object's close has
   * passed the frame.
   */
  private final ConcurrentHashMap<io.fsctx.io.FileObject, FltInstance> topInstances = new ConcurrentHashMap<>();


  FltVolume(
      FilterManager manager,
      String id,
      String deviceName,
      String fileSystemName,
      FltFilesystemType fileSystemType,
      boolean supportsNamedStreams) {
    this.manager = manager;
    this.id = id;
    this.deviceName = deviceName;
    this.fileSystemName = fileSystemName;
    this.fileSystemType = fileSystemType;
    this.supportsNamedStreams = supportsNamedStreams;
  }

  /** The manager. */
  public FilterManager manager() {
    return manager;
  }

  /** Its stable identity, such as {@code Volume#1}. */
  public String id() {
    return id;
  }

  /** The NT device name, such as {@code \Device\HarddiskVolume2}; what {@code FltGetVolumeName} returns. */
  public String deviceName() {
    return deviceName;
  }

  /** The file system's name for messages, such as {@code NTFS-like}. */
  public String fileSystemName() {
    return fileSystemName;
  }

  /**
   * {@code FltGetFileSystemType}: the file system's {@code FLT_FILESYSTEM_TYPE}, derived from its
   * driver object's name ({@link io.fsctx.io.FileSystemDriver#driverName()}) for an I/O manager's
   * volume, from its name for a bare volume.
   */
  public FltFilesystemType fileSystemType() {
    return fileSystemType;
  }

  /**
   * The {@code DEVICE_TYPE} instance setup receives ({@code VolumeDeviceType}): the file system's
   * volume device type: {@code FILE_DEVICE_NETWORK_FILE_SYSTEM} on a {@linkplain
   * io.fsctx.io.StorageDevice#network network share}, {@code FILE_DEVICE_DISK_FILE_SYSTEM} on the
   * local disks the model otherwise mounts.
   */
  public int volumeDeviceType() {
    io.fsctx.io.StorageDevice s = storage();
    return s != null && s.deviceType() == io.fsctx.io.StorageDevice.FILE_DEVICE_NETWORK
        ? io.fsctx.io.StorageDevice.FILE_DEVICE_NETWORK_FILE_SYSTEM
        : io.fsctx.io.StorageDevice.FILE_DEVICE_DISK_FILE_SYSTEM;
  }

  /**
   * The storage the volume is on, or null for a bare volume (no I/O stack, so no disk to ask).
   */
  public io.fsctx.io.@Nullable StorageDevice storage() {
    io.fsctx.io.Volume v = ioVolume;
    return v == null ? null : v.storage();
  }

  /**
   * {@code FLT_VOLUME_PROPERTIES}: the storage's type, characteristics and sector size, the file
   * system's service name (the last component of its driver name, such as {@code Ntfs}) and device
   * name ({@code \Ntfs}), and the storage device's name (the volume's NT device name).
   */
  FltVolumeProperties properties() {
    io.fsctx.io.StorageDevice s = storage();
    io.fsctx.io.Volume v = ioVolume;
    String driver = v != null ? v.fileSystem().driverName() : "\\FileSystem\\" + fileSystemName;
    String service = driver.substring(driver.lastIndexOf('\\') + 1);
    return new FltVolumeProperties(
        s == null ? io.fsctx.io.StorageDevice.FILE_DEVICE_DISK : s.deviceType(),
        s == null ? 0 : s.characteristics(),
        0,
        0,
        s == null ? 512 : s.sectorSize(),
        0,
        service,
        "\\" + service,
        deviceName);
  }

  // ---- Filter-initiated I/O bookkeeping -------------------------------------------------------

  void rememberTopInstance(io.fsctx.io.FileObject fo, FltInstance instance) {
    topInstances.put(fo, instance);
  }

  @Nullable FltInstance topInstanceOf(io.fsctx.io.FileObject fo) {
    return topInstances.isEmpty() ? null : topInstances.get(fo);
  }

  void forgetTopInstance(io.fsctx.io.FileObject fo) {
    if (!topInstances.isEmpty()) {
      topInstances.remove(fo);
    }
  }

  /** Whether the file system supports named streams (if not, file contexts may be emulated). */
  public boolean supportsNamedStreams() {
    return supportsNamedStreams;
  }

  /** Its state. */
  public State state() {
    return state;
  }

  /** The I/O manager's volume this one filters, or null for a volume made with a bare name. */
  public io.fsctx.io.@Nullable Volume ioVolume() {
    return ioVolume;
  }

  void bind(io.fsctx.io.Volume v, FltFrame f) {
    ioVolume = v;
    frame = f;
  }

  @Nullable FltFrame frame() {
    return frame;
  }

  // ---- Name information cache ---------------------------------------------------------------

  /**
   * The cached name object for a file object and format, referenced for the caller; a new one
   * when none is cached in the current generation or the cached one has another name. Objects
   * dropped from the cache stay valid for the callers that still hold references.
   *
   * <p>The cache of a file object is its {@link io.fsctx.io.FileObject#filterSlot}: the one cached
   * name (it knows its format) or an array indexed by format, replaced by compare-and-set, so a
   * query takes no lock shared by the volume.
   *
   * @param relative the name below the volume; a new name object keeps it as its tail, with this
   *     volume's device name before it
   */
  FltFileNameInformation cachedName(io.fsctx.io.FileObject fo, int format, String relative) {
    while (true) {
      Object entry = fo.filterSlot();
      if (entry != null && !isOurs(entry)) {
        return cachedNameOfOther(fo, format, relative);
      }
      int generation = nameGeneration.get();
      FltFileNameInformation cached = cachedOf(entry, format);
      if (servesAgain(cached, generation, relative)) {
        return cached;
      }
      FltFileNameInformation fresh = newName(format, relative, generation);
      if (fo.compareAndSetFilterSlot(entry, withName(entry, fresh))) {
        if (cached != null) {
          cached.uncache();
        }
        return fresh;
      }
      // Another query on this file object changed the slot first: look again (fresh was never seen).
    }
  }

  /** As {@link #cachedName}, for a file object whose slot belongs to another Filter Manager. */
  private FltFileNameInformation cachedNameOfOther(io.fsctx.io.FileObject fo, int format, String relative) {
    synchronized (otherNames) {
      Object entry = otherNames.get(fo);
      int generation = nameGeneration.get();
      FltFileNameInformation cached = cachedOf(entry, format);
      if (servesAgain(cached, generation, relative)) {
        return cached;
      }
      FltFileNameInformation fresh = newName(format, relative, generation);
      otherNames.put(fo, withName(entry, fresh));
      if (cached != null) {
        cached.uncache();
      }
      return fresh;
    }
  }

  /**
   * Whether a cached name can be handed out again: cached in {@code generation}, still the file
   * object's name (its part below the volume is {@code relative}; the device name is this
   * volume's), and referenced for the caller (true only then).
   */
  private boolean servesAgain(@Nullable FltFileNameInformation cached, int generation, String relative) {
    if (cached == null || !cached.isCachedIn(generation)) {
      return false;
    }
    return cached.hasRelative(relative) && cached.tryReference();
  }

  /** A name object cached in {@code generation}, with one reference for the caller. */
  private FltFileNameInformation newName(int format, String relative, int generation) {
    // Made with the caller's reference; the cache's hold is kept apart (its generation).
    return new FltFileNameInformation(
        manager.nameIds().nextNumber(), format, relative, this, generation);
  }

  /** A cache entry with {@code fresh} in its format's place; an entry is never changed in place. */
  private static Object withName(@Nullable Object entry, FltFileNameInformation fresh) {
    if (entry == null || (entry instanceof FltFileNameInformation one && one.format() == fresh.format())) {
      return fresh; // the usual case: one format per file object
    }
    FltFileNameInformation[] byFormat = new FltFileNameInformation[FltFileNameInformation.FLT_FILE_NAME_SHORT + 1];
    if (entry instanceof FltFileNameInformation one) {
      byFormat[one.format()] = one;
    } else if (entry instanceof FltFileNameInformation[] a) {
      System.arraycopy(a, 0, byFormat, 0, Math.min(a.length, byFormat.length));
    }
    byFormat[fresh.format()] = fresh;
    return byFormat;
  }

  /** Whether a slot's entry holds names of this volume's manager. */
  private boolean isOurs(Object entry) {
    if (entry instanceof FltFileNameInformation one) {
      return one.manager() == manager;
    }
    if (entry instanceof FltFileNameInformation[] a) {
      for (FltFileNameInformation n : a) {
        if (n != null) {
          return n.manager() == manager;
        }
      }
    }
    return false;
  }

  /** The cached name of one format in a cache entry, or null. */
  private static @Nullable FltFileNameInformation cachedOf(@Nullable Object entry, int format) {
    if (entry instanceof FltFileNameInformation one) {
      return one.format() == format ? one : null;
    }
    return entry instanceof FltFileNameInformation[] a && format >= 0 && format < a.length ? a[format] : null;
  }

  /** Lets go of every name in a cache entry. */
  private static void uncacheAll(@Nullable Object entry) {
    if (entry instanceof FltFileNameInformation one) {
      one.uncache();
    } else if (entry instanceof FltFileNameInformation[] a) {
      for (FltFileNameInformation n : a) {
        if (n != null) {
          n.uncache();
        }
      }
    }
  }

  /** The name cache's current generation ({@link FltFileNameInformation} asks whether it is still cached). */
  int nameGeneration() {
    return nameGeneration.get();
  }

  /**
   * A rename, link or delete changed names on the volume: every cached name is dropped, by
   * starting a new generation (O(1), however many file objects are open: issue 14 rule 1).
   * Objects handed out keep their names for their holders; the entries left in file objects'
   * slots are replaced by the next query or forgotten at close.
   */
  void invalidateNameCache() {
    nameGeneration.incrementAndGet();
  }

  /** The file object's close has passed the frame (or its create failed): its cached names go. */
  void forgetNames(io.fsctx.io.FileObject fo) {
    while (true) {
      Object entry = fo.filterSlot();
      if (entry == null || !isOurs(entry)) {
        break;
      }
      if (fo.compareAndSetFilterSlot(entry, null)) {
        uncacheAll(entry);
        break;
      }
    }
    if (!otherNames.isEmpty()) { // names cached while another manager held the slot
      synchronized (otherNames) {
        uncacheAll(otherNames.remove(fo));
      }
    }
  }

  boolean isDying() {
    return state != State.MOUNTED;
  }

  /** The attached instances, highest altitude first. */
  public List<FltInstance> instances() {
    return new ArrayList<>(instances);
  }

  /** The instances for the frame: the copy-on-write list itself, whose iteration is a snapshot. */
  List<FltInstance> instancesView() {
    return instances;
  }

  /**
   * Adds every context attached on this volume to {@code out}: volume contexts, each instance's,
   * and those of every stream and file control block (the verifier's walk of live contexts).
   */
  void collectAttached(List<FltContext> out) {
    volumeContexts.collectAttached(out);
    for (FltInstance i : instances) {
      i.collectAttached(out);
    }
    for (StreamListCtrl c : streamControlBlocks()) {
      c.collectAll(out);
    }
    for (FileListCtrl c : fileControlBlocks()) {
      c.collectAttached(out);
    }
  }

  /** How many per-stream control blocks are alive on this volume. */
  public int streamControlBlockCount() {
    synchronized (ctrlLock) {
      return streamCtrls.size();
    }
  }

  /** The per-stream control blocks alive on this volume (a snapshot). */
  List<StreamListCtrl> streamControlBlocks() {
    synchronized (ctrlLock) {
      return streamCtrls.snapshot();
    }
  }

  void registerCtrl(StreamListCtrl c) {
    synchronized (ctrlLock) {
      streamCtrls.add(c);
    }
  }

  void forgetCtrl(StreamListCtrl c) {
    synchronized (ctrlLock) {
      streamCtrls.remove(c);
    }
  }

  /** How many per-file control blocks are alive on this volume. */
  int fileControlBlockCount() {
    synchronized (ctrlLock) {
      return fileCtrls.size();
    }
  }

  /** The per-file control blocks alive on this volume (a snapshot). */
  List<FileListCtrl> fileControlBlocks() {
    synchronized (ctrlLock) {
      return fileCtrls.snapshot();
    }
  }

  void registerCtrl(FileListCtrl c) {
    synchronized (ctrlLock) {
      fileCtrls.add(c);
    }
  }

  void forgetCtrl(FileListCtrl c) {
    synchronized (ctrlLock) {
      fileCtrls.remove(c);
    }
  }

  // ---- Instances ----------------------------------------------------------------------------

  FltFilter.AttachResult attach(FltFilter filter, String name, String altitude, int setupFlags) {
    BigDecimal alt;
    try {
      alt = new BigDecimal(altitude);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("altitude must be a decimal number: '" + altitude + "'", e);
    }
    FltInstance inst;
    synchronized (this) {
      if (isDying() || filter.state() == FltFilter.State.UNLOADING || filter.state() == FltFilter.State.UNLOADED) {
        return new FltFilter.AttachResult(NtStatus.STATUS_FLT_DELETING_OBJECT, null);
      }
      for (FltInstance i : instances) {
        if (i.altitudeValue().compareTo(alt) == 0) {
          return new FltFilter.AttachResult(NtStatus.STATUS_FLT_INSTANCE_ALTITUDE_COLLISION, null);
        }
        if (i.filter() == filter && i.name().equals(name)) {
          return new FltFilter.AttachResult(NtStatus.STATUS_FLT_INSTANCE_NAME_COLLISION, null);
        }
      }
      inst = new FltInstance(manager, manager.ids().next("Instance"), filter, this, name, altitude, alt);
      // Registered with the filter before the setup runs, under the filter's monitor: an unload
      // that begins later tears this instance down; one that began earlier refuses it.
      if (!filter.registerInstance(inst)) {
        return new FltFilter.AttachResult(NtStatus.STATUS_FLT_DELETING_OBJECT, null);
      }
      // One insertion at its place, highest altitude first: a request passing the frame at this
      // moment sees the list before or after it, never a partly rebuilt one.
      int at = 0;
      while (at < instances.size() && instances.get(at).altitudeValue().compareTo(alt) > 0) {
        at++;
      }
      instances.add(at, inst);
    }
    NtStatus st;
    try {
      st = inst.runSetup(setupFlags);
    } catch (RuntimeException | Error e) {
      forgetRefused(inst); // a throwing setup callback refuses the attach
      throw e;
    }
    if (!st.isSuccess() || st.equals(NtStatus.STATUS_FLT_DO_NOT_ATTACH)) {
      forgetRefused(inst);
      NtStatus refused = st.isSuccess() ? NtStatus.STATUS_FLT_DO_NOT_ATTACH : st;
      return new FltFilter.AttachResult(refused, null);
    }
    return new FltFilter.AttachResult(NtStatus.STATUS_SUCCESS, inst);
  }

  private void forgetRefused(FltInstance inst) {
    try {
      inst.abandonSetup();
    } finally {
      instanceGone(inst);
      inst.filter().instanceDetached(inst);
    }
  }

  /**
   * Takes a torn-down or refused instance off the list, under the monitor that {@link #attach}
   * holds while it computes where a new instance goes (a removal in between once made that
   * insertion fail, stranding the new instance in setup).
   */
  void instanceGone(FltInstance i) {
    synchronized (this) {
      instances.remove(i);
    }
  }

  void dismount() {
    synchronized (this) {
      if (state != State.MOUNTED) {
        return;
      }
      state = State.DISMOUNTING;
    }
    for (FltInstance i : instances()) {
      i.teardown(InstanceTeardownCallback.FLTFL_INSTANCE_TEARDOWN_VOLUME_DISMOUNT);
    }
    volumeContexts.detachAll("VolumeDismount");
    state = State.DISMOUNTED;
  }

  // ---- Volume contexts ----------------------------------------------------------------------

  ContextStore.SetOutcome setVolumeContext(
      @Nullable SetContextOperation op, FltContext ctx, boolean wantOld, String routine) {
    FltFilter owner = ctx.filter();
    if (isDying() || isUnloading(owner)) {
      return new ContextStore.SetOutcome(NtStatus.STATUS_FLT_DELETING_OBJECT, null);
    }
    ctx.checkNotFreed(routine);
    if (ctx.type() != FltContextType.VOLUME || op == null) {
      return new ContextStore.SetOutcome(NtStatus.STATUS_INVALID_PARAMETER, null);
    }
    // The filter's state is checked again under the table lock: FltUnregisterFilter marks the
    // filter unloading before it sweeps this table, so a set either lands before the sweep (and is
    // swept) or sees the state and fails; without this a set racing the unload left a volume
    // context attached, and live, after unregistration.
    return volumeContexts.set(owner, null, ctx, op, wantOld, () -> isDying() || isUnloading(owner), routine);
  }

  private static boolean isUnloading(FltFilter f) {
    FltFilter.State s = f.state();
    return s == FltFilter.State.UNLOADING || s == FltFilter.State.UNLOADED;
  }

  void deleteVolumeContextOf(FltFilter filter) {
    volumeContexts.detachWhere(f -> f == filter, "FltUnregisterFilter");
  }

  /**
   * {@code FltSetVolumeContext}: attaches a volume context for the context's filter (one per
   * volume and filter). {@code STATUS_FLT_DELETING_OBJECT} when the volume is being dismounted or
   * the filter is being unregistered.
   *
   * @param op KEEP or REPLACE
   * @param context allocated by the filter, type VOLUME; the caller keeps its own reference
   * @return the outcome; close it to release any context it carries
   */
  public SetResult setVolumeContext(SetContextOperation op, FltContext context) {
    return SetResult.of(setVolumeContext(op, context, true, "FltSetVolumeContext"));
  }

  FltContext getVolumeContextInternal(FltFilter filter, String routine) {
    FltContext c = volumeContexts.get(filter, routine);
    if (c != null) {
      manager.events().publish(ContextEvent.Kind.GET, routine, c, c.referenceCount(), NtStatus.STATUS_SUCCESS);
    }
    return c;
  }

  /**
   * {@code FltGetVolumeContext}: the filter's context on this volume, with one reference.
   *
   * @return SUCCESS with a lease, or NOT_FOUND
   */
  public GetResult getVolumeContext(FltFilter filter) {
    FltContext c = getVolumeContextInternal(filter, "FltGetVolumeContext");
    return c == null
        ? new GetResult(NtStatus.STATUS_NOT_FOUND, null)
        : new GetResult(NtStatus.STATUS_SUCCESS, new ContextLease(c));
  }

  ContextStore.SetOutcome deleteVolumeContext(FltFilter filter, boolean wantOld) {
    return volumeContexts.delete(filter, wantOld, this::isDying, "FltDeleteVolumeContext");
  }

  /**
   * {@code FltDeleteVolumeContext} asking for the old context.
   *
   * @return SUCCESS with the detached context (its former link reference is now the caller's),
   *     NOT_FOUND, or DELETING_OBJECT
   */
  public SetResult deleteVolumeContext(FltFilter filter) {
    return SetResult.of(deleteVolumeContext(filter, true));
  }

  @Override
  public String toString() {
    return id + "(" + deviceName + ")";
  }
}
