package io.fsctx.verifier;

import static com.google.common.base.Preconditions.checkNotNull;

/**
 * One broken file-system rule, as {@link FileSystemVerifier} saw it.
 *
 * <p>Thread safety: immutable.
 *
 * @param rule the rule from the table
 * @param subject what broke it: a header, slot or pool block id, such as {@code Scb#4}
 * @param message what happened, naming the structure, its path and the request (the moment) in
 *     which it happened, so that it leads to the fix
 */
public record FsViolation(FsRule rule, String subject, String message) {

  /** Checks that no field is null. */
  public FsViolation {
    checkNotNull(rule, "rule");
    checkNotNull(subject, "subject");
    checkNotNull(message, "message");
  }

  @Override
  public String toString() {
    return rule.id() + ": " + message;
  }
}
