package io.fsctx.io;

import static com.google.common.base.Preconditions.checkArgument;

import io.fsctx.fsrtl.CommonFcbHeader;
import io.fsctx.fsrtl.PerFileObjectContext;
import io.fsctx.nt.FirstFailure;
import io.fsctx.nt.IdSource;
import io.fsctx.nt.KeThread;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Pool;
import io.fsctx.tm.KTransaction;
import io.fsctx.tm.TransactionManager;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/**
 * The I/O manager and object manager of the model: mounts volumes, builds file objects and IRPs,
 * sends them in at the top of a volume's {@link DeviceStack}, keeps each file object's handle and
 * pointer counts, sends {@code IRP_MJ_CLEANUP} when the handle is closed and {@code IRP_MJ_CLOSE}
 * when the last reference goes, then deletes the file object. It publishes {@link IoEvent}s.
 *
 * <p>No global state: create as many managers as you like; each owns its {@link IdSource}, so
 * identities ({@code FileObject#3}, {@code Scb#2}) are deterministic per manager, and its {@link
 * Pool}, from which the file systems of its volumes allocate their structures.
 *
 * <p>While a request travels down a stack the sending thread is marked as serving it ({@link
 * KeThread#currentRequest()}), so verifiers can say in which request a structure was set up,
 * torn down or freed. The manager also keeps each header's count of file objects pointing at it
 * ({@link io.fsctx.fsrtl.HeaderAudit#openFileObjects()}): up at a successful create or a stream
 * file object, down when the file object is deleted after its close.
 *
 * <p>Every request is synchronous: a helper returns when the request has completed, and its
 * {@link IoStatus} is the final one.
 *
 * <p>Thread safety: safe for concurrent use from any number of threads. The manager has no lock
 * of its own that is held while a request is dispatched or an event delivered: the volume table
 * is a concurrent map, the listener list copy-on-write, and file-object counts atomic. Lock order
 * across the model: a filter device's locks, then the file system's volume lock ({@link
 * FileSystemDriver}), then FsRtl's header and list locks; events and FsRtl free callbacks run
 * with none of them held.
 */
public final class IoManager {
  private final IdSource ids = new IdSource();
  // Counters kept in fields: one per request and per file object, no look-up by kind.
  private final IdSource.Counter fileObjectIds = ids.counter("FileObject");
  private final IdSource.Counter irpIds = ids.counter("Irp");
  private final Pool pool = new Pool(ids);
  private final CopyOnWriteArrayList<IoEventListener> listeners = new CopyOnWriteArrayList<>();
  private final Map<String, Volume> volumes = new ConcurrentHashMap<>();
  private final TransactionManager transactions = new TransactionManager(ids);

  /** Creates a manager with no volumes and no listeners. */
  public IoManager() {}

  /** The identity source of this manager (file systems and filters may draw ids from it too). */
  public IdSource ids() {
    return ids;
  }

  /** The pool the file systems of this manager's volumes allocate from ({@link Volume#pool()}). */
  public Pool pool() {
    return pool;
  }

  /**
   * The kernel transaction manager: workloads create transactions here ({@code
   * CreateTransaction}) and open files in them with {@link #createFileEx}.
   */
  public TransactionManager transactionManager() {
    return transactions;
  }

  // ---- Events -------------------------------------------------------------------------------

  /**
   * Registers a listener; it receives every later event.
   *
   * @param listener the listener; the manager keeps a reference until it is removed
   */
  public void addListener(IoEventListener listener) {
    listeners.add(listener);
  }

  /**
   * Unregisters a listener.
   *
   * @param listener a registered listener
   * @return whether it was registered
   */
  public boolean removeListener(IoEventListener listener) {
    return listeners.remove(listener);
  }

  /**
   * Delivers an event to every listener, synchronously on this thread. A listener that throws
   * does not stop delivery to the others; the first failure is rethrown afterwards. File systems
   * call this with none of their locks held.
   *
   * @param event the event
   */
  void publish(IoEvent event) {
    // A loop rather than FirstFailure.forEach with a lambda: this runs several times per request.
    RuntimeException first = null;
    for (IoEventListener l : listeners) {
      try {
        l.onEvent(event);
      } catch (RuntimeException e) {
        first = FirstFailure.keep(first, e);
      }
    }
    if (first != null) {
      throw first;
    }
  }


