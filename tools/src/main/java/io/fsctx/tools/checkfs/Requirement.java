package io.fsctx.tools.checkfs;

import java.util.Objects;

/**
 * One row of a {@code check-fs} report: a documented rule for file systems, the verdict on the
 * file system under test, what the probe observed, and the rule's source.
 *
 * <p>Thread safety: immutable.
 *
 * @param id a short stable identifier, such as {@code HDR-ADVANCED}
 * @param title what the rule asks, in one line
 * @param verdict the outcome
 * @param evidence what was observed: header ids, flag values in hex, statuses
 * @param rule the documented rule with its citation, such as {@code fsrtl.md §2 [DOC]: ...}
 */
public record Requirement(String id, String title, Verdict verdict, String evidence, String rule) {

  /** Checks that no field is null. */
  public Requirement {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(verdict, "verdict");
    Objects.requireNonNull(evidence, "evidence");
    Objects.requireNonNull(rule, "rule");
  }
}
