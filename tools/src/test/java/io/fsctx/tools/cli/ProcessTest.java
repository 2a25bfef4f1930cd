package io.fsctx.tools.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fsctx.tools.replay.Traces;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The command as a separate process, for what only a real process shows: closed descriptors
 * ({@code <&-}, {@code >&-}), {@code /dev/full}, a reader that goes away, running out of memory,
 * a signal in the middle of {@code replay -}, and the {@code ./fsctx} launcher's handling of
 * closed descriptors. Each run starts {@code java} with this JVM's class path and the real main
 * class, under {@code bash} for the redirections.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS) // a safety net for a hung child, not a speed test
class ProcessTest {
  private static final String HEADER = Traces.HEADER7 + "\r\n";

  @TempDir static Path work;

  private static String classPath;

  @BeforeAll
  static void requirePosixShell() {
    assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "needs bash");
    assumeTrue(Files.exists(Path.of("/dev/full")), "needs /dev/full (Linux)");
    classPath = String.join(java.io.File.pathSeparator, UserClasses.classPath());
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Exit status, standard output and standard error of one process. */
  private record Proc(int exit, String out, String err) {
    void assertNoStackTrace() {
      assertFalse(err.contains("\tat "), () -> "a stack trace reached the user:\n" + err);
      assertFalse(err.contains("Exception in thread"), err);
    }
  }

  /** Runs {@code bash -c SCRIPT} with {@code $JAVA} and {@code $CP} set; stdin is empty. */
  private static Proc bash(String script, Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("/bin/bash", "-c", script);
    pb.environment().put("JAVA", java());
    pb.environment().put("CP", classPath);
    pb.environment().remove(Stdio.STACKTRACE_ENV);
    // The launcher runs on the java first on the PATH unless a test chooses (no JDK search, no
    // JAVA_HOME or FSCTX_JAVA of the developer's): the launcher tests below mean this JVM.
    pb.environment().remove("JAVA_HOME");
    pb.environment().remove("FSCTX_JAVA");
    pb.environment().put("FSCTX_JDK_DIRS", "");
    pb.environment().putAll(env);
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Process p = pb.start();
    byte[][] outErr = new byte[2][];
    Thread outReader = new Thread(() -> outErr[0] = readAll(p.getInputStream()));
    outReader.start();
    outErr[1] = readAll(p.getErrorStream());
    outReader.join();
    return new Proc(p.waitFor(), new String(outErr[0], UTF_8), new String(outErr[1], UTF_8));
  }

