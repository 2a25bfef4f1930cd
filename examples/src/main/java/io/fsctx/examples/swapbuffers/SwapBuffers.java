package io.fsctx.examples.swapbuffers;

import io.fsctx.examples.support.DbgPrint;
import io.fsctx.fltmgr.DriverObject;
import io.fsctx.fltmgr.FilterManager;
import io.fsctx.fltmgr.Flt;
import io.fsctx.fltmgr.FltCallbackData;
import io.fsctx.fltmgr.FltContext;
import io.fsctx.fltmgr.FltContextRegistration;
import io.fsctx.fltmgr.FltContextType;
import io.fsctx.fltmgr.FltFilesystemType;
import io.fsctx.fltmgr.FltFilter;
import io.fsctx.fltmgr.FltOperationRegistration;
import io.fsctx.fltmgr.FltPostopCallbackStatus;
import io.fsctx.fltmgr.FltPreopCallbackStatus;
import io.fsctx.fltmgr.FltRegistration;
import io.fsctx.fltmgr.FltRelatedObjects;
import io.fsctx.fltmgr.FltVolume;
import io.fsctx.fltmgr.FltVolumeProperties;
import io.fsctx.fltmgr.PostOperationCallback;
import io.fsctx.fltmgr.SetContextOperation;
import io.fsctx.fltmgr.UnloadReport;
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
import io.fsctx.nt.UnicodeString;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The swapBuffers sample ({@code filesys/miniFilter/swapBuffers}, {@code swapBuffers.c}) ported to
 * the {@link Flt} facade. It swaps the buffer of every read, write and directory query for one of
 * its own, and shows how a volume context is used around such operations: {@code InstanceSetup}
 * builds one per volume (sector size and a display name) and sets it with {@code
 * FLT_SET_CONTEXT_KEEP_IF_EXISTS}, so a second instance of the filter on the same volume finds
 * {@code STATUS_FLT_CONTEXT_ALREADY_DEFINED}, treats it as success and shares the first one; each
 * pre-operation callback gets the volume context (it cannot safely be got at {@code
 * DISPATCH_LEVEL}, where a post-operation callback may run) and passes it in its {@code
 * PRE_2_POST_CONTEXT}; the post-operation callback releases it (which is safe at {@code
 * DISPATCH_LEVEL}).
 *
 * <h2>The sample's defect, kept</h2>
 * When {@code FltGetVolumeProperties} fails in {@code InstanceSetup}, the sample leaves before it
 * has set {@code Name.Buffer} to NULL and releases the context it allocated. {@code
 * FltAllocateContext} does not zero contexts, so {@code CleanupVolumeContext} tests a {@code
 * Name.Buffer} nobody set, finds it non-NULL and frees it: bug check {@code BAD_POOL_CALLER}
 * (0xC2/0x46) on Windows. The call fails when the properties do not fit in the sample's buffer
 * ({@code sizeof(FLT_VOLUME_PROPERTIES) + 512} bytes): {@code STATUS_BUFFER_OVERFLOW} for a volume
 * whose names take more than 512 bytes. {@link SwapBuffersWorkload} mounts such a volume with
 * {@code --provoke volume-query-failure}.
 *
 * <h2>Where the port differs from the sample ({@code PORT:})</h2>
 * <ol>
 *   <li>Requests in the model carry lengths but no data. The swapped buffer is a pool block of the
 *       (rounded) length from the volume's pool with the sample's tag, so leaks show; the copies
 *       into and out of it, the MDLs ({@code IoAllocateMdl}, {@code MmBuildMdlForNonPagedPool},
 *       {@code MmGetSystemAddressForMdlSafe}) and {@code FltSetCallbackDataDirty} have nothing to
 *       act on and are left out.
 *   <li>Without user buffers, the post-operation callbacks always take the path of a system buffer:
 *       the branch to {@code FltDoCompletionProcessingWhenSafe} and {@code FltLockUserBuffer} (and
 *       the {@code ...WhenSafe} routines) is not reached. Post-operation callbacks run at {@code
 *       PASSIVE_LEVEL} in the model.
 *   <li>The {@code NPAGED_LOOKASIDE_LIST} of {@code PRE_2_POST_CONTEXT}s is the volume's pool with
 *       the list's tag ({@code 'ppBS'}): a lookaside list only caches such blocks.
 *   <li>{@code FltGetDiskDeviceObject} and {@code IoVolumeDeviceToDosName} are modelled here
 *       ({@link #fltGetDiskDeviceObject}, {@link #ioVolumeDeviceToDosName}): the storage device
 *       stands for the disk device object (no reference to drop), and the DOS name is the drive
 *       letter; a volume without one has no DOS name ({@code STATUS_OBJECT_NAME_NOT_FOUND}), so the
 *       sample's fallback to the real device name is reached.
 *   <li>The name buffers ({@code 'mnBS'}, and the one {@code IoVolumeDeviceToDosName} allocates)
 *       are Java strings, not pool blocks.
 *   <li>{@code LoggingFlags} come from the constructor instead of the registry's {@code
 *       DebugFlags}; pointers print as pool block and context IDs.
 *   <li>{@code FLT_ASSERT}s are logged, never breaking into a debugger.
 * </ol>
 *
 * <p>Thread safety: safe for concurrent use once loaded, as the sample is.
 */
public final class SwapBuffers {
  /** {@code LOGFL_ERRORS}. */
  public static final int LOGFL_ERRORS = 0x00000001;
  /** {@code LOGFL_READ}. */
  public static final int LOGFL_READ = 0x00000002;
  /** {@code LOGFL_WRITE}. */
  public static final int LOGFL_WRITE = 0x00000004;
  /** {@code LOGFL_DIRCTRL}. */
  public static final int LOGFL_DIRCTRL = 0x00000008;
  /** {@code LOGFL_VOLCTX}. */
  public static final int LOGFL_VOLCTX = 0x00000010;
  /** Every logging flag. */
  public static final int LOGFL_ALL = LOGFL_ERRORS | LOGFL_READ | LOGFL_WRITE | LOGFL_DIRCTRL | LOGFL_VOLCTX;
  /** {@code MIN_SECTOR_SIZE}. */
  public static final int MIN_SECTOR_SIZE = 0x200;
  /** {@code sizeof(volPropBuffer)}: {@code sizeof(FLT_VOLUME_PROPERTIES) + 512}. */
  public static final int VOL_PROP_BUFFER_SIZE = FltVolumeProperties.SIZEOF_FLT_VOLUME_PROPERTIES + 512;
  /** {@code BUFFER_SWAP_TAG} ({@code 'bdBS'}) as pool tools show it. */
  public static final String BUFFER_SWAP_TAG = "SBdb";
  /** {@code PRE_2_POST_TAG} ({@code 'ppBS'}) as pool tools show it. */
  public static final String PRE_2_POST_TAG = "SBpp";
  /** The service name. */
  public static final String SERVICE_NAME = "SwapBuffers";
  /** The altitude Microsoft allocated to the sample (FSFilter Encryption). */
  public static final String ALTITUDE = "141000";

  private final FilterManager filterManager;
  private final DbgPrint log;
  private volatile @Nullable FltFilter gFilterHandle;
  private volatile @Nullable UnloadReport unloadReport;

  /**
   * Creates the driver, not loaded yet.
   *
   * @param filterManager the Filter Manager to register with
   * @param log the debugger output; its mask is {@code LoggingFlags}
   */
  public SwapBuffers(FilterManager filterManager, DbgPrint log) {
    this.filterManager = filterManager;
    this.log = log;
  }

  /** {@code gFilterHandle}, or null when not loaded. */
  public @Nullable FltFilter filter() {
    return gFilterHandle;
  }

  private FltFilter requireFilter() {
    return Objects.requireNonNull(gFilterHandle, "gFilterHandle is NULL: swapBuffers is not loaded");
  }

  // ---- Registration ------------------------------------------------------------------------

  /** {@code Callbacks[]}. */
  List<FltOperationRegistration> callbacks() {
    return List.of(
        new FltOperationRegistration(IrpMajorFunction.READ.code(), 0, this::swapPreReadBuffers, this::swapPostReadBuffers),
        new FltOperationRegistration(IrpMajorFunction.WRITE.code(), 0, this::swapPreWriteBuffers, this::swapPostWriteBuffers),
        new FltOperationRegistration(IrpMajorFunction.DIRECTORY_CONTROL.code(), 0, this::swapPreDirCtrlBuffers,
            this::swapPostDirCtrlBuffers));
  }

  /**
   * {@code ContextNotifications[]}: the volume context, fixed size (Filter Manager keeps a
   * lookaside list for it).
   */
  List<FltContextRegistration> contextNotifications() {
    return List.of(
        FltContextRegistration.of(FltContextType.VOLUME, 0, this::cleanupVolumeContext, SwapVolumeContext.SIZE,
            SwapVolumeContext.TAG, SwapVolumeContext::new),
        FltContextRegistration.END);
  }

  /** {@code FilterRegistration}: no teardown callbacks. */
  FltRegistration filterRegistration() {
    return FltRegistration.builder()
        .contextRegistration(contextNotifications())
        .operationRegistration(callbacks())
        .filterUnloadCallback(this::filterUnload)
        .instanceSetupCallback(this::instanceSetup)
        .instanceQueryTeardownCallback((o, f) -> NtStatus.STATUS_SUCCESS)
        .build();
  }

  // ---- Load and unload ---------------------------------------------------------------------

  /**
   * {@code DriverEntry}: registers and starts filtering; unregisters when the start fails.
   *
   * @ddi DriverEntry
   * @return the status
   */
  public NtStatus driverEntry() {
    // ExInitializeNPagedLookasideList(&Pre2PostContextList, ...): PORT: the volume's pool.
    Out<FltFilter> f = new Out<>();
    NtStatus status = Flt.registerFilter(filterManager, DriverObject.of(SERVICE_NAME, ALTITUDE), filterRegistration(), f);
    if (!status.isSuccess()) {
      return status;
    }
    FltFilter filter = Objects.requireNonNull(f.get());
    gFilterHandle = filter;
    status = Flt.startFiltering(filter);
    if (!status.isSuccess()) {
      unloadReport = filter.unregister();
      gFilterHandle = null;
    }
    return status;
  }

  /**
   * Unloads as the service control manager would ({@code FilterUnload}).
   *
   * @return what {@code FltUnregisterFilter} reported
   */
  public UnloadReport unload() {
    requireFilter();
    filterUnload(0);
    return Objects.requireNonNull(unloadReport);
  }

  /** {@code FilterUnload}: unregisters (and deletes the lookaside list). */
  NtStatus filterUnload(int flags) {
    FltFilter f = gFilterHandle;
    if (f != null) {
      unloadReport = f.unregister();
    }
    gFilterHandle = null;
    return NtStatus.STATUS_SUCCESS;
  }

  /**
   * {@code InstanceSetup}: attaches to every volume, with a volume context holding the sector
   * size and a display name; a second instance on a volume shares the first one's context.
   *
   * @ddi PFLT_INSTANCE_SETUP_CALLBACK
   */
  NtStatus instanceSetup(FltRelatedObjects fltObjects, int flags, int volumeDeviceType, FltFilesystemType volumeFilesystemType) {
    FltVolume volume = Objects.requireNonNull(fltObjects.volume());
    FltContext ctx = null;
    NtStatus status;
    try {
      // Allocate a volume context structure.
      Out<FltContext> allocated = new Out<>();
      status = Flt.allocateContext(fltObjects.filter(), FltContextType.VOLUME.code(), SwapVolumeContext.SIZE,
          PoolType.NON_PAGED_POOL, allocated);
      if (!status.isSuccess()) {
        return status; // leave
      }
      ctx = Objects.requireNonNull(allocated.get());
      SwapVolumeContext vc = ctx.payload(SwapVolumeContext.class);

      // Always get the volume properties, so I can get a sector size.
      Out<FltVolumeProperties> volProp = new Out<>();
      Out<Integer> retLen = new Out<>();
      status = Flt.getVolumeProperties(volume, volProp, VOL_PROP_BUFFER_SIZE, retLen);
      if (!status.isSuccess()) {
        // The sample's defect: Name.Buffer is still what the pool held when the context is released.
        log.print(LOGFL_ERRORS, "SwapBuffers!InstanceSetup:                  FltGetVolumeProperties failed, status=%08x",
            status.code());
        return status; // leave
      }
      FltVolumeProperties props = Objects.requireNonNull(volProp.get());
      if (props.sectorSize() != 0 && props.sectorSize() < MIN_SECTOR_SIZE) {
        log.print(LOGFL_ERRORS, "SwapBuffers!InstanceSetup: FLT_ASSERT failed: sector size 0x%x", props.sectorSize());
      }
      vc.sectorSize = Math.max(props.sectorSize(), MIN_SECTOR_SIZE);

      // Init the buffer field (which may be allocated later).
      vc.name = new UnicodeString();

      // Get the storage device object we want a name for, then try and get the DOS name.
      Out<StorageDevice> devObj = new Out<>();
      status = fltGetDiskDeviceObject(volume, devObj);
      if (status.isSuccess()) {
        status = ioVolumeDeviceToDosName(volume, vc);
      }

      // If we could not get a DOS name, get the NT name.
      if (!status.isSuccess()) {
        String workingName;
        if (!props.realDeviceName().isEmpty()) {
          workingName = props.realDeviceName();
        } else if (!props.fileSystemDeviceName().isEmpty()) {
          workingName = props.fileSystemDeviceName();
        } else {
          // No name, don't save the context.
          status = NtStatus.STATUS_FLT_DO_NOT_ATTACH;
          return status; // leave
        }
        // The length of the string plus room for a trailing colon (ExAllocatePoolZero, NAME_TAG).
        int size = workingName.length() * 2 + 2;
        vc.name = UnicodeString.allocate(size);
        vc.name.copyFrom(UnicodeString.of(workingName));
        vc.name.append(":");
      }

      status = Flt.setVolumeContext(volume, SetContextOperation.KEEP_IF_EXISTS.code(), ctx, null);

      log.print(LOGFL_VOLCTX, "SwapBuffers!InstanceSetup:                  Real SectSize=0x%04x, Used SectSize=0x%04x, Name=\"%s\"",
          props.sectorSize(), vc.sectorSize, vc.name);

      // It is OK for the context to already be defined.
      if (status.equals(NtStatus.STATUS_FLT_CONTEXT_ALREADY_DEFINED)) {
        status = NtStatus.STATUS_SUCCESS;
      }
      return status;
    } finally {
      // Always release the context. If the set failed, it will free the context. If not, it will
      // remove the reference added by the set. The name buffer is freed by the cleanup routine.
      if (ctx != null) {
        Flt.releaseContext(ctx);
      }
      // ObDereferenceObject(devObj): PORT: no reference was taken on the storage description.
    }
  }

  /**
   * {@code CleanupVolumeContext}: frees the name buffer if there is one.
   *
   * @ddi PFLT_CONTEXT_CLEANUP_CALLBACK
   */
  void cleanupVolumeContext(FltContext context, FltContextType contextType) {
    SwapVolumeContext ctx = context.payload(SwapVolumeContext.class);
    if (contextType != FltContextType.VOLUME) {
      log.print(LOGFL_ERRORS, "SwapBuffers!CleanupVolumeContext: FLT_ASSERT failed: context type %s", contextType);
    }
    if (ctx.name.hasBuffer()) {
      ctx.name.free(); // ExFreePool(ctx->Name.Buffer); ctx->Name.Buffer = NULL;
    }
  }

  /**
   * {@code FltGetDiskDeviceObject}. PORT: the volume's storage description stands for the disk
   * device object.
   *
   * @return success, or {@code STATUS_FLT_NO_DEVICE_OBJECT} for a volume without storage
   */
  static NtStatus fltGetDiskDeviceObject(FltVolume volume, Out<StorageDevice> diskDeviceObject) {
    StorageDevice s = volume.storage();
    if (s == null) {
      return NtStatus.STATUS_FLT_NO_DEVICE_OBJECT;
    }
    diskDeviceObject.set(s);
    return NtStatus.STATUS_SUCCESS;
  }

  /**
   * {@code IoVolumeDeviceToDosName}: allocates the DOS name into {@code ctx.Name}. PORT: the drive
   * letter; a volume without one has no DOS name.
   *
   * @return success, or {@code STATUS_OBJECT_NAME_NOT_FOUND} (the name left alone)
   */
  static NtStatus ioVolumeDeviceToDosName(FltVolume volume, SwapVolumeContext ctx) {
    Volume v = volume.ioVolume();
    Character letter = v == null ? null : v.driveLetter();
    if (letter == null) {
      return NtStatus.STATUS_OBJECT_NAME_NOT_FOUND;
    }
    ctx.name = UnicodeString.of(letter + ":");
    return NtStatus.STATUS_SUCCESS;
  }

  // ---- Operation callbacks -----------------------------------------------------------------

  /**
   * {@code PRE_2_POST_CONTEXT}: the volume context (got in the pre-operation callback, released in
   * the post-operation callback) and the buffer swapped in, so the post can free it.
   *
   * @param volCtx {@code VolCtx}, referenced
   * @param swappedBuffer {@code SwappedBuffer}
   * @param block the lookaside entry this structure lives in
   */
  record Pre2PostContext(FltContext volCtx, PoolBlock swappedBuffer, PoolBlock block) {}

  private static Pool poolOf(FltRelatedObjects fltObjects) {
    Volume v = Objects.requireNonNull(Objects.requireNonNull(fltObjects.volume()).ioVolume());
    return v.pool();
  }

  private static long roundToSize(long length, int alignment) {
    return (length + alignment - 1) / alignment * alignment;
  }

  /** What one of the three pre-operation callbacks swaps. */
  private record Swap(String routine, int logFlag, long length, boolean roundNonCached) {}

  /**
   * The common body of {@code SwapPreReadBuffers}, {@code SwapPreWriteBuffers} and {@code
   * SwapPreDirCtrlBuffers}: get the volume context, allocate the new buffer (rounded to the sector
   * size for non-cached I/O), a {@code PRE_2_POST_CONTEXT}, and ask for the post-operation call; on
   * any failure, undo and let the operation go without a swap.
   */
  private FltPreopCallbackStatus preSwap(
      FltCallbackData data, FltRelatedObjects fltObjects, Out<Object> completionContext, Swap swap) {
    FltPreopCallbackStatus retValue = FltPreopCallbackStatus.SUCCESS_NO_CALLBACK;
    PoolBlock newBuf = null;
    FltContext volCtx = null;
    Pool pool = poolOf(fltObjects);
    try {
      // If they are trying to transfer ZERO bytes, then don't do anything and we don't need a
      // post-operation callback.
      if (swap.length == 0) {
        return retValue;
      }
      // Get our volume context so we can display our volume name in the debug output.
      Out<FltContext> got = new Out<>();
      NtStatus status = Flt.getVolumeContext(fltObjects.filter(), Objects.requireNonNull(fltObjects.volume()), got);
      if (!status.isSuccess()) {
        log.print(LOGFL_ERRORS, "SwapBuffers!%s Error getting volume context, status=%x", swap.routine, status.code());
        return retValue;
      }
      volCtx = Objects.requireNonNull(got.get());
      SwapVolumeContext vc = volCtx.payload(SwapVolumeContext.class);
      long length = swap.length;
      // A non-cached transfer is rounded up to the sector size, as file systems do.
      if (swap.roundNonCached && (data.iopb().irpFlags() & IoConstants.IRP_NOCACHE) != 0) {
        length = roundToSize(length, vc.sectorSize);
      }
      // PORT: FltAllocatePoolAlignedWithTag / ExAllocatePoolZero: a pool block standing for the buffer.
      newBuf = pool.allocate(PoolType.NON_PAGED_POOL, BUFFER_SWAP_TAG, "swapped buffer of " + length + " bytes");
      // PORT: IoAllocateMdl + MmBuildMdlForNonPagedPool, and for writes the copy of the caller's data.
      PoolBlock p2p = pool.allocate(PoolType.NON_PAGED_POOL, PRE_2_POST_TAG, "PRE_2_POST_CONTEXT");
      log.print(swap.logFlag, "SwapBuffers!%s %s newB=%s len=%d", swap.routine, vc.name, newBuf.id(), length);
      // PORT: the parameters' buffer and MDL are swapped and FltSetCallbackDataDirty is called here.
      completionContext.set(new Pre2PostContext(volCtx, newBuf, p2p));
      retValue = FltPreopCallbackStatus.SUCCESS_WITH_CALLBACK;
      return retValue;
    } finally {
      // If we don't want a post-operation callback, then clean up state.
      if (retValue != FltPreopCallbackStatus.SUCCESS_WITH_CALLBACK) {
        if (newBuf != null) {
          pool.free(newBuf);
        }
        if (volCtx != null) {
          Flt.releaseContext(volCtx);
        }
      }
    }
  }

  /**
   * The common body of {@code SwapPostReadBuffers} and {@code SwapPostDirCtrlBuffers}: nothing to
   * copy when the operation failed or moved no data; otherwise the data would be copied back to the
   * caller's buffer; then the buffer is freed and the volume context released.
   */
  private FltPostopCallbackStatus postCopyBack(
      FltCallbackData data, @Nullable Object completionContext, int flags, String routine, int logFlag) {
    Pre2PostContext p2pCtx = (Pre2PostContext) Objects.requireNonNull(completionContext);
    // This system won't drain an operation with swapped buffers.
    if ((flags & PostOperationCallback.FLTFL_POST_OPERATION_DRAINING) != 0) {
      log.print(LOGFL_ERRORS, "SwapBuffers!%s FLT_ASSERT failed: draining an operation with swapped buffers", routine);
    }
    try {
      // If the operation failed or the count is zero, there is no data to copy.
      if (!data.ioStatus().isSuccess() || data.ioInformation() == 0) {
        log.print(logFlag, "SwapBuffers!%s %s newB=%s No data read, status=%x, info=%d", routine, nameOf(p2pCtx),
            p2pCtx.swappedBuffer().id(), data.ioStatus().code(), data.ioInformation());
      }
      // PORT: otherwise RtlCopyMemory(origBuf, p2pCtx->SwappedBuffer, ...) into the system buffer.
    } finally {
      freeSwap(data, p2pCtx, routine, logFlag);
    }
    return FltPostopCallbackStatus.FINISHED_PROCESSING;
  }

  private static String nameOf(Pre2PostContext p2pCtx) {
    return p2pCtx.volCtx().payload(SwapVolumeContext.class).name.toString();
  }

  /** Frees the swapped buffer, releases the volume context and frees the {@code PRE_2_POST_CONTEXT}. */
  private void freeSwap(FltCallbackData data, Pre2PostContext p2pCtx, String routine, int logFlag) {
    log.print(logFlag, "SwapBuffers!%s %s newB=%s info=%d Freeing", routine, nameOf(p2pCtx), p2pCtx.swappedBuffer().id(),
        data.ioInformation());
    Pool pool = p2pCtx.swappedBuffer().pool();
    pool.free(p2pCtx.swappedBuffer()); // FltFreePoolAlignedWithTag / ExFreePool
    Flt.releaseContext(p2pCtx.volCtx());
    pool.free(p2pCtx.block()); // ExFreeToNPagedLookasideList
  }

  /** {@code SwapPreReadBuffers}. */
  FltPreopCallbackStatus swapPreReadBuffers(FltCallbackData data, FltRelatedObjects fltObjects, Out<Object> completionContext) {
    int readLen = data.iopb().parameters(IrpParameters.Read.class).length();
    return preSwap(data, fltObjects, completionContext,
        new Swap("SwapPreReadBuffers:            ", LOGFL_READ, readLen & 0xFFFFFFFFL, true));
  }

  /** {@code SwapPostReadBuffers}. */
  FltPostopCallbackStatus swapPostReadBuffers(
      FltCallbackData data, FltRelatedObjects fltObjects, @Nullable Object completionContext, int flags) {
    return postCopyBack(data, completionContext, flags, "SwapPostReadBuffers:           ", LOGFL_READ);
  }

  /** {@code SwapPreWriteBuffers}. */
  FltPreopCallbackStatus swapPreWriteBuffers(FltCallbackData data, FltRelatedObjects fltObjects, Out<Object> completionContext) {
    int writeLen = data.iopb().parameters(IrpParameters.Write.class).length();
    return preSwap(data, fltObjects, completionContext,
        new Swap("SwapPreWriteBuffers:           ", LOGFL_WRITE, writeLen & 0xFFFFFFFFL, true));
  }

  /** {@code SwapPostWriteBuffers}: frees the buffer and releases the volume context. */
  FltPostopCallbackStatus swapPostWriteBuffers(
      FltCallbackData data, FltRelatedObjects fltObjects, @Nullable Object completionContext, int flags) {
    freeSwap(data, (Pre2PostContext) Objects.requireNonNull(completionContext), "SwapPostWriteBuffers:          ",
        LOGFL_WRITE);
    return FltPostopCallbackStatus.FINISHED_PROCESSING;
  }

  /**
   * {@code SwapPreDirCtrlBuffers}: swaps the buffer of a directory query ({@code
   * QueryDirectory.Length}); other directory-control requests (change notifications) have no such
   * length in the model and go through unswapped.
   */
  FltPreopCallbackStatus swapPreDirCtrlBuffers(FltCallbackData data, FltRelatedObjects fltObjects, Out<Object> completionContext) {
    Object p = data.iopb().parameters();
    long length = p instanceof IrpParameters.DirectoryControl d ? d.length() : 0;
    return preSwap(data, fltObjects, completionContext,
        new Swap("SwapPreDirCtrlBuffers:         ", LOGFL_DIRCTRL, length, false));
  }

  /** {@code SwapPostDirCtrlBuffers}. */
  FltPostopCallbackStatus swapPostDirCtrlBuffers(
      FltCallbackData data, FltRelatedObjects fltObjects, @Nullable Object completionContext, int flags) {
    return postCopyBack(data, completionContext, flags, "SwapPostDirCtrlBuffers:        ", LOGFL_DIRCTRL);
  }
}
