package io.fsctx.nt;

import org.jspecify.annotations.Nullable;

/**
 * {@code POOL_TYPE}: the pools a driver allocates from ({@code ExAllocatePoolWithTag}, {@code
 * FltAllocateContext}; fltmgr.md 1.2).
 *
 * <p>Thread safety: immutable.
 */
public enum PoolType {
  /** {@code NonPagedPool} (0). */
  NON_PAGED_POOL(0),
  /** {@code PagedPool} (1). */
  PAGED_POOL(1),
  /** {@code NonPagedPoolNx} (512). */
  NON_PAGED_POOL_NX(512);

  private final int code;

  PoolType(int code) {
    this.code = code;
  }

  /** The {@code POOL_TYPE} value. */
  public int code() {
    return code;
  }

  /** Whether the pool is nonpaged (either kind). */
  public boolean isNonPaged() {
    return this != PAGED_POOL;
  }

  /** The pool type with this value, or null. */
  public static @Nullable PoolType of(int code) {
    for (PoolType p : values()) {
      if (p.code == code) {
        return p;
      }
    }
    return null;
  }
}