  // ---- Volumes ------------------------------------------------------------------------------

  /**
   * Mounts a file system on a new volume ({@code IRP_MN_MOUNT_VOLUME} succeeding): builds the
   * volume, its device stack with the file system's volume device at the bottom (its dispatch
   * routine is {@link FileSystemDriver#dispatch}), lets the file system build its VCB ({@link
   * FileSystemDriver#mount}), and publishes {@link IoEvent.VolumeMounted}.
   *
   * @param ntDeviceName such as {@code \Device\HarddiskVolume1}; unique within this manager
   * @param driveLetter a letter A–Z (either case), or null
   * @param fileSystem a file system instance not mounted anywhere; the volume owns it afterwards
   * @return the volume
   * @throws IllegalArgumentException for a duplicate device name or drive letter, or a bad letter
   * @throws RuntimeException whatever the file system's {@link FileSystemDriver#mount} throws
   *     (the volume is then not mounted)
   */
  public Volume mount(String ntDeviceName, @Nullable Character driveLetter, FileSystemDriver fileSystem) {
    return mount(ntDeviceName, driveLetter, fileSystem, StorageDevice.disk(ntDeviceName));
  }

  /**
   * {@link #mount(String, Character, FileSystemDriver)} on described storage: its sector size,
   * writability and volume GUID, which the file system and Filter Manager's volume queries report.
   *
   * @param ntDeviceName such as {@code \Device\HarddiskVolume1}; unique within this manager
   * @param driveLetter a letter A–Z (either case), or null
   * @param fileSystem a file system instance not mounted anywhere; the volume owns it afterwards
   * @param storage the storage the volume lives on
   * @return the volume
   * @throws IllegalArgumentException for a duplicate device name or drive letter, or a bad letter
   */
  public Volume mount(
      String ntDeviceName, @Nullable Character driveLetter, FileSystemDriver fileSystem, StorageDevice storage) {
    Character letter = null;
    if (driveLetter != null) {
      char c = Character.toUpperCase(driveLetter);
      checkArgument(c >= 'A' && c <= 'Z', "driveLetter must be A-Z, got '%s'", driveLetter);
      letter = c;
      checkArgument(volumeByDriveLetter(c) == null, "drive letter %s: is already in use", c);
    }
    String key = ntDeviceName.toUpperCase(Locale.ROOT);
    DeviceObject device =
        new DeviceObject(ids.next("Device")) {
          @Override
          public NtStatus dispatch(Irp irp) {
            return fileSystem.dispatch(irp);
          }
        };
    Volume v = new Volume(ids.next("Volume"), this, ntDeviceName, letter, fileSystem, device, storage);
    if (volumes.putIfAbsent(key, v) != null) {
      throw new IllegalArgumentException("a volume named " + ntDeviceName + " is already mounted");
    }
    Object previous = KeThread.enterRequest(new VolumeRequest("mount", v));
    try {
      fileSystem.mount(v);
    } catch (RuntimeException e) {
      volumes.remove(key, v);
      throw e;
    } finally {
      KeThread.exitRequest(previous);
    }
    publish(new IoEvent.VolumeMounted(v));
    return v;
  }

  /**
   * Dismounts a volume ({@code FSCTL_DISMOUNT_VOLUME}): {@link FileSystemDriver#dismount} frees
   * every structure no file object references any more and fails later requests other than
   * cleanup and close with {@code STATUS_VOLUME_DISMOUNTED}; then {@link IoEvent.VolumeDismounted}
   * is published. Structures still referenced by open file objects are freed when those are
   * closed.
   *
   * @param volume a volume of this manager
   * @throws IllegalStateException when it was already dismounted
   */
  public void dismount(Volume volume) {
    requireOwn(volume);
    if (!volumes.remove(volume.ntDeviceName().toUpperCase(Locale.ROOT), volume)) {
      throw new IllegalStateException(volume + " is already dismounted");
    }
    volume.markDismounted();
    Object previous = KeThread.enterRequest(new VolumeRequest("dismount", volume));
    try {
      volume.fileSystem().dismount();
    } finally {
      KeThread.exitRequest(previous);
    }
    publish(new IoEvent.VolumeDismounted(volume));
  }

