package io.fsctx.tools.cli;

import com.google.common.base.Splitter;
import io.fsctx.io.FileSystemDriver;
import java.io.File;
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
import java.util.List;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Loads a user's file system for the commands that take one ({@code run}, {@code walkthrough},
 * {@code replay} with {@code --fs-class}, {@code check-fs} with {@code --class}): a class that
 * implements {@link FileSystemDriver}, is not abstract and has a public no-arg constructor, found
 * on an optional class path of directories and jars (the platform's path separator between
 * entries, empty entries ignored) searched after the tool's own classes. Each call of the returned
 * factory constructs a new instance (one per volume).
 *
 * <p>Thread safety: stateless; the returned factory may be called from any thread.
 */
final class UserFileSystemLoader {
  private UserFileSystemLoader() {}

  /** Which command-line argument was unusable. */
  enum Argument {
    /** The class name. */
    CLASS,
    /** The class path. */
    CLASSPATH
  }

  /**
   * A class name or class path entry the commands cannot use. The message is one line that names
   * it: {@code class com.example.Fs has no public no-arg constructor}, {@code --classpath entry
   * 'lib' does not exist}.
   */
  static final class UnusableException extends Exception {
    private static final long serialVersionUID = 1L;
    private final Argument argument;
    private final String value;
    private final String reason;

    UnusableException(Argument argument, String value, String reason, @Nullable Throwable cause) {
      super((argument == Argument.CLASS ? "class " + value + " " : "--classpath entry '" + value + "' ") + reason, cause);
      this.argument = argument;
      this.value = value;
      this.reason = reason;
    }

    /** The argument at fault. */
    Argument argument() {
      return argument;
    }

    /** The class name, or the class path entry, at fault. */
    String value() {
      return value;
    }

    /** What is wrong with it, such as {@code has no public no-arg constructor}. */
    String reason() {
      return reason;
    }
  }

  /**
   * Finds the class, checks it can be used, and constructs one instance to check its constructor.
   *
   * @param className the class's binary name, such as {@code com.example.MyFs}
   * @param classpath where to look besides the tool's own classes, or null
   * @return a factory of new, unmounted instances; a constructor that fails later throws {@link
   *     IllegalStateException}
   * @throws UnusableException when the class is not found (the message then also names a class
   *     path entry that does not exist, if one does not), does not implement {@link
   *     FileSystemDriver}, is abstract, has no public no-arg constructor or its constructor throws;
   *     or when a class path entry is malformed, or does not exist although the class was found
   */
  static Supplier<FileSystemDriver> load(String className, @Nullable String classpath) throws UnusableException {
    ClassLoader parent = UserFileSystemLoader.class.getClassLoader();
    ClassLoader loader = parent;
    String missing = null;
    if (classpath != null) {
      List<URL> urls = new ArrayList<>();
      for (String entry : Splitter.on(File.pathSeparatorChar).omitEmptyStrings().split(classpath)) {
        Path p;
        try {
          p = Path.of(entry);
          urls.add(p.toAbsolutePath().toUri().toURL());
        } catch (MalformedURLException | InvalidPathException e) {
          throw new UnusableException(Argument.CLASSPATH, entry, "is not a valid path: " + e.getMessage(), e);
        }
        if (missing == null && !Files.exists(p)) {
          missing = entry;
        }
      }
      // Never closed: the file system's classes are used until the command returns.
      loader = new URLClassLoader(urls.toArray(new URL[0]), parent);
    }
    Class<?> raw;
    try {
      raw = Class.forName(className, false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      String where = classpath == null
          ? "(no --classpath given)"
          : "on --classpath " + classpath + (missing == null ? "" : " (entry '" + missing + "' does not exist)");
      throw new UnusableException(Argument.CLASS, className,
          "not found " + where + (e instanceof ClassNotFoundException ? "" : ": " + e), e);
    }
    if (missing != null) {
      throw new UnusableException(Argument.CLASSPATH, missing, "does not exist", null);
    }
    if (!FileSystemDriver.class.isAssignableFrom(raw)) {
      throw new UnusableException(Argument.CLASS, className,
          "is not a " + FileSystemDriver.class.getName() + " subclass (it must implement that interface)", null);
    }
    if (Modifier.isAbstract(raw.getModifiers())) {
      throw new UnusableException(Argument.CLASS, className, "is abstract", null);
    }
    Constructor<? extends FileSystemDriver> ctor;
    try {
      ctor = raw.asSubclass(FileSystemDriver.class).getConstructor();
    } catch (NoSuchMethodException e) {
      throw new UnusableException(Argument.CLASS, className, "has no public no-arg constructor", e);
    }
    try {
      // One instance, never mounted, so that a constructor that throws is refused up front.
      FileSystemDriver unused = construct(ctor);
    } catch (IllegalStateException e) {
      throw new UnusableException(Argument.CLASS, className,
          "cannot be constructed: " + e.getMessage(), e.getCause());
    }
    return () -> construct(ctor);
  }

  private static FileSystemDriver construct(Constructor<? extends FileSystemDriver> ctor) {
    try {
      return ctor.newInstance();
    } catch (InvocationTargetException e) {
      throw new IllegalStateException("its constructor threw " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e.toString(), e);
    }
  }
}
