package io.fsctx.nt;

import org.jspecify.annotations.Nullable;

/**
 * {@code UNICODE_STRING}: a counted UTF-16 string whose {@code Length} and {@code
 * MaximumLength} are in bytes (at most 0xFFFF) over a buffer that may be shared: an alias made
 * with {@link #alias} views part of another string's buffer, as C code does by copying the
 * structure and adjusting the lengths.
 *
 * <p>Thread safety: confined, like the C structure; callers synchronise (CTX holds an
 * ERESOURCE).
 */
public final class UnicodeString {
  /**
   * What {@code Buffer} holds in a structure from {@link #unzeroed()}: a pointer nobody set. A
   * sentinel rather than a flag, so that the structure stays three fields long.
   */
  private static final UnicodeString WILD = new UnicodeString();

  /** The buffer of an owner nothing has written yet: zeroed memory from {@link #allocate}. */
  private static final Object ZEROED = new Object();

  /*
   * Design note. The memory {@code Buffer} points at is kept by the string that allocated it (its
   * owner, made by allocate or of), in its one reference field; an alias's field points at its
   * owner, and reads and writes go to the owner's. A separate buffer object shared by both cost
   * 32 bytes more per string, and CTX keeps three strings per open file (issue 14).
   *
   * The buffer starts as immutable characters (of, or a copy that shared them: a String, or a
   * PrefixedText, the form a name object keeps its full name in) or as untouched zeroed memory
   * (allocate), and gets an array of its own only when it is written: RtlCopyUnicodeString of a
   * name into a fresh buffer then costs no copy, and a context that keeps a file's name holds the
   * very text of its name information. Text is shared only whole, so how much of it the buffer
   * holds is the text's own length and needs no field; a copy of part of it gets an array.
   */

  /**
   * What {@code Buffer} is, told by the class of what this holds:
   *
   * <ul>
   *   <li>null: no buffer ({@code NULL}, or an alias that was freed);
   *   <li>{@link #WILD}: a pointer nobody set;
   *   <li>another {@code UnicodeString}: an alias of that owner's buffer;
   *   <li>{@link #ZEROED}, immutable text (a {@code String} or a {@link PrefixedText}: all its
   *       characters, then zeros) or a {@code char[]}: an owner's buffer;
   *   <li>a {@link Freed}: an owner that was freed, its memory kept for its aliases.
   * </ul>
   *
   * One field for all of them, and the lengths as {@code char}s (they are {@code USHORT}s), keep
   * the object at 16 bytes rather than 24; CTX keeps three per open file (issue 14).
   */
  private @Nullable Object buf;

  private char length;
  private char maximumLength;

  /**
   * The memory of a freed owner: aliases may still read it, and a write through one still lands
   * in it (a use after free); only the owner has let it go.
   */
  private static final class Freed {
    Object data;

    Freed(Object data) {
      this.data = data;
    }
  }

  /** An empty string with no buffer ({@code Buffer = NULL}). */
  public UnicodeString() {}

  /**
   * {@code RtlZeroMemory} over a structure's {@code UNICODE_STRING} field: {@code current} itself
   * when it already reads as zero (no buffer, both lengths 0), otherwise a new empty string. A
   * filter zeroes every context it allocates, nearly always over a field that is zero already,
   * and a new object each time was garbage on every open.
   *
   * @param current the field's value, or null
   * @return a string with no buffer and lengths 0; the field's owner keeps it
   */
  public static UnicodeString zeroed(@Nullable UnicodeString current) {
    if (current != null && (current.buf == null || current.buf instanceof Freed) && current.length == 0
        && current.maximumLength == 0) {
      return current;
    }
    return new UnicodeString();
  }

  /** {@code RtlInitUnicodeString}: a string over its own copy of {@code text}. */
  public static UnicodeString of(String text) {
    return ofText(text);
  }

  /**
   * {@code RtlInitUnicodeString} over text kept in two parts, such as a name object's full name
   * (volume device name and the name below it): the string shares {@code text} and reads as its
   * concatenation, and a copy into a fresh buffer shares it too.
   */
  public static UnicodeString of(PrefixedText text) {
    return ofText(text);
  }

  private static UnicodeString ofText(CharSequence text) {
    UnicodeString u = new UnicodeString();
    int bytes = text.length() * 2;
    checkLength(bytes);
    u.length = (char) bytes;
    u.buf = text; // immutable: no copy needed
    u.maximumLength = u.length;
    return u;
  }

