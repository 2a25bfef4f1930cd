package io.fsctx.examples.change;

import io.fsctx.fltmgr.FltContext;
import io.fsctx.fltmgr.FltContextRegistration;
import io.fsctx.io.FileId128;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code CG_FILE_CONTEXT}: the file's ID, whether it was written outside a transaction ({@code
 * Dirty}) and inside its current one ({@code TxDirty}), the transaction context it is listed in
 * ({@code TxContext}, exchanged atomically as the sample's {@code InterlockedExchangePointer}
 * does). The list entry ({@code ListInTransaction}) is the transaction context's list holding this
 * context.
 *
 * <p>Thread safety: {@code TxContext} is atomic; the dirty flags are plain booleans as in the
 * sample (a race between writers only sets them).
 */
public final class CgFileContext {
  /** {@code CG_FILE_CONTEXT_SIZE} on x64: a 16-byte file reference, two BOOLEANs, a pointer, a LIST_ENTRY. */
  public static final int SIZE = 48;
  /** {@code CG_FILE_CONTEXT_TAG} ({@code 'cFcG'}). */
  public static final int TAG = FltContextRegistration.tag("GcFc");

  /** {@code FileID}: 64-bit IDs in the low half, the upper half zero. */
  volatile FileId128 fileId = new FileId128(0, 0);
  /** {@code Dirty}. */
  volatile boolean dirty;
  /** {@code TxDirty}. */
  volatile boolean txDirty;
  /** {@code TxContext}: the transaction context this file context is listed in, referenced. */
  final AtomicReference<FltContext> txContext = new AtomicReference<>();

  CgFileContext(int size) {
    if (size != SIZE) {
      throw new IllegalArgumentException("CG_FILE_CONTEXT is " + SIZE + " bytes, asked for " + size);
    }
  }

  /** {@code FileID}. */
  public FileId128 fileId() {
    return fileId;
  }

  /** {@code Dirty}: written outside a transaction, or in one that committed. */
  public boolean dirty() {
    return dirty;
  }

  /** {@code TxDirty}: written in the current transaction. */
  public boolean txDirty() {
    return txDirty;
  }

  /** {@code TxContext}, or null. */
  public FltContext txContext() {
    return txContext.get();
  }
}
