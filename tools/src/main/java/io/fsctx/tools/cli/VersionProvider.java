package io.fsctx.tools.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/**
 * {@code --version} of every command: the project version, which the build writes into {@code
 * version.properties} beside this class (Maven resource filtering), and the Java runtime.
 *
 * <p>Thread safety: stateless.
 */
final class VersionProvider implements CommandLine.IVersionProvider {
  /** The text when the resource is missing or was not filtered (an IDE build, say). */
  static final String UNKNOWN = "unknown";

  @Override
  public String[] getVersion() {
    return new String[] {
      "fsctx " + version(),
      "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"
    };
  }

  /** The project version, or {@link #UNKNOWN}. */
  static String version() {
    Properties p = new Properties();
    try (InputStream in = VersionProvider.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return UNKNOWN;
      }
      p.load(in);
    } catch (IOException e) {
      return UNKNOWN;
    }
    String v = p.getProperty("version", "").strip();
    return v.isEmpty() || v.contains("${") ? UNKNOWN : v;
  }
}
