package io.fsctx.io;

import io.fsctx.nt.NtStatus;

/**
 * {@code IO_STATUS_BLOCK}: how a request completed, its status and its {@code Information}
 * (bytes transferred, or {@code FILE_OPENED}/{@code FILE_CREATED}… for a create).
 *
 * <p>Thread safety: immutable.
 *
 * @param status the completion status
 * @param information the request-specific value
 */
public record IoStatus(NtStatus status, long information) {

  /** {@code STATUS_SUCCESS} with no information. */
  public static final IoStatus SUCCESS = new IoStatus(NtStatus.STATUS_SUCCESS, 0);

  /** A status with information 0. */
  public static IoStatus of(NtStatus status) {
    return new IoStatus(status, 0);
  }

  /** {@code NT_SUCCESS(status)}. */
  public boolean isSuccess() {
    return status.isSuccess();
  }
}
