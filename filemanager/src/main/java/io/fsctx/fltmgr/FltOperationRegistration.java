package io.fsctx.fltmgr;

import org.jspecify.annotations.Nullable;

/**
 * {@code FLT_OPERATION_REGISTRATION}: the callbacks for one major function.
 *
 * <p>Thread safety: immutable.
 *
 * @param majorFunction the {@code IRP_MJ_*} code (as an unsigned byte value)
 * @param flags {@code FLTFL_OPERATION_REGISTRATION_*}
 * @param preOperation may be null
 * @param postOperation may be null
 */
public record FltOperationRegistration(
    int majorFunction,
    int flags,
    @Nullable PreOperationCallback preOperation,
    @Nullable PostOperationCallback postOperation) {

  /** {@code FLTFL_OPERATION_REGISTRATION_SKIP_PAGING_IO}: no callbacks for paging I/O. */
  public static final int FLTFL_OPERATION_REGISTRATION_SKIP_PAGING_IO = 0x00000001;
  /** {@code FLTFL_OPERATION_REGISTRATION_SKIP_CACHED_IO}. */
  public static final int FLTFL_OPERATION_REGISTRATION_SKIP_CACHED_IO = 0x00000002;
  /** {@code FLTFL_OPERATION_REGISTRATION_SKIP_NON_DASD_IO}. */
  public static final int FLTFL_OPERATION_REGISTRATION_SKIP_NON_DASD_IO = 0x00000004;
  /** {@code FLTFL_OPERATION_REGISTRATION_SKIP_NON_CACHED_NON_PAGING_IO}. */
  public static final int FLTFL_OPERATION_REGISTRATION_SKIP_NON_CACHED_NON_PAGING_IO = 0x00000008;
}
