package io.fsctx.io;

import static com.google.common.base.Preconditions.checkNotNull;

import io.fsctx.tm.KTransaction;
import org.jspecify.annotations.Nullable;

/**
 * {@code IO_DRIVER_CREATE_CONTEXT}: what a kernel-mode caller adds to a create ({@code
 * IoCreateFileEx}): the device the request starts at ({@code DeviceObjectHint}; the devices above
 * it never see the file object), the transaction the file is opened in ({@code TxnParameters}),
 * and the extra create parameters ({@code ExtraCreateParameter}).
 *
 * <p>Thread safety: immutable.
 *
 * @param deviceObjectHint a device of the volume's stack, or null for the top
 * @param txnParameters the transaction, or null for a non-transacted open; the file object takes
 *     its own reference on it
 * @param extraCreateParameters the ECP list
 */
public record IoDriverCreateContext(
    @Nullable DeviceObject deviceObjectHint, @Nullable KTransaction txnParameters, ExtraCreateParameters extraCreateParameters) {

  /** Nothing added: the top of the stack, no transaction, no ECPs. */
  public static final IoDriverCreateContext NONE = new IoDriverCreateContext(null, null, ExtraCreateParameters.NONE);

  /** Checks the ECP list. */
  public IoDriverCreateContext {
    checkNotNull(extraCreateParameters, "extraCreateParameters");
  }

  /** A context that only opens in a transaction. */
  public static IoDriverCreateContext transacted(KTransaction transaction) {
    return NONE.withTransaction(transaction);
  }

  /** A copy with another transaction. */
  public IoDriverCreateContext withTransaction(@Nullable KTransaction transaction) {
    return new IoDriverCreateContext(deviceObjectHint, transaction, extraCreateParameters);
  }

  /** A copy with another device hint. */
  public IoDriverCreateContext withDeviceObjectHint(@Nullable DeviceObject device) {
    return new IoDriverCreateContext(device, txnParameters, extraCreateParameters);
  }

  /** A copy with another ECP list. */
  public IoDriverCreateContext withExtraCreateParameters(ExtraCreateParameters ecps) {
    return new IoDriverCreateContext(deviceObjectHint, txnParameters, ecps);
  }
}
