package io.fsctx.fltmgr;

import io.fsctx.nt.NtStatus;
import org.jspecify.annotations.Nullable;

/**
 * One observable step of a context's life, as published by {@link FilterManager#addListener}:
 * what happened, through which routine, inside which filter callback, and the reference count
 * right after the step. The walkthrough table, the replay summary and leak reports are built from
 * these.
 *
 * <p>Thread safety: immutable.
 *
 * @param sequence a per-manager sequence number, increasing in publication order
 * @param kind what happened
 * @param routine the DDI routine, such as {@code FltSetStreamContext}
 * @param callback the filter callback running in this thread ({@code PreCreate}, ...), or null
 * @param contextId the context's identity
 * @param contextType its type
 * @param filterName the owning filter
 * @param instanceId the instance it is or was attached through, or null
 * @param referenceCount the count after the step
 * @param status the routine's status where it has one, else null
 */
public record ContextEvent(
    long sequence,
    Kind kind,
    String routine,
    @Nullable String callback,
    String contextId,
    FltContextType contextType,
    String filterName,
    @Nullable String instanceId,
    int referenceCount,
    @Nullable NtStatus status) {

  /** What happened to a context. */
  public enum Kind {
    /** {@code FltAllocateContext} succeeded. */
    ALLOCATE,
    /** A set attached it. */
    SET,
    /** A set failed (ALREADY_DEFINED, NOT_SUPPORTED, ...); the count is unchanged. */
    SET_FAILED,
    /** A get (or FltGetContexts) took a reference. */
    GET,
    /** A set or delete handed the old context back with a reference. */
    OLD_CONTEXT_RETURNED,
    /** {@code FltReferenceContext}. */
    REFERENCE,
    /** A release that did not free it. */
    RELEASE,
    /** Detached from its object (delete, replace or the object's death). */
    DELETE,
    /** The cleanup callback is about to run; the count is 0. */
    CLEANUP,
    /** The memory went back. */
    FREE
  }
}
