package io.fsctx.verifier;

import static com.google.common.base.Preconditions.checkNotNull;

import java.util.List;

/**
 * What {@link FileSystemVerifier} evaluated for one rule: how often, on how many structures, at
 * which moments, and a few of the structures it looked at with what it saw, so that a report can
 * say what a passing rule was checked on ("FsRtlTeardownPerStreamContexts before each of 14 frees:
 * Scb#3 (\dir\a.txt) freed in Irp#36[IRP_MJ_CLOSE ...], ...") instead of a bare count.
 *
 * <p>Thread safety: immutable.
 *
 * @param rule the rule
 * @param count how many evaluations
 * @param subjects how many distinct structures (headers, slots, pool blocks, volumes) were
 *     evaluated; counted up to a cap, so a very long run reports a lower bound
 * @param examples what was seen on the first few distinct structures, in order
 * @param moments when the rule was evaluated, in first-seen order: {@code open}, {@code cleanup},
 *     {@code close}, {@code free}, {@code double free}, {@code dismount}, {@code end of run}
 */
public record FsRuleChecks(FsRule rule, long count, long subjects, List<String> examples, List<String> moments) {

  /** Copies the lists. */
  public FsRuleChecks {
    checkNotNull(rule, "rule");
    examples = List.copyOf(examples);
    moments = List.copyOf(moments);
  }
}
