package io.fsctx.fltmgr;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One problem the verifier found, with enough to act on it: what kind of rule was broken, who
 * broke it (the filter, or the file system), the object's identity and description, and, when the
 * verifier tracks sites, where the object was allocated and last used and, for a leak, every
 * reference still held with the site and callback that took it.
 *
 * <p>Thread safety: immutable.
 *
 * @param kind what was broken
 * @param culprit the filter's name, or {@code file system} for file-system-side findings
 * @param subject the identity of the object involved ({@code Ctx#12}, {@code Scb#3}, ...)
 * @param message the full description: type, pool tag, payload class, reference count ...
 * @param allocationSite where the object was allocated, when tracked
 * @param lastAccessSite where it was last referenced or released, when tracked
 * @param outstanding for a leak at {@link VerifierLevel#TRACKING} and above, the references still
 *     held, oldest first; empty otherwise
 */
public record VerifierFinding(
    Kind kind,
    String culprit,
    String subject,
    String message,
    @Nullable Throwable allocationSite,
    @Nullable Throwable lastAccessSite,
    List<HeldReference> outstanding) {

  /** Copies the list. */
  public VerifierFinding {
    outstanding = List.copyOf(outstanding);
  }

  /** A finding that lists no outstanding references. */
  public VerifierFinding(
      Kind kind,
      String culprit,
      String subject,
      String message,
      @Nullable Throwable allocationSite,
      @Nullable Throwable lastAccessSite) {
    this(kind, culprit, subject, message, allocationSite, lastAccessSite, List.of());
  }

  /** The rules the verifier checks. */
  public enum Kind {
    /** A filter still held context references when an instance was torn down. */
    LEAKED_CONTEXT_AT_INSTANCE_TEARDOWN,
    /** A filter still held context references when it unloaded. */
    LEAKED_CONTEXT_AT_UNLOAD,
    /** Bug check 0xF5/0x6D: an attached context released to zero. */
    CONTEXT_RELEASED_TOO_MANY_TIMES,
    /** Bug check 0xF5/0x6E: a freed context used. */
    CONTEXT_USED_AFTER_FREE,
    /** Bug check 0xF5/0x66: SUCCESS_WITH_CALLBACK or SYNCHRONIZE without a post-operation callback. */
    POST_CALLBACK_MISSING,
    /** A completion context set although no post-operation callback will run. */
    COMPLETION_CONTEXT_WITHOUT_POST,
    /** {@code FltDeleteContext} called without holding a reference. */
    DELETE_WITHOUT_REFERENCE,
    /** A file, stream or stream-handle context set on a file object that is not open yet. */
    SET_ON_UNOPENED_FILE_OBJECT,
    /** Bug check 0xF5/0x68: file name information released too many times. */
    NAME_INFORMATION_RELEASED_TOO_MANY_TIMES,
    /** A filter still held file name information references when it unloaded. */
    NAME_INFORMATION_LEAKED,
    /** A callback returned holding an ERESOURCE or inside a critical region. */
    RESOURCE_HELD_AT_CALLBACK_EXIT,
    /**
     * The file system broke a rule of the FCB-header table ({@link io.fsctx.verifier.FsRule}:
     * teardown missing or early, flags changed after setup, a paging file claiming filter
     * support, an FCB freed twice or never...); the message starts with the rule's id.
     */
    FILE_SYSTEM_RULE,
    /**
     * A filter started filtering on a Filter Manager that attached to no I/O manager's volume
     * ({@code followMounts} or {@code attachToVolume} never called) and never had an instance, so
     * none of its callbacks could run: a test of it tested nothing.
     */
    FILTER_NEVER_ATTACHED,
    /**
     * A filter's own callback (an operation, instance, context-cleanup or transaction-notification
     * callback) raised a bug check that Filter Manager did not raise itself, such as {@code
     * BAD_POOL_CALLER} (0xC2/0x46) from a cleanup routine freeing a pointer it read from a
     * context that was never initialised; the message names the bug check and the callback.
     */
    BUG_CHECK_IN_CALLBACK,
    /**
     * A Filter Manager routine called above its documented maximum IRQL (issue 13; the table is
     * in {@code FltIrql}): the message names the routine, the IRQL and the call site.
     */
    ROUTINE_ABOVE_MAX_IRQL,
    /**
     * A paged-pool context touched (referenced, released) at {@code DISPATCH_LEVEL}: bug check
     * 0xA ({@code IRQL_NOT_LESS_OR_EQUAL}) where the page is out, thrown by the model every time.
     */
    PAGED_CONTEXT_AT_DISPATCH,
    /** {@code FltDeleteContext} on a section context, which only {@code FltCloseSectionForDataScan} may detach. */
    SECTION_CONTEXT_DELETED,
    /** A callback returned at another IRQL than it was called at (issue 13): a spin lock still held, say. */
    IRQL_NOT_RESTORED_AT_CALLBACK_EXIT;

    /** Whether this finding is a bug check (0xF5/0x66, 0x68, 0x6D, 0x6E; 0xA; or a filter's own) that was also thrown. */
    public boolean isBugCheck() {
      return switch (this) {
        case CONTEXT_RELEASED_TOO_MANY_TIMES, CONTEXT_USED_AFTER_FREE, POST_CALLBACK_MISSING,
            NAME_INFORMATION_RELEASED_TOO_MANY_TIMES, BUG_CHECK_IN_CALLBACK, PAGED_CONTEXT_AT_DISPATCH -> true;
        default -> false;
      };
    }

    /** Whether this finding reports references still held when their owner went away. */
    public boolean isLeak() {
      return switch (this) {
        case LEAKED_CONTEXT_AT_INSTANCE_TEARDOWN, LEAKED_CONTEXT_AT_UNLOAD, NAME_INFORMATION_LEAKED -> true;
        default -> false;
      };
    }
  }

  /**
   * The finding as text: kind, culprit and message on the first line with the allocation and
   * last access sites. A leak with outstanding references lists them instead, one indented line
   * each ({@link HeldReference#format()}, with its stack at FULL), then the allocation site: the
   * last access of a leaked object is usually a balanced one and points away from the bug.
   */
  public String format() {
    StringBuilder sb = new StringBuilder();
    sb.append(kind).append(" [").append(culprit).append("] ").append(message);
    if (outstanding.isEmpty()) {
      appendSite(sb, "allocated at", allocationSite);
      appendSite(sb, "last referenced at", lastAccessSite);
      return sb.toString();
    }
    for (HeldReference r : outstanding) {
      sb.append("\n      ").append(r.reportLine("      "));
    }
    StackTraceElement allocated = userFrame(allocationSite);
    if (allocated != null) {
      sb.append("\n      allocated at ").append(allocated);
    }
    return sb.toString();
  }

  /** The packages whose frames a site skips: the model itself and the JDK's reflection. */
  private static final java.util.Set<String> FRAMEWORK_PACKAGES =
      java.util.Set.of("io.fsctx.fltmgr", "io.fsctx.fsrtl", "io.fsctx.io", "io.fsctx.nt");

  /**
   * The first frame outside the framework, where a site was recorded: the filter's (or test's)
   * code that called into the model. Framework packages are matched exactly, so user code in a
   * subpackage such as {@code io.fsctx.fltmgr.verifier} is not mistaken for the framework.
   */
  static @Nullable StackTraceElement userFrame(@Nullable Throwable site) {
    if (site == null) {
      return null;
    }
    for (StackTraceElement el : site.getStackTrace()) {
      if (!isFrameworkFrame(el.getClassName())) {
        return el;
      }
    }
    return null;
  }

  /**
   * Where a recorded site ({@link #allocationSite()}, {@link #lastAccessSite()}, {@link
   * FltContext#allocationSite()}) points into the caller's code: its first frame outside the model.
   *
   * @param site a recorded site, or null when the verifier level records none
   * @return the frame, or null when there is no site or every frame belongs to the model
   */
  public static @Nullable StackTraceElement callerFrame(@Nullable Throwable site) {
    return userFrame(site);
  }

  /** The frames of a recorded site from its first frame outside the model on (FULL reports). */
  static List<StackTraceElement> userStack(Throwable site) {
    StackTraceElement[] all = site.getStackTrace();
    for (int i = 0; i < all.length; i++) {
      if (!isFrameworkFrame(all[i].getClassName())) {
        return List.of(all).subList(i, all.length);
      }
    }
    return List.of();
  }

  private static boolean isFrameworkFrame(String className) {
    if (className.startsWith("java.") || className.startsWith("jdk.") || className.startsWith("sun.")) {
      return true;
    }
    int dot = className.lastIndexOf('.');
    return dot > 0 && FRAMEWORK_PACKAGES.contains(className.substring(0, dot));
  }

  private static void appendSite(StringBuilder sb, String label, @Nullable Throwable site) {
    StackTraceElement el = userFrame(site);
    if (el != null) {
      sb.append("; ").append(label).append(' ').append(el);
    }
  }

  @Override
  public String toString() {
    return format();
  }
}
