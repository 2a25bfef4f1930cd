package io.fsctx.fsrtl;

/**
 * A lock that can guard an advanced header's {@code FilterContexts} list: a {@link FastMutex}
 * (exclusive only), a {@link PushLock} or an auto-expand push lock (shared or exclusive).
 *
 * <p>Every implementation counts its acquisitions so tests can observe which routine took which
 * lock, and reports whether the current thread holds it so the model can prove that no callback
 * runs under it.
 *
 * <p>Thread safety: safe for concurrent use; not reentrant, like the kernel locks it models.
 */
public interface HeaderLock {
  /** Acquires the lock for reading; a fast mutex acquires exclusively. */
  void acquireShared();

  /** Releases a shared acquisition. */
  void releaseShared();

  /** Acquires the lock exclusively. */
  void acquireExclusive();

  /** Releases an exclusive acquisition. */
  void releaseExclusive();

  /** Whether the calling thread holds the lock, shared or exclusive. */
  boolean isHeldByCurrentThread();

  /**
   * How many times the lock has been acquired, shared or exclusive, since it was created, modulo
   * 2^32 (the count of one lock wraps after about four billion acquisitions).
   */
  long acquisitionCount();
}
