package io.fsctx.tools.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fsctx replay}, run in process: output shapes, exit statuses and bad input. */
class ReplayCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HEADER =
      "\"Time of Day\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\"\r\n";

  @TempDir Path dir;

  private static Cli.Result run(String... args) {
    return Cli.run(args);
  }

  private static String row(String pid, String op, String path, String result) {
    return "\"1:00:00 AM\",\"t.exe\",\"" + pid + "\",\"" + op + "\",\"" + path + "\",\"" + result + "\",\"\"\r\n";
  }

  private Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text, UTF_8);
  }

  private static Path sharedCapture() {
    String override = System.getProperty("fsctx.sharedTrace");
    if (override != null) {
      return Paths.get(override);
    }
    for (Path d = Paths.get("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path c = d.resolve("shared/traces/win10-x64-filesystem.csv");
      if (Files.isRegularFile(c)) {
        return c;
      }
    }
    throw new AssertionError("shared capture not found; set -Dfsctx.sharedTrace=PATH");
  }

  /** Parses stdout as exactly one JSON value, failing if anything follows it. */
  private static JsonNode onlyObject(String out) throws IOException {
    try (JsonParser p = JSON.getFactory().createParser(out)) {
      JsonNode n = JSON.readTree(p);
      assertNull(p.nextToken(), "nothing may follow the JSON object");
      assertTrue(n.isObject(), out);
      return n;
    }
  }

  @Test
  @DisplayName("replay.md Summary: --json prints exactly one object with the contract's members; the shared capture leaks nothing")
  void replay_sharedCaptureJson_oneObjectWithContractMembers() throws IOException {
    Cli.Result r = run("replay", "--json", sharedCapture().toString());
    assertEquals(0, r.exit(), r.err());
    assertEquals("", r.err(), "no progress bar without a terminal");
    JsonNode n = onlyObject(r.out());
    assertEquals(6793, n.get("rows").asLong());
    assertEquals(5367, n.get("replayed").asLong());
    assertEquals(1127, n.get("skipped").get("noOpenHandle").asLong());
    assertEquals(0, n.get("skipped").get("unsupportedPath").asLong());
    assertEquals(299, n.get("skipped").get("unsupportedOperation").asLong());
    assertEquals(948, n.get("creates").get("succeeded").asLong());
    assertEquals(128, n.get("creates").get("failed").asLong());
    assertEquals(0, n.get("creates").get("reparse").asLong());
    for (String t : List.of("INSTANCE", "FILE", "STREAM", "STREAMHANDLE")) {
      JsonNode c = n.get("contexts").get(t);
      assertTrue(c.get("allocated").isIntegralNumber(), t);
      assertEquals(c.get("allocated").asLong(), c.get("freed").asLong(), t);
    }
    assertEquals(1, n.get("contexts").get("INSTANCE").get("allocated").asLong());
    assertEquals(887, n.get("contexts").get("FILE").get("allocated").asLong());
    assertEquals(888, n.get("contexts").get("STREAM").get("allocated").asLong());
    assertEquals(948, n.get("contexts").get("STREAMHANDLE").get("allocated").asLong());
    assertEquals(0, n.get("leakedContexts").asLong());
    assertEquals(0, n.get("diverged").asLong(), "every successful row was carried out");
  }

  @Test
  @DisplayName("Without --json the same figures are printed for a person; nothing else on stdout")
  void replay_sharedCaptureText_humanSummary() {
    Cli.Result r = run("replay", sharedCapture().toString());
    assertEquals(0, r.exit(), r.err());
    List<String> lines = r.out().lines().toList();
    assertEquals("rows                             6,793", lines.get(0));
    assertTrue(r.out().contains("STREAMHANDLE contexts            948 allocated, 948 freed"), r.out());
    assertTrue(r.out().contains("leaked contexts                  0"), r.out());
    assertTrue(!r.out().contains("diverged"), "no divergence line when nothing diverged: " + r.out());
    assertTrue(lines.stream().noneMatch(l -> l.startsWith("[Ctx]")), "CTX's log never goes to stdout");
  }

  @Test
  @DisplayName("--filter leaky: leakedContexts > 0 and a non-zero exit status")
  void replay_leaky_nonZeroExit() throws IOException {
    Path t = write("leak.csv", HEADER
        + row("1", "CreateFile", "C:\\a", "SUCCESS")
        + row("2", "CreateFile", "C:\\a", "SUCCESS"));
    Cli.Result r = run("replay", "--json", "--filter", "leaky", t.toString());
    assertEquals(1, r.exit(), r.out() + r.err());
    assertEquals(1, onlyObject(r.out()).get("leakedContexts").asLong());
  }

  @Test
  @DisplayName("--fs legacy --filter walkthrough and none are accepted")
  void replay_otherFsAndFilters_run() throws IOException {
    Path t = write("t.csv", HEADER + row("1", "CreateFile", "C:\\a", "SUCCESS") + row("1", "CloseFile", "C:\\a", "SUCCESS"));
    JsonNode legacy = onlyObject(run("replay", "--json", "--fs", "legacy", t.toString()).out());
    assertEquals(0, legacy.get("contexts").get("STREAM").get("allocated").asLong());
    assertEquals(1, legacy.get("contexts").get("INSTANCE").get("allocated").asLong());
    JsonNode walk = onlyObject(run("replay", "--json", "--filter", "walkthrough", "--fs", "fat", t.toString()).out());
    assertEquals(1, walk.get("contexts").get("STREAM").get("freed").asLong());
    Cli.Result none = run("replay", "--json", "--filter", "NONE", t.toString());
    assertEquals(0, none.exit(), none.err());
    assertEquals(0, onlyObject(none.out()).get("contexts").get("INSTANCE").get("allocated").asLong());
  }

  @Test
  @DisplayName("replay.md Input: bad input names the line, exits non-zero, and prints nothing on stdout")
  void replay_unterminatedQuote_lineNumberNoStdout() throws IOException {
    Path t = write("bad.csv", HEADER
        + row("1", "CreateFile", "C:\\a", "SUCCESS")
        + "\"1:00\",\"t.exe\",\"1\",\"ReadFile\",\"C:\\a\",\"SUCCESS\",\"oops\r\n");
    Cli.Result r = run("replay", "--json", t.toString());
    assertEquals(2, r.exit());
    assertEquals("", r.out());
    assertTrue(r.err().startsWith("fsctx replay: " + t + ": line 3: "), r.err());
  }

  @Test
  @DisplayName("replay.md Input: a missing required column is refused at line 1")
  void replay_missingColumn_refused() throws IOException {
    Path t = write("cols.csv", "\"Time of Day\",\"Operation\",\"Path\"\r\n\"1\",\"ReadFile\",\"C:\\a\"\r\n");
    Cli.Result r = run("replay", t.toString());
    assertEquals(2, r.exit());
    assertEquals("", r.out());
    assertTrue(r.err().startsWith("fsctx replay: " + t + ": line 1: "), r.err());
  }

  @Test
  @DisplayName("A missing file: exit 2 and a message, nothing on stdout")
  void replay_missingFile_refused() {
    Path t = dir.resolve("nope.csv");
    Cli.Result r = run("replay", t.toString());
    assertEquals(2, r.exit());
    assertEquals("", r.out());
    assertEquals("fsctx replay: " + t + ": no such file", r.err().strip());
  }

  @Test
  @DisplayName("replay.md Input: a gzip-compressed trace replays like the plain one")
  void replay_gzip_sameFigures() throws IOException {
    String text = HEADER + row("1", "CreateFile", "C:\\a", "SUCCESS") + row("1", "ReadFile", "C:\\a", "SUCCESS");
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(b)) {
      z.write(text.getBytes(UTF_8));
    }
    Path gz = Files.write(dir.resolve("t.csv.gz"), b.toByteArray());
    Path plain = write("t.csv", text);
    assertEquals(onlyObject(run("replay", "--json", plain.toString()).out()),
        onlyObject(run("replay", "--json", gz.toString()).out()));
  }

  @Test
  @DisplayName("TRACE '-' reads standard input")
  void replay_stdin_read() throws IOException {
    String text = HEADER + row("1", "CreateFile", "C:\\a", "SUCCESS") + row("1", "CloseFile", "C:\\a", "SUCCESS");
    Cli.Result r = Cli.run(text.getBytes(UTF_8), "replay", "--json", "-");
    assertEquals(0, r.exit(), r.err());
    JsonNode n = onlyObject(r.out());
    assertEquals(2, n.get("rows").asLong());
    assertEquals(1, n.get("contexts").get("STREAMHANDLE").get("allocated").asLong());
  }

  @Test
  @DisplayName("--debug-level sends CTX's log to stderr only")
  void replay_debugLevel_logOnStderr() throws IOException {
    Path t = write("t.csv", HEADER + row("1", "CreateFile", "C:\\a", "SUCCESS"));
    Cli.Result r = run("replay", "--json", "--debug-level", "load_unload", t.toString());
    assertEquals(0, r.exit(), r.err());
    onlyObject(r.out());
    assertTrue(r.err().contains("[Ctx]: DriverEntry: Driver loading"), r.err());
  }

  @Test
  @DisplayName("An unknown --filter is a usage error")
  void replay_unknownFilter_usageError() throws IOException {
    Path t = write("t.csv", HEADER);
    Cli.Result r = run("replay", "--filter", "bogus", t.toString());
    assertEquals(2, r.exit());
    assertEquals("", r.out());
    assertTrue(r.err().contains("unknown filter 'bogus'"), r.err());
  }
}