  /** The mounted volumes (a snapshot, in no particular order). */
  public List<Volume> volumes() {
    return List.copyOf(volumes.values());
  }

  /**
   * The mounted volume with a drive letter.
   *
   * @param letter either case
   * @return the volume or null
   */
  public @Nullable Volume volumeByDriveLetter(char letter) {
    char c = Character.toUpperCase(letter);
    for (Volume v : volumes.values()) {
      Character l = v.driveLetter();
      if (l != null && l == c) {
        return v;
      }
    }
    return null;
  }

  // ---- Create and the handle/reference lifecycle ----------------------------------------------

  /**
   * {@code IoCreateFile}: builds an unopened file object (null {@code FsContext}) named {@code
   * path}, sends {@code IRP_MJ_CREATE} in at the top of the volume's stack, and on success returns
   * the opened file object with {@code FO_HANDLE_CREATED} set, one handle and one reference, after
   * publishing {@link IoEvent.FileObjectCreated}. {@code STATUS_REPARSE} and failures open nothing
   * (the unopened file object is dropped without {@code IRP_MJ_CLOSE}; if a filter left
   * per-file-object contexts on it, a {@link IoEvent.FileObjectDeleted} reports the leak).
   *
   * @param volume the target volume
   * @param path the path on the volume ({@code \dir\file}, {@code \file:stream}); empty opens the
   *     volume itself
   * @param parameters access, disposition, options, {@code SL_*} flags
   * @return the status and, on success, the file object (the caller owns its handle)
   */
  public CreateResult createFile(Volume volume, String path, CreateParameters parameters) {
    return createFile(volume, path, parameters, null);
  }

  /**
   * {@code IoCreateFileSpecifyDeviceObjectHint}: {@link #createFile(Volume, String,
   * CreateParameters)} sent to {@code deviceHint} instead of the top of the stack. Every later
   * request on the opened file object (cleanup and close included) starts there too, so the
   * devices above the hint never see the file object.
   *
   * @param volume the target volume
   * @param path the path on the volume
   * @param parameters the create parameters
   * @param deviceHint a device of the volume's stack, or null for the top
   * @return the status and, on success, the file object (the caller owns its handle)
   * @throws IllegalArgumentException when {@code deviceHint} is not on the volume's stack
   */
  public CreateResult createFile(
      Volume volume, String path, CreateParameters parameters, @Nullable DeviceObject deviceHint) {
    return createFileEx(volume, path, parameters, IoDriverCreateContext.NONE.withDeviceObjectHint(deviceHint));
  }