  /**
   * A {@code UNICODE_STRING} inside memory that was allocated and never written (pool that is not
   * zeroed, such as a fixed-size context from a lookaside list): its lengths hold the fill pattern
   * and its {@code Buffer} a pointer nobody set. {@link #hasBuffer()} is true (the garbage is not
   * NULL), and {@link #free()} then frees an address that is not a pool allocation, which is bug
   * check {@code BAD_POOL_CALLER} (0xC2/0x46) on Windows. Models what a cleanup routine sees in a
   * context its allocator never initialised.
   *
   * @return the uninitialised structure
   */
  public static UnicodeString unzeroed() {
    UnicodeString u = new UnicodeString();
    u.buf = WILD;
    u.length = (char) 0xCDCC;
    u.maximumLength = (char) 0xCDCC;
    return u;
  }

  /**
   * Allocates a buffer of {@code maximumLengthBytes} with {@code Length} 0, as a helper such as
   * CTX's {@code CtxAllocateUnicodeString} does.
   */
  public static UnicodeString allocate(int maximumLengthBytes) {
    checkLength(maximumLengthBytes);
    UnicodeString u = new UnicodeString();
    u.buf = ZEROED; // an array on first write
    u.maximumLength = (char) maximumLengthBytes;
    return u;
  }

  private static void checkLength(int bytes) {
    if (bytes < 0 || bytes > 0xFFFF) {
      throw new IllegalArgumentException("UNICODE_STRING lengths are USHORTs; got " + bytes);
    }
  }

  /** {@code Length} in bytes. */
  public int length() {
    return length;
  }

  /** {@code MaximumLength} in bytes. */
  public int maximumLength() {
    return maximumLength;
  }

  /** Whether {@code Buffer} is non-null (a never-set pointer from {@link #unzeroed()} is). */
  public boolean hasBuffer() {
    Object b = buf;
    return b != null && !(b instanceof Freed);
  }

  /** Whether {@code Buffer} is a pointer nobody set ({@link #unzeroed()}). */
  public boolean isUnzeroed() {
    return buf == WILD;
  }

  /**
   * The owner holding the buffer (this string, or an alias's owner), or null when there is none
   * (NULL, freed, or a pointer nobody set).
   */
  private @Nullable UnicodeString buffer() {
    Object b = buf;
    if (b instanceof UnicodeString u) {
      return u == WILD ? null : u;
    }
    return b == null || b instanceof Freed ? null : this;
  }

  /** On an owner, freed or not: its memory ({@link #ZEROED}, immutable text or an array). */
  private Object data() {
    Object b = buf;
    return b instanceof Freed f ? f.data : java.util.Objects.requireNonNull(b, "an owner has memory");
  }

  /** On an owner: replaces its memory, a freed owner's too (a write through an alias after the free). */
  private void setData(Object d) {
    if (buf instanceof Freed f) {
      f.data = d;
    } else {
      buf = d;
    }
  }

  /** Whether nothing has been written to the owner's buffer yet. */
  private boolean untouched() {
    return data() == ZEROED;
  }

  /** The owner's own characters, once written, or null. */
  private char @Nullable [] chars() {
    return data() instanceof char[] c ? c : null;
  }

  /** The immutable characters the owner's buffer starts with, while it has none of its own. */
  private @Nullable CharSequence text() {
    return data() instanceof CharSequence t ? t : null;
  }

  /** How many characters of immutable text the owner's buffer starts with (the rest is zero). */
  private int textLength() {
    CharSequence t = text();
    return t == null ? 0 : t.length();
  }

  /** {@link String#getChars} for either form of immutable text. */
  private static void getChars(CharSequence t, int from, int to, char[] dst, int at) {
    if (t instanceof String s) {
      s.getChars(from, to, dst, at);
    } else {
      ((PrefixedText) t).getChars(from, to, dst, at);
    }
  }

  /** The owner's characters as an array of its own, made on the first write. */
  private char[] writable() {
    char[] c = chars();
    if (c == null) {
      // The allocation's size: the owner's MaximumLength, in characters.
      CharSequence t = text();
      int textLength = t == null ? 0 : t.length();
      c = new char[Math.max((maximumLength + 1) / 2, textLength)];
      if (t != null) {
        getChars(t, 0, textLength, c, 0);
      }
      setData(c);
    }
    return c;
  }

  /** {@code n} characters of the owner's buffer from {@code from}. */
  private String read(int from, int n) {
    char[] c = chars();
    if (c != null) {
      return new String(c, from, n);
    }
    CharSequence t = text();
    int textLength = textLength();
    if (t instanceof String s && from + n <= textLength) {
      return from == 0 && n == s.length() ? s : s.substring(from, from + n);
    }
    if (t instanceof PrefixedText p && from + n <= textLength) {
      return from == 0 && n == p.length() ? p.toString() : p.substring(from, from + n);
    }
    char[] copy = new char[n]; // beyond what was copied in: the zeroed rest of the allocation
    for (int i = 0; i < n; i++) {
      int k = from + i;
      copy[i] = t != null && k < textLength ? t.charAt(k) : 0;
    }
    return new String(copy);
  }

