package io.fsctx.tools.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fsctx.tools.replay.ReplaySummary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * {@code fsctx replay A.csv B.csv.gz DIR 'logs/*.csv'}: a corpus of traces replayed in parallel,
 * each trace in its own replay unit (its own I/O manager, Filter Manager, filter and file
 * systems, as one {@code fsctx replay TRACE} run would make them), then one outcome per trace in
 * the order given and a total.
 *
 * <p>What the arguments name: a file (or {@code -}, standard input) is one trace; a directory is
 * every regular file directly in it whose name ends with {@code .csv} or {@code .csv.gz} (any
 * case), in name order; an argument that is no existing file and has {@code * ? [ {} in its last
 * part is a glob over that part, matched in its directory (for shells that did not expand it,
 * and for Windows). An empty directory or a glob matching nothing is a failed entry of its own.
 *
 * <p>Failures are per trace: a trace that cannot be read, is malformed (with its line), makes the
 * filter bug-check or hits an internal error fails alone, with the message a single-trace run
 * would print, and adds nothing to the total. The total sums the traces that completed ({@link
 * ReplaySummary#plus}), so it equals the sum of their single-trace summaries. The exit status is
 * the most severe of the traces' statuses: internal error (3) over bad input (2) over found (1,
 * contexts leaked or a bug check) over success (0).
 *
 * <p>Thread safety: the command's thread builds the list and prints; each trace is replayed on
 * one worker thread of a pool of {@code jobs} threads, sharing nothing with the others but the
 * file-system factory (which makes a new instance per call).
 */
final class CorpusReplay {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** The file names a directory contributes. */
  private static final String[] TRACE_SUFFIXES = {".csv", ".csv.gz"};

  private CorpusReplay() {}

  /** One trace of the corpus: what to call it, and the argument it is read from (null: failed already). */
  record Entry(String name, @Nullable String argument, @Nullable String problem) {}

  /**
   * How one trace ended.
   *
   * @param name the trace as named on the command line (a directory's files under the directory)
   * @param status the exit status a single-trace run would have had ({@link ExitStatus})
   * @param summary the summary when the replay completed, else null
   * @param error the message when it did not (after {@code fsctx replay: NAME: }), else null
   */
  record Outcome(String name, int status, @Nullable ReplaySummary summary, @Nullable String error) {
    /** {@code ok}, {@code leaked}, {@code bug check}, {@code bad input} or {@code internal error}. */
    String state() {
      if (summary != null) {
        return summary.leakedContexts() == 0 ? "ok" : "leaked";
      }
      return switch (status) {
        case ExitStatus.FOUND -> "bug check";
        case ExitStatus.BAD_INPUT -> "bad input";
        default -> "internal error";
      };
    }
  }

  /**
   * Whether one argument alone already makes a corpus: an existing directory, or a glob.
   *
   * @param argument a TRACE argument
   * @return true for a directory or a glob
   */
  static boolean isCorpus(String argument) {
    if (argument.equals("-") || argument.isEmpty()) {
      return false;
    }
    try {
      Path p = Path.of(argument);
      return Files.isDirectory(p) || isGlob(argument);
    } catch (InvalidPathException e) {
      return isGlob(argument);
    }
  }

  private static boolean isGlob(String argument) {
    if (argument.chars().noneMatch(c -> c == '*' || c == '?' || c == '[' || c == '{')) {
      return false;
    }
    try {
      return !Files.exists(Path.of(argument));
    } catch (InvalidPathException e) {
      return true; // '*' and '?' are not valid in Windows file names: only a glob can mean them
    }
  }

  /**
   * The traces the arguments name, in order.
   *
   * @param arguments the TRACE arguments
   * @return one entry per trace; an unusable directory or glob is an entry with its problem
   */
  static List<Entry> expand(List<String> arguments) {
    List<Entry> out = new ArrayList<>();
    for (String a : arguments) {
      if (!isCorpus(a)) {
        out.add(new Entry(a.equals("-") ? ReplayCommand.STDIN_NAME : a, a, null));
        continue;
      }
      Path p = Path.of(isGlob(a) ? "." : a);
      PathMatcher matcher;
      Path dir;
      if (isGlob(a)) {
        int slash = Math.max(a.lastIndexOf('/'), a.lastIndexOf(java.io.File.separatorChar));
        String parent = slash < 0 ? "." : a.substring(0, slash + 1);
        String pattern = a.substring(slash + 1);
        if (isGlob(parent) && !parent.equals(".")) {
          out.add(new Entry(a, null, "a pattern may only be in the last part of the path"));
          continue;
        }
        dir = Path.of(parent);
        matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
      } else {
        dir = p;
        matcher = f -> {
          String n = f.toString().toLowerCase(Locale.ROOT);
          for (String s : TRACE_SUFFIXES) {
            if (n.endsWith(s)) {
              return true;
            }
          }
          return false;
        };
      }
      List<Path> files;
      try (Stream<Path> s = Files.list(dir)) {
        files = s.filter(f -> Files.isRegularFile(f) && matcher.matches(f.getFileName())).sorted().toList();
      } catch (IOException | UncheckedIOException e) {
        out.add(new Entry(a, null, "cannot list " + dir + ": " + e.getMessage()));
        continue;
      }
      if (files.isEmpty()) {
        out.add(new Entry(a, null, isGlob(a)
            ? "no file matches this pattern"
            : "no trace files (*.csv, *.csv.gz) in this directory"));
        continue;
      }
      for (Path f : files) {
        String name = isGlob(a) && a.indexOf('/') < 0 && a.indexOf(java.io.File.separatorChar) < 0
            ? f.getFileName().toString()
            : f.toString();
        out.add(new Entry(name, name, null));
      }
    }
    return out;
  }

  /**
   * Replays every entry, at most {@code jobs} at a time, and returns the outcomes in entry order.
   *
   * @param entries the traces
   * @param jobs the number of worker threads, at least 1
   * @param replayOne replays one entry to its outcome; must not throw (it classifies its failures)
   * @return one outcome per entry, in order
   */
  static List<Outcome> run(List<Entry> entries, int jobs, Function<Entry, Outcome> replayOne) {
    AtomicInteger n = new AtomicInteger();
    ThreadFactory threads = r -> {
      Thread t = new Thread(r, "fsctx-replay-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(jobs, entries.size())), threads);
    try {
      List<Future<Outcome>> futures = new ArrayList<>();
      for (Entry e : entries) {
        String problem = e.problem();
        futures.add(problem != null
            ? java.util.concurrent.CompletableFuture.completedFuture(
                new Outcome(e.name(), ExitStatus.BAD_INPUT, null, problem))
            : pool.submit(() -> replayOne.apply(e)));
      }
      List<Outcome> out = new ArrayList<>();
      for (Future<Outcome> f : futures) {
        out.add(f.get());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while replaying the corpus", e);
    } catch (ExecutionException e) {
      // replayOne classifies every failure; reaching this is a bug in fsctx.
      throw new IllegalStateException("a replay worker failed: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  /** The sum of the completed traces' summaries. */
  static ReplaySummary total(List<Outcome> outcomes) {
    ReplaySummary t = ReplaySummary.empty();
    for (Outcome o : outcomes) {
      ReplaySummary s = o.summary();
      if (s != null) {
        t = t.plus(s);
      }
    }
    return t;
  }

  /** The command's status: the most severe of the traces' (3 over 2 over 1 over 0). */
  static int status(List<Outcome> outcomes) {
    int worst = ExitStatus.OK;
    for (Outcome o : outcomes) {
      worst = severity(o.status()) > severity(worst) ? o.status() : worst;
    }
    return worst;
  }

  private static int severity(int status) {
    return switch (status) {
      case ExitStatus.OK -> 0;
      case ExitStatus.FOUND -> 1;
      case ExitStatus.BAD_INPUT -> 2;
      default -> 3;
    };
  }

  private static long failed(List<Outcome> outcomes) {
    return outcomes.stream().filter(o -> o.summary() == null).count();
  }

  /** The text report: each trace under its name, then the total. */
  static String toText(List<Outcome> outcomes) {
    StringBuilder b = new StringBuilder();
    for (Outcome o : outcomes) {
      b.append("== ").append(o.name()).append(" ==\n");
      ReplaySummary s = o.summary();
      if (s != null) {
        b.append(s.toText());
      } else {
        b.append("failed (").append(o.state()).append("): ").append(o.error()).append('\n');
      }
      b.append('\n');
    }
    long failed = failed(outcomes);
    b.append(String.format(Locale.ROOT, "== total: %d trace%s, %d completed, %d failed ==%n",
        outcomes.size(), outcomes.size() == 1 ? "" : "s", outcomes.size() - failed, failed));
    b.append(total(outcomes).toText());
    return b.toString();
  }

  /**
   * The JSON report, one object: {@code traces} (per trace: {@code trace}, {@code status}, {@code
   * exitStatus}, then {@code summary} or {@code error}), {@code completed}, {@code failed} and
   * {@code total} (the summary members, summed over the completed traces).
   */
  static String toJson(List<Outcome> outcomes) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode traces = root.putArray("traces");
    for (Outcome o : outcomes) {
      ObjectNode t = traces.addObject();
      t.put("trace", o.name());
      t.put("status", o.state());
      t.put("exitStatus", o.status());
      ReplaySummary s = o.summary();
      if (s != null) {
        t.set("summary", s.toJsonTree());
      } else {
        t.put("error", o.error());
      }
    }
    long failed = failed(outcomes);
    root.put("completed", outcomes.size() - failed);
    root.put("failed", failed);
    root.set("total", total(outcomes).toJsonTree());
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