  /**
   * {@code IoCreateFileEx} with a driver create context: {@link #createFile(Volume, String,
   * CreateParameters, DeviceObject)} that may also open the file in a transaction ({@code
   * TxnParameters}: the file object then carries it, with a reference of its own, for every later
   * request) and carry extra create parameters on the {@code IRP_MJ_CREATE}.
   *
   * @param volume the target volume
   * @param path the path on the volume, or with {@code FILE_OPEN_BY_FILE_ID} the binary ID ({@link
   *     FileIdName})
   * @param parameters the create parameters
   * @param context the device hint, transaction and ECPs
   * @return the status and, on success, the file object (the caller owns its handle)
   * @throws IllegalArgumentException when the device hint is not on the volume's stack
   */
  public CreateResult createFileEx(
      Volume volume, String path, CreateParameters parameters, IoDriverCreateContext context) {
    requireOwn(volume);
    DeviceObject deviceHint = context.deviceObjectHint();
    checkArgument(deviceHint == null || volume.deviceStack().devices().contains(deviceHint),
        "%s is not on the device stack of %s", deviceHint, volume);
    FileObject fo = new FileObject(fileObjectIds.nextNumber(), path);
    fo.setVolume(volume);
    fo.setDeviceHint(deviceHint);
    if (parameters.hasOption(IoConstants.FILE_NO_INTERMEDIATE_BUFFERING)) {
      fo.setFlags(FileObject.FO_NO_INTERMEDIATE_BUFFERING);
    }
    // ReadAccess, WriteAccess and DeleteAccess, as the file system's IoSetShareAccess sets them
    // during the create: post-create callbacks see them.
    int access = parameters.desiredAccess();
    fo.setAccess(IoConstants.readsData(access), IoConstants.writesData(access), IoConstants.deletes(access));
    KTransaction tx = context.txnParameters();
    if (tx != null) {
      tx.reference(); // the file object's own reference, dropped when it is deleted
      fo.setTransaction(tx);
    }
    Irp irp = newIrp(IrpMajorFunction.CREATE, 0, fo,
        new IrpParameters.Create(parameters, path, context.extraCreateParameters()), 0);
    // The object manager's reference during the open: a filter may take its own in post-create
    // (a data-scan section does, issue 13); on success it becomes the handle's reference.
    fo.setCounts(0, 1);
    publish(new IoEvent.CreateStarted(volume, fo));
    IoStatus st = send(volume, irp);
    CommonFcbHeader header = fo.fsContext();
    boolean opened = st.isSuccess()
        && !st.status().equals(NtStatus.STATUS_REPARSE)
        && header != null
        && !fo.hasFlags(FileObject.FO_FILE_OPEN_CANCELLED);
    if (!opened) {
      // A cancelled open was closed below the filter that cancelled it; any other failure never
      // opened anything. Either way the object goes without IRP_MJ_CLOSE from here.
      fo.setCounts(0, 0);
      List<PerFileObjectContext> leaked = fo.leakPerFileObjectContextsAtDelete();
      delete(fo);
      publish(new IoEvent.FileObjectDeleted(volume, fo, leaked));
      return new CreateResult(st, null);
    }
    Object previous = KeThread.enterRequest(irp);
    try {
      header.audit().fileObjectOpened();
    } finally {
      KeThread.exitRequest(previous);
    }
    fo.setHandleCount(1); // the pointer count is the open's reference, plus any a filter took
    fo.setFlags(FileObject.FO_HANDLE_CREATED);
    publish(new IoEvent.FileObjectCreated(volume, fo, false, parameters));
    return new CreateResult(st, fo);
  }

  /**
   * {@code IoCreateStreamFileObject}, used by file systems: a file object for one of their own
   * streams, with {@code FO_STREAM_FILE}, {@code FsContext} = {@code header}, {@code FsContext2}
   * null, no handle and one reference, owned by the caller. It never goes through {@code
   * IRP_MJ_CREATE}, but its last dereference sends {@code IRP_MJ_CLOSE} down the whole stack.
   *
   * @param volume the file system's volume
   * @param header the header of the stream the file object is on ({@code FsContext})
   * @param name the file object's name, usually the stream's path
   * @return the file object; the file system owns its one reference and releases it with {@link
   *     #dereferenceObject}
   */
  public FileObject createStreamFileObject(Volume volume, CommonFcbHeader header, String name) {
    requireOwn(volume);
    FileObject fo = new FileObject(fileObjectIds.nextNumber(), name);
    fo.setVolume(volume);
    fo.setFsContext(header);
    fo.setFlags(FileObject.FO_STREAM_FILE);
    fo.setCounts(0, 1);
    header.audit().fileObjectOpened();
    publish(new IoEvent.FileObjectCreated(volume, fo, true, null));
    return fo;
  }

  /**
   * {@code ObReferenceObject}: adds a reference, which keeps the file object (and so the file
   * system's structures) alive after its handle is closed.
   *
   * @param fileObject a live file object of this manager
   * @throws IllegalStateException when it has no references left (no resurrection from zero)
   */
  public void referenceObject(FileObject fileObject) {
    requireOwn(fileObject);
    int n = fileObject.addPointerUnlessZero(1);
    if (n == 0) {
      throw new IllegalStateException("ObReferenceObject on " + fileObject + ", which has no references left");
    }
  }

