package io.fsctx.nt;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands out stable, readable object identities such as {@code Fcb#3} or {@code Ctx#37}: one
 * counter per kind, starting at 1. Each I/O manager and filter manager owns its own source, so
 * identities are deterministic for a given sequence of operations and never hash codes.
 *
 * <p>Thread safety: safe for concurrent use.
 */
public final class IdSource {
  private final ConcurrentHashMap<String, AtomicLong> counters = new ConcurrentHashMap<>();

  /** Creates a source whose counters all start at 1. */
  public IdSource() {}

  /**
   * Returns the next identity of a kind.
   *
   * @param kind the prefix, such as {@code Ctx}
   * @return {@code kind#n}
   */
  public String next(String kind) {
    return kind + "#" + counters.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
  }

  /**
   * Returns the number the next identity of a kind would carry, for objects that store the number
   * and format {@code kind#n} only when asked (it shares the counter with {@link #next}).
   *
   * @param kind the prefix, such as {@code Ctx}
   * @return n, from 1
   */
  public long nextNumber(String kind) {
    return counters.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
  }
}
