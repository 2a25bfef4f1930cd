package io.fsctx.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.tools.checkfs.NoDefaultConstructorFileSystem;
import io.fsctx.tools.checkfs.SampleUserFileSystem;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CheckFsCommandTest {

  private static Cli.Result run(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "check-fs";
    System.arraycopy(args, 0, all, 1, args.length);
    return Cli.run(all);
  }

  private static String testClasses() throws URISyntaxException {
    return Path.of(SampleUserFileSystem.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }

  @ParameterizedTest(name = "{0} → exit {1}")
  @CsvSource({"ntfs, 0", "fat, 0", "legacy, 1", "no-teardown, 1", "flags-wiped, 1"})
  void call_bundledModel_exitsZeroOnlyWithoutFail(String model, int expected) {
    Cli.Result r = run(model);
    assertEquals(expected, r.exit(), r.out() + r.err());
    assertTrue(r.out().startsWith("check-fs: "), r.out());
    String last = r.out().strip().lines().reduce((a, b) -> b).orElse("");
    assertTrue(last.matches("check-fs: \\d+ PASS, \\d+ WARN, " + (expected == 0 ? "0" : "[1-9]\\d*") + " FAIL.*"), last);
  }

  @Test
  void call_legacy_namesCommonHeaderAndNotSupported() {
    Cli.Result r = run("legacy");
    assertTrue(r.out().contains("HDR-ADVANCED      FAIL"), r.out());
    assertTrue(r.out().contains("FSRTL_COMMON_FCB_HEADER"), r.out());
    assertTrue(r.out().contains("STATUS_NOT_SUPPORTED (0xC00000BB)"), r.out());
  }

  @Test
  void call_strictOnACorrectModel_exitsZero() {
    Cli.Result r = run("--strict", "fat");
    assertEquals(0, r.exit(), r.out() + r.err());
    assertTrue(r.out().strip().endsWith("0 WARN, 0 FAIL (2 N/A)"), r.out());
  }

  @Test
  void call_warningOnly_exitsZeroWithoutStrictAndOneWithIt() throws URISyntaxException {
    String cls = io.fsctx.tools.checkfs.PagingFileClaimsSupportFileSystem.class.getName();

    Cli.Result lenient = run("--class", cls, "--classpath", testClasses());
    Cli.Result strict = run("--strict", "--class", cls, "--classpath", testClasses());

    assertEquals(0, lenient.exit(), lenient.out() + lenient.err());
    assertTrue(lenient.out().contains("PAGING-FILE       WARN"), lenient.out());
    assertEquals(CheckFsCommand.EXIT_FAIL, strict.exit(), strict.out() + strict.err());
    assertTrue(strict.out().contains("PAGING-FILE       FAIL"), strict.out());
    assertTrue(strict.out().contains("--strict fails a warning: "), strict.out());
  }

  @Test
  void call_unknownModel_usageErrorListingValidModels() {
    Cli.Result r = run("ext4");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("unknown model 'ext4'"), r.err());
    assertTrue(r.err().contains("ntfs, fat, legacy, no-teardown, flags-wiped"), r.err());
  }

  @Test
  void call_noArguments_usageError() {
    Cli.Result r = run();
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("missing MODEL"), r.err());
  }

  @Test
  void call_modelAndClass_usageError() {
    Cli.Result r = run("ntfs", "--class", SampleUserFileSystem.class.getName());
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("not both"), r.err());
  }

  @Test
  void call_userClassOnClasspath_checksIt() throws URISyntaxException {
    Cli.Result r = run("--class", SampleUserFileSystem.class.getName(), "--classpath", testClasses());
    assertEquals(0, r.exit(), r.out() + r.err());
    assertTrue(r.out().startsWith("check-fs: sample-user-fs (" + SampleUserFileSystem.class.getName() + ")"), r.out());
  }

  @Test
  void call_userClassWithEmptyPathEntries_checksIt() throws URISyntaxException {
    Cli.Result r = run("--class", SampleUserFileSystem.class.getName(),
        "--classpath", File.pathSeparator + testClasses() + File.pathSeparator);
    assertEquals(0, r.exit(), r.out() + r.err());
  }

  @Test
  void call_userClassNotFound_usageError() throws URISyntaxException {
    Cli.Result r = run("--class", "com.example.MissingFs", "--classpath", testClasses());
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("class com.example.MissingFs not found in --classpath " + testClasses()), r.err());
  }

  @Test
  void call_classNotAFileSystemDriver_usageError() {
    Cli.Result r = run("--class", "java.lang.String");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("is not a io.fsctx.io.FileSystemDriver subclass"), r.err());
  }

  @Test
  void call_classWithoutNoArgConstructor_usageError() {
    Cli.Result r = run("--class", NoDefaultConstructorFileSystem.class.getName());
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("has no public no-arg constructor"), r.err());
  }

  @Test
  void call_classpathWithoutClass_usageError() {
    Cli.Result r = run("--classpath", "x");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("--classpath needs --class"), r.err());
  }

  @Test
  void call_help_listsModels() {
    Cli.Result r = run("--help");
    assertEquals(0, r.exit());
    for (String m : CheckFsCommand.modelNames()) {
      assertTrue(r.out().contains(m), r.out());
    }
    assertTrue(r.out().contains("--classpath"), r.out());
    assertTrue(r.out().contains("--strict"), r.out());
    assertTrue(r.out().contains("Fail on warnings too"), r.out());
  }
}
