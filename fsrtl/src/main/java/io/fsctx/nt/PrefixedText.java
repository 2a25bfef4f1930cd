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
 * <p>A class may extend this one to be the text it keeps, with a prefix it can tell without a
 * field: a name object ({@code FltFileNameInformation}) is its own full name, prefixed with its
 * volume's device name. The characters are its, as the characters of the C structure's {@code
 * Name} lie in the name object's own allocation, and CTX's strings share the object rather than a
 * text object of its own (16 bytes per open file, issue 14). {@link #of} makes the plain form,
 * which keeps both strings.
 *
 * <p>Thread safety: immutable (a subclass's {@link #prefix()} must return the same string each
 * time).
 */
public abstract class PrefixedText implements CharSequence {
  private final String tail;

  /**
   * The text {@link #prefix()} followed by {@code tail}, for a subclass that is its own text.
   *
   * @param tail the rest, kept as given (no copy)
   */
  protected PrefixedText(String tail) {
    this.tail = Objects.requireNonNull(tail, "tail");
  }

  /** The plain form: both parts kept. */
  private static final class Joined extends PrefixedText {
    private final String prefix;

    Joined(String prefix, String tail) {
      super(tail);
      this.prefix = Objects.requireNonNull(prefix, "prefix");
    }

    @Override
    public String prefix() {
      return prefix;
    }
  }

  /**
   * The text {@code prefix + tail}, keeping both strings (no copy).
   *
   * @param prefix the first part, such as a volume's device name
   * @param tail the rest, such as the name below the volume
   * @return the joined text
   */
  public static PrefixedText of(String prefix, String tail) {
    return new Joined(prefix, tail);
  }

  /** The first part: as given to {@link #of}, or the subclass's (always the same string). */
  public abstract String prefix();

  /** The rest, as given (the same string, not a copy). */
  public final String tail() {
    return tail;
  }

  @Override
  public final int length() {
    return prefix().length() + tail.length();
  }

  @Override
  public final char charAt(int index) {
    String prefix = prefix();
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
  public final String substring(int from, int to) {
    String prefix = prefix();
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
  public final CharSequence subSequence(int start, int end) {
    return substring(start, end);
  }

  /** Copies characters {@code from} to {@code to} into {@code dst} at {@code at}, as {@link String#getChars}. */
  public final void getChars(int from, int to, char[] dst, int at) {
    String prefix = prefix();
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
  public final String toString() {
    return prefix().concat(tail);
  }
}