  /**
   * {@code ObDereferenceObject}: drops a reference. The last one sends {@code IRP_MJ_CLOSE} in at
   * the top of the volume's stack, publishes {@link IoEvent.Close}, then deletes the file object:
   * its per-file-object context list is freed and whatever was still on it is reported as leaked
   * in {@link IoEvent.FileObjectDeleted}.
   *
   * @param fileObject a file object the caller holds a reference to; the reference is gone after
   * @throws IllegalStateException when it has no references (a double release)
   */
  public void dereferenceObject(FileObject fileObject) {
    requireOwn(fileObject);
    int before = fileObject.addPointerUnlessZero(-1);
    if (before == 0) {
      throw new IllegalStateException("ObDereferenceObject on " + fileObject + ", which has no references left");
    }
    if (before > 1) {
      return;
    }
    Volume volume = volumeOf(fileObject);
    // The file object stops counting as open on its header when its close starts: the file
    // system may tear the stream down and free it inside this very IRP_MJ_CLOSE.
    CommonFcbHeader header = fileObject.fsContext();
    if (header != null) {
      header.audit().fileObjectClosed();
    }
    Irp irp = newIrp(IrpMajorFunction.CLOSE, 0, fileObject, IrpParameters.NONE, 0);
    IoStatus st = send(volume, irp);
    publish(new IoEvent.Close(volume, fileObject, st.status()));
    List<PerFileObjectContext> leaked = fileObject.leakPerFileObjectContextsAtDelete();
    delete(fileObject);
    publish(new IoEvent.FileObjectDeleted(volume, fileObject, leaked));
  }

  /**
   * {@code ZwClose} on the file object's only handle: sends {@code IRP_MJ_CLEANUP}, sets {@code
   * FO_CLEANUP_COMPLETE}, publishes {@link IoEvent.Cleanup}, then drops the handle's reference
   * (which sends {@code IRP_MJ_CLOSE} if nothing else references the object).
   *
   * @param fileObject an opened file object whose handle the caller owns
   * @return the cleanup's status
   * @throws IllegalStateException when it has no open handle
   */
  public IoStatus closeHandle(FileObject fileObject) {
    requireOwn(fileObject);
    int before = fileObject.addHandleUnlessZero(-1);
    if (before == 0) {
      throw new IllegalStateException(fileObject + " has no open handle to close");
    }
    Volume volume = volumeOf(fileObject);
    Irp irp = newIrp(IrpMajorFunction.CLEANUP, 0, fileObject, IrpParameters.NONE, 0);
    IoStatus st = send(volume, irp);
    fileObject.setFlags(FileObject.FO_CLEANUP_COMPLETE);
    publish(new IoEvent.Cleanup(volume, fileObject, st.status()));
    dereferenceObject(fileObject);
    return st;
  }

  // ---- Requests on an open file object ----------------------------------------------------------

  /**
   * Sends any request on an opened file object in at the top of its volume's stack. The typed
   * helpers below call this.
   *
   * @param fileObject a live file object the caller holds a reference to
   * @param major the major function (not create, cleanup or close, which have their own routines)
   * @param minor the minor function
   * @param parameters the parameters, matching {@code major}
   * @param irpFlags {@code IRP_*} flags
   * @return the completion
   */
  public IoStatus send(
      FileObject fileObject, IrpMajorFunction major, int minor, IrpParameters parameters, int irpFlags) {
    return request(fileObject, major, minor, parameters, irpFlags).ioStatus();
  }

