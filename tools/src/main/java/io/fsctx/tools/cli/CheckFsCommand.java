package io.fsctx.tools.cli;

import com.google.common.base.Splitter;
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
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * check); 2 for a usage error, including an unknown model name, a {@code --classpath} entry that
 * does not exist, a class that cannot be loaded or constructed, and a user's class that throws
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
          + " with the evidence observed and the documented rule. Exit status 0 only without FAIL."
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
    CheckReport report = new FsChecker(() -> fs).check(html.observer());
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

  /** A binary class name: Java identifiers joined by dots ({@code $} is an identifier part). */
  private static final Pattern CLASS_NAME =
      Pattern.compile(
          "\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*"
              + "(\\.\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*)*");

  private static Supplier<FileSystemDriver> userFactory(
      CommandLine cl, Invocation invocation, String name, @Nullable String path) {
    boolean fileName =
        name.endsWith(".class") || name.endsWith(".java") || name.contains("/") || name.contains("\\");
    if (fileName || !CLASS_NAME.matcher(name).matches()) {
      String hint =
          fileName
              ? " (give the class's name with dots, such as com.example.MyFs, and its directory or"
                  + " jar with --classpath)"
              : "";
      throw new CommandLine.ParameterException(
          cl, "--class '" + name + "' is not a Java class name" + hint, null, null, name);
    }
    ClassLoader parent = CheckFsCommand.class.getClassLoader();
    ClassLoader loader = parent;
    if (path != null) {
      List<URL> urls = new ArrayList<>();
      for (String entry : Splitter.on(File.pathSeparatorChar).omitEmptyStrings().split(path)) {
        urls.add(classpathEntry(cl, entry));
      }
      if (urls.isEmpty()) {
        throw new CommandLine.ParameterException(cl, "--classpath '" + path + "' names no directory or jar");
      }
      // Never closed: the checked file system's classes are used until the command returns. Its
      // name marks the user's frames in stack traces (UserCode).
      loader = new URLClassLoader(UserCode.LOADER_NAME, urls.toArray(new URL[0]), parent);
    }
    String where = path == null ? " (no --classpath given)" : " in --classpath " + path;
    Class<?> raw;
    try {
      raw = Class.forName(name, false, loader);
    } catch (ClassNotFoundException e) {
      throw new CommandLine.ParameterException(cl, "class " + name + " not found" + where, e, null, name);
    } catch (UnsupportedClassVersionError e) {
      throw new CommandLine.ParameterException(
          cl, "class " + name + " was compiled for a newer Java than this one ("
              + System.getProperty("java.version") + "): " + e.getMessage(), e, null, name);
    } catch (NoClassDefFoundError e) {
      throw new CommandLine.ParameterException(
          cl, "class " + name + " cannot be loaded: it needs " + e.getMessage()
              + ", which is not found" + where + " (or the file's class name differs)", e, null, name);
    } catch (LinkageError e) {
      throw new CommandLine.ParameterException(
          cl, "class " + name + " cannot be loaded: " + Failures.describe(e), e, null, name);
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
    invocation.userCode(new UserCode(name));
    return () -> {
      try {
        // Initializes the class: an ExceptionInInitializerError is the user's, as is anything
        // the constructor throws.
        return ctor.newInstance();
      } catch (InvocationTargetException e) {
        Throwable t = e.getCause() == null ? e : e.getCause();
        throw new IllegalStateException("the constructor of " + name + " threw " + t, t);
      } catch (ReflectiveOperationException e) {
        throw new CommandLine.ParameterException(
            cl, "cannot construct " + name + ": " + Failures.describe(e), e, null, name);
      }
    };
  }

  /** One {@code --classpath} entry as a URL: a directory, or a jar, that exists. */
  private static URL classpathEntry(CommandLine cl, String entry) {
    Path p;
    try {
      p = Path.of(entry);
    } catch (InvalidPathException e) {
      throw new CommandLine.ParameterException(
          cl, "--classpath entry '" + entry + "' is not a valid path: " + e.getReason(), e, null, entry);
    }
    if (!Files.exists(p)) {
      throw new CommandLine.ParameterException(
          cl, "--classpath entry '" + entry + "' does not exist", null, null, entry);
    }
    if (!Files.isDirectory(p) && !isZip(p)) {
      throw new CommandLine.ParameterException(
          cl, "--classpath entry '" + entry + "' is neither a directory nor a jar", null, null, entry);
    }
    try {
      return p.toAbsolutePath().toUri().toURL();
    } catch (MalformedURLException | RuntimeException e) {
      throw new CommandLine.ParameterException(
          cl, "--classpath entry '" + entry + "' cannot be used: " + e.getMessage(), e, null, entry);
    }
  }

  /** Whether a file starts like a zip (a jar): {@code PK} and a record signature. */
  private static boolean isZip(Path file) {
    byte[] head = new byte[4];
    try (InputStream in = Files.newInputStream(file)) {
      if (in.readNBytes(head, 0, 4) < 4) {
        return false;
      }
    } catch (IOException e) {
      return false;
    }
    return head[0] == 'P' && head[1] == 'K' && (head[2] == 3 || head[2] == 5) && (head[3] == 4 || head[3] == 6);
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
