package io.fsctx.examples.scanner;

import io.fsctx.examples.support.DbgPrint;
import io.fsctx.fltmgr.DriverObject;
import io.fsctx.fltmgr.FilterManager;
import io.fsctx.fltmgr.Flt;
import io.fsctx.fltmgr.FltCallbackData;
import io.fsctx.fltmgr.FltContext;
import io.fsctx.fltmgr.FltContextRegistration;
import io.fsctx.fltmgr.FltContextType;
import io.fsctx.fltmgr.FltFileNameInformation;
import io.fsctx.fltmgr.FltFilesystemType;
import io.fsctx.fltmgr.FltFilter;
import io.fsctx.fltmgr.FltInstance;
import io.fsctx.fltmgr.FltOperationRegistration;
import io.fsctx.fltmgr.FltPostopCallbackStatus;
import io.fsctx.fltmgr.FltPreopCallbackStatus;
import io.fsctx.fltmgr.FltRegistration;
import io.fsctx.fltmgr.FltRelatedObjects;
import io.fsctx.fltmgr.FltVolume;
import io.fsctx.fltmgr.FltVolumeProperties;
import io.fsctx.fltmgr.SetContextOperation;
import io.fsctx.fltmgr.UnloadReport;
import io.fsctx.io.FileObject;
import io.fsctx.io.FsControlCodes;
import io.fsctx.io.IoConstants;
import io.fsctx.io.IrpMajorFunction;
import io.fsctx.io.IrpParameters;
import io.fsctx.io.StorageDevice;
import io.fsctx.io.Volume;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import io.fsctx.nt.Pool;
import io.fsctx.nt.PoolBlock;
import io.fsctx.nt.PoolType;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The scanner sample's filter ({@code filesys/miniFilter/scanner/filter/scanner.c}) ported to the
 * {@link Flt} facade. After a create succeeds on a file whose extension is in the list, it reads
 * the start of the file ({@code FltReadFile}, non-cached, below its own instance) and asks the
 * user-mode scanner about the bytes; when they are not safe it cancels the open ({@code
 * FltCancelFileOpen}: the file system closes the file below the instance) and fails the create
 * with {@code STATUS_ACCESS_DENIED}. A handle opened for writing gets a stream-handle context with
 * {@code RescanRequired} ({@code FltSetStreamHandleContext} with {@code REPLACE_IF_EXISTS} and no
 * old context, its status ignored), which makes {@code ScannerPreCleanup} scan again, {@code
 * ScannerPreWrite} scan what is written (and block it when foul, unless it is paging I/O) and
 * {@code ScannerPreFileSystemControl} refuse {@code FSCTL_OFFLOAD_WRITE}. Those three act only
 * while a scanner is connected and only on handles with the context. The context type has no
 * cleanup callback. Network volumes are not attached.
 *
 * <h2>Where the port differs from the sample ({@code PORT:})</h2>
 * <ol>
 *   <li>The communication port ({@code FltCreateCommunicationPort}, {@code FltSendMessage}, the
 *       connect and disconnect callbacks, {@code FltCloseClientPort}) is an in-process {@link
 *       ScanUser} the workload {@linkplain #connect connects} and {@linkplain #disconnect
 *       disconnects}; a message is a method call.
 *   <li>The model keeps no file data: a notification carries the file's name and the byte count
 *       instead of {@code Contents} ({@link ScanUser.Notification}); the read buffer and the
 *       notification are pool blocks with the sample's tag ({@code 'nacS'}) so their frees are
 *       checked, but nothing is copied.
 *   <li>The extension list is the one {@code scanner.inf} writes to the registry (doc, txt, bat,
 *       cmd, inf) given to the constructor; {@code ScannerInitializeScannedExtensions} and its
 *       registry reads are not modelled.
 *   <li>{@code ScannerPreCreate} lets the user-mode scanner's own creates through; the model has
 *       no processes, so every create gets the post-create callback.
 *   <li>{@code FltGetVolumeFromInstance} and {@code FltObjectDereference} are the instance's
 *       volume, without a reference.
 *   <li>{@code DbgPrint} goes to the port's {@link DbgPrint}; {@code FLT_ASSERT}s are left out.
 * </ol>
 *
 * <p>Thread safety: safe for concurrent use once loaded, as the sample is.
 */
