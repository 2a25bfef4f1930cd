package io.fsctx.tools.cli;

import com.google.common.base.Splitter;
import io.fsctx.tools.checkfs.CheckReport;
import io.fsctx.tools.checkfs.FsChecker;
import io.fsctx.modelfs.FatLikeFileSystem;
import io.fsctx.modelfs.FlagsWipedFileSystem;
import io.fsctx.modelfs.LegacyFileSystem;
import io.fsctx.modelfs.NoTeardownFileSystem;
import io.fsctx.modelfs.NtfsLikeFileSystem;
import io.fsctx.modelfs.toolkit.ClosePolicy;
import io.fsctx.io.FileSystemDriver;
import java.io.File;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
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
 * <p>Exit status: 0 without FAIL rows; 1 with at least one FAIL (with {@code --strict}, every WARN
 * row is a FAIL); 2 for a usage error (picocli's default), including an unknown model name or a
 * class that cannot be used.
 *
 * <p>Thread safety: confined to the thread that runs the command.
 */
@Command(
    name = "check-fs",
    mixinStandardHelpOptions = true,
    description =
        "Checks a file system model against the FCB header requirements of FsRtl and Filter Manager: "
            + "runs a workload under a probing minifilter and prints PASS, WARN or FAIL per requirement, "
            + "with the evidence observed and the documented rule. Exit status 0 only without FAIL (with --strict, "
            + "only without FAIL or WARN); 2 for a usage error. The guide for file-system authors, with what each "
            + "row observes: modelfs/FILE-SYSTEMS.md.")
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
    Supplier<FileSystemDriver> factory = factory(cl);
    FileSystemDriver fs;
    try {
      fs = factory.get();
    } catch (IllegalStateException e) {
      throw new CommandLine.ParameterException(cl, e.getMessage(), e, null, String.valueOf(className));
    }
    CheckReport report = new FsChecker(() -> fs, strict).check();
    PrintWriter out = cl.getOut();
    out.print(report.format());
    out.flush();
    return report.hasFailures() ? EXIT_FAIL : 0;
  }

  private Supplier<FileSystemDriver> factory(CommandLine cl) {
    String m = model;
    String c = className;
    if (m != null && c != null) {
      throw new CommandLine.ParameterException(cl, "give either a model name or --class, not both");
    }
    if (classpath != null && c == null) {
      throw new CommandLine.ParameterException(cl, "--classpath needs --class NAME");
    }
    if (c != null) {
      return userFactory(cl, c, classpath);
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

  private static Supplier<FileSystemDriver> userFactory(CommandLine cl, String name, @Nullable String path) {
    ClassLoader parent = CheckFsCommand.class.getClassLoader();
    ClassLoader loader = parent;
    if (path != null) {
      List<URL> urls = new ArrayList<>();
      for (String entry : Splitter.on(File.pathSeparatorChar).omitEmptyStrings().split(path)) {
        try {
          urls.add(Path.of(entry).toAbsolutePath().toUri().toURL());
        } catch (MalformedURLException | java.nio.file.InvalidPathException e) {
          throw new CommandLine.ParameterException(cl, "bad --classpath entry '" + entry + "': " + e.getMessage(), e, null, entry);
        }
      }
      // Never closed: the checked file system's classes are used until the command returns.
      loader = new URLClassLoader(urls.toArray(new URL[0]), parent);
    }
    Class<?> raw;
    try {
      raw = Class.forName(name, false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      throw new CommandLine.ParameterException(
          cl, "class " + name + " not found" + (path == null ? " (no --classpath given)" : " on --classpath " + path)
              + ": " + e, e, null, name);
    }
    if (!FileSystemDriver.class.isAssignableFrom(raw)) {
      throw new CommandLine.ParameterException(
          cl, "class " + name + " is not a " + FileSystemDriver.class.getName() + " subclass", null, null, name);
    }
    if (Modifier.isAbstract(raw.getModifiers())) {
      throw new CommandLine.ParameterException(cl, "class " + name + " is abstract", null, null, name);
    }
    Constructor<? extends FileSystemDriver> ctor;
    try {
      ctor = raw.asSubclass(FileSystemDriver.class).getConstructor();
    } catch (NoSuchMethodException e) {
      throw new CommandLine.ParameterException(
          cl, "class " + name + " has no public no-arg constructor", e, null, name);
    }
    return () -> {
      try {
        return ctor.newInstance();
      } catch (InvocationTargetException e) {
        throw new IllegalStateException("the constructor of " + name + " threw " + e.getCause(), e.getCause());
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot construct " + name + ": " + e, e);
      }
    };
  }

  /**
   * Runs {@code check-fs} on its own (the parent {@code fsctx} command adds it as a subcommand).
   *
   * @param args command-line arguments
   */
  public static void main(String[] args) {
    System.exit(new CommandLine(new CheckFsCommand()).execute(args));
  }
}
