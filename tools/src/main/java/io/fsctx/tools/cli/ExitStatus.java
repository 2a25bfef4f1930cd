package io.fsctx.tools.cli;

import com.google.common.collect.ImmutableMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The exit statuses of every {@code fsctx} command: one convention, one meaning per number. Each
 * command's {@code --help} lists them from {@link #helpList}; the README's "Exit status and
 * errors" table says the same.
 *
 * <ul>
 *   <li>{@link #OK} 0: the command ran and found nothing wrong.
 *   <li>{@link #FOUND} 1: the command ran and found something: contexts leaked, a FAIL row, a
 *       verifier finding, a filter that bug-checked. What "something" is, each command says.
 *   <li>{@link #BAD_INPUT} 2: the command line or its input is wrong: an unknown option or value,
 *       a trace that cannot be read or is malformed (with the file and line), a {@code --class}
 *       that cannot be loaded, constructed or run (with the first frame in the user's code), a
 *       closed standard input. Nothing is printed on standard output.
 *   <li>{@link #INTERNAL} 3: fsctx itself failed: a bug, or the JVM ran out of memory. One line on
 *       standard error; the stack trace only with {@code --stacktrace} or {@code
 *       FSCTX_STACKTRACE=1}. Nothing is printed on standard output.
 *   <li>{@link #OUTPUT} 4: the output could not be written: standard output or standard error is
 *       closed, the disk is full ({@code > /dev/full}), the {@code --html} report cannot be written
 *       ({@link HtmlOption}), or another write error. It replaces 0 and 1, since the result did not
 *       reach the user; a message goes to standard error when it can.
 *   <li>{@link #CLOSED_PIPE} 141: whoever read standard output stopped reading ({@code | head
 *       -1}): the command ends quietly with the status a shell reports for a process killed by
 *       {@code SIGPIPE} (128 + 13), as {@code cat} or {@code grep} would.
 * </ul>
 *
 * <p>Thread safety: immutable.
 */
final class ExitStatus {
  /** The command ran and found nothing wrong. */
  static final int OK = 0;

  /** The command ran and found something (leaks, FAIL rows, verifier findings, a bug check). */
  static final int FOUND = 1;

  /** A usage error or bad input: nothing on standard output. */
  static final int BAD_INPUT = 2;

  /** fsctx failed (a bug, out of memory): nothing on standard output. */
  static final int INTERNAL = 3;

  /** Standard output, standard error or the {@code --html} report could not be written. */
  static final int OUTPUT = 4;

  /** The reader of standard output went away (a closed pipe): 128 + SIGPIPE (13). */
  static final int CLOSED_PIPE = 141;

  private ExitStatus() {}

  /**
   * The "Exit status:" list of a command's help: the shared meanings, with the command's own
   * meaning of status 1.
   *
   * @param found what status 1 means for this command
   * @return status (as text) to meaning, in order
   */
  static Map<String, String> helpList(String found) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(String.valueOf(OK), "Success: nothing wrong was found.");
    m.put(String.valueOf(FOUND), found);
    m.putAll(COMMON);
    return m;
  }

  /** Statuses 2 and up, the same for every command. */
  private static final ImmutableMap<String, String> COMMON =
      ImmutableMap.of(
          String.valueOf(BAD_INPUT),
          "Usage error or bad input (the message names the argument, file and line); nothing on"
              + " standard output.",
          String.valueOf(INTERNAL),
          "Internal error (a bug in fsctx, or out of memory): one line on standard error; add"
              + " --stacktrace or set FSCTX_STACKTRACE=1 for the stack trace.",
          String.valueOf(OUTPUT),
          "Output error: standard output, standard error or the --html report could not be"
              + " written (closed, disk full, no such directory).",
          String.valueOf(CLOSED_PIPE),
          "The reader of standard output went away (closed pipe, as with '| head'): ends quietly,"
              + " like a process killed by SIGPIPE.");
}
