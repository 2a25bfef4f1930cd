package io.fsctx.tools.cli;

import org.jspecify.annotations.Nullable;

/**
 * Which stack frames are the user's own code: classes loaded from {@code --classpath} (by a loader
 * named {@link #LOADER_NAME}) and the class named by {@code --class} with its nested classes. A
 * failure whose stack has such a frame is the user's input going wrong ({@link
 * ExitStatus#BAD_INPUT}), reported with the first such frame; one without is fsctx's own.
 *
 * <p>Thread safety: immutable.
 *
 * @param className the class the user named
 */
record UserCode(String className) {
  /** The name of the class loader of {@code --classpath}, as stack frames report it. */
  static final String LOADER_NAME = "fsctx --classpath";

  /** Whether a frame runs the user's code. */
  boolean owns(StackTraceElement frame) {
    String c = frame.getClassName();
    return LOADER_NAME.equals(frame.getClassLoaderName())
        || c.equals(className)
        || c.startsWith(className + "$");
  }

  /**
   * The first (innermost) frame of the user's code in {@code t}'s stack, looking at the deepest
   * cause first, or null when the user's code is not on any of the stacks.
   */
  @Nullable StackTraceElement firstFrame(Throwable t) {
    for (Throwable c : Failures.chain(t).reverse()) {
      for (StackTraceElement f : c.getStackTrace()) {
        if (owns(f)) {
          return f;
        }
      }
    }
    return null;
  }
}
