package io.fsctx.tools.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;

/**
 * One in-process run of the {@code fsctx} command line, as {@link FsctxCommand#main} would run it
 * but with standard output and standard error captured.
 *
 * @param exit the exit status
 * @param out what went to standard output
 * @param err what went to standard error
 */
record CliRun(int exit, String out, String err) {

  /**
   * Runs {@code fsctx} with the arguments.
   *
   * @param args the command line after {@code fsctx}
   * @return what happened
   */
  static CliRun of(String... args) {
    CommandLine cl = FsctxCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new CliRun(exit, out.toString(), err.toString());
  }

  /** Standard output, line by line. */
  List<String> lines() {
    return Arrays.asList(out.split("\\R"));
  }
}
