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
}
