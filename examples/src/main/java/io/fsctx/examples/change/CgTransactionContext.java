package io.fsctx.examples.change;

import io.fsctx.fltmgr.FltContext;
import io.fsctx.fltmgr.FltContextRegistration;
import io.fsctx.tm.KTransaction;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * {@code CG_TRANSACTION_CONTEXT}: the referenced transaction, whether the filter enlisted, whether
 * the outcome was processed ({@code ListDrained}), and the list of file contexts written in the
 * transaction ({@code ScListHead}, each entry holding a reference on its file context) under the
 * context's mutex.
 *
 * <p>PORT: the {@code FAST_MUTEX} the sample allocates from nonpaged pool ({@code
 * CgAllocateMutex}) is a {@link ReentrantLock} made with the context and dropped by its cleanup.
 *
 * <p>Thread safety: the list and {@code ListDrained} are guarded by {@link #mutex}.
 */
public final class CgTransactionContext {
  /** {@code CG_TRANSACTION_CONTEXT_SIZE} on x64: a pointer, two BOOLEANs, a LIST_ENTRY, a pointer. */
  public static final int SIZE = 40;
  /** {@code CG_TRANSACTION_CONTEXT_TAG} ({@code 'cTcG'}). */
  public static final int TAG = FltContextRegistration.tag("GcTc");

  /** {@code Transaction}: referenced ({@code ObReferenceObject}) until the cleanup. */
  volatile @Nullable KTransaction transaction;
  /** {@code Enlisted}. */
  volatile boolean enlisted;
  /** {@code ListDrained}. */
  boolean listDrained;
  /** {@code ScListHead}. */
  final List<FltContext> scList = new ArrayList<>();
  /** {@code Mutex}. */
  volatile @Nullable ReentrantLock mutex;

  CgTransactionContext(int size) {
    if (size != SIZE) {
      throw new IllegalArgumentException("CG_TRANSACTION_CONTEXT is " + SIZE + " bytes, asked for " + size);
    }
  }

  /** {@code Transaction}, or null after the cleanup. */
  public @Nullable KTransaction transaction() {
    return transaction;
  }

  /** {@code Enlisted}. */
  public boolean enlisted() {
    return enlisted;
  }

  /** How many file contexts the transaction's list holds (a snapshot). */
  public int listed() {
    ReentrantLock m = mutex;
    if (m == null) {
      return scList.size();
    }
    m.lock();
    try {
      return scList.size();
    } finally {
      m.unlock();
    }
  }
}
