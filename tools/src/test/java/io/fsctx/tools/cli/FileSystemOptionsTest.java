package io.fsctx.tools.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fsctx.modelfs.NtfsLikeFileSystem;
import io.fsctx.modelfs.toolkit.ClosePolicy;
import io.fsctx.tools.replay.DelegatingUserFileSystem;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --fs}, {@code --fs-class} and {@code --classpath} of {@code run}, {@code walkthrough} and
 * {@code replay}, through the real command line: a user's file system replays and runs, and every
 * class or class path that cannot be used is refused on one line with exit status 2.
 */
class FileSystemOptionsTest {
  private static final String USER_FS = DelegatingUserFileSystem.class.getName();
  private static final String HEADER =
      "\"Time of Day\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\"\r\n";

  @TempDir Path dir;

  /** A file system that needs a name: no public no-arg constructor. */
  public static final class NeedsAName extends NtfsLikeFileSystem {
    /**
     * @param name the name
     */
    public NeedsAName(String name) {
      super(name, ClosePolicy.IMMEDIATE);
    }
  }

  /** An abstract file system. */
  public abstract static class Unfinished extends NtfsLikeFileSystem {}

  /** A file system whose constructor fails. */
  public static final class NoDisk extends NtfsLikeFileSystem {
    /** Always throws. */
    public NoDisk() {
      throw new IllegalStateException("no disk attached");
    }
  }

  private static Cli.Result run(String... args) {
    return Cli.run(args);
  }

  private static String row(String pid, String op, String path, String result, String detail) {
    return "\"1:00:00 AM\",\"t.exe\",\"" + pid + "\",\"" + op + "\",\"" + path + "\",\"" + result + "\",\"" + detail + "\"\r\n";
  }

