package io.fsctx.examples.minispy;

import io.fsctx.fltmgr.FltContextRegistration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code MINISPY_TRANSACTION_CONTEXT}: {@code Flags} ({@code MINISPY_ENLISTED_IN_TRANSACTION} once
 * the instance enlisted, set with an interlocked OR) and {@code Count}, the transaction's sequence
 * number.
 *
 * <p>Thread safety: {@code Flags} is atomic; {@code Count} is written before the context is set.
 */
public final class MiniSpyTransactionContext {
  /** {@code sizeof(MINISPY_TRANSACTION_CONTEXT)}: two {@code ULONG}s. */
  public static final int SIZE = 8;
  /** The registration's tag ({@code 'ypsM'}). */
  public static final int TAG = FltContextRegistration.tag("Mspy");
  /** {@code MINISPY_ENLISTED_IN_TRANSACTION}. */
  public static final int MINISPY_ENLISTED_IN_TRANSACTION = 0x01;

  /** {@code Flags}. */
  final AtomicInteger flags = new AtomicInteger();
  /** {@code Count}. */
  volatile int count;

  MiniSpyTransactionContext(int size) {
    if (size != SIZE) {
      throw new IllegalArgumentException("MINISPY_TRANSACTION_CONTEXT is " + SIZE + " bytes, asked for " + size);
    }
  }

  /** Whether the instance enlisted in the transaction. */
  public boolean enlisted() {
    return (flags.get() & MINISPY_ENLISTED_IN_TRANSACTION) != 0;
  }

  /** {@code Count}: the transaction's sequence number, from 1. */
  public int count() {
    return count;
  }
}
