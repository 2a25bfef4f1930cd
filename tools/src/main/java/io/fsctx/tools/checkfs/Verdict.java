package io.fsctx.tools.checkfs;

/**
 * The outcome of one requirement of {@code check-fs}.
 *
 * <p>Thread safety: immutable.
 */
public enum Verdict {
  /** The file system met the requirement on every object the workload produced. */
  PASS("PASS"),
  /** Not broken, but not what the documentation recommends (filters may still misbehave). */
  WARN("WARN"),
  /** The file system breaks a documented rule; minifilters will fail or leak on it. */
  FAIL("FAIL"),
  /** The requirement cannot apply to this file system (for example named streams on FAT). */
  NOT_APPLICABLE("N/A");

  private final String label;

  Verdict(String label) {
    this.label = label;
  }

  /** How the verdict is printed: {@code PASS}, {@code WARN}, {@code FAIL} or {@code N/A}. */
  public String label() {
    return label;
  }
}
