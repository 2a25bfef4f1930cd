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
  private char @Nullable [] buffer;
  private int offset;
  private int length;
  private int maximumLength;

  /** An empty string with no buffer ({@code Buffer = NULL}). */
  public UnicodeString() {}

  /** {@code RtlInitUnicodeString}: a string over its own copy of {@code text}. */
  public static UnicodeString of(String text) {
    UnicodeString u = new UnicodeString();
    u.buffer = text.toCharArray();
    u.length = text.length() * 2;
    u.maximumLength = u.length;
    checkLength(u.length);
    return u;
  }

  /**
   * Allocates a buffer of {@code maximumLengthBytes} with {@code Length} 0, as a helper such as
   * CTX's {@code CtxAllocateUnicodeString} does.
   */
  public static UnicodeString allocate(int maximumLengthBytes) {
    checkLength(maximumLengthBytes);
    UnicodeString u = new UnicodeString();
    u.buffer = new char[(maximumLengthBytes + 1) / 2];
    u.maximumLength = maximumLengthBytes;
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

  /** Whether {@code Buffer} is non-null. */
  public boolean hasBuffer() {
    return buffer != null;
  }

  /** Sets {@code Length}, as C code shortens a copy. */
  public void setLength(int bytes) {
    if (bytes < 0 || bytes > maximumLength) {
      throw new IllegalArgumentException("Length " + bytes + " outside 0.." + maximumLength);
    }
    length = bytes;
  }

  /**
   * A structure sharing this buffer: same {@code Buffer}, {@code Length} = {@code lengthBytes}
   * (no copy; changes to the buffer show through both).
   */
  public UnicodeString alias(int lengthBytes) {
    if (lengthBytes < 0 || lengthBytes > length) {
      throw new IllegalArgumentException("alias length " + lengthBytes + " outside 0.." + length);
    }
    UnicodeString u = new UnicodeString();
    u.buffer = buffer;
    u.offset = offset;
    u.length = lengthBytes;
    u.maximumLength = lengthBytes;
    return u;
  }

  /**
   * {@code RtlCopyUnicodeString}: copies {@code source} into this buffer, truncating to {@code
   * MaximumLength}; a null source sets {@code Length} to 0.
   */
  public void copyFrom(@Nullable UnicodeString source) {
    char[] dst = buffer;
    if (source == null || dst == null) {
      length = 0;
      return;
    }
    int bytes = Math.min(source.length, maximumLength) & ~1;
    char[] src = source.buffer;
    if (src != null) {
      System.arraycopy(src, source.offset, dst, offset, bytes / 2);
    }
    length = bytes;
  }

  /** Frees the buffer ({@code Buffer = NULL}, lengths 0), as {@code ExFreePool} plus clearing. */
  public void free() {
    buffer = null;
    offset = 0;
    length = 0;
    maximumLength = 0;
  }

  /** The characters as {@code %wZ} prints them. */
  @Override
  public String toString() {
    char[] b = buffer;
    return b == null ? "" : new String(b, offset, length / 2);
  }
}
