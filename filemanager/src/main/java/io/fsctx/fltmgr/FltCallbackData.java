package io.fsctx.fltmgr;

import io.fsctx.io.FileObject;
import io.fsctx.nt.NtStatus;
import org.jspecify.annotations.Nullable;

/**
 * {@code FLT_CALLBACK_DATA}: one I/O operation as a minifilter sees it: the {@code Iopb} (major
 * and minor function, target instance and file object, parameters), the I/O status and flags.
 * The frame creates one per operation and per instance; a pre-operation callback may change the
 * status (when it completes the operation) and a post-operation callback sees the final status.
 *
 * <p>Thread safety: confined to the operation's thread(s); the frame hands it from pre to post.
 */
public final class FltCallbackData {
  /** {@code FLTFL_CALLBACK_DATA_IRP_OPERATION}. */
  public static final int FLTFL_CALLBACK_DATA_IRP_OPERATION = 0x00000001;
  /** {@code FLTFL_CALLBACK_DATA_FAST_IO_OPERATION}. */
  public static final int FLTFL_CALLBACK_DATA_FAST_IO_OPERATION = 0x00000002;
  /** {@code FLTFL_CALLBACK_DATA_FS_FILTER_OPERATION}. */
  public static final int FLTFL_CALLBACK_DATA_FS_FILTER_OPERATION = 0x00000004;
  /** {@code FLTFL_CALLBACK_DATA_DIRTY}: a filter changed the parameters. */
  public static final int FLTFL_CALLBACK_DATA_DIRTY = 0x80000000;

  /** {@code FLT_IO_PARAMETER_BLOCK}. */
  public static final class Iopb {
    private final int majorFunction;
    private final int minorFunction;
    private final int irpFlags;
    private final int operationFlags;
    private volatile @Nullable FltInstance targetInstance;
    private final @Nullable FileObject targetFileObject;
    private final @Nullable Object parameters;

    Iopb(
        int majorFunction,
        int minorFunction,
        int irpFlags,
        int operationFlags,
        @Nullable FileObject targetFileObject,
        @Nullable Object parameters) {
      this.majorFunction = majorFunction;
      this.minorFunction = minorFunction;
      this.irpFlags = irpFlags;
      this.operationFlags = operationFlags;
      this.targetFileObject = targetFileObject;
      this.parameters = parameters;
    }

    /** {@code MajorFunction}. */
    public int majorFunction() {
      return majorFunction;
    }

    /** {@code MinorFunction}. */
    public int minorFunction() {
      return minorFunction;
    }

    /** {@code IrpFlags}. */
    public int irpFlags() {
      return irpFlags;
    }

    /** {@code OperationFlags} ({@code SL_*}). */
    public int operationFlags() {
      return operationFlags;
    }

    /** {@code TargetInstance}: the instance whose callback is running. */
    public @Nullable FltInstance targetInstance() {
      return targetInstance;
    }

    /** {@code TargetFileObject}. */
    public @Nullable FileObject targetFileObject() {
      return targetFileObject;
    }

    /** {@code Parameters}: the major function's parameter record, or null. */
    public @Nullable Object parameters() {
      return parameters;
    }

    /** The parameters as a given record type. */
    public <P> P parameters(Class<P> type) {
      return type.cast(parameters);
    }

    void setTargetInstance(@Nullable FltInstance i) {
      targetInstance = i;
    }
  }

  private final Iopb iopb;
  private final int flags;
  private volatile NtStatus status = NtStatus.STATUS_SUCCESS;
  private volatile long information;
  /** Issue 13: set by the frame once the request has ended; a completion after that is a mistake. */
  private volatile boolean ended;

  /**
   * Creates callback data; the frame does this.
   *
   * @param majorFunction {@code IRP_MJ_*}
   * @param minorFunction {@code IRP_MN_*}
   * @param irpFlags the IRP's flags
   * @param operationFlags {@code SL_*} flags
   * @param fileObject the target file object
   * @param parameters the parameter record
   * @param flags {@code FLTFL_CALLBACK_DATA_*}
   */
  public FltCallbackData(
      int majorFunction,
      int minorFunction,
      int irpFlags,
      int operationFlags,
      @Nullable FileObject fileObject,
      @Nullable Object parameters,
      int flags) {
    this.iopb = new Iopb(majorFunction, minorFunction, irpFlags, operationFlags, fileObject, parameters);
    this.flags = flags;
  }

  /** {@code Iopb}. */
  public Iopb iopb() {
    return iopb;
  }

  /** {@code Flags}. */
  public int flags() {
    return flags;
  }

  /** {@code IoStatus.Status}. */
  public NtStatus ioStatus() {
    return status;
  }

  /** {@code IoStatus.Information}. */
  public long ioInformation() {
    return information;
  }

  /** Sets {@code IoStatus}; a pre-operation callback that returns COMPLETE does this. */
  public void setIoStatus(NtStatus status, long information) {
    this.status = status;
    this.information = information;
  }

  /** Marks the request ended (the frame, once its last callback returned). */
  void markEnded() {
    ended = true;
  }

  /** Whether the request has ended. */
  boolean hasEnded() {
    return ended;
  }
}
