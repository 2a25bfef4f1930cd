package io.fsctx.fltmgr;

import org.jspecify.annotations.Nullable;

/**
 * {@code FLT_RELATED_CONTEXTS} and, with {@link #sectionContext}, {@code FLT_RELATED_CONTEXTS_EX}:
 * filled by {@code FltGetContexts}; every non-null field owns one reference until {@code
 * FltReleaseContexts}.
 *
 * <p>Thread safety: confined; a structure belongs to one caller.
 */
public final class FltRelatedContexts {
  /** {@code sizeof(FLT_RELATED_CONTEXTS)} on x64: six pointers. */
  public static final long SIZEOF_FLT_RELATED_CONTEXTS = 6 * 8;
  /** {@code sizeof(FLT_RELATED_CONTEXTS_EX)} on x64: seven pointers. */
  public static final long SIZEOF_FLT_RELATED_CONTEXTS_EX = 7 * 8;

  public @Nullable FltContext volumeContext;
  public @Nullable FltContext instanceContext;
  public @Nullable FltContext fileContext;
  public @Nullable FltContext streamContext;
  public @Nullable FltContext streamHandleContext;
  public @Nullable FltContext transactionContext;
  /**
   * The Windows 8 {@code _EX} field: filled by {@code FltGetContextsEx} only, as the plain
   * {@code FLT_RELATED_CONTEXTS} that {@code FltGetContexts} takes has no such field (issue 13).
   */
  public @Nullable FltContext sectionContext;

  /** Creates a zeroed structure. */
  public FltRelatedContexts() {}

  void clear() {
    volumeContext = null;
    instanceContext = null;
    fileContext = null;
    streamContext = null;
    streamHandleContext = null;
    transactionContext = null;
    sectionContext = null;
  }
}