public final class Scanner {
  /** {@code SCANNER_READ_BUFFER_SIZE}. */
  public static final int SCANNER_READ_BUFFER_SIZE = 1024;
  /** The pool tag of the read buffer and notification ({@code 'nacS'}) as pool tools show it. */
  public static final String SCAN_TAG = "Scan";
  /** {@code ScannerPortName}. */
  public static final String SCANNER_PORT_NAME = "\\ScannerPort";
  /** The extensions {@code scanner.inf} configures. */
  public static final List<String> DEFAULT_EXTENSIONS = List.of("doc", "txt", "bat", "cmd", "inf");
  /** The service name. */
  public static final String SERVICE_NAME = "scanner";
  /** The altitude Microsoft allocated to the sample (FSFilter Content Screener). */
  public static final String ALTITUDE = "265000";

  private final FilterManager filterManager;
  private final DbgPrint log;
  private final List<String> scannedExtensions;
  /** {@code ScannerData.Filter}. */
  private volatile @Nullable FltFilter filter;
  /** {@code ScannerData.ClientPort}: the connected scanner, or null. */
  private volatile @Nullable ScanUser clientPort;
  private volatile @Nullable UnloadReport unloadReport;

  /**
   * Creates the driver, not loaded yet.
   *
   * @param filterManager the Filter Manager to register with
   * @param log the debugger output
   * @param scannedExtensions {@code ScannedExtensions}, without dots
   */
  public Scanner(FilterManager filterManager, DbgPrint log, List<String> scannedExtensions) {
    this.filterManager = filterManager;
    this.log = log;
    this.scannedExtensions = List.copyOf(scannedExtensions);
  }

  /** {@code ScannerData.Filter}, or null when not loaded. */
  public @Nullable FltFilter filter() {
    return filter;
  }

  /** {@code ScannerPortConnect}: the user-mode scanner connects (one connection at most). */
  public void connect(ScanUser scanUser) {
    if (clientPort != null) {
      throw new IllegalStateException("the scanner port allows one connection");
    }
    clientPort = scanUser;
    log.print("!!! scanner.sys --- connected, port=%s", SCANNER_PORT_NAME);
  }

  /** {@code ScannerPortDisconnect}: closes the client port. */
  public void disconnect() {
    log.print("!!! scanner.sys --- disconnected, port=%s", SCANNER_PORT_NAME);
    clientPort = null;
  }

  // ---- Registration ------------------------------------------------------------------------

  /** {@code Callbacks[]}. */
  List<FltOperationRegistration> callbacks() {
    return List.of(
        new FltOperationRegistration(IrpMajorFunction.CREATE.code(), 0, this::scannerPreCreate, this::scannerPostCreate),
        new FltOperationRegistration(IrpMajorFunction.CLEANUP.code(), 0, this::scannerPreCleanup, null),
        new FltOperationRegistration(IrpMajorFunction.WRITE.code(), 0, this::scannerPreWrite, null),
        new FltOperationRegistration(IrpMajorFunction.FILE_SYSTEM_CONTROL.code(), 0, this::scannerPreFileSystemControl, null));
  }

  /** {@code ContextRegistration[]}: the stream-handle context, with no cleanup callback. */
  List<FltContextRegistration> contextRegistration() {
    return List.of(
        FltContextRegistration.of(FltContextType.STREAMHANDLE, 0, null, ScannerStreamHandleContext.SIZE,
            ScannerStreamHandleContext.TAG, ScannerStreamHandleContext::new),
        FltContextRegistration.END);
  }

  /** {@code FilterRegistration}. */
  FltRegistration filterRegistration() {
    return FltRegistration.builder()
        .contextRegistration(contextRegistration())
        .operationRegistration(callbacks())
        .filterUnloadCallback(this::scannerUnload)
        .instanceSetupCallback(this::scannerInstanceSetup)
        .instanceQueryTeardownCallback((o, f) -> NtStatus.STATUS_SUCCESS)
        .build();
  }

  // ---- Load and unload ---------------------------------------------------------------------

  /**
   * {@code DriverEntry}: registers, creates the port (PORT: nothing to create) and starts
   * filtering; unregisters on failure.
   *
   * @ddi DriverEntry
   * @return the status
   */
  public NtStatus driverEntry() {
    Out<FltFilter> f = new Out<>();
    NtStatus status = Flt.registerFilter(filterManager, DriverObject.of(SERVICE_NAME, ALTITUDE), filterRegistration(), f);
    if (!status.isSuccess()) {
      return status;
    }
    FltFilter registered = Objects.requireNonNull(f.get());
    filter = registered;
    status = Flt.startFiltering(registered);
    if (status.isSuccess()) {
      return NtStatus.STATUS_SUCCESS;
    }
    unloadReport = registered.unregister();
    filter = null;
    return status;
  }