  /**
   * {@link #send} returning what the file system wrote into the caller's buffer as well.
   *
   * @param fileObject a live file object the caller holds a reference to
   * @param major the major function (not create, cleanup or close)
   * @param minor the minor function
   * @param parameters the parameters, matching {@code major}
   * @param irpFlags {@code IRP_*} flags
   * @return the completion and the output
   */
  public IoResult request(
      FileObject fileObject, IrpMajorFunction major, int minor, IrpParameters parameters, int irpFlags) {
    requireOwn(fileObject);
    checkArgument(
        major != IrpMajorFunction.CREATE && major != IrpMajorFunction.CLEANUP && major != IrpMajorFunction.CLOSE,
        "%s is sent by createFile/closeHandle/dereferenceObject", major);
    if (fileObject.isDeleted() || fileObject.pointerCount() == 0) {
      throw new IllegalStateException(major + " on " + fileObject + ", which has been deleted");
    }
    Volume volume = volumeOf(fileObject);
    Irp irp = newIrp(major, minor, fileObject, parameters, irpFlags);
    IoStatus st = send(volume, irp);
    return new IoResult(st, irp.output());
  }

  /**
   * {@code IRP_MJ_READ}.
   *
   * @param fileObject an opened file object
   * @param byteOffset where to read
   * @param length how many bytes
   * @return the status and the bytes read
   */
  public IoStatus read(FileObject fileObject, long byteOffset, int length) {
    return send(fileObject, IrpMajorFunction.READ, 0, new IrpParameters.Read(byteOffset, length), noCache(fileObject));
  }

  /**
   * {@code IRP_NOCACHE} for a file object opened with {@code FILE_NO_INTERMEDIATE_BUFFERING}, as
   * {@code NtReadFile} and {@code NtWriteFile} set it.
   */
  private static int noCache(FileObject fileObject) {
    return fileObject.hasFlags(FileObject.FO_NO_INTERMEDIATE_BUFFERING) ? IoConstants.IRP_NOCACHE : 0;
  }

  /**
   * {@code IRP_MJ_WRITE}.
   *
   * @param fileObject an opened file object
   * @param byteOffset where to write
   * @param length how many bytes
   * @return the status and the bytes written
   */
  public IoStatus write(FileObject fileObject, long byteOffset, int length) {
    return send(fileObject, IrpMajorFunction.WRITE, 0, new IrpParameters.Write(byteOffset, length), noCache(fileObject));
  }

  /**
   * {@code IRP_MJ_QUERY_INFORMATION}.
   *
   * @param fileObject an opened file object
   * @param informationClass what to query
   * @return the completion
   */
  public IoStatus queryInformation(FileObject fileObject, FileInformationClass informationClass) {
    return send(fileObject, IrpMajorFunction.QUERY_INFORMATION, 0,
        new IrpParameters.QueryInformation(informationClass), 0);
  }

  /**
   * {@code IRP_MJ_QUERY_INFORMATION} ({@code ZwQueryInformationFile}) with the file system's
   * answer.
   *
   * @param fileObject an opened file object
   * @param informationClass what to query
   * @param length the caller's buffer size in bytes
   * @return the completion and, on success, the {@link FileInformation} record
   */
  public IoResult queryInformationFile(FileObject fileObject, FileInformationClass informationClass, int length) {
    return request(fileObject, IrpMajorFunction.QUERY_INFORMATION, 0,
        new IrpParameters.QueryInformation(informationClass, length), 0);
  }

  /**
   * {@code IRP_MJ_QUERY_VOLUME_INFORMATION} ({@code ZwQueryVolumeInformationFile}).
   *
   * @param fileObject an opened file object of the volume
   * @param informationClass what to query
   * @param length the caller's buffer size in bytes
   * @return the completion and, on success, the {@link FsInformation} record
   */
  public IoResult queryVolumeInformation(FileObject fileObject, FsInformationClass informationClass, int length) {
    return request(fileObject, IrpMajorFunction.QUERY_VOLUME_INFORMATION, 0,
        new IrpParameters.QueryVolumeInformation(informationClass, length), 0);
  }

  /**
   * {@code IRP_MJ_FILE_SYSTEM_CONTROL} / {@code IRP_MN_USER_FS_REQUEST} with buffers ({@code
   * ZwFsControlFile}).
   *
   * @param fileObject an opened file object
   * @param fsControlCode the {@code FSCTL_*} code
   * @param inputBuffer the input record, or null
   * @param outputBufferLength the output buffer's size in bytes
   * @return the completion and the output record, if any
   */
  public IoResult fsControl(FileObject fileObject, int fsControlCode, @Nullable Object inputBuffer, int outputBufferLength) {
    return request(fileObject, IrpMajorFunction.FILE_SYSTEM_CONTROL, IoConstants.IRP_MN_USER_FS_REQUEST,
        new IrpParameters.FileSystemControl(fsControlCode, inputBuffer, outputBufferLength), 0);
  }

