package io.fsctx.tools.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.tools.replay.Traces;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The convention every command shares, through the real entry point: documented exit statuses,
 * usage errors as one line, {@code --version}, help that does not cut sentences, and output that
 * is checked (a full disk, a closed stream, a closed pipe).
 */
class ExitStatusTest {
  private static final String HEADER = Traces.HEADER7 + "\r\n";

  @TempDir Path dir;

  /** Standard output that fails every write the way a device does. */
  private static final class FailingOutput extends OutputStream {
    private final String message;
    int writes;

    FailingOutput(String message) {
      this.message = message;
    }

    @Override
    public void write(int b) throws IOException {
      writes++;
      throw new IOException(message);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      writes++;
      throw new IOException(message);
    }
  }

  // ---- Help and version ----------------------------------------------------------------------

  @ParameterizedTest(name = "fsctx {0} --help")
  @ValueSource(strings = {"", "run", "walkthrough", "check-fs", "replay"})
  @DisplayName("Every command's --help lists the exit statuses 0, 1, 2, 3, 4 and 141")
  void help_everyCommand_listsExitStatuses(String command) {
    Cli.Result r = command.isEmpty() ? Cli.run("--help") : Cli.run(command, "--help");
    assertEquals(0, r.exit(), r::toString);
    String section = r.out().substring(r.out().indexOf("Exit status:"));
    for (String status : List.of("0", "1", "2", "3", "4", "141")) {
      assertTrue(Pattern.compile("(?m)^  " + status + " +\\S").matcher(section).find(),
          () -> "status " + status + " missing:\n" + section);
    }
    assertTrue(section.contains("--stacktrace") && section.contains("FSCTX_STACKTRACE=1"), section);
    assertTrue(r.out().contains("--stacktrace"), "every command takes --stacktrace");
  }

  @Test
  @DisplayName("Each command's own meaning of status 1 is in its help")
  void help_statusOne_isTheCommandsOwn() {
    assertTrue(Cli.run("replay", "--help").out().contains("Contexts leaked (try --filter leaky)"));
    assertTrue(Cli.run("check-fs", "--help").out().contains("At least one requirement FAILed"));
    assertTrue(Cli.run("run", "--help").out().contains("Contexts leaked, the verifier reported findings"));
  }

