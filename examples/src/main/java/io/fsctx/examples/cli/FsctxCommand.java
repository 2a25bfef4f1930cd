package io.fsctx.examples.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code fsctx} command-line tool. With no subcommand it runs the main job.
 *
 * <p>Thread safety: confined to the main thread.
 */
@Command(
    name = "fsctx",
    mixinStandardHelpOptions = true,
    description = "A Java model of Windows file-system contexts (FsRtl and Filter Manager).")
public final class FsctxCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    System.out.println("fsctx: the FsRtl layer is built; the filter stack comes next.");
    return 0;
  }

  /**
   * Entry point.
   *
   * @param args command-line arguments
   */
  public static void main(String[] args) {
    System.exit(new CommandLine(new FsctxCommand()).execute(args));
  }
}
