package io.fsctx.tools.cli;

import com.google.common.collect.ImmutableList;
import io.fsctx.nt.BugCheckException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;

/**
 * Turns whatever a command threw into what the user sees: an exit status and one line, never a
 * stack trace (that takes {@code --stacktrace} or {@code FSCTX_STACKTRACE=1}).
 *
 * <ul>
 *   <li>{@link OutOfMemoryError} anywhere in the causes: {@link ExitStatus#INTERNAL}, naming the
 *       heap limit and how to raise it.
 *   <li>{@link BugCheckException}: {@link ExitStatus#FOUND}, the code under test would have
 *       bug-checked Windows (with the first frame of the user's code, if any).
 *   <li>A stack that runs through the user's code ({@link UserCode}): {@link
 *       ExitStatus#BAD_INPUT}, naming the user's class, what it threw (a static initializer, a
 *       stack overflow included) and the first frame in their code.
 *   <li>Anything else: {@link ExitStatus#INTERNAL}, "internal error", with the throwing frame.
 * </ul>
 *
 * <p>Thread safety: stateless.
 */
final class Failures {
  /** Longest message text kept, so that a failure is one readable line. */
  static final int MAX_TEXT = 300;

  private Failures() {}

  /**
   * What the user is told.
   *
   * @param status the exit status
   * @param message one line, without the {@code fsctx COMMAND:} prefix
   * @param showHint whether to add where the stack trace can be had
   */
  record Failure(int status, String message, boolean showHint) {}

  /**
   * Judges a throwable.
   *
   * @param t what the command threw
   * @param user the user's code, when the command loaded some
   * @return the status and the line
   */
  static Failure classify(Throwable t, @Nullable UserCode user) {
    ImmutableList<Throwable> chain = chain(t);
    Throwable root = chain.get(chain.size() - 1);
    for (Throwable c : chain) {
      if (c instanceof OutOfMemoryError) {
        long max = Runtime.getRuntime().maxMemory();
        return new Failure(
            ExitStatus.INTERNAL,
            "out of memory (" + text(c.getMessage(), "OutOfMemoryError") + "): the JVM's heap limit is "
                + (max == Long.MAX_VALUE ? "unlimited" : (max >> 20) + " MiB")
                + "; raise it, for example with JAVA_TOOL_OPTIONS=-Xmx4g",
            false);
      }
    }
    StackTraceElement userFrame = user == null ? null : user.firstFrame(t);
    for (Throwable c : chain) {
      if (c instanceof BugCheckException) {
        return new Failure(
            ExitStatus.FOUND,
            "bug check: " + text(c.getMessage(), "") + (userFrame == null ? "" : ", at " + frame(userFrame)),
            userFrame != null);
      }
    }
    if (user != null && userFrame != null) {
      String what;
      if (root instanceof StackOverflowError) {
        what = user.className() + " overflowed the stack (java.lang.StackOverflowError)";
      } else if (chain.stream().anyMatch(c -> c instanceof ExceptionInInitializerError)) {
        what = "a static initializer of " + user.className() + " threw " + describe(root);
      } else {
        what = user.className() + " threw " + describe(root);
      }
      return new Failure(ExitStatus.BAD_INPUT, what + ", at " + frame(userFrame), true);
    }
    StackTraceElement[] stack = root.getStackTrace();
    String where = stack.length == 0 ? "" : " (at " + frame(stack[0]) + ")";
    if (root instanceof StackOverflowError) {
      return new Failure(ExitStatus.INTERNAL, "internal error: stack overflow" + where, true);
    }
    return new Failure(ExitStatus.INTERNAL, "internal error: " + describe(root) + where, true);
  }

  /**
   * The throwable and its causes, outermost first, without the wrappers that only carry a cause
   * (picocli's execution exception, reflection's invocation target) when they have one; cycles
   * are cut.
   */
  static ImmutableList<Throwable> chain(Throwable t) {
    ImmutableList.Builder<Throwable> b = ImmutableList.builder();
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    int kept = 0;
    for (Throwable c = t; c != null && seen.add(c) && seen.size() <= 64; c = c.getCause()) {
      boolean wrapper =
          c instanceof CommandLine.ExecutionException
              || c instanceof InvocationTargetException
              || c instanceof UndeclaredThrowableException;
      if (!wrapper || c.getCause() == null) {
        b.add(c);
        kept++;
      }
    }
    if (kept == 0) {
      b.add(t);
    }
    return b.build();
  }

  /** {@code com.example.Fs.method(Fs.java:12)}, without the loader and module prefixes. */
  static String frame(StackTraceElement f) {
    String where =
        f.isNativeMethod()
            ? "Native Method"
            : f.getFileName() == null
                ? "Unknown Source"
                : f.getLineNumber() >= 0 ? f.getFileName() + ":" + f.getLineNumber() : f.getFileName();
    return f.getClassName() + "." + f.getMethodName() + "(" + where + ")";
  }

  /** {@code java.lang.IllegalStateException: message}, on one line and not too long. */
  static String describe(Throwable t) {
    String m = t.getMessage();
    return t.getClass().getName() + (m == null || m.isBlank() ? "" : ": " + text(m, ""));
  }

  /** A message on one line, at most {@link #MAX_TEXT} characters. */
  static String text(@Nullable String message, String ifNone) {
    if (message == null || message.isBlank()) {
      return ifNone;
    }
    String one = message.strip().replaceAll("\\s*\\R\\s*", " ");
    return one.length() <= MAX_TEXT ? one : one.substring(0, MAX_TEXT) + "...";
  }

  /** Whether an environment or option value means "yes". */
  static boolean truthy(@Nullable String value) {
    if (value == null) {
      return false;
    }
    String s = value.strip().toLowerCase(Locale.ROOT);
    return s.equals("1") || s.equals("true") || s.equals("yes");
  }
}
