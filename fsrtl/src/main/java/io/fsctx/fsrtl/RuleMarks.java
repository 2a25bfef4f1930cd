package io.fsctx.fsrtl;

import com.google.common.base.Preconditions;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import org.jspecify.annotations.Nullable;

/**
 * The file-system verifier's one-bit-per-rule marks on an FCB header ({@link CommonFcbHeader},
 * whose {@link HeaderAudit} is a view) or a per-file slot ({@link PerFileContextSlot}, whose
 * {@link SlotAudit} is a view): the verifier counts the distinct structures each rule was evaluated on with
 * a bit per rule on the structure, instead of a set of identities that grows with every structure
 * a long run builds (issue 14). The marks belong to the first verifier that claims them.
 *
 * <p>Thread safety: safe for concurrent use; both fields are set with compare-and-set, so exactly
 * one caller sees each rule's first mark.
 */
abstract class RuleMarks {
  private static final AtomicIntegerFieldUpdater<RuleMarks> CHECKED =
      AtomicIntegerFieldUpdater.newUpdater(RuleMarks.class, "rulesChecked");
  private static final AtomicReferenceFieldUpdater<RuleMarks, Object> OWNER =
      AtomicReferenceFieldUpdater.newUpdater(RuleMarks.class, Object.class, "rulesOwner");

  /** The verifier whose marks {@link #rulesChecked} holds ({@link #claimRuleMarks}). */
  private volatile @Nullable Object rulesOwner;
  /** The rules evaluated on this structure, one bit per rule ({@link #markRuleChecked}). */
  private volatile int rulesChecked;

  RuleMarks() {}

  /**
   * Makes {@code verifier} the one whose rule marks ({@link #markRuleChecked}) this record keeps;
   * a second verifier watching the same structures keeps its own books instead.
   *
   * @param verifier the file-system verifier
   * @return whether the marks here are {@code verifier}'s (claimed now or before)
   */
  public final boolean claimRuleMarks(Object verifier) {
    Object o = rulesOwner;
    return o == verifier || (o == null && (OWNER.compareAndSet(this, null, verifier) || rulesOwner == verifier));
  }

  /**
   * Marks a rule of the file-system verifier as evaluated on this structure.
   *
   * @param rule the rule's number, 0 to 31 (its {@code FsRule} ordinal)
   * @return true the first time the rule is marked on this structure
   */
  public final boolean markRuleChecked(int rule) {
    Preconditions.checkArgument(rule >= 0 && rule < 32, "rule %s", rule);
    int bit = 1 << rule;
    for (;;) {
      int seen = rulesChecked;
      if ((seen & bit) != 0) {
        return false;
      }
      if (CHECKED.compareAndSet(this, seen, seen | bit)) {
        return true;
      }
    }
  }
}
