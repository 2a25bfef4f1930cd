package io.fsctx.tools.cli;

import io.fsctx.tools.checkfs.CheckReport;
import io.fsctx.tools.checkfs.FsChecker;
import io.fsctx.tools.report.ContextRecorder;
import io.fsctx.modelfs.FatLikeFileSystem;
import io.fsctx.modelfs.FlagsWipedFileSystem;
import io.fsctx.modelfs.LegacyFileSystem;
import io.fsctx.modelfs.NoTeardownFileSystem;
import io.fsctx.modelfs.NtfsLikeFileSystem;
import io.fsctx.modelfs.toolkit.ClosePolicy;
import io.fsctx.io.FileSystemDriver;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code fsctx check-fs}: verifies a file system model against the FCB-header requirements of
 * fsrtl.md and fltmgr.md with {@link FsChecker}, prints one row per requirement (verdict, evidence,
 * rule) and a summary line, and exits 0 only when no requirement failed. It checks a bundled model
 * by name or a user's {@link FileSystemDriver} subclass loaded with {@code --class} (and {@code
 * --classpath}).
 *
 * <p>Exit status ({@link ExitStatus}): 0 without FAIL rows; 1 with at least one FAIL (or a bug
 * check; with {@code --strict}, every WARN row is a FAIL); 2 for a usage error, including an
 * unknown model name, a {@code --classpath} entry that does not exist, a class that cannot be
 * loaded or constructed, and a user's class that throws
 * what the check cannot turn into a row (an exception in a static initializer, an error, a stack
 * overflow: reported with the first frame in the user's code); 3 for an internal error.
 *
 * <p>Thread safety: confined to the thread that runs the command.
 */
@Command(
    name = "check-fs",
    mixinStandardHelpOptions = true,
    description = {
      "Check a file system model against the FCB header requirements of FsRtl and Filter Manager.",
      "Runs a workload under a probing minifilter and prints PASS, WARN or FAIL per requirement,"
          + " with the evidence observed and the documented rule. Exit status 0 only without FAIL"
          + " (with --strict, only without FAIL or WARN).",
      "What each row observes, and how to write a file system that passes: modelfs/FILE-SYSTEMS.md."
    })
public final class CheckFsCommand implements Callable<Integer> {
  /** Exit status when at least one requirement failed. */
  public static final int EXIT_FAIL = 1;

  private static final Map<String, Supplier<FileSystemDriver>> MODELS = models();

  @Spec private @Nullable CommandSpec spec;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "MODEL",
      description = "A bundled model: ${COMPLETION-CANDIDATES}. Omit it when using --class.",
      completionCandidates = ModelNames.class)
  private @Nullable String model;

  @Option(
      names = "--class",
      paramLabel = "NAME",
      description = "Check your own file system: a FileSystemDriver subclass with a public no-arg constructor.")
  private @Nullable String className;

  @Mixin private HtmlOption html = new HtmlOption();

  @Option(
      names = "--strict",
      description = "Fail on warnings too: every WARN row (such as PAGING-FILE, a paging file whose header still"
          + " claims filter-context support, which Microsoft only strongly encourages third-party file systems"
          + " to clear) is reported as FAIL and makes the exit status 1.")
  private boolean strict;

  @Option(
      names = "--classpath",
      paramLabel = "PATH",
      description = "Where --class is found: directories or jars separated by the platform path separator ('${sys:path.separator}').")
  private @Nullable String classpath;

  /** The bundled model names, for help and completion. */
  static final class ModelNames implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return MODELS.keySet().iterator();
    }
  }

  private static Map<String, Supplier<FileSystemDriver>> models() {
    // The bundled models close lazily, as fastfat does, so the workload also exercises the
    // delayed-close flush.
    Map<String, Supplier<FileSystemDriver>> m = new LinkedHashMap<>();
    m.put("ntfs", () -> new NtfsLikeFileSystem(ClosePolicy.DELAYED));
    m.put("fat", () -> new FatLikeFileSystem(ClosePolicy.DELAYED));
    m.put("legacy", () -> new LegacyFileSystem(ClosePolicy.DELAYED));
    m.put("no-teardown", () -> new NoTeardownFileSystem(ClosePolicy.DELAYED));
    m.put("flags-wiped", () -> new FlagsWipedFileSystem(ClosePolicy.DELAYED));
    return m;
  }

  /** The names {@code check-fs} accepts as a model, in help order. */
  public static List<String> modelNames() {
    return List.copyOf(MODELS.keySet());
  }

  @Override
  public Integer call() {
    CommandSpec s = java.util.Objects.requireNonNull(spec, "spec");
    CommandLine cl = s.commandLine();
    // Whatever the user's class throws from here on (a static initializer, the constructor, a
    // method during the check, a stack overflow) reaches the user as one line naming the first
    // frame in their code, with exit status 2 (Failures).
    FileSystemDriver fs = factory(cl, Invocation.of(s)).get();
    if (!html.start(s, ContextRecorder.Axis.EVENT)) {
      return ExitStatus.OUTPUT;
    }
    CheckReport report = new FsChecker(() -> fs, strict).check(html.observer());
    PrintWriter out = cl.getOut();
    out.print(report.format());
    out.flush();
    return html.finish(s, report.hasFailures() ? EXIT_FAIL : 0, rec -> Reports.checkFs(HtmlOption.title(s), rec, report));
  }

  private Supplier<FileSystemDriver> factory(CommandLine cl, Invocation invocation) {
    String m = model;
    String c = className;
    if (m != null && c != null) {
      throw new CommandLine.ParameterException(cl, "give either a model name or --class, not both");
    }
    if (classpath != null && c == null) {
      throw new CommandLine.ParameterException(cl, "--classpath needs --class NAME");
    }
    if (c != null) {
      return userFactory(cl, invocation, c, classpath);
    }
    if (m == null) {
      throw new CommandLine.ParameterException(
          cl, "missing MODEL: give one of " + String.join(", ", MODELS.keySet()) + ", or --class NAME");
    }
    Supplier<FileSystemDriver> f = MODELS.get(m);
    if (f == null) {
      throw new CommandLine.ParameterException(
          cl, "unknown model '" + m + "': valid models are " + String.join(", ", MODELS.keySet())
              + " (or use --class NAME [--classpath PATH] for your own file system)");
    }
    return f;
  }

  private static Supplier<FileSystemDriver> userFactory(
      CommandLine cl, Invocation invocation, String name, @Nullable String path) {
    Supplier<FileSystemDriver> factory;
    try {
      factory = UserFileSystemLoader.load(name, path);
    } catch (UserFileSystemLoader.UnusableException e) {
      throw new CommandLine.ParameterException(cl, e.getMessage(), e, null, e.value());
    }
    invocation.userCode(new UserCode(name));
    return factory;
  }

  /**
   * Runs {@code check-fs} on its own: the same as {@code fsctx check-fs ARGS}, with the same exit
   * statuses and error handling.
   *
   * @param args command-line arguments
   */
  public static void main(String[] args) {
    String[] all = new String[args.length + 1];
    all[0] = "check-fs";
    System.arraycopy(args, 0, all, 1, args.length);
    FsctxCommand.main(all);
  }
}