  @Test
  @DisplayName("The top-level help gives every command a whole sentence, never cut mid-sentence")
  void help_topLevel_commandSummariesAreWholeSentences() {
    String out = Cli.run("--help").out();
    String commands = out.substring(out.indexOf("Commands:\n") + 10, out.indexOf("\nExit status:"));
    Matcher m = Pattern.compile("(?m)^  (\\S+)\\s+(.*(?:\\n {4,}.*)*)").matcher(commands);
    List<String> seen = new ArrayList<>();
    while (m.find()) {
      String summary = m.group(2).replaceAll("\\s+", " ").strip();
      seen.add(m.group(1));
      assertTrue(summary.endsWith("."), () -> "summary of " + m.group(1) + " is cut: " + summary);
    }
    assertEquals(List.of("run", "walkthrough", "check-fs", "replay", "help"), seen);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"--version", "-V", "run --version", "replay --version", "check-fs -V", "walkthrough --version"})
  @DisplayName("--version prints the project version on every command (it printed nothing)")
  void version_everyCommand_printsProjectVersion(String args) {
    Cli.Result r = Cli.run(args.split(" "));
    assertEquals(0, r.exit(), r::toString);
    List<String> lines = r.lines();
    assertTrue(lines.get(0).matches("fsctx \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"), r.out());
    assertTrue(lines.get(1).startsWith("Java " + System.getProperty("java.version")), r.out());
    assertEquals("", r.err());
  }

  // ---- Usage errors --------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"frobnicate", "--nope", "run --fs zfs", "replay", "replay --jobs 0 a b", "check-fs ext4",
      "walkthrough --fs", "run --debug-level loud", "replay --filter bogus x.csv", "check-fs --classpath x"})
  @DisplayName("A usage error: status 2, one line naming the problem, a pointer to --help, nothing on stdout")
  void usageError_any_statusTwoOneLineAndHint(String args) {
    Cli.Result r = Cli.run(args.split(" ")).assertRefused(2);
    List<String> lines = r.err().lines().toList();
    assertTrue(lines.get(0).startsWith("fsctx"), r.err());
    assertTrue(lines.get(lines.size() - 1).matches("Try 'fsctx( [a-z-]+)? --help' for more information\\."), r.err());
    assertFalse(r.err().contains("Usage:"), "no full usage dump on an error");
  }

  @Test
  @DisplayName("A misspelt command gets a suggestion")
  void usageError_misspeltCommand_suggestion() {
    Cli.Result r = Cli.run("replya").assertRefused(2);
    assertTrue(r.err().contains("Did you mean"), r.err());
    assertTrue(r.err().contains("replay"), r.err());
  }

  // ---- Statuses 0 and 1 ----------------------------------------------------------------------

  @Test
  @DisplayName("Status 1 means the run worked and found something: leaks (replay, run) and FAIL rows (check-fs)")
  void foundSomething_eachCommand_statusOne() throws IOException {
    Path t = Files.writeString(dir.resolve("t.csv"), HEADER
        + "\"1\",\"t.exe\",\"1\",\"CreateFile\",\"C:\\a\",\"SUCCESS\",\"\"\r\n"
        + "\"1\",\"t.exe\",\"2\",\"CreateFile\",\"C:\\a\",\"SUCCESS\",\"\"\r\n");
    Cli.Result replay = Cli.run("replay", "--filter", "leaky", t.toString()).assertNoStackTrace();
    assertEquals(1, replay.exit(), replay::toString);
    assertTrue(replay.out().contains("leaked contexts                  1"), replay.out());
    Cli.Result run = Cli.run("run", "--filter", "leaky").assertNoStackTrace();
    assertEquals(1, run.exit());
    assertTrue(run.out().endsWith("leaked contexts: 2\n"), "complete stdout: " + run.out());
    Cli.Result check = Cli.run("check-fs", "legacy").assertNoStackTrace();
    assertEquals(1, check.exit());
    assertTrue(check.out().contains("FAIL"), check.out());
  }

  // ---- Output checking -----------------------------------------------------------------------

  @Test
  @DisplayName("A full disk (> /dev/full) gives status 4 and a message on stderr (it exited 0)")
  void output_diskFull_statusFourAndMessage() {
    FailingOutput full = new FailingOutput("No space left on device");
    Cli.Result r = Cli.runTo(full, UnaryOperator.identity(), "walkthrough");
    assertEquals(4, r.exit(), r::toString);
    assertEquals("fsctx: cannot write standard output: No space left on device", r.err().strip());
    assertEquals(1, full.writes, "after the first failure nothing more is written");
  }

  @Test
  @DisplayName("A failed write turns status 1 into 4 too: the result did not reach the user")
  void output_diskFullOnStatusOne_statusFour() {
    Cli.Result r = Cli.runTo(new FailingOutput("No space left on device"), UnaryOperator.identity(),
        "run", "--filter", "leaky");
    assertEquals(4, r.exit(), r::toString);
  }

  @Test
  @DisplayName("A closed standard output (>&-) gives status 4 and is never written")
  void output_stdoutClosed_statusFourNotWritten() {
    FailingOutput neverWritten = new FailingOutput("must not be written");
    Cli.Result r = Cli.runTo(neverWritten, io -> io.withOutState(Stdio.State.CLOSED), "walkthrough");
    assertEquals(4, r.exit(), r::toString);
    assertEquals("fsctx: standard output is closed", r.err().strip());
    assertEquals(0, neverWritten.writes);
  }

  @Test
  @DisplayName("A closed pipe (| head -1) ends quietly with 141, as a process killed by SIGPIPE")
  void output_brokenPipe_status141Quietly() {
    Cli.Result r = Cli.runTo(new FailingOutput("Broken pipe"), UnaryOperator.identity(), "walkthrough");
    assertEquals(141, r.exit(), r::toString);
    assertEquals("", r.err());
  }

  @Test
  @DisplayName("Any write error on a pipe is its reader going away (the error text may be localised)")
  void output_errorOnPipe_status141Quietly() {
    Cli.Result r = Cli.runTo(new FailingOutput("Datenübergabe unterbrochen"),
        io -> io.withOutState(Stdio.State.PIPE), "walkthrough");
    assertEquals(141, r.exit(), r::toString);
    assertEquals("", r.err());
  }

  @Test
  @DisplayName("A failing standard error turns success into status 4")
  void output_stderrFails_statusFour() throws IOException {
    Path t = Files.writeString(dir.resolve("t.csv"), HEADER
        + "\"1\",\"t.exe\",\"1\",\"CreateFile\",\"C:\\a\",\"SUCCESS\",\"\"\r\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int exit = FsctxCommand.execute(
        new String[] {"replay", "--debug-level", "all", t.toString()},
        Stdio.of(new ByteArrayInputStream(new byte[0]), out, new FailingOutput("No space left on device")));
    assertEquals(4, exit);
    assertTrue(out.toString(UTF_8).startsWith("rows "), "stdout itself was complete");
  }
}
