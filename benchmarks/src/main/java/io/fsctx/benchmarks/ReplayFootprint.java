package io.fsctx.benchmarks;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.fsctx.io.FileObject;
import io.fsctx.modelfs.NtfsLikeFileSystem;
import io.fsctx.modelfs.toolkit.ClosePolicy;
import io.fsctx.tools.replay.ContextCounts;
import io.fsctx.tools.replay.ReplayEngine;
import io.fsctx.tools.replay.ReplayFilter;
import io.fsctx.tools.replay.ReplaySummary;
import io.fsctx.tools.replay.ReplayTarget;
import io.fsctx.tools.replay.StackReplayTarget;
import io.fsctx.tools.replay.TracePath;
import io.fsctx.tools.replay.TraceRequest;
import io.fsctx.tools.replay.TraceSource;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedSet;
import javax.management.ObjectName;
import org.jspecify.annotations.Nullable;

/**
 * Heap retained per file object left open by a replay: a trace of N {@code CreateFile} rows of
 * distinct files (each followed by a read), none closed, replayed through the real stack (CTX on
 * the NTFS-like model, as {@code fsctx replay} runs it). When the last row has been replayed and
 * before the end of the trace closes anything, the program collects garbage and reads the used
 * heap; the figure is the difference between two trace lengths divided by the difference in file
 * objects, so the fixed cost (classes, the mounted volumes) cancels out. The rows are generated as
 * the replay reads them, so the trace itself takes no memory.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.fsctx.benchmarks.ReplayFootprint [N1 N2]
 * [--same-file] [--histogram]} (default 20000 and 120000). {@code --same-file} opens one file N
 * times instead (no FCB, file or stream context per open: only what each open adds);
 * {@code --histogram} prints the classes that grew the most, per file object.
 *
 * <p>Thread safety: a command-line program; one thread.
 */
public final class ReplayFootprint {
  private ReplayFootprint() {}

  /** A trace produced row by row as it is read. */
  private static final class GeneratedTrace extends InputStream {
    private final long rows;
    private final boolean sameFile;
    private long next = -1;
    private byte[] current = new byte[0];
    private int pos;

    GeneratedTrace(long rows, boolean sameFile) {
      this.rows = rows;
      this.sameFile = sameFile;
    }

    private boolean fill() {
      while (pos >= current.length) {
        if (next >= 2 * rows) {
          return false;
        }
        String line;
        if (next < 0) {
          line = "\"Time of Day\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\"\r\n";
        } else {
          long i = next / 2;
          String path = sameFile
              ? "C:\\data\\shared.txt"
              : String.format(Locale.ROOT, "C:\\data\\dir%d\\file%d.txt", i / 1000, i % 1000);
          String op = next % 2 == 0 ? "CreateFile" : "ReadFile";
          line = "\"1:00:00 AM\",\"app.exe\",\"" + (1000 + 4 * (i % 8)) + "\",\"" + op + "\",\""
              + path + "\",\"SUCCESS\",\"\"\r\n";
        }
        next++;
        current = line.getBytes(UTF_8);
        pos = 0;
      }
      return true;
    }

    @Override
    public int read() {
      return fill() ? current[pos++] & 0xFF : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (len == 0) {
        return 0;
      }
      if (!fill()) {
        return -1;
      }
      int n = Math.min(len, current.length - pos);
      System.arraycopy(current, pos, b, off, n);
      pos += n;
      return n;
    }
  }

  /** Delegates to the real target and measures the heap when the end of the trace starts. */
  private static final class Measuring implements ReplayTarget<FileObject> {
    final StackReplayTarget inner;
    final boolean histogram;
    long usedAtEnd = -1;
    Map<String, long[]> histogramAtEnd = Map.of();
    int openAtEnd;

    Measuring(boolean histogram) {
      this.inner = new StackReplayTarget(
          () -> new NtfsLikeFileSystem(ClosePolicy.IMMEDIATE), ReplayFilter.CTX);
      this.histogram = histogram;
    }

    @Override
    public void mountVolumes(SortedSet<Character> driveLetters) {
      inner.mountVolumes(driveLetters);
    }

    @Override
    public void mountVolume(char driveLetter) {
      inner.mountVolume(driveLetter);
    }

    @Override
    public long longestPath(char driveLetter) {
      return inner.longestPath(driveLetter);
    }

    @Override
    public @Nullable FileObject open(TraceRequest create) {
      FileObject fo = inner.open(create);
      if (fo != null) {
        openAtEnd++;
      }
      return fo;
    }

    @Override
    public void createFailed(TraceRequest create) {
      inner.createFailed(create);
    }

    @Override
    public void networkQueryOpen(TraceRequest request) {
      inner.networkQueryOpen(request);
    }

    @Override
    public void send(FileObject fileObject, TraceRequest request) {
      inner.send(fileObject, request);
    }

