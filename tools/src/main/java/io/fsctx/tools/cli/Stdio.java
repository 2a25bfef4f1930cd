package io.fsctx.tools.cli;

import com.google.common.collect.ImmutableMap;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The standard streams and environment one run of the command line sees: the real ones for
 * {@link FsctxCommand#main}, in-memory ones for tests. Standard input is never closed by the
 * command (it belongs to the process).
 *
 * <p>What a stream is matters for two policies: a closed descriptor is reported as closed (the
 * JVM reuses a descriptor its parent closed for its own files, so reading a closed standard input
 * would read the JVM's module image and writing a closed standard output would fail or, worse,
 * land in that file), and a write error on a pipe means its reader went away ({@link
 * ExitStatus#CLOSED_PIPE}).
 *
 * <p>Thread safety: immutable; the streams themselves are confined to the run.
 *
 * @param in standard input
 * @param inState whether standard input is open
 * @param out standard output
 * @param outState what standard output is
 * @param err standard error
 * @param errState what standard error is
 * @param charset how text is encoded on standard output and standard error
 * @param env the environment ({@code FSCTX_STACKTRACE})
 */
record Stdio(
    InputStream in,
    State inState,
    OutputStream out,
    State outState,
    OutputStream err,
    State errState,
    Charset charset,
    ImmutableMap<String, String> env) {

  /** What a standard stream's descriptor is. */
  enum State {
    /** Open, and not a pipe (or not known to be one). */
    OPEN,
    /** A pipe: a write error means its reader went away. */
    PIPE,
    /** Closed by the parent process: never read or written. */
    CLOSED
  }

  /** The environment variable that asks for stack traces ({@code 1}, {@code true} or {@code yes}). */
  static final String STACKTRACE_ENV = "FSCTX_STACKTRACE";

  /**
   * In-memory streams for tests: open, not pipes, UTF-8, no environment.
   *
   * @param in standard input
   * @param out standard output
   * @param err standard error
   * @return the streams
   */
  static Stdio of(InputStream in, OutputStream out, OutputStream err) {
    return new Stdio(
        in, State.OPEN, out, State.OPEN, err, State.OPEN, java.nio.charset.StandardCharsets.UTF_8,
        ImmutableMap.of());
  }

  /** The same streams with standard input in {@code state}. */
  Stdio withInState(State state) {
    return new Stdio(in, state, out, outState, err, errState, charset, env);
  }

  /** The same streams with standard output in {@code state}. */
  Stdio withOutState(State state) {
    return new Stdio(in, inState, out, state, err, errState, charset, env);
  }

  /** The same streams with another environment. */
  Stdio withEnv(Map<String, String> environment) {
    return new Stdio(in, inState, out, outState, err, errState, charset, ImmutableMap.copyOf(environment));
  }

  /** Whether the environment asks for stack traces. */
  boolean stackTraceRequested() {
    return Failures.truthy(env.get(STACKTRACE_ENV));
  }

  /**
   * The process's own descriptors 0, 1 and 2 (unbuffered: the command buffers what it needs),
   * the default charset and the environment. Each descriptor's state comes from the launcher
   * ({@code -Dfsctx.stdin=closed}, {@code fsctx.stdout}, {@code fsctx.stderr}, set by {@code
   * ./fsctx} when the shell closed one) or, on Linux, from {@code /proc/self/fd}.
   */
  static Stdio system() {
    return new Stdio(
        new FileInputStream(FileDescriptor.in),
        probe(0, "fsctx.stdin"),
        new FileOutputStream(FileDescriptor.out),
        probe(1, "fsctx.stdout"),
        new FileOutputStream(FileDescriptor.err),
        probe(2, "fsctx.stderr"),
        Charset.defaultCharset(),
        ImmutableMap.copyOf(System.getenv()));
  }

  /**
   * What descriptor {@code fd} is. A descriptor the parent closed is reused by the JVM for the
   * first file it opens (its module image {@code lib/modules}, or the application's jar), so a
   * descriptor that names a file under {@code java.home} or a class-path entry is treated as
   * closed. Where {@code /proc} is missing, the state is {@link State#OPEN}.
   */
  static State probe(int fd, String property) {
    if ("closed".equals(System.getProperty(property))) {
      return State.CLOSED;
    }
    Path fds = Path.of("/proc/self/fd");
    try {
      String target = Files.readSymbolicLink(fds.resolve(Integer.toString(fd))).toString();
      if (target.startsWith("pipe:")) {
        return State.PIPE;
      }
      return isJvmOwnFile(target) ? State.CLOSED : State.OPEN;
    } catch (NoSuchFileException e) {
      return Files.isDirectory(fds) ? State.CLOSED : State.OPEN;
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return State.OPEN;
    }
  }

  private static boolean isJvmOwnFile(String target) {
    String home = System.getProperty("java.home", "");
    if (!home.isEmpty() && target.startsWith(home + "/")) {
      return true;
    }
    for (String entry : System.getProperty("java.class.path", "").split(java.io.File.pathSeparator, -1)) {
      if (entry.isEmpty()) {
        continue;
      }
      try {
        if (Path.of(entry).toRealPath().toString().equals(target)) {
          return true;
        }
      } catch (IOException | RuntimeException e) {
        // An entry that does not exist cannot be the descriptor's file.
      }
    }
    return false;
  }
}
