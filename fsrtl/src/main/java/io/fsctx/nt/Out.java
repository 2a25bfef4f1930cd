package io.fsctx.nt;

import org.jspecify.annotations.Nullable;

/**
 * An out-parameter holder for the DDI facades, standing in for a C {@code T*} out argument.
 * Passing {@code null} instead of a holder models passing a NULL pointer, which several routines
 * treat differently (for instance {@code OldContext} in {@code FltSetStreamContext}).
 *
 * <p>Thread safety: confined; a holder belongs to one call.
 *
 * @param <T> the type of the returned value
 */
public final class Out<T> {
  private @Nullable T value;

  /** Creates an empty holder. */
  public Out() {}

  /** Creates an empty holder; reads well at call sites: {@code Out.<Ctx>empty()}. */
  public static <T> Out<T> empty() {
    return new Out<>();
  }

  /** The value the routine stored, or null. */
  public @Nullable T get() {
    return value;
  }

  /** Stores a value; used by the routines. */
  public void set(@Nullable T value) {
    this.value = value;
  }

  @Override
  public String toString() {
    return "Out[" + value + "]";
  }
}
