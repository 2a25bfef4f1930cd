package io.fsctx.tools.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fsctx.tools.replay.Traces;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded fuzzing of the real entry point: mutated traces (from a file and from standard input)
 * and random argument lists. Every run must end with a documented status that is not an internal
 * error (0, 1 or 2 here; 4 and 141 need a failing stream), without a stack trace (unless {@code
 * --stacktrace} was given), with standard output either empty (status 2) or complete (a summary or
 * JSON object that parses whole, or help or version text ending in a newline).
 *
 * <p>The seed is printed; rerun a failure with {@code -Dfsctx.fuzzSeed=SEED}. The default size
 * keeps the test near ten seconds; {@code -Dfsctx.fuzzScale=N} runs N times as many cases.
 */
class CommandLineFuzzTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Multiplies the number of cases, for a longer hunt: {@code -Dfsctx.fuzzScale=10}. */
  private static final int SCALE = Integer.getInteger("fsctx.fuzzScale", 1);

  private static final int TRACE_CASES = 450 * SCALE;
  private static final int ARGUMENT_CASES = 40 * SCALE;
  private static final Set<Integer> DOCUMENTED = Set.of(0, 1, 2);

  private static final String HEADER = Traces.HEADER7 + "\r\n";
  private static final List<String> ROWS = List.of(
      row("1", "CreateFile", "C:\\a.txt", "SUCCESS", ""),
      row("1", "ReadFile", "C:\\a.txt", "SUCCESS", "Offset: 0, Length: 1,024"),
      row("1", "CreateFile", "C:\\a.txt:s:$DATA", "REPARSE", ""),
      row("2", "CreateFile", "D:\\dir", "SUCCESS", "Options: Directory"),
      row("2", "QueryDirectory", "D:\\dir", "NO MORE FILES", ""),
      row("1", "SetRenameInformationFile", "C:\\a.txt", "SUCCESS", "ReplaceIfExists: False, FileName: C:\\b.txt"),
      row("1", "SetDispositionInformationFile", "C:\\b.txt", "SUCCESS", "Delete: True"),
      row("1", "QueryOpen", "\\\\srv\\s\\x", "SUCCESS", ""),
      row("1", "FASTIO_READ", "C:\\b.txt", "SUCCESS", ""),
      row("1", "CloseFile", "C:\\b.txt", "SUCCESS", ""),
      row("2", "CloseFile", "D:\\dir", "SUCCESS", ""),
      row("3", "CreateFile", "C:", "SUCCESS", ""),
      row("3", "CreateFile", "C:\\pagefile.sys", "SUCCESS", ""));

  @TempDir Path dir;

  private static String row(String pid, String op, String path, String result, String detail) {
    return "\"1:00:00 AM\",\"t.exe\",\"" + pid + "\",\"" + op + "\",\"" + path + "\",\"" + result
        + "\",\"" + detail + "\"\r\n";
  }

  @Test
  void execute_mutatedTracesAndArguments_documentedStatusNoTraceStdoutEmptyOrComplete() throws IOException {
    long seed = Long.getLong("fsctx.fuzzSeed", System.nanoTime());
    System.out.println("CommandLineFuzzTest seed " + seed + " (rerun with -Dfsctx.fuzzSeed=" + seed + ")");
    Random rnd = new Random(seed);
    int[] byStatus = new int[3];
    for (int i = 0; i < TRACE_CASES; i++) {
      byte[] trace = mutatedTrace(rnd);
      List<String> args = new ArrayList<>(List.of("replay"));
      boolean json = rnd.nextBoolean();
      if (json) {
        args.add("--json");
      }
      if (rnd.nextInt(4) == 0) {
        args.addAll(List.of("--filter", pick(rnd, "ctx", "leaky", "walkthrough", "none")));
      }
      if (rnd.nextInt(4) == 0) {
        args.addAll(List.of("--fs", pick(rnd, "ntfs", "fat", "legacy")));
      }
      Cli.Result r;
      if (rnd.nextBoolean()) {
        args.add("-");
        r = Cli.run(trace, args.toArray(new String[0]));
      } else {
        Path t = Files.write(dir.resolve("case" + i + ".csv"), trace);
        args.add(t.toString());
        r = Cli.run(args.toArray(new String[0]));
        Files.delete(t);
      }
      check(seed, "trace case " + i, args, r);
      if (r.exit() == 0 || r.exit() == 1) {
        assertCompleteSummary(seed, i, json, r.out());
      }
      byStatus[r.exit()]++;
    }
    Path trace = Files.write(dir.resolve("valid.csv"), (HEADER + String.join("", ROWS)).getBytes(UTF_8));
    for (int i = 0; i < ARGUMENT_CASES; i++) {
      List<String> args = randomArguments(rnd, trace);
      Cli.Result r = Cli.run((HEADER + ROWS.get(0)).getBytes(UTF_8), args.toArray(new String[0]));
      check(seed, "argument case " + i, args, r);
      byStatus[r.exit()]++;
    }
    System.out.println("CommandLineFuzzTest: exit 0: " + byStatus[0] + ", exit 1: " + byStatus[1]
        + ", exit 2: " + byStatus[2]);
    assertTrue(byStatus[0] > 0 && byStatus[2] > 0, "the fuzzing reached both success and refusal");
  }

  private static void check(long seed, String what, List<String> args, Cli.Result r) {
    String where = "seed " + seed + ", " + what + ", args " + printable(args) + ":\n" + abbreviated(r);
    if (!DOCUMENTED.contains(r.exit())) {
      fail("undocumented or internal status: " + where);
    }
    if (!args.contains("--stacktrace")) {
      assertFalse(r.err().contains("\tat "), () -> "stack trace: " + where);
    }
    assertFalse(r.err().contains("Exception in thread"), () -> where);
    if (r.exit() == 2 && !r.out().isEmpty()) {
      // Several traces, some completed: the corpus report, whole, with the failures in it.
      assertTrue(r.out().startsWith("== ") || r.out().startsWith("{"), () -> "not a corpus report: " + where);
      assertTrue(r.out().contains("== total: ") || r.out().contains("\"total\""), () -> "no total: " + where);
      assertTrue(r.out().endsWith("\n"), () -> "stdout cut short: " + where);
      assertTrue(r.err().startsWith("fsctx"), () -> "the message names the command: " + where);
    } else if (r.exit() == 2) {
      assertEquals("", r.out(), () -> "stdout not empty on a refusal: " + where);
      assertTrue(r.err().startsWith("fsctx"), () -> "the message names the command: " + where);
    } else {
      assertFalse(r.out().isEmpty(), () -> "empty stdout on success: " + where);
      assertTrue(r.out().endsWith("\n") || r.out().endsWith("}"), () -> "stdout cut short: " + where);
    }
  }

  /** A summary that parses whole: JSON with the contract's members, or text up to its leak line. */
  private static void assertCompleteSummary(long seed, int i, boolean json, String out) throws IOException {
    if (json) {
      try (JsonParser p = JSON.getFactory().createParser(out)) {
        JsonNode n = JSON.readTree(p);
        assertEquals(null, p.nextToken(), "seed " + seed + " case " + i + ": more than one JSON value");
        for (String member : List.of("rows", "replayed", "skipped", "creates", "contexts", "leakedContexts")) {
          assertTrue(n.has(member), "seed " + seed + " case " + i + ": no " + member + " in " + out);
        }
      }
    } else {
      List<String> lines = out.lines().toList();
      assertTrue(lines.get(0).startsWith("rows "), "seed " + seed + " case " + i + ": " + out);
      assertTrue(lines.stream().anyMatch(l -> l.startsWith("leaked contexts ")), "seed " + seed + " case " + i + ": " + out);
    }
  }

  // ---- Traces --------------------------------------------------------------------------------

  private static byte[] mutatedTrace(Random rnd) {
    List<String> rows = new ArrayList<>();
    int n = rnd.nextInt(ROWS.size() + 1);
    for (int k = 0; k < n; k++) {
      rows.add(ROWS.get(rnd.nextInt(ROWS.size())));
    }
    if (rnd.nextInt(15) == 0 && !rows.isEmpty()) {
      // A name at the UNICODE_STRING limit, or just past it, as path or rename target.
      String name = "C:\\" + "n".repeat(32_744 - 2 + rnd.nextInt(5));
      int at = rnd.nextInt(rows.size());
      rows.set(at, rnd.nextBoolean()
          ? row("1", "CreateFile", name, "SUCCESS", "")
          : row("1", "SetRenameInformationFile", "C:\\a.txt", "SUCCESS", "FileName: " + name));
    }
    String text = (rnd.nextInt(8) == 0 ? "\uFEFF" : "") + HEADER + String.join("", rows);
    byte[] b = text.getBytes(UTF_8);
    int edits = rnd.nextInt(4);
    byte[] alphabet = "\",\r\n\\:|x0 \"".getBytes(UTF_8);
    for (int e = 0; e < edits && b.length > 0; e++) {
      int at = rnd.nextInt(b.length);
      switch (rnd.nextInt(5)) {
        case 0 -> b[at] = (byte) rnd.nextInt(256);
        case 1 -> b[at] = alphabet[rnd.nextInt(alphabet.length)];
        case 2 -> b = Arrays.copyOf(b, at);
        case 3 -> {
          byte[] c = new byte[b.length + 1];
          System.arraycopy(b, 0, c, 0, at);
          c[at] = alphabet[rnd.nextInt(alphabet.length)];
          System.arraycopy(b, at, c, at + 1, b.length - at);
          b = c;
        }
        default -> {
          int len = Math.min(b.length - at, 1 + rnd.nextInt(40));
          byte[] c = Arrays.copyOf(b, b.length + len);
          System.arraycopy(b, at, c, at + len, b.length - at);
          b = c; // a stretch repeated
        }
      }
    }
    switch (rnd.nextInt(12)) {
      case 0 -> b = new String(b, UTF_8).getBytes(StandardCharsets.UTF_16); // BE with BOM
      case 1 -> b = ("\uFEFF" + new String(b, UTF_8)).getBytes(StandardCharsets.UTF_16LE);
      case 2 -> b = compress(b, true);
      case 3 -> b = compress(b, false);
      case 4 -> {
        b = compress(b, rnd.nextBoolean());
        if (b.length > 2) {
          if (rnd.nextBoolean()) {
            b = Arrays.copyOf(b, 2 + rnd.nextInt(b.length - 2));
          } else {
            b[2 + rnd.nextInt(b.length - 2)] ^= (byte) (1 + rnd.nextInt(255));
          }
        }
      }
      default -> {
        // plain UTF-8
      }
    }
    return b;
  }

  private static byte[] compress(byte[] in, boolean gzip) {
    return gzip ? Traces.gzip(in) : Traces.zlib(in);
  }

  // ---- Argument lists ------------------------------------------------------------------------

  private List<String> randomArguments(Random rnd, Path trace) {
    List<String> vocabulary = List.of(
        "run", "walkthrough", "check-fs", "replay", "help", "frobnicate",
        "--json", "--filter", "ctx", "leaky", "none", "bogus", "--fs", "ntfs", "fat", "legacy", "zfs",
        "flags-wiped", "no-teardown", "--debug-level", "all", "0x7", "loud", "--steps",
        "--class", "com.example.Missing", "java.lang.String", "GoodFs.class", "--classpath", "/nonexistent",
        dir.toString(), trace.toString(), "-", "", "--", "--stacktrace", "--help", "-h", "--version", "-V",
        "a\0b", "x".repeat(5000), "--json=yes", "-Z", "--fs=", "\u00e9\u4e2d");
    List<String> args = new ArrayList<>();
    if (rnd.nextInt(5) != 0) {
      args.add(pick(rnd, "run", "walkthrough", "check-fs", "replay", "help"));
    }
    int n = rnd.nextInt(5);
    for (int k = 0; k < n; k++) {
      args.add(vocabulary.get(rnd.nextInt(vocabulary.size())));
    }
    return args;
  }

  private static String pick(Random rnd, String... choices) {
    return choices[rnd.nextInt(choices.length)];
  }

  private static String printable(List<String> args) {
    List<String> p = new ArrayList<>();
    for (String a : args) {
      p.add(a.length() > 60 ? a.substring(0, 60) + "...(" + a.length() + ")" : a.replace("\0", "\\0"));
    }
    return p.toString();
  }

  private static String abbreviated(Cli.Result r) {
    String s = r.toString();
    return s.length() > 3000 ? s.substring(0, 3000) + "..." : s;
  }
}
