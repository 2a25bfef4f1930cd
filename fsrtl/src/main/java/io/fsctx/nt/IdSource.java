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

  /**
   * The counter of one kind, for an owner that hands out many identities of it (file objects,
   * IRPs, pool blocks) and keeps the counter in a field instead of looking the kind up per
   * identity. It shares its numbers with {@link #next} and {@link #nextNumber} for the same kind.
   *
   * @param kind the prefix, such as {@code Irp}
   * @return the kind's counter; safe for concurrent use
   */
  public Counter counter(String kind) {
    return new Counter(kind, counters.computeIfAbsent(kind, k -> new AtomicLong()));
  }

  /**
   * One kind's counter (see {@link IdSource#counter}).
   *
   * <p>Thread safety: safe for concurrent use.
   */
  public static final class Counter {
    private final String kind;
    private final AtomicLong value;

    private Counter(String kind, AtomicLong value) {
      this.kind = kind;
      this.value = value;
    }

    /** As {@link IdSource#nextNumber}, for this counter's kind. */
    public long nextNumber() {
      return value.incrementAndGet();
    }

    /** As {@link IdSource#next}, for this counter's kind. */
    public String next() {
      return kind + "#" + value.incrementAndGet();
    }
  }
}