    @Override
    public void markDeletePending(FileObject fileObject, TraceRequest request) {
      inner.markDeletePending(fileObject, request);
    }

    @Override
    public void rename(FileObject fileObject, TraceRequest request, TracePath newName) {
      inner.rename(fileObject, request, newName);
    }

    @Override
    public void cleanupAndClose(FileObject fileObject, @Nullable TraceRequest closeRow) {
      if (closeRow == null && usedAtEnd < 0) {
        usedAtEnd = usedAfterGc();
        if (histogram) {
          histogramAtEnd = histogram();
        }
        String dump = System.getProperty("fsctx.dump." + openAtEnd);
        if (dump != null) {
          try {
            ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                .dumpHeap(dump, true);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }
      }
      inner.cleanupAndClose(fileObject, closeRow);
    }

    @Override
    public long diverged() {
      return inner.diverged();
    }

    @Override
    public ContextCounts finish() {
      return inner.finish();
    }
  }

  private static long usedAfterGc() {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Runtime r = Runtime.getRuntime();
      used = Math.min(used, r.totalMemory() - r.freeMemory());
    }
    return used;
  }

  /** Instances and bytes per class from the live-object histogram ({@code GC.class_histogram}). */
  private static Map<String, long[]> histogram() {
    try {
      String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
          new ObjectName("com.sun.management:type=DiagnosticCommand"),
          "gcClassHistogram", new Object[] {null}, new String[] {String[].class.getName()});
      Map<String, long[]> bytes = new HashMap<>();
      for (String line : text.split("\n")) {
        String[] f = line.trim().split("\\s+");
        if (f.length >= 4 && f[0].endsWith(":")) {
          bytes.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
        }
      }
      return bytes;
    } catch (javax.management.JMException e) {
      throw new IllegalStateException("no class histogram: " + e, e);
    }
  }

  private static Measuring run(long creates, boolean sameFile, boolean histogram) throws IOException {
    Measuring m = new Measuring(histogram);
    ReplaySummary s = new ReplayEngine().replay(
        TraceSource.stream("generated", new GeneratedTrace(creates, sameFile)), m);
    if (s.leakedContexts() != 0 || m.openAtEnd != creates) {
      throw new IllegalStateException(
          "unexpected replay: " + m.openAtEnd + " opened, " + s.leakedContexts() + " leaked");
    }
    return m;
  }

  /**
   * Runs the measurement and prints bytes per open file object.
   *
   * @param args {@code [N1 N2] [--same-file] [--histogram]}
   * @throws IOException never in practice (the trace is generated)
   */
  public static void main(String[] args) throws IOException {
    boolean sameFile = false;
    boolean histogram = false;
    List<Long> ns = new ArrayList<>();
    for (String a : args) {
      switch (a) {
        case "--same-file" -> sameFile = true;
        case "--histogram" -> histogram = true;
        default -> ns.add(Long.parseLong(a.replace("_", "")));
      }
    }
    long n1 = ns.size() > 0 ? ns.get(0) : 20_000;
    long n2 = ns.size() > 1 ? ns.get(1) : 120_000;
    run(Math.min(n1, 2_000), sameFile, false); // warm up: classes loaded, code compiled
    // Only run 1's figures are kept, not its Measuring: that would keep its whole stack (its
    // namespace) alive while run 2 is measured.
    Measuring first = run(n1, sameFile, histogram);
    long usedAtEnd1 = first.usedAtEnd;
    Map<String, long[]> histogramAtEnd1 = first.histogramAtEnd;
    first = null;
    Measuring b = run(n2, sameFile, histogram);
    double per = (double) (b.usedAtEnd - usedAtEnd1) / (n2 - n1);
    System.out.printf(Locale.ROOT,
        "%s: heap used with %,d file objects open %,d B, with %,d open %,d B: %.0f B per file object"
            + " left open (max heap %,d MB)%n",
        sameFile ? "one file opened N times" : "N distinct files", n1, usedAtEnd1, n2, b.usedAtEnd,
        per, Runtime.getRuntime().maxMemory() >> 20);
    if (histogram) {
      // Rows: bytes and instances gained per file object, largest first, down to one byte.
      List<Map.Entry<String, long[]>> grew = new ArrayList<>();
      for (Map.Entry<String, long[]> e : b.histogramAtEnd.entrySet()) {
        long[] before = histogramAtEnd1.getOrDefault(e.getKey(), new long[2]);
        grew.add(Map.entry(e.getKey(),
            new long[] {e.getValue()[0] - before[0], e.getValue()[1] - before[1]}));
      }
      grew.sort((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1]));
      for (Map.Entry<String, long[]> e : grew) {
        double bytes = (double) e.getValue()[1] / (n2 - n1);
        if (bytes < 1) {
          break;
        }
        System.out.printf(Locale.ROOT, "%8.1f B %6.2f x  %s%n",
            bytes, (double) e.getValue()[0] / (n2 - n1), e.getKey());
      }
    }
  }
}
