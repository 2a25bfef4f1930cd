package io.fsctx.tools.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.base.CharMatcher;
import com.google.common.base.Splitter;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * A user's own file systems for {@code check-fs --class}, compiled the way modelfs/FILE-SYSTEMS.md
 * tells a user to (javac against fsctx, into a directory of their own), so that they are found only
 * through {@code --classpath}, never on fsctx's class path. The sources are the test resources
 * under {@code userfs/}; {@code DepBase} is deleted after compiling so that {@code NeedsDepFs}
 * cannot be loaded.
 */
final class UserClasses {
  private UserClasses() {}

  /** Compiles every user class into {@code out} and returns {@code out}. */
  static Path compile(Path out) {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertTrue(javac != null, "the tests need a JDK (javax.tools)");
    List<String> args = new ArrayList<>(List.of(
        "-d", out.toString(), "-classpath", String.join(File.pathSeparator, classPath()),
        "-proc:none", "-g", "-nowarn"));
    try (Stream<Path> files = Files.list(sources())) {
      files.filter(p -> p.toString().endsWith(".java")).forEach(p -> args.add(p.toString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
    int rc = javac.run(null, diagnostics, diagnostics, args.toArray(new String[0]));
    assertTrue(rc == 0, () -> "javac failed: " + diagnostics.toString(StandardCharsets.UTF_8));
    try {
      Files.delete(out.resolve("com/example/DepBase.class"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private static Path sources() {
    URL u = UserClasses.class.getResource("/userfs/com/example/GoodFs.java");
    assertTrue(u != null, "test resources userfs/ missing");
    try {
      return Path.of(u.toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The test JVM's class path as separate entries: surefire may start it with one jar whose
   * manifest's {@code Class-Path} lists the real entries.
   */
  static List<String> classPath() {
    List<String> entries = new ArrayList<>();
    for (String e : Splitter.on(File.pathSeparatorChar).omitEmptyStrings().split(System.getProperty("java.class.path"))) {
      entries.add(e);
      if (e.endsWith(".jar")) {
        try (JarFile jar = new JarFile(e)) {
          Manifest m = jar.getManifest();
          String cp = m == null ? null : m.getMainAttributes().getValue("Class-Path");
          if (cp != null) {
            for (String ref : Splitter.on(CharMatcher.whitespace()).omitEmptyStrings().split(cp)) {
              URL url = new URL(Path.of(e).toUri().toURL(), ref);
              entries.add(Path.of(url.toURI()).toString());
            }
          }
        } catch (IOException | URISyntaxException ex) {
          throw new IllegalStateException("cannot read the class path entry " + e, ex);
        }
      }
    }
    return entries;
  }
}