  /**
   * Unloads as the service control manager would ({@code ScannerUnload}).
   *
   * @return what {@code FltUnregisterFilter} reported
   */
  public UnloadReport unload() {
    Objects.requireNonNull(filter, "scanner is not loaded");
    scannerUnload(0);
    return Objects.requireNonNull(unloadReport);
  }

  /** {@code ScannerUnload}: frees the extensions, closes the server port, unregisters. */
  NtStatus scannerUnload(int flags) {
    clientPort = null; // FltCloseCommunicationPort disconnects the client
    FltFilter f = filter;
    if (f != null) {
      unloadReport = f.unregister();
    }
    filter = null;
    return NtStatus.STATUS_SUCCESS;
  }

  /**
   * {@code ScannerInstanceSetup}: everything but network volumes.
   *
   * @ddi PFLT_INSTANCE_SETUP_CALLBACK
   */
  NtStatus scannerInstanceSetup(FltRelatedObjects fltObjects, int flags, int volumeDeviceType, FltFilesystemType type) {
    if (volumeDeviceType == StorageDevice.FILE_DEVICE_NETWORK_FILE_SYSTEM) {
      return NtStatus.STATUS_FLT_DO_NOT_ATTACH;
    }
    return NtStatus.STATUS_SUCCESS;
  }

  // ---- Operation callbacks -----------------------------------------------------------------

  /** {@code ScannerPreCreate}: every create gets the post-create callback (PORT: no trusted process). */
  FltPreopCallbackStatus scannerPreCreate(FltCallbackData data, FltRelatedObjects fltObjects, Out<Object> completionContext) {
    return FltPreopCallbackStatus.SUCCESS_WITH_CALLBACK;
  }