  private static byte[] readAll(java.io.InputStream in) {
    try (in) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static final String FSCTX = "exec \"$JAVA\" -cp \"$CP\" io.fsctx.tools.cli.FsctxCommand";

  private static Path trace() throws IOException {
    return Files.writeString(work.resolve("t.csv"), HEADER
        + "\"1\",\"t.exe\",\"1\",\"CreateFile\",\"C:\\a\",\"SUCCESS\",\"\"\r\n"
        + "\"1\",\"t.exe\",\"1\",\"CloseFile\",\"C:\\a\",\"SUCCESS\",\"\"\r\n");
  }

  @Test
  @DisplayName("replay - <&- : an input error (status 2) naming the closed standard input; the JVM used to crash (139)")
  void replay_stdinClosed_inputError() throws Exception {
    Proc p = bash(FSCTX + " replay - <&-", Map.of());
    assertEquals(2, p.exit(), p::toString);
    assertEquals("", p.out());
    assertEquals("fsctx replay: standard input is closed: give a trace file, or pipe a trace in", p.err().strip());
  }

  @Test
  @DisplayName("replay --json T > /dev/full : status 4 and a message (it exited 0)")
  void replay_devFull_outputError() throws Exception {
    Proc p = bash(FSCTX + " replay --json \"$T\" > /dev/full", Map.of("T", trace().toString()));
    assertEquals(4, p.exit(), p::toString);
    assertEquals("fsctx: cannot write standard output: No space left on device", p.err().strip());
  }

  @Test
  @DisplayName("walkthrough >&- : status 4, standard output is closed (it exited 0)")
  void walkthrough_stdoutClosed_outputError() throws Exception {
    Proc p = bash(FSCTX + " walkthrough >&-", Map.of());
    assertEquals(4, p.exit(), p::toString);
    assertEquals("fsctx: standard output is closed", p.err().strip());
  }

  @Test
  @DisplayName("A reader that goes away (| head) : status 141, nothing on stderr")
  void run_readerGone_closedPipeQuietly() throws Exception {
    // The reader exits at once, long before the JVM writes its output at the end of the command.
    Proc p = bash("set -o pipefail; " + FSCTX.replace("exec ", "") + " run --debug-level all | true", Map.of());
    assertEquals(141, p.exit(), p::toString);
    assertEquals("", p.err());
  }

  @Test
  @DisplayName("Out of memory: status 3 and one line, no stack trace")
  void checkFs_outOfMemory_internalErrorOneLine() throws Exception {
    Path classes = UserClasses.compile(Files.createDirectories(work.resolve("oom-classes")));
    Proc p = bash("exec \"$JAVA\" -Xmx64m -cp \"$CP\" io.fsctx.tools.cli.FsctxCommand"
        + " check-fs --class com.example.OomFs --classpath \"$D\"", Map.of("D", classes.toString()));
    assertEquals(3, p.exit(), p::toString);
    assertEquals("", p.out());
    p.assertNoStackTrace();
    List<String> lines = p.err().lines().toList();
    assertEquals(1, lines.size(), p.err());
    assertTrue(lines.get(0).startsWith("fsctx check-fs: out of memory (Java heap space): the JVM's heap limit is "),
        p.err());
  }

  @Test
  @DisplayName("SIGTERM in the middle of replay - leaves no file behind (nothing is copied to disk)")
  void replay_stdinTerminated_leavesNoFiles() throws Exception {
    Path tmp = Files.createDirectories(work.resolve("tmpdir"));
    ProcessBuilder pb = new ProcessBuilder(java(), "-Djava.io.tmpdir=" + tmp, "-cp", classPath,
        "io.fsctx.tools.cli.FsctxCommand", "replay", "--debug-level", "all", "-");
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    try (OutputStream stdin = p.getOutputStream();
        BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), UTF_8))) {
      stdin.write((HEADER
          + "\"1\",\"t.exe\",\"1\",\"CreateFile\",\"C:\\streamed\",\"SUCCESS\",\"\"\r\n"
          + "\"1\",\"t.exe\",\"1\",\"ReadFile\",\"C:\\streamed\",\"SUCCESS\",\"\"\r\n").getBytes(UTF_8));
      stdin.flush();
      // Standard input stays open: the filter sees the first row while the trace is still coming.
      String line;
      boolean seen = false;
      while (!seen && (line = err.readLine()) != null) {
        seen = line.contains("streamed");
      }
      assertTrue(seen, "the first row reached the filter before the end of standard input");
      p.destroy(); // SIGTERM
      assertEquals(143, p.waitFor(), "killed by SIGTERM");
    } finally {
      p.destroyForcibly();
    }
    try (Stream<Path> left = Files.list(tmp)) {
      assertEquals(List.of(), left.toList(), "files left in java.io.tmpdir");
    }
  }

  // ---- The ./fsctx launcher ------------------------------------------------------------------

  /**
   * A copy of the launcher beside a prebuilt jar (a manifest-only jar naming this JVM's class
   * path), so the launcher runs the real entry point without building anything.
   */
  private static Path launcher() throws IOException {
    return launcher("repo");
  }

  private static Path launcher(String name) throws IOException {
    Path repo = work.resolve(name);
    Path script = repo.resolve("fsctx");
    if (Files.exists(script)) {
      return script;
    }
    Path jar = Files.createDirectories(repo.resolve("tools/target")).resolve("fsctx.jar");
    Manifest m = new Manifest();
    m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, FsctxCommand.class.getName());
    List<String> urls = new ArrayList<>();
    for (String e : UserClasses.classPath()) {
      urls.add(Path.of(e).toUri().toString());
    }
    m.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", urls));
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), m)) {
      // The manifest is all.
    }
    return copyLauncher(repo);
  }

  /** The launcher and its class-data sharing training traces, copied into {@code repo} as a checkout has them. */
  private static Path copyLauncher(Path repo) throws IOException {
    Path script = repo.resolve("fsctx");
    Path source = Path.of("..", "fsctx");
    assumeTrue(Files.isRegularFile(source), "the launcher ../fsctx (run from the tools module)");
    Files.copy(source, script, StandardCopyOption.COPY_ATTRIBUTES);
    Path cds = Files.createDirectories(repo.resolve("tools/src/cds"));
    for (String training : List.of("training.csv", "training-aot.csv.gz")) {
      Files.copy(Path.of("src", "cds", training), cds.resolve(training));
    }
    return script;
  }

  /**
   * A launcher beside a jar like the one the build makes: the class directories of this JVM's
   * class path packed into the jar (the shade plugin's jar is one file too), the library jars named
   * by its manifest. Class-data sharing refuses class-path directories, so only such a jar shows
   * the archive at work.
   */
  private static Path packedLauncher(String name) throws IOException {
    Path repo = work.resolve(name);
    Path jar = Files.createDirectories(repo.resolve("tools/target")).resolve("fsctx.jar");
    Manifest m = new Manifest();
    m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, FsctxCommand.class.getName());
    List<String> libraries = new ArrayList<>();
    List<Path> directories = new ArrayList<>();
    for (String e : UserClasses.classPath()) {
      Path entry = Path.of(e);
      if (Files.isDirectory(entry)) {
        directories.add(entry);
      } else if (e.endsWith(".jar") && Files.isRegularFile(entry)) {
        libraries.add(entry.toUri().toString());
      }
    }
    m.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", libraries));
    Set<String> written = new HashSet<>();
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), m)) {
      for (Path dir : directories) {
        try (Stream<Path> files = Files.walk(dir)) {
          for (Path f : files.filter(Files::isRegularFile).toList()) {
            String entry = dir.relativize(f).toString().replace(java.io.File.separatorChar, '/');
            if (entry.equals("META-INF/MANIFEST.MF") || !written.add(entry)) {
              continue; // the first class-path entry wins, as it would on the class path
            }
            out.putNextEntry(new JarEntry(entry));
            Files.copy(f, out);
            out.closeEntry();
          }
        }
      }
    }
    return copyLauncher(repo);
  }

  /** The class-data sharing archives and markers beside a launcher's jar. */
  private static List<String> archiveFiles(Path fsctx) throws IOException {
    try (Stream<Path> files = Files.list(fsctx.getParent().resolve("tools/target"))) {
      return files.map(f -> f.getFileName().toString()).filter(f -> !f.equals("fsctx.jar")).sorted().toList();
    }
  }

  @ParameterizedTest(name = "./fsctx {0}")
  @CsvSource(delimiter = '|', textBlock = """
      replay - <&-    | 2 | fsctx replay: standard input is closed: give a trace file, or pipe a trace in
      walkthrough >&- | 4 | fsctx: standard output is closed
      """)
  @DisplayName("The launcher hands the JVM /dev/null for a closed descriptor and tells the tool, which says so")
  void launcher_closedDescriptor_reportedAsClosed(String command, int status, String message) throws Exception {
    Path fsctx = launcher();
    Proc p = bash("PATH=\"$(dirname \"$JAVA\"):$PATH\" exec \"$L\" " + command, Map.of("L", fsctx.toString()));
    assertEquals(status, p.exit(), p::toString);
    assertEquals(message, p.err().strip());
  }

  /**
   * A fake {@code mvn} first on the PATH, which records that it ran and exits with {@code status};
   * and a source file newer than the jar, so the launcher must rebuild.
   */
  private static Path staleCheckout(String name, int mvnStatus) throws IOException {
    Path fsctx = launcher(name);
    Path repo = fsctx.getParent();
    Path jar = repo.resolve("tools/target/fsctx.jar");
    Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
    Path source = Files.createDirectories(repo.resolve("tools/src/main/java")).resolve("Changed.java");
    Files.writeString(source, "class Changed {}\n");
    Path bin = Files.createDirectories(repo.resolve("fake-bin"));
    Path mvn = bin.resolve("mvn");
    Files.writeString(mvn, "#!/bin/bash\necho \"$@\" > \"$(dirname \"$0\")/mvn-ran\"\necho 'BUILD FAILURE (fake)'\nexit "
        + mvnStatus + "\n");
    assertTrue(mvn.toFile().setExecutable(true));
    return fsctx;
  }

  /** Runs {@code ./fsctx ARGS} in a stale checkout whose fake mvn exits with {@code mvnStatus}. */
  private static Proc runStale(String name, int mvnStatus, String args) throws Exception {
    Path fsctx = staleCheckout(name, mvnStatus);
    Path bin = fsctx.getParent().resolve("fake-bin");
    return bash("PATH=\"$B:$(dirname \"$JAVA\"):$PATH\" exec \"$L\" " + args,
        Map.of("L", fsctx.toString(), "B", bin.toString()));
  }

  @Test
  @DisplayName("./fsctx rebuilds when a source is newer than the jar (it never did: its find expression was invalid)")
  void launcher_staleJar_rebuildsFirst() throws Exception {
    Proc p = runStale("stale", 0, "--version");
    assertEquals(0, p.exit(), p::toString);
    assertTrue(Files.exists(work.resolve("stale/fake-bin/mvn-ran")), "the launcher ran mvn");
    assertEquals("fsctx: building (first run or sources changed)...", p.err().strip());
    assertTrue(p.out().startsWith("fsctx "), p.out());
  }

  @Test
  @DisplayName("./fsctx exits 3 with the build log's tail when the build fails")
  void launcher_buildFails_statusThree() throws Exception {
    Proc p = runStale("broken", 1, "run");
    assertEquals(3, p.exit(), p::toString);
    assertEquals("", p.out());
    assertTrue(p.err().contains("fsctx: build failed; see "), p.err());
    assertTrue(p.err().contains("BUILD FAILURE (fake)"), p.err());
  }

  /** {@code ./fsctx --version} with these JVM options; asserts it succeeded. */
  private static Proc launcherVersion(String fsctxOpts, String jdkOpts) throws Exception {
    Path fsctx = launcher();
    Proc p = bash("PATH=\"$(dirname \"$JAVA\"):$PATH\" exec \"$L\" --version",
        Map.of("L", fsctx.toString(), "FSCTX_JAVA_OPTS", fsctxOpts, "JDK_JAVA_OPTIONS", jdkOpts));
    assertEquals(0, p.exit(), p::toString);
    return p;
  }

  @ParameterizedTest(name = "FSCTX_JAVA_OPTS=''{0}'' JDK_JAVA_OPTIONS=''{1}'' -> {2}")
  @CsvSource(delimiter = '|', textBlock = """
      -Xlog:gc:stderr                    | ''                  | Using Parallel
      -XX:+UseSerialGC -Xlog:gc:stderr   | ''                  | Using Serial
      -Xlog:gc:stderr                    | -XX:+UseG1GC        | Using G1
      """)
  @DisplayName("./fsctx runs the parallel collector unless the user chose one, in its options or the JVM's")
  void launcher_collector_parallelUnlessChosen(String fsctxOpts, String jdkOpts, String expected) throws Exception {
    Proc p = launcherVersion(fsctxOpts, jdkOpts);
    assertTrue(p.err().contains(expected), p::toString);
    assertTrue(p.out().startsWith("fsctx "), p::toString);
  }

  @ParameterizedTest(name = "FSCTX_JAVA_OPTS=''{0}'' JDK_JAVA_OPTIONS=''{1}'' -> {2} {3}")
  @CsvSource(delimiter = '|', textBlock = """
      -XX:+PrintFlagsFinal                          | ''                      | FreqInlineSize  | 100
      -XX:FreqInlineSize=200 -XX:+PrintFlagsFinal   | ''                      | FreqInlineSize  | 200
      -XX:+PrintFlagsFinal                          | -XX:FreqInlineSize=150  | FreqInlineSize  | 150
      -XX:+PrintFlagsFinal                          | ''                      | InlineSmallCode | 1000
      -XX:InlineSmallCode=3000 -XX:+PrintFlagsFinal | ''                      | InlineSmallCode | 3000
      -XX:+PrintFlagsFinal                          | -XX:InlineSmallCode=500 | InlineSmallCode | 500
      """)
  @DisplayName("./fsctx inlines hot callees of at most 100 bytecodes and no callee whose compiled code passed 1,000 bytes,"
      + " unless the user chose a size")
  void launcher_inlining_limitedUnlessChosen(String fsctxOpts, String jdkOpts, String flag, long expected) throws Exception {
    assertEquals(expected, flag(launcherVersion(fsctxOpts, jdkOpts), flag));
  }

  private static long flag(Proc p, String name) {
    java.util.regex.Matcher m = Pattern.compile("\\b" + name + "\\s+= (\\d+)\\s").matcher(p.out());
    assertTrue(m.find(), () -> name + " not printed: " + p);
    return Long.parseLong(m.group(1));
  }

  @Test
  @DisplayName("./fsctx fixes the young generation at 32 MB per core (64 MB to 1 GB) unless the user sized the heap")
  void launcher_youngGeneration_fixedUnlessHeapSized() throws Exception {
    Proc p = launcherVersion("-XX:+PrintFlagsFinal", "");
    long young = flag(p, "MaxNewSize");
    assertEquals(young, flag(p, "NewSize"), "fixed: it does not grow over a long replay");
    assertEquals(0, young % (32L << 20), p::toString);
    assertTrue(young >= (64L << 20) && young <= (1L << 30), p::toString);

    Proc sized = launcherVersion("-Xmx256m -XX:+PrintFlagsFinal", "");
    // The JVM's own sizing under the user's -Xmx: a third of the heap (NewRatio=2).
    long heap = flag(sized, "MaxHeapSize");
    assertTrue(heap <= (256L << 20), sized::toString);
    assertTrue(Math.abs(flag(sized, "MaxNewSize") - heap / 3) < (4L << 20), sized::toString);

    Proc chosen = launcherVersion("-XX:+PrintFlagsFinal", "-Xmn48m");
    assertEquals(48L << 20, flag(chosen, "MaxNewSize"), chosen::toString);
    assertEquals(48L << 20, flag(chosen, "NewSize"), chosen::toString);
  }

  private static boolean boolFlag(Proc p, String name) {
    java.util.regex.Matcher m = Pattern.compile("\\b" + name + "\\s+= (true|false)\\s").matcher(p.out());
    assertTrue(m.find(), () -> name + " not printed: " + p);
    return Boolean.parseBoolean(m.group(1));
  }

  /** Whether this kernel gives transparent huge pages on request (Linux, THP "madvise" or "always"). */
  private static boolean transparentHugePagesOffered() throws IOException {
    Path setting = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
    return Files.isReadable(setting) && Pattern.compile("\\[(always|madvise)\\]").matcher(Files.readString(setting)).find();
  }

  @Test
  @DisplayName("./fsctx asks for transparent huge pages where the kernel gives them on request, unless the user chose")
  void launcher_transparentHugePages_whereOfferedUnlessChosen() throws Exception {
    Proc p = launcherVersion("-XX:+PrintFlagsFinal", "");
    assertEquals(transparentHugePagesOffered(), boolFlag(p, "UseTransparentHugePages"), p::toString);
    assertFalse(p.err().contains("TransparentHugePages"), () -> "no warning where they are not offered: " + p);

    Proc declined = launcherVersion("-XX:+PrintFlagsFinal -XX:-UseTransparentHugePages", "");
    assertFalse(boolFlag(declined, "UseTransparentHugePages"), declined::toString);
    Proc declinedForTheJvm = launcherVersion("-XX:+PrintFlagsFinal", "-XX:-UseTransparentHugePages");
    assertFalse(boolFlag(declinedForTheJvm, "UseTransparentHugePages"), declinedForTheJvm::toString);
  }

  @Test
  @DisplayName("./fsctx trains a class-data sharing archive once per jar and JVM, uses it, and retrains when the jar is newer")
  void launcher_classDataSharing_trainedOnceAndUsed() throws Exception {
    Path fsctx = packedLauncher("cds");
    Map<String, String> env = Map.of("L", fsctx.toString(), "FSCTX_JAVA_OPTS", "-Xlog:class+load=info:stderr");
    String run = "PATH=\"$(dirname \"$JAVA\"):$PATH\" exec \"$L\" --version";
    String shared = FsctxCommand.class.getName() + " source: shared objects file";

    Proc first = bash(run, env);
    assertEquals(0, first.exit(), first::toString);
    assertTrue(first.out().startsWith("fsctx "), first::toString);
    assertTrue(first.err().contains(shared), "the first run already maps the archive its training made");
    List<String> files = archiveFiles(fsctx);
    assertEquals(1, files.size(), files::toString);
    // A dynamic class-data archive before JDK 25, an ahead-of-time cache from 25 on.
    String suffix = Runtime.version().feature() >= 25 ? "aot" : "jsa";
    assertTrue(files.get(0).matches("fsctx\\.\\d+\\." + suffix), files::toString);

    // A rebuilt jar: the archive is older than the jar, so the next run trains a new one.
    Path jar = fsctx.getParent().resolve("tools/target/fsctx.jar");
    Path archive = jar.resolveSibling(files.get(0));
    FileTime stale = FileTime.fromMillis(System.currentTimeMillis() - 120_000);
    Files.setLastModifiedTime(archive, stale);
    Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
    Proc again = bash(run, env);
    assertEquals(0, again.exit(), again::toString);
    assertTrue(again.err().contains(shared), again::toString);
    assertTrue(Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(jar)) > 0, "retrained");
    assertEquals(files, archiveFiles(fsctx), "one archive, no temporary file left");

    // A fresh archive is not trained again.
    FileTime trained = FileTime.fromMillis(System.currentTimeMillis() - 10_000); // still newer than the jar
    Files.setLastModifiedTime(archive, trained);
    Proc third = bash(run, env);
    assertEquals(0, third.exit(), third::toString);
    assertTrue(third.err().contains(shared), third::toString);
    assertEquals(trained, Files.getLastModifiedTime(archive), "no second training");

    // The user's -Xshare wins: no archive is mapped.
    Proc off = bash(run, Map.of("L", fsctx.toString(), "FSCTX_JAVA_OPTS", "-Xshare:off -Xlog:class+load=info:stderr"));
    assertEquals(0, off.exit(), off::toString);
    assertFalse(off.err().contains("shared objects file"), off::toString);
  }

  @Test
  @DisplayName("./fsctx runs unchanged when no archive can be made, and does not retry until the jar changes")
  void launcher_classDataSharing_failureMarkedNotRetried() throws Exception {
    // A java first on the PATH that refuses to dump an archive and runs everything else.
    Path fsctx = launcher("nocds");
    Path bin = Files.createDirectories(fsctx.getParent().resolve("fake-bin"));
    Path fakeJava = bin.resolve("java");
    Files.writeString(fakeJava, """
        #!/bin/bash
        for a in "$@"; do
          case "$a" in -XX:ArchiveClassesAtExit=*) echo 'dump refused (fake)' >&2; exit 1;; esac
        done
        exec "$JAVA" "$@"
        """);
    assertTrue(fakeJava.toFile().setExecutable(true));
    String run = "PATH=\"$B:$PATH\" exec \"$L\" --version";
    Proc first = bash(run, Map.of("L", fsctx.toString(), "B", bin.toString()));
    assertEquals(0, first.exit(), first::toString);
    assertTrue(first.out().startsWith("fsctx "), first::toString);
    assertEquals("", first.err(), "the failed training is silent");
    List<String> files = archiveFiles(fsctx);
    assertEquals(1, files.size(), files::toString);
    assertTrue(files.get(0).matches("fsctx\\.\\d+\\.jsa\\.failed"), files::toString);

    Path marker = fsctx.getParent().resolve("tools/target").resolve(files.get(0));
    Path jar = marker.resolveSibling("fsctx.jar");
    Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
    FileTime mark = FileTime.fromMillis(System.currentTimeMillis() - 30_000); // newer than the jar
    Files.setLastModifiedTime(marker, mark);
    Proc second = bash(run, Map.of("L", fsctx.toString(), "B", bin.toString()));
    assertEquals(0, second.exit(), second::toString);
    assertEquals(mark, Files.getLastModifiedTime(marker), "no second training");
    assertEquals(files, archiveFiles(fsctx));
  }

  /**
   * A fake JDK home {@code name} under {@code jdks}: a release file giving {@code version}, and a
   * java that says which it is on standard error and runs this JVM's.
   */
  private static void fakeJdk(Path jdks, String name, String version) throws IOException {
    Path home = Files.createDirectories(jdks.resolve(name));
    Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"fake\"\nJAVA_VERSION=\"" + version + "\"\n");
    Path bin = Files.createDirectories(home.resolve("bin")).resolve("java");
    Files.writeString(bin, "#!/bin/bash\necho \"runtime " + name + "\" >&2\nexec \"$JAVA\" \"$@\"\n");
    assertTrue(bin.toFile().setExecutable(true));
  }

  @ParameterizedTest(name = "JDKs {0}, JAVA_HOME ''{1}'', FSCTX_JAVA ''{2}'' -> {3}")
  @CsvSource(delimiter = '|', textBlock = """
      old newer newest | ''    | ''                | runtime newest
      old newer newest | newer | ''                | runtime newer
      old newer newest | newer | old/bin/java      | runtime old
      old newer newest | old   | ''                | runtime newest
      old              | ''    | ''                | ''
      newer newest     | ''    | none/bin/java     | fsctx: FSCTX_JAVA=JDKS/none/bin/java is not an executable java
      """)
  @DisplayName("./fsctx runs on the newest JDK of 17 or later it finds (the PATH's is this JVM), unless the user chose one;"
      + " a JAVA_HOME older than 17 is passed over")
  void launcher_runtime_newestUnlessChosen(String installed, String javaHome, String fsctxJava, String expected)
      throws Exception {
    Path fsctx = launcher("runtime");
    Path jdks = Files.createDirectories(work.resolve("jdks-" + installed.replace(' ', '-')));
    // Versions around the PATH's java (this JVM): JDK 11 is too old, the others are newer.
    int feature = Runtime.version().feature();
    for (String name : installed.split(" ")) {
      fakeJdk(jdks, name, switch (name) {
        case "old" -> "11.0.22";
        case "newer" -> (feature + 1) + ".0.2";
        default -> (feature + 2) + ".0.1";
      });
    }
    Map<String, String> env = new HashMap<>(Map.of("L", fsctx.toString(), "FSCTX_JDK_DIRS", jdks.toString()));
    if (!javaHome.isEmpty()) {
      env.put("JAVA_HOME", jdks.resolve(javaHome).toString());
    }
    if (!fsctxJava.isEmpty()) {
      env.put("FSCTX_JAVA", jdks.resolve(fsctxJava).toString());
    }
    Proc p = bash("PATH=\"$(dirname \"$JAVA\"):$PATH\" exec \"$L\" --version", env);
    assertEquals(expected.replace("JDKS", jdks.toString()), p.err().strip(), p::toString);
    if (expected.startsWith("fsctx:")) {
      assertEquals(3, p.exit(), p::toString);
      assertEquals("", p.out());
    } else {
      assertEquals(0, p.exit(), p::toString);
      assertTrue(p.out().startsWith("fsctx "), p::toString);
    }
  }

  /** Whether a JDK 25 or later is installed in /usr/lib/jvm, where the launcher looks by default. */
  private static boolean jdk25Installed() throws IOException {
    Path jvms = Path.of("/usr/lib/jvm");
    if (!Files.isDirectory(jvms)) {
      return false;
    }
    Pattern version = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)");
    try (Stream<Path> homes = Files.list(jvms)) {
      for (Path home : homes.sorted().toList()) {
        Path release = home.resolve("release");
        Path bin = home.resolve("bin/java");
        if (Files.isReadable(release) && Files.isExecutable(bin)) {
          java.util.regex.Matcher m = version.matcher(Files.readString(release));
          if (m.find() && Integer.parseInt(m.group(1)) >= 25) {
            return true;
          }
        }
      }
    }
    return false;
  }

  @Test
  @DisplayName("./fsctx on JDK 25 or later trains an ahead-of-time cache once and uses it, with compact object headers"
      + " unless the user chose")
  void launcher_jdk25_aheadOfTimeCacheAndCompactHeaders() throws Exception {
    assumeTrue(jdk25Installed(), "needs a JDK 25 or later in /usr/lib/jvm");
    Path fsctx = packedLauncher("aot");
    String run = "exec \"$L\" --version";
    String shared = FsctxCommand.class.getName() + " source: shared objects file";
    Map<String, String> env = Map.of("L", fsctx.toString(), "FSCTX_JDK_DIRS", "/usr/lib/jvm",
        "FSCTX_JAVA_OPTS", "-Xlog:class+load=info:stderr -XX:+PrintFlagsFinal");

    Proc first = bash(run, env);
    assertEquals(0, first.exit(), first::toString);
    assertTrue(Pattern.compile("(?m)^Java (\\d+)").matcher(first.out()).results()
        .anyMatch(m -> Integer.parseInt(m.group(1)) >= 25), first::toString);
    assertTrue(first.err().contains(shared), "the first run already maps the cache its training made");
    assertTrue(boolFlag(first, "UseCompactObjectHeaders"), first::toString);
    List<String> files = archiveFiles(fsctx);
    assertEquals(1, files.size(), files::toString);
    assertTrue(files.get(0).matches("fsctx\\.\\d+\\.aot"), files::toString);
    Path cache = fsctx.getParent().resolve("tools/target").resolve(files.get(0));
    FileTime trained = Files.getLastModifiedTime(cache);

    Proc again = bash(run, env);
    assertEquals(0, again.exit(), again::toString);
    assertTrue(again.err().contains(shared), again::toString);
    assertEquals(trained, Files.getLastModifiedTime(cache), "no second training");

    // The user's choice wins; the cache, made with compact headers, no longer fits and is passed over silently.
    Proc declined = bash(run, Map.of("L", fsctx.toString(), "FSCTX_JDK_DIRS", "/usr/lib/jvm",
        "FSCTX_JAVA_OPTS", "-XX:-UseCompactObjectHeaders -XX:+PrintFlagsFinal"));
    assertEquals(0, declined.exit(), declined::toString);
    assertFalse(boolFlag(declined, "UseCompactObjectHeaders"), declined::toString);
    assertEquals("", declined.err(), declined::toString);
    assertEquals(files, archiveFiles(fsctx), "no temporary file left");
  }
}
