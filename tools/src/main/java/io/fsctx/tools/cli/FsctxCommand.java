package io.fsctx.tools.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code fsctx} command-line tool. Each job is a picocli subcommand listed in the {@code
 * subcommands} attribute below (adding one is one line there); with no subcommand it runs {@code
 * run} with its defaults.
 *
 * <p>Thread safety: confined to the main thread.
 */
@Command(
    name = "fsctx",
    mixinStandardHelpOptions = true,
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
  @Spec CommandSpec spec;

  /** No subcommand: {@code fsctx run}. */
  @Override
  public Integer call() {
    return spec.commandLine().getSubcommands().get("run").execute();
  }

  /** A command line for {@code fsctx}, configured as {@link #main} uses it (for tests too). */
  public static CommandLine commandLine() {
    return new CommandLine(new FsctxCommand()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  /**
   * Entry point.
   *
   * @param args command-line arguments
   */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
