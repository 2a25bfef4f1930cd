package io.fsctx.tools.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code fsctx} command-line tool. Each job is a picocli subcommand listed in the {@code
 * subcommands} attribute below (adding one is one line there and one line in {@link #FOUND});
 * with no subcommand it runs {@code run} with its defaults.
 *
 * <p>Every command follows one convention ({@link ExitStatus}): exit statuses with one meaning
 * each, listed in every {@code --help}; failures reported as one line on standard error, with the
 * stack trace only on request ({@code --stacktrace}, {@code FSCTX_STACKTRACE=1}); standard output
 * written when the command ends, complete (statuses 0 and 1) or not at all, and checked, as is
 * standard error.
 *
 * <p>Thread safety: confined to the thread that runs it.
 */
@Command(
    name = "fsctx",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "A Java model of Windows file-system contexts (FsRtl and Filter Manager).",
    footer = "With no command, runs 'run' with its defaults.",
    subcommands = {
      RunCommand.class,
      WalkthroughCommand.class,
      CheckFsCommand.class,
      ReplayCommand.class,
      CommandLine.HelpCommand.class
    })
public final class FsctxCommand implements Callable<Integer> {
  /** What exit status 1 means, per command, for the "Exit status:" list of its help. */
  private static final Map<String, String> FOUND =
      Map.of(
          "fsctx", "The command found something (see the command's --help).",
          "run", "Contexts leaked, the verifier reported findings, or the filter bug-checked.",
          "walkthrough", "Contexts were still alive when the walkthrough filter unloaded, or it bug-checked.",
          "check-fs", "At least one requirement FAILed, or the file system bug-checked.",
          "replay", "Contexts leaked (try --filter leaky), or the filter bug-checked (the message names the line).");

  @Spec CommandSpec spec;

  private final Invocation invocation;

  private FsctxCommand(Invocation invocation) {
    this.invocation = invocation;
  }

  @Option(
      names = "--stacktrace",
      scope = ScopeType.INHERIT,
      description = "On failure, also print the Java stack trace (or set FSCTX_STACKTRACE=1).")
  void stackTrace(boolean on) {
    if (on) {
      invocation.requestStackTrace();
    }
  }

  Invocation invocation() {
    return invocation;
  }

  /** No subcommand: {@code fsctx run}. */
  @Override
  public Integer call() {
    return spec.commandLine().getSubcommands().get("run").execute();
  }

  /**
   * A configured command line for one invocation: exit statuses, the one-line error handlers,
   * the version and the "Exit status:" section on every command.
   */
  static CommandLine commandLine(Invocation invocation) {
    CommandLine cl = new CommandLine(new FsctxCommand(invocation));
    configure(cl);
    cl.setCaseInsensitiveEnumValuesAllowed(true)
        .setExitCodeExceptionMapper(t -> ExitStatus.INTERNAL)
        .setParameterExceptionHandler(FsctxCommand::usageError)
        .setExecutionExceptionHandler(
            (ex, command, parseResult) ->
                invocation.report(ex, command.getCommandSpec().qualifiedName()));
    return cl;
  }

  private static void configure(CommandLine cl) {
    CommandSpec s = cl.getCommandSpec();
    String found = FOUND.get(s.name());
    if (found != null) {
      s.usageMessage().exitCodeListHeading("%nExit status:%n").exitCodeList(ExitStatus.helpList(found));
      s.versionProvider(new VersionProvider());
    }
    for (CommandLine sub : cl.getSubcommands().values()) {
      configure(sub);
    }
  }

  /** A usage error: one line naming what is wrong, a suggestion when picocli has one, a pointer to --help. */
  private static int usageError(CommandLine.ParameterException ex, String[] args) {
    CommandLine cl = ex.getCommandLine();
    PrintWriter err = cl.getErr();
    String name = cl.getCommandSpec().qualifiedName();
    err.println(name + ": " + Failures.text(ex.getMessage(), "invalid command line"));
    CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
    err.println("Try '" + name + " --help' for more information.");
    err.flush();
    return ExitStatus.BAD_INPUT;
  }

  /**
   * Runs the command line on the given streams and returns the exit status; everything {@link
   * #main} does but exiting, so tests run exactly what a user runs.
   *
   * <p>Standard output is held until the command ends and written only when it completed (status
   * 0 or 1, and not by throwing), or when the command says its report is complete whatever the
   * status (a corpus replay in which one trace failed), so it is either complete or empty. Both standard streams are checked at the end: a
   * closed pipe gives {@link ExitStatus#CLOSED_PIPE} quietly, any other lost output {@link
   * ExitStatus#OUTPUT} with a message on standard error (these replace 0 and 1 only).
   *
   * @param args the arguments
   * @param stdio the standard streams and environment
   * @return the exit status
   */
  static int execute(String[] args, Stdio stdio) {
    Charset cs = stdio.charset();
    CheckedOutput out = new CheckedOutput(stdio.out(), "standard output", stdio.outState());
    CheckedOutput err = new CheckedOutput(stdio.err(), "standard error", stdio.errState());
    ByteArrayOutputStream held = new ByteArrayOutputStream();
    PrintWriter outWriter = new PrintWriter(new OutputStreamWriter(held, cs));
    PrintWriter errWriter = new PrintWriter(new OutputStreamWriter(err, cs), true);
    Invocation invocation = new Invocation(stdio, errWriter, new PrintStream(err, true, cs));
    int status;
    @Nullable CommandLine cl = null;
    try {
      cl = commandLine(invocation);
      cl.setOut(outWriter).setErr(errWriter);
      status = cl.execute(args);
    } catch (Throwable t) { // picocli passes Errors through; none may reach the user as a trace
      status = invocation.report(t, commandName(cl));
    }
    outWriter.flush();
    errWriter.flush();
    if (((status == ExitStatus.OK || status == ExitStatus.FOUND) && !invocation.failureReported())
        || invocation.outputComplete()) {
      out.write(held.toByteArray(), 0, held.size());
      out.flush();
    }
    return outputStatus(status, out, err, errWriter);
  }

  /** The status once the output is accounted for. */
  private static int outputStatus(int status, CheckedOutput out, CheckedOutput err, PrintWriter errWriter) {
    boolean completed = status == ExitStatus.OK || status == ExitStatus.FOUND;
    if (out.failed()) {
      if (out.closedPipe()) {
        return ExitStatus.CLOSED_PIPE;
      }
      errWriter.println("fsctx: " + out.describe());
      errWriter.flush();
      return ExitStatus.OUTPUT;
    }
    if (err.failed() && completed) {
      return err.closedPipe() ? ExitStatus.CLOSED_PIPE : ExitStatus.OUTPUT;
    }
    return status;
  }

  private static String commandName(@Nullable CommandLine cl) {
    if (cl == null || cl.getParseResult() == null) {
      return "fsctx";
    }
    CommandLine.ParseResult r = cl.getParseResult();
    while (r.hasSubcommand()) {
      r = r.subcommand();
    }
    return r.commandSpec().qualifiedName();
  }

  /**
   * Entry point: runs the command line on the process's standard streams and exits with the
   * status of {@link ExitStatus}.
   *
   * @param args command-line arguments
   */
  public static void main(String[] args) {
    System.exit(execute(args, Stdio.system()));
  }
}