  /** Copies {@code n} characters of the owner's buffer from {@code from} into {@code dst}. */
  private void copyTo(int from, char[] dst, int at, int n) {
    char[] c = chars();
    if (c != null) {
      System.arraycopy(c, from, dst, at, n);
      return;
    }
    CharSequence t = text();
    int textLength = textLength();
    int inText = t == null ? 0 : Math.max(0, Math.min(n, textLength - from));
    if (t != null && inText > 0) {
      getChars(t, from, from + inText, dst, at);
    }
    java.util.Arrays.fill(dst, at + inText, at + n, (char) 0);
  }

  /**
   * {@code RtlAppendUnicodeToString}: appends {@code text} when the buffer has room.
   *
   * @param text the text to append
   * @return success, or {@code STATUS_BUFFER_TOO_SMALL} (nothing appended)
   */
  public NtStatus append(String text) {
    UnicodeString b = buffer();
    int bytes = text.length() * 2;
    if (b == null || length + bytes > maximumLength) {
      return NtStatus.STATUS_BUFFER_TOO_SMALL;
    }
    text.getChars(0, text.length(), b.writable(), length / 2);
    length = (char) (length + bytes);
    return NtStatus.STATUS_SUCCESS;
  }

  /** Sets {@code Length}, as C code shortens a copy. */
  public void setLength(int bytes) {
    if (bytes < 0 || bytes > maximumLength) {
      throw new IllegalArgumentException("Length " + bytes + " outside 0.." + (int) maximumLength);
    }
    length = (char) bytes;
  }

  /**
   * A structure sharing this buffer: same {@code Buffer}, {@code Length} = {@code lengthBytes}
   * (no copy; changes to the buffer show through both).
   */
  public UnicodeString alias(int lengthBytes) {
    if (lengthBytes < 0 || lengthBytes > length) {
      throw new IllegalArgumentException("alias length " + lengthBytes + " outside 0.." + (int) length);
    }
    UnicodeString u = new UnicodeString();
    u.buf = buffer(); // a never-set pointer gives an alias no buffer
    u.length = (char) lengthBytes;
    u.maximumLength = (char) lengthBytes;
    return u;
  }

  /**
   * {@code RtlCopyUnicodeString}: copies {@code source} into this buffer, truncating to {@code
   * MaximumLength}; a null source sets {@code Length} to 0.
   */
  public void copyFrom(@Nullable UnicodeString source) {
    UnicodeString dst = buffer();
    if (source == null || dst == null) {
      length = 0;
      return;
    }
    int bytes = Math.min(source.length, maximumLength) & ~1;
    int n = bytes / 2;
    UnicodeString src = source.buffer();
    if (src != null && n > 0) {
      CharSequence t = src.text();
      if (dst.untouched() && t != null && n == t.length()) {
        // Copying all of some immutable characters into memory nothing has written: share them.
        // The first write to either buffer gives it an array of its own.
        dst.setData(t);
      } else {
        char[] into = dst.writable();
        src.copyTo(0, into, 0, n);
      }
    }
    length = (char) bytes;
  }

  /**
   * Frees the buffer ({@code Buffer = NULL}, lengths 0), as {@code ExFreePool} plus clearing.
   *
   * @throws BugCheckException {@code BAD_POOL_CALLER} 0xC2/0x46 when {@code Buffer} is a pointer
   *     nobody set ({@link #unzeroed()}): freeing an address that is not a pool allocation
   */
  public void free() {
    Object b = buf;
    if (b == WILD) {
      throw new BugCheckException(Pool.BAD_POOL_CALLER, Pool.BAD_POOL_CALLER_INVALID_ADDRESS,
          "ExFreePool of an invalid pool address: the UNICODE_STRING's Buffer was never initialised"
              + " (memory that was not zeroed after allocation)", null);
    }
    // The characters stay for aliases still reading them (as freed pool still holds its bytes);
    // an alias writing past them after this free, a use after free, fails with an index error.
    if (b instanceof UnicodeString) {
      buf = null; // an alias: its owner's memory is not its to free
    } else if (b != null && !(b instanceof Freed)) {
      buf = new Freed(b);
    }
    length = 0;
    maximumLength = 0;
  }

  /** The characters as {@code %wZ} prints them. */
  @Override
  public String toString() {
    if (buf == WILD) {
      return "<uninitialised>";
    }
    UnicodeString b = buffer();
    return b == null ? "" : b.read(0, length / 2);
  }
}
