package io.fsctx.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code fsctx check-fs --class} with a user's own classes, compiled into a directory of their
 * own and loaded through {@code --classpath}, as modelfs/FILE-SYSTEMS.md tells a user to:
 * whatever their code throws (other than a bug check, which is a finding) reaches them as one line
 * with the first frame in their code, exit status 2, and nothing on standard output; the stack trace only with {@code --stacktrace} or {@code FSCTX_STACKTRACE=1}.
 */
class CheckFsUserClassTest {
  @TempDir static Path classes;

  @BeforeAll
  static void compileUserClasses() {
    UserClasses.compile(classes);
  }

  private static Cli.Result check(String className, String... more) {
    List<String> args = new ArrayList<>(
        List.of("check-fs", "--class", "com.example." + className, "--classpath", classes.toString()));
    args.addAll(List.of(more));
    return Cli.run(args.toArray(new String[0]));
  }

  @Test
  @DisplayName("A user's class that works is checked (the compile-and-load path is sound)")
  void checkFs_goodUserClass_checked() {
    Cli.Result r = check("GoodFs");
    assertEquals(0, r.exit(), r::toString);
    assertTrue(r.out().startsWith("check-fs: good (com.example.GoodFs)"), r.out());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      InitFs  | a static initializer of com.example.InitFs threw java.lang.IllegalStateException: no configuration file, at com.example.InitFs.readConfiguration(InitFs.java:8)
      CtorFs  | com.example.CtorFs threw java.lang.IllegalArgumentException: volume label missing, at com.example.CtorFs.<init>(CtorFs.java:7)
      ThrowFs | com.example.ThrowFs threw java.lang.UnsupportedOperationException: named streams: not written yet, at com.example.ThrowFs.supportsNamedStreams(ThrowFs.java:11)
      DeepFs  | com.example.DeepFs overflowed the stack (java.lang.StackOverflowError), at com.example.DeepFs.depth(DeepFs.java:15)
      ErrorFs | com.example.ErrorFs threw java.lang.AssertionError: stream table corrupt, at com.example.ErrorFs.supportsNamedStreams(ErrorFs.java:11)
      """)
  @DisplayName("What a user's class throws is one line naming the first frame in their code, exit 2")
  void checkFs_userClassThrows_oneLineWithFirstUserFrame(String fs, String message) {
    Cli.Result r = check(fs).assertRefused(2);
    assertEquals(
        "fsctx check-fs: " + message + " (--stacktrace shows the stack trace)", r.err().strip());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"after", "before"})
  @DisplayName("--stacktrace, before or after the command, adds the stack trace")
  void checkFs_stacktraceOption_printsTrace(String where) {
    Cli.Result r = where.equals("after")
        ? check("InitFs", "--stacktrace")
        : Cli.run("--stacktrace", "check-fs", "--class", "com.example.InitFs", "--classpath", classes.toString());
    assertEquals(2, r.exit(), r::toString);
    assertEquals("", r.out());
    assertTrue(r.err().startsWith("fsctx check-fs: a static initializer of com.example.InitFs threw"), r.err());
    assertTrue(r.err().contains("java.lang.ExceptionInInitializerError"), r.err());
    assertTrue(r.err().contains("\tat com.example.InitFs.readConfiguration(InitFs.java:8)")
        || r.err().contains("\tat fsctx --classpath//com.example.InitFs.readConfiguration(InitFs.java:8)"), r.err());
  }

  @ParameterizedTest(name = "FSCTX_STACKTRACE={0}")
  @CsvSource({"1, true", "true, true", "yes, true", "0, false", "'', false"})
  @DisplayName("FSCTX_STACKTRACE=1 adds the stack trace; other values do not")
  void checkFs_stacktraceEnvironment_printsTraceWhenSet(String value, boolean expected) {
    Cli.Result r = Cli.run(new ByteArrayInputStream(new byte[0]),
        io -> io.withEnv(Map.of(Stdio.STACKTRACE_ENV, value)),
        "check-fs", "--class", "com.example.CtorFs", "--classpath", classes.toString());
    assertEquals(2, r.exit(), r::toString);
    assertEquals(expected, r.err().contains("\tat "), r.err());
  }

  @Test
  @DisplayName("--classpath /nonexistent says the path does not exist (it used to say 'class not found')")
  void checkFs_classpathMissing_saysDoesNotExist() {
    Cli.Result r = Cli.run("check-fs", "--class", "com.example.GoodFs", "--classpath", "/nonexistent")
        .assertRefused(2);
    assertTrue(r.err().startsWith("fsctx check-fs: --classpath entry '/nonexistent' does not exist\n"), r.err());
  }

  @Test
  @DisplayName("A --classpath entry that is a file but not a jar is refused as such")
  void checkFs_classpathNotAJar_refused() throws Exception {
    Path notJar = Files.writeString(classes.resolveSibling(classes.getFileName() + "-notes.txt"), "hello");
    try {
      Cli.Result r = Cli.run("check-fs", "--class", "com.example.GoodFs", "--classpath", notJar.toString())
          .assertRefused(2);
      assertTrue(r.err().contains("is neither a directory nor a jar"), r.err());
    } finally {
      Files.deleteIfExists(notJar);
    }
  }

  @Test
  @DisplayName("A class that is not in an existing --classpath says so, naming the path as written")
  void checkFs_classNotOnClasspath_saysNotFound() {
    Cli.Result r = Cli.run("check-fs", "--class", "com.example.Missing", "--classpath", classes.toString())
        .assertRefused(2);
    assertTrue(r.err().startsWith("fsctx check-fs: class com.example.Missing not found in --classpath " + classes), r.err());
  }

  @Test
  @DisplayName("A class whose base class is missing names what it needs")
  void checkFs_missingDependency_namesIt() {
    Cli.Result r = check("NeedsDepFs").assertRefused(2);
    assertTrue(r.err().startsWith("fsctx check-fs: class com.example.NeedsDepFs cannot be loaded: it needs"
        + " com/example/DepBase, which is not found in --classpath " + classes), r.err());
  }

  @ParameterizedTest(name = "''{0}''")
  @ValueSource(strings = {"com/example/GoodFs.class", "GoodFs.java", "com.example.", "1fs", ""})
  @DisplayName("A --class that is not a class name is refused with a hint")
  void checkFs_notAClassName_refused(String name) {
    Cli.Result r = Cli.run("check-fs", "--class", name, "--classpath", classes.toString()).assertRefused(2);
    assertTrue(r.err().startsWith("fsctx check-fs: --class '" + name + "' is not a Java class name"), r.err());
  }
}
