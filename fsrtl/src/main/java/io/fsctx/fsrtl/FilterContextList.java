package io.fsctx.fsrtl;

import org.jspecify.annotations.Nullable;

/**
 * An advanced header's {@code PushLock} and the {@code FilterContexts} list it guards, in one
 * object: both are embedded in the C header and live exactly as long as it, and a list object
 * beside the lock cost every stream 16 bytes (issue 14). {@link AdvancedFcbHeader#pushLock()}
 * returns it as the push lock; FsRtl uses it as the list (under whichever lock the header's
 * version makes {@link AdvancedFcbHeader#filterContextsLock()}).
 *
 * <p>Thread safety: safe for concurrent use, as {@link PushLock} and {@link ContextList}.
 */
final class FilterContextList extends PushLock implements ContextList<PerStreamContext> {
  /** {@link ContextList#entries()}. */
  private volatile @Nullable Object entries;

  @Override
  public @Nullable Object entries() {
    return entries;
  }

  @Override
  public void entries(@Nullable Object e) {
    entries = e;
  }
}
