package io.fsctx.tools.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fsctx.tools.replay.Traces;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fsctx replay} with several traces: files, directories and globs replayed in parallel,
 * each alone; per-trace outcomes in the order given, a total equal to the sum of single runs,
 * failures confined to their trace, and the exit status of the worst trace.
 */
class CorpusReplayTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HEADER =
      "\"Time of Day\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\"\r\n";

  @TempDir Path dir;

  private static String row(String pid, String op, String path, String result, String detail) {
    return "\"1:00:00 AM\",\"t.exe\",\"" + pid + "\",\"" + op + "\",\"" + path + "\",\"" + result + "\",\""
        + detail + "\"\r\n";
  }

  private static String row(String pid, String op, String path, String result) {
    return row(pid, op, path, result, "");
  }

  private Path write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    return Files.writeString(p, text, UTF_8);
  }

  /** Three different small traces: two volumes, a rename, a failed create, a row with no handle. */
  private List<Path> threeTraces() throws IOException {
    Path a = write("a.csv", HEADER
        + row("1", "CreateFile", "C:\\x\\a.txt", "SUCCESS")
        + row("1", "ReadFile", "C:\\x\\a.txt", "SUCCESS")
        + row("1", "CloseFile", "C:\\x\\a.txt", "SUCCESS"));
    Path b = write("corpus/b.csv", HEADER
        + row("2", "CreateFile", "D:\\y\\b.txt", "SUCCESS")
        + row("2", "CreateFile", "D:\\y\\missing.txt", "NAME NOT FOUND")
        + row("2", "SetRenameInformationFile", "D:\\y\\b.txt", "SUCCESS",
            "ReplaceIfExists: False, FileName: D:\\y\\c.txt")
        + row("2", "WriteFile", "D:\\y\\c.txt", "SUCCESS")
        + row("3", "ReadFile", "D:\\y\\never-opened.txt", "SUCCESS")
        + row("2", "CloseFile", "D:\\y\\c.txt", "SUCCESS"));
    Path c = dir.resolve("corpus/c.csv.gz");
    Files.write(c, Traces.gzip((HEADER
        + row("4", "CreateFile", "C:\\z\\one.txt", "SUCCESS")
        + row("4", "CreateFile", "C:\\z\\two.txt:meta", "SUCCESS")
        + row("4", "QueryBasicInformationFile", "C:\\z\\one.txt", "SUCCESS")
        + row("4", "CloseFile", "C:\\z\\one.txt", "SUCCESS")).getBytes(UTF_8)));
    return List.of(a, b, c);
  }

  private static JsonNode onlyObject(String out) throws IOException {
    try (JsonParser p = JSON.getFactory().createParser(out)) {
      JsonNode n = JSON.readTree(p);
      assertTrue(p.nextToken() == null, "nothing may follow the JSON object");
      assertTrue(n.isObject(), out);
      return n;
    }
  }

  /** Adds every number of {@code add} into {@code sum}, member by member (volumes united). */
  private static void addInto(ObjectNode sum, JsonNode add) {
    Iterator<Map.Entry<String, JsonNode>> it = add.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode have = sum.get(e.getKey());
      if (e.getValue().isIntegralNumber()) {
        sum.put(e.getKey(), (have == null ? 0 : have.asLong()) + e.getValue().asLong());
      } else if (e.getValue().isObject()) {
        addInto(have == null ? sum.putObject(e.getKey()) : (ObjectNode) have, e.getValue());
      } else if (e.getValue().isArray()) {
        List<String> vols = new ArrayList<>();
        if (have != null) {
          have.forEach(v -> vols.add(v.asText()));
        }
        e.getValue().forEach(v -> {
          if (!vols.contains(v.asText())) {
            vols.add(v.asText());
          }
        });
        vols.sort(null);
        var arr = sum.putArray(e.getKey());
        vols.forEach(arr::add);
      }
    }
  }

  @Test
  @DisplayName("Files, a directory (its .csv and .csv.gz) in parallel: per-trace summaries equal single runs, the total is their sum")
  void replay_filesAndDirectory_totalIsSumOfSingleRuns() throws IOException {
    List<Path> traces = threeTraces();
    ObjectNode sum = JSON.createObjectNode();
    List<JsonNode> singles = new ArrayList<>();
    for (Path t : traces) {
      Cli.Result r = Cli.run("replay", "--json", t.toString());
      assertEquals(0, r.exit(), r::toString);
      JsonNode s = onlyObject(r.out());
      singles.add(s);
      addInto(sum, s);
    }
    Cli.Result r = Cli.run("replay", "--json", "--jobs", "2", traces.get(0).toString(), dir.resolve("corpus").toString());
    assertEquals(0, r.exit(), r::toString);
    JsonNode n = onlyObject(r.out());
    JsonNode per = n.get("traces");
    assertEquals(3, per.size());
    for (int i = 0; i < 3; i++) {
      assertEquals(traces.get(i).toString(), per.get(i).get("trace").asText(), "in the order given, then by name");
      assertEquals("ok", per.get(i).get("status").asText());
      assertEquals(singles.get(i), per.get(i).get("summary"), "same figures as a single-trace run");
    }
    assertEquals(JSON.readTree(sum.toString()), n.get("total"));
    assertEquals(3, n.get("completed").asLong());
    assertEquals(0, n.get("failed").asLong());
    assertTrue(n.get("total").get("rows").asLong() > 10, "the traces were replayed, not skipped");
  }

  @Test
  @DisplayName("The shared capture twice, each in its own Filter Manager: twice the figures, nothing leaked")
  void replay_sharedCaptureTwice_isolatedReplays() throws IOException {
    String t = Traces.sharedCapture().toString();
    Cli.Result r = Cli.run("replay", "--json", t, t);
    assertEquals(0, r.exit(), r::toString);
    JsonNode total = onlyObject(r.out()).get("total");
    assertEquals(2 * 6793, total.get("rows").asLong());
    assertEquals(2 * 5367, total.get("replayed").asLong());
    assertEquals(2 * 888, total.get("contexts").get("STREAM").get("allocated").asLong());
    assertEquals(2, total.get("contexts").get("INSTANCE").get("allocated").asLong());
    assertEquals(0, total.get("leakedContexts").asLong());
  }

  @Test
  @DisplayName("replay.md Input: one malformed trace fails alone with its line; the others are replayed and summed; exit 2")
  void replay_oneBadTrace_failsOnlyThatTrace() throws IOException {
    List<Path> good = threeTraces();
    Path bad = write("bad.csv", HEADER
        + row("1", "CreateFile", "C:\\a", "SUCCESS")
        + "\"1:00\",\"t.exe\",\"1\",\"ReadFile\",\"C:\\a\",\"SUCCESS\",\"oops\r\n");
    Path missing = dir.resolve("missing.csv");
    Cli.Result r = Cli.run("replay", "--json", good.get(0).toString(), bad.toString(), missing.toString(),
        good.get(1).toString());
    assertEquals(2, r.exit(), r::toString);
    r.assertNoStackTrace();
    JsonNode n = onlyObject(r.out());
    JsonNode per = n.get("traces");
    assertEquals("ok", per.get(0).get("status").asText());
    assertEquals("bad input", per.get(1).get("status").asText());
    assertTrue(per.get(1).get("error").asText().startsWith("line 3: "), per.get(1).toString());
    assertFalse(per.get(1).has("summary"));
    assertEquals("no such file", per.get(2).get("error").asText());
    assertEquals("ok", per.get(3).get("status").asText());
    assertEquals(2, n.get("failed").asLong());
    long rows = per.get(0).get("summary").get("rows").asLong() + per.get(3).get("summary").get("rows").asLong();
    assertEquals(rows, n.get("total").get("rows").asLong(), "the failed traces add nothing");
    assertTrue(r.err().contains("fsctx replay: " + bad + ": line 3: "), r.err());
    assertTrue(r.err().contains("fsctx replay: " + missing + ": no such file"), r.err());
  }

  @Test
  @DisplayName("A trace that leaks makes the corpus exit 1; the text report has each trace and the total")
  void replay_leakyTrace_exit1AndTextReport() throws IOException {
    Path leak = write("leak.csv", HEADER
        + row("1", "CreateFile", "C:\\a", "SUCCESS")
        + row("2", "CreateFile", "C:\\a", "SUCCESS"));
    Path clean = write("clean.csv", HEADER + row("1", "CreateFile", "C:\\b", "SUCCESS"));
    Cli.Result r = Cli.run("replay", "--filter", "leaky", clean.toString(), leak.toString());
    assertEquals(1, r.exit(), r::toString);
    List<String> lines = r.out().lines().toList();
    assertEquals("== " + clean + " ==", lines.get(0));
    assertTrue(lines.contains("== " + leak + " =="), r.out());
    assertTrue(lines.contains("== total: 2 traces, 2 completed, 0 failed =="), r.out());
    assertTrue(lines.get(lines.size() - 1).startsWith("leaked contexts                  1")
        || r.out().contains("leaked contexts                  1"), r.out());
  }

  @Test
  @DisplayName("A glob the shell did not expand is matched in its directory; one matching nothing fails alone")
  void replay_glob_expandedInProcess() throws IOException {
    List<Path> traces = threeTraces();
    Cli.Result r = Cli.run("replay", "--json", dir.resolve("corpus") + "/*.csv*", dir + "/nothing-*.csv");
    assertEquals(2, r.exit(), r::toString);
    JsonNode per = onlyObject(r.out()).get("traces");
    assertEquals(3, per.size());
    assertEquals(traces.get(1).toString(), per.get(0).get("trace").asText());
    assertEquals(traces.get(2).toString(), per.get(1).get("trace").asText());
    assertEquals("no file matches this pattern", per.get(2).get("error").asText());
  }

  @Test
  @DisplayName("--html with several traces and --jobs 0 are usage errors")
  void replay_htmlWithSeveralTraces_andJobsZero_refused() throws IOException {
    List<Path> traces = threeTraces();
    Cli.Result html = Cli.run("replay", "--html", dir.resolve("r.html").toString(), traces.get(0).toString(),
        traces.get(1).toString());
    html.assertRefused(2);
    assertTrue(html.err().contains("--html writes the report of one replay"), html.err());
    assertFalse(Files.exists(dir.resolve("r.html")));
    Cli.Result jobs = Cli.run("replay", "--jobs", "0", traces.get(0).toString(), traces.get(1).toString());
    jobs.assertRefused(2);
    assertTrue(jobs.err().contains("--jobs"), jobs.err());
  }
}