  /**
   * {@code IRP_MJ_SET_INFORMATION} with the record's default class.
   *
   * @param fileObject an opened file object
   * @param information the buffer
   * @return the completion
   */
  public IoStatus setInformation(FileObject fileObject, FileInformation information) {
    return setInformation(fileObject, information.defaultClass(), information);
  }

  /**
   * {@code IRP_MJ_SET_INFORMATION} with an explicit class (the Ex classes share records).
   *
   * @param fileObject an opened file object
   * @param informationClass the class
   * @param information the buffer
   * @return the completion
   */
  public IoStatus setInformation(
      FileObject fileObject, FileInformationClass informationClass, FileInformation information) {
    return send(fileObject, IrpMajorFunction.SET_INFORMATION, 0,
        new IrpParameters.SetInformation(informationClass, information), 0);
  }

  /**
   * {@code IRP_MJ_DIRECTORY_CONTROL} / {@code IRP_MN_QUERY_DIRECTORY}.
   *
   * @param fileObject an opened directory
   * @param pattern the search pattern
   * @return the completion; {@code Information} is the number of matching entries
   */
  public IoStatus directoryControl(FileObject fileObject, String pattern) {
    return directoryControl(fileObject, pattern, IrpParameters.DirectoryControl.DEFAULT_LENGTH);
  }

  /** {@code sizeof(FILE_BOTH_DIR_INFORMATION)} on x64, the least {@code NtQueryDirectoryFile} takes. */
  public static final int FILE_BOTH_DIR_INFORMATION_SIZE = 0x68;

  /**
   * {@code IRP_MJ_DIRECTORY_CONTROL} / {@code IRP_MN_QUERY_DIRECTORY} with the caller's buffer
   * length ({@code NtQueryDirectoryFile}'s {@code Length}). A buffer shorter than one entry ({@link
   * #FILE_BOTH_DIR_INFORMATION_SIZE}) is refused before any IRP is built, as {@code
   * NtQueryDirectoryFile} does: {@code STATUS_INFO_LENGTH_MISMATCH}.
   *
   * @param fileObject an opened directory
   * @param pattern the search pattern
   * @param length the buffer length in bytes, not negative
   * @return the completion; {@code Information} is the number of matching entries
   */
  public IoStatus directoryControl(FileObject fileObject, String pattern, int length) {
    if (length < FILE_BOTH_DIR_INFORMATION_SIZE) {
      return IoStatus.of(NtStatus.STATUS_INFO_LENGTH_MISMATCH);
    }
    return send(fileObject, IrpMajorFunction.DIRECTORY_CONTROL, IoConstants.IRP_MN_QUERY_DIRECTORY,
        new IrpParameters.DirectoryControl(FileInformationClass.FILE_BOTH_DIRECTORY_INFORMATION, pattern, length), 0);
  }

  /**
   * {@code IRP_MJ_FILE_SYSTEM_CONTROL} / {@code IRP_MN_USER_FS_REQUEST}.
   *
   * @param fileObject an opened file object
   * @param fsControlCode the {@code FSCTL_*} code
   * @return the completion
   */
  public IoStatus fsControl(FileObject fileObject, int fsControlCode) {
    return send(fileObject, IrpMajorFunction.FILE_SYSTEM_CONTROL, IoConstants.IRP_MN_USER_FS_REQUEST,
        new IrpParameters.FileSystemControl(fsControlCode), 0);
  }

