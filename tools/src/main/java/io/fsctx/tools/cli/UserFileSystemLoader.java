package io.fsctx.tools.cli;

import com.google.common.base.Splitter;
import io.fsctx.io.FileSystemDriver;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Loads a user's file system for the commands that take one ({@code run}, {@code walkthrough},
 * {@code replay} with {@code --fs-class}, {@code check-fs} with {@code --class}): a class that
 * implements {@link FileSystemDriver}, is not abstract and has a public no-arg constructor, found
 * on an optional class path of directories and jars (the platform's path separator between
 * entries, empty entries ignored) searched after the tool's own classes. The class path gets a
 * class loader named {@link UserCode#LOADER_NAME}, so that a failure of the user's code can be
 * reported with its first frame ({@link UserCode}).
 *
 * <p>Loading checks everything that can be checked without running the user's code; the class is
 * initialized and constructed only when the returned factory is called (one new instance per
 * volume), so that whatever its static initializer or constructor throws reaches the command's
 * one-line failure report with the user's frame.
 *
 * <p>Thread safety: stateless; the returned factory may be called from any thread.
 */
final class UserFileSystemLoader {
  private UserFileSystemLoader() {}

  /** A binary class name: Java identifiers joined by dots ({@code $} is an identifier part). */
  private static final Pattern CLASS_NAME =
      Pattern.compile(
          "\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*"
              + "(\\.\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*)*");

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

    UnusableException(Argument argument, String value, String message, String reason, @Nullable Throwable cause) {
      super(message, cause);
      this.argument = argument;
      this.value = value;
      this.reason = reason;
    }

    static UnusableException ofClass(String name, String reason, @Nullable Throwable cause) {
      return new UnusableException(Argument.CLASS, name, "class " + name + " " + reason, reason, cause);
    }

    static UnusableException ofEntry(String entry, String reason, @Nullable Throwable cause) {
      return new UnusableException(Argument.CLASSPATH, entry, "--classpath entry '" + entry + "' " + reason, reason, cause);
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
   * Finds the class and checks that it can be used, without running any of its code.
   *
   * @param className the class's binary name, such as {@code com.example.MyFs}
   * @param classpath where to look besides the tool's own classes, or null
   * @return a factory of new, unmounted instances; a static initializer or constructor that fails
   *     surfaces when it is called (an {@link ExceptionInInitializerError}, or an {@link
   *     IllegalStateException} whose cause is what the constructor threw)
   * @throws UnusableException when the name is not a class name, a class path entry is malformed,
   *     missing or neither a directory nor a jar, the class is not found or cannot be linked, does
   *     not implement {@link FileSystemDriver}, is abstract or has no public no-arg constructor
   */
  static Supplier<FileSystemDriver> load(String className, @Nullable String classpath) throws UnusableException {
    boolean fileName = className.endsWith(".class") || className.endsWith(".java")
        || className.contains("/") || className.contains("\\");
    if (fileName || !CLASS_NAME.matcher(className).matches()) {
      String hint = fileName
          ? " (give the class's name with dots, such as com.example.MyFs, and its directory or jar with --classpath)"
          : "";
      throw new UnusableException(Argument.CLASS, className,
          "--class '" + className + "' is not a Java class name" + hint, "is not a Java class name" + hint, null);
    }
    ClassLoader parent = UserFileSystemLoader.class.getClassLoader();
    ClassLoader loader = parent;
    if (classpath != null) {
      List<URL> urls = new ArrayList<>();
      for (String entry : Splitter.on(File.pathSeparatorChar).omitEmptyStrings().split(classpath)) {
        urls.add(classpathEntry(entry));
      }
      if (urls.isEmpty()) {
        throw UnusableException.ofEntry(classpath, "names no directory or jar", null);
      }
      // Never closed: the file system's classes are used until the command returns. Its name
      // marks the user's frames in stack traces (UserCode).
      loader = new URLClassLoader(UserCode.LOADER_NAME, urls.toArray(new URL[0]), parent);
    }
    String where = classpath == null ? " (no --classpath given)" : " in --classpath " + classpath;
    Class<?> raw;
    try {
      raw = Class.forName(className, false, loader);
    } catch (ClassNotFoundException e) {
      throw UnusableException.ofClass(className, "not found" + where, e);
    } catch (UnsupportedClassVersionError e) {
      throw UnusableException.ofClass(className, "was compiled for a newer Java than this one ("
          + System.getProperty("java.version") + "): " + e.getMessage(), e);
    } catch (NoClassDefFoundError e) {
      throw UnusableException.ofClass(className, "cannot be loaded: it needs " + e.getMessage()
          + ", which is not found" + where + " (or the file's class name differs)", e);
    } catch (LinkageError e) {
      throw UnusableException.ofClass(className, "cannot be loaded: " + Failures.describe(e), e);
    }
    if (!FileSystemDriver.class.isAssignableFrom(raw)) {
      throw UnusableException.ofClass(className,
          "is not a " + FileSystemDriver.class.getName() + " subclass (it must implement that interface)", null);
    }
    if (Modifier.isAbstract(raw.getModifiers())) {
      throw UnusableException.ofClass(className, "is abstract", null);
    }
    Constructor<? extends FileSystemDriver> ctor;
    try {
      ctor = raw.asSubclass(FileSystemDriver.class).getConstructor();
    } catch (NoSuchMethodException e) {
      throw UnusableException.ofClass(className, "has no public no-arg constructor", e);
    }
    return () -> {
      try {
        // Initializes the class: an ExceptionInInitializerError is the user's, as is anything the
        // constructor throws.
        return ctor.newInstance();
      } catch (InvocationTargetException e) {
        Throwable t = e.getCause() == null ? e : e.getCause();
        throw new IllegalStateException("the constructor of " + className + " threw " + t, t);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot construct " + className + ": " + Failures.describe(e), e);
      }
    };
  }

  /** One class path entry as a URL: a directory, or a jar, that exists. */
  private static URL classpathEntry(String entry) throws UnusableException {
    Path p;
    try {
      p = Path.of(entry);
    } catch (InvalidPathException e) {
      throw UnusableException.ofEntry(entry, "is not a valid path: " + e.getReason(), e);
    }
    if (!Files.exists(p)) {
      throw UnusableException.ofEntry(entry, "does not exist", null);
    }
    if (!Files.isDirectory(p) && !isZip(p)) {
      throw UnusableException.ofEntry(entry, "is neither a directory nor a jar", null);
    }
    try {
      return p.toAbsolutePath().toUri().toURL();
    } catch (MalformedURLException | RuntimeException e) {
      throw UnusableException.ofEntry(entry, "cannot be used: " + e.getMessage(), e);
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
}
