package io.fsctx.fltmgr;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * A control block that is itself the {@link ContextStore} of the contexts it keeps one per
 * instance (the stream contexts of a {@link StreamListCtrl}, the file contexts of a {@link
 * FileListCtrl}), held in one field of the block: null, the one context (nearly every stream and
 * file has one filter's), or an immutable array of two or more. Each is keyed by the instance it
 * was set through ({@link FltContext#attachedInstance()}), so no key is stored, and each has the
 * block as its home and owner.
 *
 * <p>The block gives access to its field; the store's routines here compute the field's next value
 * and write it under the block's monitor (the store's, which {@link ContextStore}'s routines hold
 * around every change); reads take no lock. Any other value in the field (a block's torn-down mark)
 * reads as empty. A {@link ContextTable} of its own cost a file control block 24 bytes more, one
 * per open file (issue 14).
 *
 * <p>Thread safety: safe for concurrent use as {@link ContextStore} is; the values are immutable.
 */
interface InstanceContexts extends ContextStore<FltInstance> {
  /** The field holding the contexts (volatile in the block). */
  @Nullable Object heldContexts();

  /** Replaces the field; called under the block's monitor. */
  void heldContexts(@Nullable Object held);

  // Its own owner, and the home of its contexts: FltContext.ownerOf relies on both.
  @Override
  default Object owner() {
    return this;
  }

  @Override
  default Object homeFor(FltInstance key, FltContext ctx) {
    return this;
  }

  @Override
  default void collectAttached(List<FltContext> out) {
    synchronized (this) {
      out.addAll(list(heldContexts()));
    }
  }

  @Override
  default @Nullable FltContext find(FltInstance key) {
    return find(heldContexts(), key);
  }

  @Override
  default void put(FltInstance key, FltContext ctx) {
    heldContexts(with(heldContexts(), key, ctx));
  }

  @Override
  default @Nullable FltContext remove(FltInstance key) {
    FltContext c = find(key);
    if (c != null) {
      removeContext(c);
    }
    return c;
  }

  @Override
  default boolean removeContext(FltContext ctx) {
    Object held = heldContexts();
    Object after = without(held, ctx);
    heldContexts(after);
    return after != held;
  }

  @Override
  default List<FltContext> removeWhere(Predicate<? super FltInstance> which) {
    List<FltContext> out = new ArrayList<>();
    heldContexts(withoutWhere(heldContexts(), which, out));
    return out;
  }

  @Override
  default int size() {
    return size(heldContexts());
  }

  /** The context {@code key} set, or null. */
  static @Nullable FltContext find(@Nullable Object held, FltInstance key) {
    if (held instanceof FltContext c) {
      return c.attachedInstance() == key ? c : null;
    }
    if (held instanceof FltContext[] a) {
      for (FltContext c : a) {
        if (c.attachedInstance() == key) {
          return c;
        }
      }
    }
    return null;
  }

  /** How many contexts {@code held} has. */
  static int size(@Nullable Object held) {
    return held instanceof FltContext ? 1 : held instanceof FltContext[] a ? a.length : 0;
  }

  /** The contexts, as a list the caller may read but not change. */
  static List<FltContext> list(@Nullable Object held) {
    return held instanceof FltContext c ? List.of(c) : held instanceof FltContext[] a ? Arrays.asList(a) : List.of();
  }

  /** What the field holds once {@code ctx} is put under {@code key}, replacing the one there. */
  static Object with(@Nullable Object held, FltInstance key, FltContext ctx) {
    if (size(held) == 0 || (held instanceof FltContext c && c.attachedInstance() == key)) {
      return ctx; // the usual case, one filter's context: no array to build
    }
    FltContext[] a = all(held);
    for (int i = 0; i < a.length; i++) {
      if (a[i].attachedInstance() == key) {
        FltContext[] b = a.clone();
        b[i] = ctx;
        return b;
      }
    }
    FltContext[] b = Arrays.copyOf(a, a.length + 1);
    b[a.length] = ctx;
    return b;
  }

  /** What the field holds once {@code ctx} is taken out; {@code held} itself when it is not there. */
  static @Nullable Object without(@Nullable Object held, FltContext ctx) {
    FltContext[] a = all(held);
    for (int i = 0; i < a.length; i++) {
      if (a[i] == ctx) {
        FltContext[] b = new FltContext[a.length - 1];
        System.arraycopy(a, 0, b, 0, i);
        System.arraycopy(a, i + 1, b, i, a.length - i - 1);
        return packed(b);
      }
    }
    return held;
  }

  /**
   * Splits the contexts by whether their instance matches.
   *
   * @param out receives the matching contexts
   * @return what the field holds once they are taken out ({@code held} itself when none matched)
   */
  static @Nullable Object withoutWhere(
      @Nullable Object held, Predicate<? super FltInstance> which, List<FltContext> out) {
    List<FltContext> kept = new ArrayList<>();
    for (FltContext c : all(held)) {
      (which.test(java.util.Objects.requireNonNull(c.attachedInstance())) ? out : kept).add(c);
    }
    return out.isEmpty() ? held : packed(kept.toArray(new FltContext[0]));
  }

  private static FltContext[] all(@Nullable Object held) {
    if (held instanceof FltContext c) {
      return new FltContext[] {c};
    }
    return held instanceof FltContext[] a ? a : new FltContext[0];
  }

  private static @Nullable Object packed(FltContext[] a) {
    return a.length == 0 ? null : a.length == 1 ? a[0] : a;
  }
}
