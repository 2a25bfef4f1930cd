package io.fsctx.tools.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * The charting library the report inlines: uPlot, read from its WebJar on the class path (the
 * {@code org.webjars.npm:uplot} dependency, shaded into {@code fsctx.jar}). The version is the
 * WebJar's own ({@code META-INF/maven/org.webjars.npm/uplot/pom.properties}), so upgrading the
 * dependency in the pom is all an upgrade takes.
 *
 * <p>Thread safety: immutable.
 *
 * @param version uPlot's version
 * @param script the minified browser build ({@code uPlot.iife.min.js}), defining {@code uPlot}
 * @param style its style sheet
 * @param license its licence text (MIT), kept in the report beside the code
 */
record ChartLibrary(String version, String script, String style, String license) {

  private static final String POM = "META-INF/maven/org.webjars.npm/uplot/pom.properties";

  /**
   * Loads the library from the class path.
   *
   * @throws IllegalStateException when the WebJar is missing (a broken build)
   */
  static ChartLibrary load() {
    ClassLoader loader = ChartLibrary.class.getClassLoader();
    Properties pom = new Properties();
    try (InputStream in = loader.getResourceAsStream(POM)) {
      if (in == null) {
        throw new IllegalStateException("the uPlot WebJar is not on the class path (" + POM + ")");
      }
      pom.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String version = pom.getProperty("version", "");
    String base = "META-INF/resources/webjars/uplot/" + version + "/";
    return new ChartLibrary(
        version,
        read(loader, base + "dist/uPlot.iife.min.js"),
        read(loader, base + "dist/uPlot.min.css"),
        read(loader, base + "LICENSE"));
  }

  /** A text resource, UTF-8. */
  static String read(ClassLoader loader, String name) {
    try (InputStream in = loader.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("resource " + name + " is missing from the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
