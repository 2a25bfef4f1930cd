package io.fsctx.nt;

import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * "Run them all, rethrow the first failure": the kernel's cleanup paths (teardowns, event
 * delivery, a file system's frees) must not let one throwing callback leave the others undone.
 * Each action runs; the first {@link RuntimeException} is kept and later ones are added to it as
 * suppressed; {@link #rethrowIfAny()} throws it once everything has run.
 *
 * <p>Thread safety: confined to the thread running the actions.
 */
public final class FirstFailure {
  private @Nullable RuntimeException first;

  /** Creates a collector with no failure yet. */
  public FirstFailure() {}

  /**
   * Runs {@code action} for every item, then rethrows the first failure.
   *
   * @param items the items, in order
   * @param action what to do with each
   * @param <T> the item type
   * @throws RuntimeException the first failure, with the later ones suppressed
   */
  public static <T> void forEach(Iterable<? extends T> items, Consumer<? super T> action) {
    // No Runnable per item: this runs on paths taken for every request.
    RuntimeException first = null;
    for (T item : items) {
      try {
        action.accept(item);
      } catch (RuntimeException e) {
        first = keep(first, e);
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /**
   * The first failure so far, with {@code e} added: {@code e} itself when it is the first,
   * otherwise {@code first} with {@code e} suppressed in it. For loops that cannot use {@link
   * #forEach} without building a lambda per call.
   *
   * @param first the first failure so far, or null
   * @param e the new failure
   * @return the first failure
   */
  public static RuntimeException keep(@Nullable RuntimeException first, RuntimeException e) {
    if (first == null) {
      return e;
    }
    if (first != e) {
      first.addSuppressed(e);
    }
    return first;
  }

  /**
   * Runs one action, keeping its failure.
   *
   * @param action the action
   */
  public void run(Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      add(e);
    }
  }

  /**
   * Keeps a failure caught elsewhere.
   *
   * @param e the failure
   */
  public void add(RuntimeException e) {
    if (first == null) {
      first = e;
    } else if (first != e) {
      first.addSuppressed(e);
    }
  }

  /**
   * Throws the first failure, if any.
   *
   * @throws RuntimeException the first failure kept
   */
  public void rethrowIfAny() {
    RuntimeException e = first;
    if (e != null) {
      first = null;
      throw e;
    }
  }
}
