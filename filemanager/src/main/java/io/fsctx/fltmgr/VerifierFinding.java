package io.fsctx.fltmgr;

import org.jspecify.annotations.Nullable;

/**
 * One problem the verifier found, with enough to act on it: what kind of rule was broken, who
 * broke it (the filter, or the file system), the object's identity and description, and, when the
 * verifier tracks sites, where the object was allocated and last used.
 *
 * <p>Thread safety: immutable.
 *
 * @param kind what was broken
 * @param culprit the filter's name, or {@code file system} for file-system-side findings
 * @param subject the identity of the object involved ({@code Ctx#12}, {@code Scb#3}, ...)
 * @param message the full description: type, pool tag, payload class, reference count ...
 * @param allocationSite where the object was allocated, when tracked
 * @param lastAccessSite where it was last referenced or released, when tracked
 */
public record VerifierFinding(
    Kind kind,
    String culprit,
    String subject,
    String message,
    @Nullable Throwable allocationSite,
    @Nullable Throwable lastAccessSite) {

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
    FILE_SYSTEM_RULE
  }

  /** One line: kind, culprit, message. */
  public String format() {
    StringBuilder sb = new StringBuilder();
    sb.append(kind).append(" [").append(culprit).append("] ").append(message);
    appendSite(sb, "allocated at", allocationSite);
    appendSite(sb, "last referenced at", lastAccessSite);
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