  /** {@code ScannerpCheckExtension}: case-insensitive, an empty extension never matches. */
  boolean scannerpCheckExtension(String extension) {
    if (extension.isEmpty()) {
      return false;
    }
    for (String e : scannedExtensions) {
      if (e.equalsIgnoreCase(extension)) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code ScannerPostCreate}: scans files with a listed extension, cancels unsafe opens, and
   * gives handles opened for writing a stream-handle context.
   *
   * @ddi PFLT_POST_OPERATION_CALLBACK
   */
  FltPostopCallbackStatus scannerPostCreate(
      FltCallbackData data, FltRelatedObjects fltObjects, @Nullable Object completionContext, int flags) {
    // If this create was failing anyway, don't bother scanning now.
    if (!data.ioStatus().isSuccess() || data.ioStatus().equals(NtStatus.STATUS_REPARSE)) {
      return FltPostopCallbackStatus.FINISHED_PROCESSING;
    }
    // Check if we are interested in this file.
    Out<FltFileNameInformation> nameInfo = new Out<>();
    NtStatus status = Flt.getFileNameInformation(data,
        FltFileNameInformation.FLT_FILE_NAME_NORMALIZED | FltFileNameInformation.FLT_FILE_NAME_QUERY_DEFAULT, nameInfo);
    if (!status.isSuccess()) {
      return FltPostopCallbackStatus.FINISHED_PROCESSING;
    }
    FltFileNameInformation info = Objects.requireNonNull(nameInfo.get());
    Flt.parseFileNameInformation(info);
    boolean scanFile = scannerpCheckExtension(info.extension());
    Flt.releaseFileNameInformation(info);
    if (!scanFile) {
      return FltPostopCallbackStatus.FINISHED_PROCESSING;
    }

    FltInstance instance = Objects.requireNonNull(fltObjects.instance());
    FileObject fileObject = Objects.requireNonNull(fltObjects.fileObject());
    Out<Boolean> safeToOpen = new Out<>();
    scannerpScanFileInUserMode(instance, fileObject, safeToOpen);

    if (!Boolean.TRUE.equals(safeToOpen.get())) {
      // Ask the filter manager to undo the create.
      log.print("!!! scanner.sys -- foul language detected in postcreate !!!");
      log.print("!!! scanner.sys -- undoing create ");
      Flt.cancelFileOpen(instance, fileObject);
      data.setIoStatus(NtStatus.STATUS_ACCESS_DENIED, 0);
    } else if (fileObject.writeAccess()) {
      // The create has requested write access: mark to rescan the file.
      Out<FltContext> allocated = new Out<>();
      status = Flt.allocateContext(Objects.requireNonNull(filter), FltContextType.STREAMHANDLE.code(),
          ScannerStreamHandleContext.SIZE, PoolType.PAGED_POOL, allocated);
      if (status.isSuccess()) {
        FltContext scannerContext = Objects.requireNonNull(allocated.get());
        scannerContext.payload(ScannerStreamHandleContext.class).rescanRequired = true;
        // The only error would say contexts are not supported; the release frees it then.
        Flt.setStreamHandleContext(instance, fileObject, SetContextOperation.REPLACE_IF_EXISTS.code(), scannerContext, null);
        // Release our reference on the context (the set adds a reference).
        Flt.releaseContext(scannerContext);
      }
    }
    return FltPostopCallbackStatus.FINISHED_PROCESSING;
  }

  /** {@code ScannerPreCleanup}: rescans a file opened for writing. */
  FltPreopCallbackStatus scannerPreCleanup(FltCallbackData data, FltRelatedObjects fltObjects, Out<Object> completionContext) {
    FltInstance instance = Objects.requireNonNull(fltObjects.instance());
    Out<FltContext> context = new Out<>();
    NtStatus status = Flt.getStreamHandleContext(instance, fltObjects.fileObject(), context);
    if (status.isSuccess()) {
      FltContext c = Objects.requireNonNull(context.get());
      if (c.payload(ScannerStreamHandleContext.class).rescanRequired) {
        Out<Boolean> safe = new Out<>();
        scannerpScanFileInUserMode(instance, Objects.requireNonNull(fltObjects.fileObject()), safe);
        if (!Boolean.TRUE.equals(safe.get())) {
          log.print("!!! scanner.sys -- foul language detected in precleanup !!!");
        }
      }
      Flt.releaseContext(c);
    }
    return FltPreopCallbackStatus.SUCCESS_NO_CALLBACK;
  }

  /** {@code ScannerPreWrite}: scans what is written on a handle with the context; blocks foul writes. */
  FltPreopCallbackStatus scannerPreWrite(FltCallbackData data, FltRelatedObjects fltObjects, Out<Object> completionContext) {
    FltPreopCallbackStatus returnStatus = FltPreopCallbackStatus.SUCCESS_NO_CALLBACK;
    ScanUser port = clientPort;
    // If not client port just ignore this write.
    if (port == null) {
      return returnStatus;
    }
    Out<FltContext> context = new Out<>();
    NtStatus status = Flt.getStreamHandleContext(Objects.requireNonNull(fltObjects.instance()), fltObjects.fileObject(), context);
    if (!status.isSuccess()) {
      return returnStatus; // We are not interested in this file.
    }
    PoolBlock notification = null;
    Pool pool = poolOf(fltObjects);
    boolean safe = true;
    try {
      int length = data.iopb().parameters(IrpParameters.Write.class).length();
      if (length != 0) {
        notification = pool.allocate(PoolType.NON_PAGED_POOL, SCAN_TAG, "SCANNER_NOTIFICATION");
        long bytesToScan = Math.min(length & 0xFFFFFFFFL, SCANNER_READ_BUFFER_SIZE);
        // PORT: the user's buffer would be copied into the notification's Contents here.
        safe = port.scan(new ScanUser.Notification(bytesToScan, Objects.requireNonNull(fltObjects.fileObject()).fileName()));
      }
      if (!safe) {
        log.print("!!! scanner.sys -- foul language detected in write !!!");
        if ((data.iopb().irpFlags() & IoConstants.IRP_PAGING_IO) == 0) {
          log.print("!!! scanner.sys -- blocking the write !!!");
          data.setIoStatus(NtStatus.STATUS_ACCESS_DENIED, 0);
          returnStatus = FltPreopCallbackStatus.COMPLETE;
        }
      }
    } finally {
      if (notification != null) {
        pool.free(notification);
      }
      Flt.releaseContext(Objects.requireNonNull(context.get()));
    }
    return returnStatus;
  }

  /** {@code ScannerPreFileSystemControl}: refuses {@code FSCTL_OFFLOAD_WRITE} on a handle with the context. */
  FltPreopCallbackStatus scannerPreFileSystemControl(
      FltCallbackData data, FltRelatedObjects fltObjects, Out<Object> completionContext) {
    FltPreopCallbackStatus returnStatus = FltPreopCallbackStatus.SUCCESS_NO_CALLBACK;
    if (clientPort == null) {
      return returnStatus;
    }
    Out<FltContext> context = new Out<>();
    NtStatus status = Flt.getStreamHandleContext(Objects.requireNonNull(fltObjects.instance()), fltObjects.fileObject(), context);
    if (!status.isSuccess()) {
      return returnStatus;
    }
    try {
      Object p = data.iopb().parameters();
      if (p instanceof IrpParameters.FileSystemControl c && c.fsControlCode() == FsControlCodes.FSCTL_OFFLOAD_WRITE) {
        // Scanner cannot access the data in this offload write request.
        log.print("!!! scanner.sys -- blocking the offload write !!!");
        data.setIoStatus(NtStatus.STATUS_ACCESS_DENIED, 0);
        returnStatus = FltPreopCallbackStatus.COMPLETE;
      }
    } finally {
      Flt.releaseContext(Objects.requireNonNull(context.get()));
    }
    return returnStatus;
  }

  // ---- Local support routines --------------------------------------------------------------

  private static Pool poolOf(FltRelatedObjects fltObjects) {
    Volume v = Objects.requireNonNull(Objects.requireNonNull(fltObjects.volume()).ioVolume());
    return v.pool();
  }

  /**
   * {@code ScannerpScanFileInUserMode}: reads the beginning of the file (non-cached, at least a
   * sector, below this instance) and asks the scanner. Safe when no scanner is connected, when the
   * read fails or returns nothing, and when the message cannot be sent.
   *
   * @return the status of the scan (not of the verdict)
   */
  NtStatus scannerpScanFileInUserMode(FltInstance instance, FileObject fileObject, Out<Boolean> safeToOpen) {
    safeToOpen.set(true);
    ScanUser port = clientPort;
    if (port == null) {
      return NtStatus.STATUS_SUCCESS;
    }
    NtStatus status;
    PoolBlock buffer = null;
    PoolBlock notification = null;
    FltVolume volume = instance.volume(); // FltGetVolumeFromInstance (PORT: no reference)
    Volume ioVolume = Objects.requireNonNull(volume.ioVolume());
    Pool pool = ioVolume.pool();
    try {
      // Determine the sector size; STATUS_BUFFER_OVERFLOW is expected (no room for the names).
      Out<FltVolumeProperties> volumeProps = new Out<>();
      Out<Integer> length = new Out<>();
      status = Flt.getVolumeProperties(volume, volumeProps, FltVolumeProperties.SIZEOF_FLT_VOLUME_PROPERTIES, length);
      if (status.isError()) {
        return status;
      }
      int readLength = Math.max(SCANNER_READ_BUFFER_SIZE, Objects.requireNonNull(volumeProps.get()).sectorSize());
      // Use non-buffered I/O, so allocate aligned pool (FltAllocatePoolAlignedWithTag).
      buffer = pool.allocate(PoolType.NON_PAGED_POOL, SCAN_TAG, "scan buffer of " + readLength + " bytes");
      notification = pool.allocate(PoolType.NON_PAGED_POOL, SCAN_TAG, "SCANNER_NOTIFICATION");
      // Read the beginning of the file and pass the contents to user mode.
      Out<Long> bytesRead = new Out<>();
      bytesRead.set(0L);
      status = Flt.readFile(instance, fileObject, 0L, readLength, null,
          Flt.FLTFL_IO_OPERATION_NON_CACHED | Flt.FLTFL_IO_OPERATION_DO_NOT_UPDATE_BYTE_OFFSET, bytesRead);
      Long got = bytesRead.get();
      long read = got == null ? 0 : got;
      if (status.isSuccess() && read != 0) {
        safeToOpen.set(port.scan(new ScanUser.Notification(read, fileObject.fileName())));
      }
      return status;
    } finally {
      if (buffer != null) {
        pool.free(buffer);
      }
      if (notification != null) {
        pool.free(notification);
      }
    }
  }

  /** The extensions scanned, lower case. */
  public List<String> scannedExtensions() {
    return scannedExtensions.stream().map(e -> e.toLowerCase(Locale.ROOT)).toList();
  }
}
