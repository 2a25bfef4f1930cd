package io.fsctx.tools.replay;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

/** Builds small traces for tests (the command line's too) and finds the shared capture. */
public final class Traces {
  private Traces() {}

  /** The header of a 7-column export, without a line end. */
  public static final String HEADER7 =
      "\"Time of Day\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\"";

  /** Quotes one field as Process Monitor does. */
  static String q(String field) {
    return '"' + field.replace("\"", "\"\"") + '"';
  }

  /**
   * A 7-column export. Each row is {@code pid|operation|path|result|detail} (detail optional).
   */
  static String csv(String... rows) {
    StringBuilder b = new StringBuilder(HEADER7).append("\r\n");
    int i = 0;
    for (String r : rows) {
      String[] f = r.split("\\|", -1);
      String detail = f.length > 4 ? f[4] : "";
      b.append(q("1:00:00." + i++ + " AM")).append(',')
          .append(q("test.exe")).append(',')
          .append(q(f[0])).append(',')
          .append(q(f[1])).append(',')
          .append(q(f[2])).append(',')
          .append(q(f[3])).append(',')
          .append(q(detail)).append("\r\n");
    }
    return b.toString();
  }

  static TraceSource source(String text) {
    return TraceSource.of("test", text.getBytes(UTF_8));
  }

  /** {@code in} as a gzip stream. */
  public static byte[] gzip(byte[] in) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** {@code in} as a zlib stream. */
  public static byte[] zlib(byte[] in) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DeflaterOutputStream z = new DeflaterOutputStream(out, new Deflater(Deflater.BEST_SPEED))) {
      z.write(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * The shared capture: {@code ../shared/traces/win10-x64-filesystem.csv} relative to the
   * repository root, searched from the working directory upwards (a worktree may sit deeper than
   * the main checkout), or the path in the system property {@code fsctx.sharedTrace}.
   */
  public static Path sharedCapture() {
    String override = System.getProperty("fsctx.sharedTrace");
    if (override != null) {
      return Paths.get(override);
    }
    String rel = "shared/traces/win10-x64-filesystem.csv";
    for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(rel);
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new AssertionError(
        "shared capture not found: looked for " + rel + " in every directory above "
            + Paths.get("").toAbsolutePath() + "; set -Dfsctx.sharedTrace=PATH");
  }
}
