package io.fsctx.nt;

import java.util.Objects;

/**
 * Immutable text kept as two strings, a prefix and a tail, read as their concatenation: a full
 * file name such as {@code \Device\HarddiskVolume1\dir\a.txt} kept as the volume's device name
 * and the name below the volume, both strings somebody else already holds (the volume, and the
 * file system's link and file object).
 *
 * <p>Why: a name object ({@code FLT_FILE_NAME_INFORMATION}) lives as long as its file object, and
 * CTX's three {@code UNICODE_STRING}s share its characters; a concatenated copy cost about 90
 * bytes per open file (a string and its array) where this costs 16, and a create no longer copies
 * the name (issue 14). Reading the whole text as a {@code String} ({@link #toString()}) builds it
 * each time; the parts that callers cut out of a name (components, stream) are cut from the tail
 * without building it.
 *
 * <p>Thread safety: immutable.
 */
public final class PrefixedText implements CharSequence {
  private final String prefix;
  private final String tail;

  private PrefixedText(String prefix, String tail) {
    this.prefix = prefix;
    this.tail = tail;
  }

  /**
   * The text {@code prefix + tail}, keeping both strings (no copy).
   *
   * @param prefix the first part, such as a volume's device name
   * @param tail the rest, such as the name below the volume
   * @return the joined text
   */
  public static PrefixedText of(String prefix, String tail) {
    return new PrefixedText(Objects.requireNonNull(prefix, "prefix"), Objects.requireNonNull(tail, "tail"));
  }

  /** The first part, as given to {@link #of}. */
  public String prefix() {
    return prefix;
  }

  /** The rest, as given to {@link #of} (the same string, not a copy). */
  public String tail() {
    return tail;
  }

  @Override
  public int length() {
    return prefix.length() + tail.length();
  }

  @Override
  public char charAt(int index) {
    int p = prefix.length();
    if (index < 0 || index >= p + tail.length()) {
      throw new IndexOutOfBoundsException("index " + index + " outside 0.." + (p + tail.length()));
    }
    return index < p ? prefix.charAt(index) : tail.charAt(index - p);
  }

  /**
   * Characters {@code from} to {@code to}: the tail itself or a substring of one part when the
   * range lies within it, a new string only when it spans both.
   */
  public String substring(int from, int to) {
    int p = prefix.length();
    Objects.checkFromToIndex(from, to, p + tail.length());
    if (from >= p) {
      return tail.substring(from - p, to - p); // the tail itself when the range is all of it
    }
    if (to <= p) {
      return prefix.substring(from, to);
    }
    return prefix.substring(from).concat(tail.substring(0, to - p));
  }

  @Override
  public CharSequence subSequence(int start, int end) {
    return substring(start, end);
  }

  /** Copies characters {@code from} to {@code to} into {@code dst} at {@code at}, as {@link String#getChars}. */
  public void getChars(int from, int to, char[] dst, int at) {
    int p = prefix.length();
    Objects.checkFromToIndex(from, to, p + tail.length());
    if (from < p) {
      int end = Math.min(to, p);
      prefix.getChars(from, end, dst, at);
      at += end - from;
      from = end;
    }
    if (from < to) {
      tail.getChars(from - p, to - p, dst, at);
    }
  }

  /** The whole text as one string, built on each call. */
  @Override
  public String toString() {
    return prefix.concat(tail);
  }
}
