package io.fsctx.fsrtl;

import com.google.common.base.Preconditions;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * The verifier's one-bit-per-rule marks on an audit record ({@link HeaderAudit}, {@link
 * SlotAudit}): an {@code int} field of the record, set with compare-and-set so that exactly one
 * caller sees each rule's first mark.
 *
 * <p>Thread safety: stateless; the field is updated atomically.
 */
final class RuleBits {
  private RuleBits() {}

  /**
   * Sets a rule's bit in {@code record}'s field.
   *
   * @param bits the record's field updater
   * @param record the audit record
   * @param rule the rule's number, 0 to 31
   * @param <T> the record's type
   * @return true when this call set the bit (the rule's first mark on the record)
   */
  /**
   * Makes {@code owner} the owner of {@code record}'s marks unless another already is.
   *
   * @return whether {@code owner} owns them now
   */
  static <T> boolean claim(java.util.concurrent.atomic.AtomicReferenceFieldUpdater<T, Object> owners, T record,
      Object owner) {
    Object o = owners.get(record);
    return o == owner || (o == null && (owners.compareAndSet(record, null, owner) || owners.get(record) == owner));
  }

  static <T> boolean mark(AtomicIntegerFieldUpdater<T> bits, T record, int rule) {
    Preconditions.checkArgument(rule >= 0 && rule < 32, "rule %s", rule);
    int bit = 1 << rule;
    for (;;) {
      int seen = bits.get(record);
      if ((seen & bit) != 0) {
        return false;
      }
      if (bits.compareAndSet(record, seen, seen | bit)) {
        return true;
      }
    }
  }
}
