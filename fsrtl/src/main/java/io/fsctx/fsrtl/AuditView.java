package io.fsctx.fsrtl;

import org.jspecify.annotations.Nullable;

/**
 * What the two audit views ({@link HeaderAudit}, {@link SlotAudit}) share: the structure whose
 * fields hold the audit's state and the verifier's rule marks, the marks' two calls, and equality
 * by that structure (a view is made at each {@code audit()} call, and two views of one structure
 * are the same audit).
 *
 * <p>Thread safety: as the structure's {@link RuleMarks}; the view itself is immutable.
 *
 * @param <T> the structure: an FCB header or a per-file slot
 */
abstract class AuditView<T extends RuleMarks> {
  /** The structure viewed. */
  final T of;

  AuditView(T of) {
    this.of = of;
  }

  /**
   * Makes {@code verifier} the one whose rule marks the structure keeps ({@link
   * RuleMarks#claimRuleMarks}).
   *
   * @param verifier the file-system verifier
   * @return whether the marks there are {@code verifier}'s (claimed now or before)
   */
  public final boolean claimRuleMarks(Object verifier) {
    return of.claimRuleMarks(verifier);
  }

  /**
   * Marks a rule of the file-system verifier as evaluated on the structure ({@link
   * RuleMarks#markRuleChecked}).
   *
   * @param rule the rule's number, 0 to 31 (its {@code FsRule} ordinal)
   * @return true the first time the rule is marked there
   */
  public final boolean markRuleChecked(int rule) {
    return of.markRuleChecked(rule);
  }

  /** Whether {@code o} is a view of the same kind of the same structure. */
  @Override
  public final boolean equals(@Nullable Object o) {
    return o != null && o.getClass() == getClass() && ((AuditView<?>) o).of == of;
  }

  @Override
  public final int hashCode() {
    return System.identityHashCode(of);
  }
}