  private static String testClasses() throws URISyntaxException {
    return Path.of(DelegatingUserFileSystem.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }

  /** The command line of {@code command} with {@code options}, plus a trace for replay. */
  private String[] commandLine(String command, String... options) throws IOException {
    List<String> args = new ArrayList<>();
    args.add(command);
    args.addAll(List.of(options));
    if (command.equals("replay")) {
      args.add(Files.writeString(dir.resolve("t.csv"), HEADER + row("1", "CreateFile", "C:\\a", "SUCCESS", ""), UTF_8).toString());
    }
    return args.toArray(new String[0]);
  }

  /** Exit 2, nothing on stdout, exactly one line on stderr, which is returned. */
  private static String refusedOnOneLine(Cli.Result r) {
    assertEquals(2, r.exit(), r.out() + r.err());
    assertEquals("", r.out());
    List<String> lines = r.err().lines().toList();
    assertEquals(1, lines.size(), r.err());
    return lines.get(0);
  }

  @Test
  @DisplayName("replay --fs-class: a user's file system (not a bundled model) replays a trace that needs its disk shaped")
  void replay_userFileSystemOnClasspath_replaysWithContractFigures() throws IOException, URISyntaxException {
    Path t = Files.writeString(dir.resolve("user.csv"), HEADER
        + row("1", "CreateFile", "C:\\Users", "SUCCESS", "")
        + row("1", "CloseFile", "C:\\Users", "SUCCESS", "")
        + row("1", "CreateFile", "C:\\Users\\test\\a.txt", "SUCCESS", "")
        + row("2", "CreateFile", "C:\\Users\\test\\a.txt", "SUCCESS", "")
        + row("1", "WriteFile", "C:\\Users\\test\\a.txt", "SUCCESS", "")
        + row("1", "CloseFile", "C:\\Users\\test\\a.txt", "SUCCESS", "")
        + row("3", "CreateFile", "C:\\Users\\test", "SUCCESS", "Options: Directory"), UTF_8);
    Cli.Result r = run("replay", "--json", "--fs-class", USER_FS, "--classpath", testClasses(), t.toString());
    assertEquals(0, r.exit(), r.err());
    JsonNode n = new ObjectMapper().readTree(r.out());
    assertEquals(7, n.get("replayed").asLong());
    assertEquals(0, n.get("diverged").asLong(), "the plain file \\Users became a directory, \\Users\\test was made");
    // \Users (as a plain file), a.txt (two handles), \Users\test: three streams and files.
    assertEquals(3, n.at("/contexts/FILE/allocated").asLong());
    assertEquals(3, n.at("/contexts/STREAM/allocated").asLong());
    assertEquals(4, n.at("/contexts/STREAMHANDLE/allocated").asLong());
    assertEquals(4, n.at("/contexts/STREAMHANDLE/freed").asLong());
    assertEquals(0, n.get("leakedContexts").asLong());
  }

  @Test
  @DisplayName("run and walkthrough --fs-class: the workloads run on a user's file system found on the tool's own class path")
  void runAndWalkthrough_userFileSystem_cleanExit() {
    Cli.Result r = run("run", "--fs-class", USER_FS);
    assertEquals(0, r.exit(), r.out() + r.err());
    assertTrue(r.out().contains("\nleaked contexts: 0\n"), r.out());
    Cli.Result w = run("walkthrough", "--fs-class", USER_FS);
    assertEquals(0, w.exit(), w.err());
    assertEquals(run("walkthrough").out(), w.out(), "the same eight rows as on the NTFS-like model it delegates to");
  }

  @ParameterizedTest
  @ValueSource(strings = {"run", "walkthrough", "replay"})
  @DisplayName("A class that is not found is refused on one line naming it")
  void command_classNotFound_oneLineExit2(String command) throws IOException {
    String line = refusedOnOneLine(run(commandLine(command, "--fs-class", "com.example.NoSuchFs")));
    assertEquals("fsctx " + command + ": --fs-class com.example.NoSuchFs: not found (no --classpath given)", line);
  }

  @ParameterizedTest
  @ValueSource(strings = {"run", "walkthrough", "replay"})
  @DisplayName("A class that is not a FileSystemDriver is refused on one line naming it")
  void command_notAFileSystemDriver_oneLineExit2(String command) throws IOException {
    String line = refusedOnOneLine(run(commandLine(command, "--fs-class", "java.lang.String")));
    assertEquals("fsctx " + command + ": --fs-class java.lang.String: is not a io.fsctx.io.FileSystemDriver subclass"
        + " (it must implement that interface)", line);
  }

  @ParameterizedTest
  @ValueSource(strings = {"run", "walkthrough", "replay"})
  @DisplayName("A class without a public no-arg constructor, an abstract class, a constructor that throws: one line each")
  void command_unconstructibleClass_oneLineExit2(String command) throws IOException {
    String needsName = NeedsAName.class.getName();
    assertEquals("fsctx " + command + ": --fs-class " + needsName + ": has no public no-arg constructor",
        refusedOnOneLine(run(commandLine(command, "--fs-class", needsName))));
    String unfinished = Unfinished.class.getName();
    assertEquals("fsctx " + command + ": --fs-class " + unfinished + ": is abstract",
        refusedOnOneLine(run(commandLine(command, "--fs-class", unfinished))));
    String noDisk = NoDisk.class.getName();
    // Its code runs only when a volume is mounted: what it throws is reported with its first frame.
    String thrown = refusedOnOneLine(run(commandLine(command, "--fs-class", noDisk)));
    assertTrue(thrown.startsWith("fsctx " + command + ": " + noDisk
            + " threw java.lang.IllegalStateException: no disk attached, at " + noDisk + ".<init>(FileSystemOptionsTest.java:"),
        thrown);
  }

  @ParameterizedTest
  @ValueSource(strings = {"run", "walkthrough", "replay"})
  @DisplayName("A class path entry that does not exist is refused on one line naming it")
  void command_missingClasspathEntry_oneLineExit2(String command) throws IOException, URISyntaxException {
    String missing = dir.resolve("no-such-dir").toString();
    String cp = testClasses() + File.pathSeparator + missing;
    assertEquals("fsctx " + command + ": --classpath " + missing + ": does not exist",
        refusedOnOneLine(run(commandLine(command, "--fs-class", USER_FS, "--classpath", cp))));
    String line = refusedOnOneLine(run(commandLine(command, "--fs-class", "com.example.NoSuchFs", "--classpath", missing)));
    assertEquals("fsctx " + command + ": --classpath " + missing + ": does not exist", line,
        "the entry is checked before the class is looked for");
  }

  @ParameterizedTest
  @ValueSource(strings = {"run", "walkthrough", "replay"})
  @DisplayName("--fs and --fs-class are mutually exclusive; --classpath needs --fs-class")
  void command_fsWithFsClassOrClasspathAlone_usageError(String command) throws IOException {
    Cli.Result both = run(commandLine(command, "--fs", "fat", "--fs-class", USER_FS));
    assertEquals(2, both.exit());
    assertEquals("", both.out());
    assertTrue(both.err().contains("are mutually exclusive"), both.err());
    Cli.Result alone = run(commandLine(command, "--classpath", dir.toString()));
    assertEquals(2, alone.exit());
    assertTrue(alone.err().contains("Missing required argument(s): --fs-class=NAME"), alone.err());
  }

  @ParameterizedTest
  @ValueSource(strings = {"run", "walkthrough", "replay"})
  void help_everyCommand_namesTheFileSystemOptions(String command) {
    Cli.Result r = run(command, "--help");
    assertEquals(0, r.exit());
    String synopsis = r.out().replaceAll("\\s+", " ");
    assertTrue(synopsis.contains("[--fs=FS | (--fs-class=NAME [--classpath=PATH])]"), r.out());
  }
}
