package io.fsctx.fltmgr;

import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;

/**
 * {@code FLT_CONTEXT_REGISTRATION}: one allocation definition for a context type, fields in the C
 * order so ports of C initialisers read the same ({@code {FLT_INSTANCE_CONTEXT, 0, cleanup, size,
 * tag}}). The Java model adds {@link #payloadFactory}: the filter's part of a context is an object
 * of the filter's class, created from the requested size; without a factory it is a {@code
 * byte[]} of that size, like raw pool memory. With {@link #embedded} the filter's class extends
 * {@link FltContext} and the context is that object, as in C, where {@code FltAllocateContext}
 * returns the filter's structure.
 *
 * <p>Thread safety: immutable.
 *
 * @param contextType a {@code FLT_*_CONTEXT} value, or {@link FltContextType#FLT_CONTEXT_END}
 * @param flags 0 or {@link #FLTFL_CONTEXT_REGISTRATION_NO_EXACT_SIZE_MATCH}
 * @param contextCleanupCallback called once just before a context of this definition is freed
 * @param size the fixed size of the filter's portion (0..0xFFFF) or {@link
 *     #FLT_VARIABLE_SIZED_CONTEXTS}
 * @param poolTag four-character pool tag as an int; required without an allocate routine
 * @param contextAllocateCallback optional; when present it must be the only entry of its type
 * @param contextFreeCallback optional; frees what the allocate routine returned
 * @param reserved1 must be null
 * @param payloadFactory creates the filter's payload object given the requested size; null for a
 *     {@code byte[]}; from {@link #embedded}, a wrapper of the {@link FltContext.Factory} that builds
 *     the context itself
 */
public record FltContextRegistration(
    int contextType,
    int flags,
    @Nullable ContextCleanupCallback contextCleanupCallback,
    long size,
    int poolTag,
    @Nullable ContextAllocateCallback contextAllocateCallback,
    @Nullable ContextFreeCallback contextFreeCallback,
    @Nullable Object reserved1,
    @Nullable IntFunction<?> payloadFactory) {

  /** {@code FLTFL_CONTEXT_REGISTRATION_NO_EXACT_SIZE_MATCH}. */
  public static final int FLTFL_CONTEXT_REGISTRATION_NO_EXACT_SIZE_MATCH = 0x0001;

  /** {@code FLT_VARIABLE_SIZED_CONTEXTS}: {@code (SIZE_T)-1}. */
  public static final long FLT_VARIABLE_SIZED_CONTEXTS = -1L;

  /** The {@code {FLT_CONTEXT_END}} terminator. */
  public static final FltContextRegistration END =
      new FltContextRegistration(FltContextType.FLT_CONTEXT_END, 0, null, 0, 0, null, null, null, null);

  /**
   * The common shape {@code {type, flags, cleanup, size, tag}} with a payload factory.
   *
   * @param type the context type
   * @param flags registration flags
   * @param cleanup the cleanup callback, or null
   * @param size fixed size or {@link #FLT_VARIABLE_SIZED_CONTEXTS}
   * @param poolTag the tag, for instance from {@link #tag(String)}
   * @param payloadFactory creates the payload; null for a {@code byte[]}
   */
  public static FltContextRegistration of(
      FltContextType type,
      int flags,
      @Nullable ContextCleanupCallback cleanup,
      long size,
      int poolTag,
      @Nullable IntFunction<?> payloadFactory) {
    return new FltContextRegistration(type.code(), flags, cleanup, size, poolTag, null, null, null, payloadFactory);
  }

  /**
   * The common shape {@code {type, flags, cleanup, size, tag}} for a filter whose context class
   * extends {@link FltContext}: {@code FltAllocateContext} hands {@code factory} Filter Manager's
   * part, and the context returned is the filter's object ({@link FltContext#payload()} is the
   * context itself). This is the C layout, and it saves the separate payload object.
   *
   * @param type the context type
   * @param flags registration flags
   * @param cleanup the cleanup callback, or null
   * @param size fixed size or {@link #FLT_VARIABLE_SIZED_CONTEXTS}
   * @param poolTag the tag, for instance from {@link #tag(String)}
   * @param factory builds the context, typically the constructor of the filter's class
   */
  public static FltContextRegistration embedded(
      FltContextType type,
      int flags,
      @Nullable ContextCleanupCallback cleanup,
      long size,
      int poolTag,
      FltContext.Factory factory) {
    return of(type, flags, cleanup, size, poolTag, new FltContext.EmbeddedFactory(factory));
  }

  /**
   * A four-character pool tag as the kernel stores it: the first character in the low byte, so
   * {@code tag("CxSc")} is what C writes as {@code 'cSxC'} and pool tools show as {@code CxSc}.
   */
  public static int tag(String fourChars) {
    if (fourChars.length() != 4) {
      throw new IllegalArgumentException("a pool tag has four characters: '" + fourChars + "'");
    }
    int t = 0;
    for (int i = 3; i >= 0; i--) {
      t = (t << 8) | (fourChars.charAt(i) & 0xFF);
    }
    return t;
  }

  /** Prints a tag as the four characters pool tools show. */
  public static String tagToString(int tag) {
    StringBuilder sb = new StringBuilder(4);
    for (int i = 0; i < 4; i++) {
      char c = (char) ((tag >>> (8 * i)) & 0xFF);
      sb.append(c >= 0x20 && c < 0x7F ? c : '?');
    }
    return sb.toString();
  }

  /** Whether this is the {@code FLT_CONTEXT_END} terminator. */
  public boolean isEnd() {
    return contextType == FltContextType.FLT_CONTEXT_END;
  }

  /** Whether this definition is variable-sized. */
  public boolean isVariableSized() {
    return size == FLT_VARIABLE_SIZED_CONTEXTS;
  }
}
