package io.fsctx.tools.cli;

import io.fsctx.io.FileSystemDriver;
import io.fsctx.modelfs.toolkit.ClosePolicy;
import java.io.PrintWriter;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * The options of the commands that mount a file system ({@code run}, {@code walkthrough}, {@code
 * replay}), as a picocli mixin: either a bundled model ({@code --fs ntfs|fat|legacy}, NTFS-like
 * when neither is given) or the user's own {@link FileSystemDriver} ({@code --fs-class NAME},
 * optionally {@code --classpath PATH}), never both.
 *
 * <p>A user's class is loaded by {@link UserFileSystemLoader}; a class or class path that cannot
 * be used is reported on one line ({@link #refuse}) with exit status {@link #EXIT_UNUSABLE}. Each
 * volume gets a new instance of it, with the close policy the class chose; the bundled models get
 * the close policy the command asks for.
 *
 * <p>Thread safety: confined to the thread picocli runs the command on.
 */
final class FileSystemOptions {
  /** Exit status for a class or class path that cannot be used (picocli's usage-error status). */
  static final int EXIT_UNUSABLE = 2;

  /** {@code --fs} or the user's class; null when neither was given. */
  @ArgGroup(exclusive = true, multiplicity = "0..1")
  @Nullable Choice choice;

  /** The two ways to name a file system. */
  static final class Choice {
    @Option(
        names = "--fs",
        paramLabel = "FS",
        converter = FsKind.Converter.class,
        completionCandidates = FsKind.Names.class,
        description = "Model file system: ${COMPLETION-CANDIDATES} (default: ntfs).")
    @Nullable FsKind fs;

    @ArgGroup(exclusive = false, multiplicity = "1")
    @Nullable UserClass user;
  }

  /** {@code --fs-class} and its {@code --classpath}. */
  static final class UserClass {
    @Option(
        names = "--fs-class",
        paramLabel = "NAME",
        required = true,
        description =
            "Your own file system instead of a model: a class implementing io.fsctx.io.FileSystemDriver "
                + "with a public no-arg constructor (one instance per volume, with its own close policy).")
    String className = "";

    @Option(
        names = "--classpath",
        paramLabel = "PATH",
        description =
            "Where --fs-class is found: directories or jars separated by '${sys:path.separator}'.")
    @Nullable String classpath;
  }

  /** The bundled model chosen, or null when the user's class is. */
  @Nullable FsKind model() {
    Choice c = choice;
    if (c == null || c.user == null) {
      return c == null || c.fs == null ? FsKind.NTFS : c.fs;
    }
    return null;
  }

  /**
   * The file systems to mount: new, unmounted instances of the bundled model or of the user's
   * class.
   *
   * @param modelClosePolicy the close policy for a bundled model (a user's class has its own)
   * @param invocation the command line's run, told that the user's code is in play
   * @return the factory
   * @throws UserFileSystemLoader.UnusableException when the user's class or class path cannot be
   *     used
   */
  Supplier<FileSystemDriver> fileSystems(ClosePolicy modelClosePolicy, Invocation invocation)
      throws UserFileSystemLoader.UnusableException {
    FsKind kind = model();
    if (kind != null) {
      return () -> kind.create(modelClosePolicy);
    }
    UserClass u = java.util.Objects.requireNonNull(java.util.Objects.requireNonNull(choice).user);
    Supplier<FileSystemDriver> factory = UserFileSystemLoader.load(u.className, u.classpath);
    // What the class's initializer or constructor throws later is reported with its first frame.
    invocation.userCode(new UserCode(u.className));
    return factory;
  }

  /**
   * Reports an unusable class or class path entry on one line of standard error, naming the option
   * and its value: {@code fsctx replay: --fs-class com.example.Fs: has no public no-arg
   * constructor}.
   *
   * @param cl the command line of the command that failed
   * @param e what was wrong
   * @return {@link #EXIT_UNUSABLE}
   */
  static int refuse(CommandLine cl, UserFileSystemLoader.UnusableException e) {
    PrintWriter err = cl.getErr();
    String option = e.argument() == UserFileSystemLoader.Argument.CLASS ? "--fs-class" : "--classpath";
    err.println(cl.getCommandSpec().qualifiedName() + ": " + option + " " + e.value() + ": " + e.reason());
    err.flush();
    return EXIT_UNUSABLE;
  }
}