  /**
   * {@code IRP_MJ_LOCK_CONTROL}.
   *
   * @param fileObject an opened file object
   * @param minor {@code IRP_MN_LOCK}, {@code IRP_MN_UNLOCK_SINGLE}, …
   * @param byteOffset start of the range
   * @param length length of the range
   * @return the completion
   */
  public IoStatus lockControl(FileObject fileObject, int minor, long byteOffset, long length) {
    return send(fileObject, IrpMajorFunction.LOCK_CONTROL, minor,
        new IrpParameters.LockControl(byteOffset, length, 0, true), 0);
  }

  /**
   * {@code IRP_MJ_FLUSH_BUFFERS}.
   *
   * @param fileObject an opened file object
   * @return the completion
   */
  public IoStatus flushBuffers(FileObject fileObject) {
    return send(fileObject, IrpMajorFunction.FLUSH_BUFFERS, 0, IrpParameters.NONE, 0);
  }

  /**
   * {@code IRP_MJ_QUERY_SECURITY}.
   *
   * @param fileObject an opened file object
   * @param securityInformation {@code SECURITY_INFORMATION} bits
   * @return the completion
   */
  public IoStatus querySecurity(FileObject fileObject, int securityInformation) {
    return send(fileObject, IrpMajorFunction.QUERY_SECURITY, 0, new IrpParameters.Security(securityInformation), 0);
  }

  /**
   * {@code IRP_MJ_SET_SECURITY}.
   *
   * @param fileObject an opened file object
   * @param securityInformation {@code SECURITY_INFORMATION} bits
   * @return the completion
   */
  public IoStatus setSecurity(FileObject fileObject, int securityInformation) {
    return send(fileObject, IrpMajorFunction.SET_SECURITY, 0, new IrpParameters.Security(securityInformation), 0);
  }

  /**
   * {@code IRP_MJ_NETWORK_QUERY_OPEN}: asks for a file's attributes without opening it. The
   * request carries an unopened file object that only holds the name; nothing is opened, no
   * handle or reference results, and no file-object events are published.
   *
   * @param volume the volume
   * @param path the path on the volume
   * @return the completion
   */
  public IoStatus networkQueryOpen(Volume volume, String path) {
    requireOwn(volume);
    FileObject fo = new FileObject(fileObjectIds.nextNumber(), path);
    fo.setVolume(volume);
    Irp irp = newIrp(IrpMajorFunction.NETWORK_QUERY_OPEN, 0, fo,
        new IrpParameters.Create(CreateParameters.open().withDesiredAccess(IoConstants.FILE_READ_ATTRIBUTES), path),
        0);
    IoStatus st = send(volume, irp);
    delete(fo);
    return st;
  }

  // ---- Internals ------------------------------------------------------------------------------

  /** The object manager deletes the file object: it drops its transaction reference. */
  private static void delete(FileObject fo) {
    fo.markDeleted();
    KTransaction tx = fo.transaction();
    if (tx != null) {
      tx.dereference();
    }
  }

  private Irp newIrp(IrpMajorFunction major, int minor, @Nullable FileObject fo, IrpParameters p, int flags) {
    return new Irp(irpIds.nextNumber(), major, minor, fo, p, flags);
  }

  /** Sends in at the file object's device hint, else the top of the stack, marking the thread. */
  private static IoStatus send(Volume volume, Irp irp) {
    FileObject fo = irp.fileObject();
    DeviceObject hint = fo == null ? null : fo.deviceHint();
    Object previous = KeThread.enterRequest(irp);
    NtStatus returned;
    try {
      returned = hint != null ? DeviceObject.callDriver(hint, irp) : volume.deviceStack().send(irp);
    } finally {
      KeThread.exitRequest(previous);
    }
    IoStatus st = irp.ioStatus();
    return st != null ? st : IoStatus.of(returned);
  }

  private static Volume volumeOf(FileObject fo) {
    Volume v = fo.volume();
    if (v == null) {
      throw new IllegalArgumentException(fo + " does not belong to any volume");
    }
    return v;
  }

  private void requireOwn(Volume volume) {
    if (volume.ioManager() != this) {
      throw new IllegalArgumentException(volume + " belongs to another I/O manager");
    }
  }

  private void requireOwn(FileObject fo) {
    requireOwn(volumeOf(fo));
  }
}
