package io.fsctx.tools.checkfs;

import com.google.common.base.Splitter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The result of {@link FsChecker#check()}: one {@link Requirement} per rule, in a fixed order,
 * and the table {@code fsctx check-fs} prints.
 *
 * <p>Thread safety: immutable.
 *
 * @param fileSystemName the checked file system's name ({@code FileSystemDriver.fileSystemName()})
 * @param fileSystemClass the checked file system's class name
 * @param requirements the rows, in report order
 */
public record CheckReport(String fileSystemName, String fileSystemClass, List<Requirement> requirements) {

  private static final int WIDTH = 100;
  private static final String INDENT = " ".repeat(26);

  /** Copies the list. */
  public CheckReport {
    requirements = List.copyOf(requirements);
  }

  /**
   * How many rows have a verdict.
   *
   * @param verdict the verdict to count
   * @return the count
   */
  public long count(Verdict verdict) {
    return requirements.stream().filter(r -> r.verdict() == verdict).count();
  }

  /** Whether any row failed; {@code check-fs} then exits non-zero. */
  public boolean hasFailures() {
    return count(Verdict.FAIL) > 0;
  }

  /**
   * The row with an id.
   *
   * @param id such as {@code HDR-ADVANCED}
   * @return the row
   * @throws IllegalArgumentException when there is none
   */
  public Requirement requirement(String id) {
    for (Requirement r : requirements) {
      if (r.id().equals(id)) {
        return r;
      }
    }
    throw new IllegalArgumentException("no requirement " + id + " in this report");
  }

  /** The final line: {@code check-fs: 9 PASS, 1 WARN, 2 FAIL} (N/A rows are counted apart). */
  public String summaryLine() {
    long na = count(Verdict.NOT_APPLICABLE);
    return String.format(
        Locale.ROOT,
        "check-fs: %d PASS, %d WARN, %d FAIL%s",
        count(Verdict.PASS),
        count(Verdict.WARN),
        count(Verdict.FAIL),
        na == 0 ? "" : " (" + na + " N/A)");
  }

  /**
   * The printable table: a heading, then per requirement its id, verdict and title on one line and
   * the evidence and the rule wrapped below, then {@link #summaryLine()}.
   *
   * @return the text, lines separated by {@code \n}, ending with a newline
   */
  public String format() {
    StringBuilder sb = new StringBuilder();
    sb.append("check-fs: ").append(fileSystemName).append(" (").append(fileSystemClass).append(")\n");
    sb.append(String.format(Locale.ROOT, "%-17s %-7s %s%n", "REQUIREMENT", "VERDICT", "TITLE"));
    for (Requirement r : requirements) {
      sb.append(String.format(Locale.ROOT, "%-17s %-7s %s%n", r.id(), r.verdict().label(), r.title()));
      wrap(sb, "evidence: ", r.evidence());
      wrap(sb, "rule:     ", r.rule());
    }
    sb.append(summaryLine()).append('\n');
    return sb.toString().replace(System.lineSeparator(), "\n");
  }

  private static void wrap(StringBuilder sb, String label, String text) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    int room = WIDTH - INDENT.length() - label.length();
    for (String word : Splitter.on(' ').split(text)) {
      if (line.length() > 0 && line.length() + 1 + word.length() > room) {
        lines.add(line.toString());
        line.setLength(0);
      }
      if (line.length() > 0) {
        line.append(' ');
      }
      line.append(word);
    }
    lines.add(line.toString());
    String pad = " ".repeat(label.length());
    for (int i = 0; i < lines.size(); i++) {
      sb.append(INDENT).append(i == 0 ? label : pad).append(lines.get(i)).append('\n');
    }
  }
}
