package io.fsctx.tools.report;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Writes a Process Monitor CSV export (7 columns) of any length for the report's size and browser
 * tests: up to {@code window} handles open at once (the limit swells and shrinks three times over
 * the trace, so the contexts alive have a shape), each on one of {@code files} files spread over
 * 100 directories; each step opens a new handle while fewer than the limit are open, otherwise
 * reads, writes or queries an open handle, or closes it (one time in {@code closeOneIn}). Every
 * result is {@code SUCCESS}; the sequence is the same for the same arguments.
 *
 * <p>Run by hand to make a large trace (not kept in the repository): {@code java -cp
 * tools/target/test-classes io.fsctx.tools.report.SyntheticTrace 1000000 /tmp/synthetic.csv}.
 *
 * <p>Thread safety: stateless.
 */
public final class SyntheticTrace {
  private static final String HEADER =
      "\"Time of Day\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\"";
  private static final String[] OPERATIONS = {"ReadFile", "WriteFile", "QueryStandardInformationFile"};

  private SyntheticTrace() {}

  /**
   * Writes a trace.
   *
   * @param out where to
   * @param rows how many rows
   * @param files how many distinct files
   * @param window how many handles are open at once at most
   * @param closeOneIn one request in how many on an open handle closes it
   * @throws IOException when writing fails
   */
  public static void write(Writer out, long rows, int files, int window, int closeOneIn) throws IOException {
    Random random = new Random(16);
    List<int[]> open = new ArrayList<>(); // {pid, file}
    int nextFile = 0;
    int nextPid = 1000;
    out.write(HEADER);
    out.write("\r\n");
    for (long row = 0; row < rows; row++) {
      String op;
      int pid;
      int file;
      double phase = Math.sin(6 * Math.PI * row / Math.max(1, rows));
      int limit = Math.max(1, (int) Math.round(window * (0.55 + 0.45 * phase)));
      if (open.size() < limit || open.isEmpty()) {
        file = nextFile++ % files;
        pid = nextPid++;
        open.add(new int[] {pid, file});
        op = "CreateFile";
      } else {
        int k = random.nextInt(open.size());
        int[] h = open.get(k);
        pid = h[0];
        file = h[1];
        if (random.nextInt(closeOneIn) == 0 || open.size() > limit) {
          open.remove(k);
          op = "CloseFile";
        } else {
          op = OPERATIONS[random.nextInt(OPERATIONS.length)];
        }
      }
      out.write("\"1:00:00." + row + " AM\",\"synthetic.exe\",\"" + pid + "\",\"" + op
          + "\",\"C:\\synthetic\\dir" + (file % 100) + "\\file" + file + ".txt\",\"SUCCESS\",\"\"\r\n");
    }
  }

  /**
   * Writes a trace to a file.
   *
   * @param file the file
   * @param rows how many rows
   * @param files how many distinct files
   * @param window how many handles are open at once at most
   * @param closeOneIn one request in how many on an open handle closes it
   * @throws IOException when writing fails
   */
  public static void write(Path file, long rows, int files, int window, int closeOneIn) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      write(w, rows, files, window, closeOneIn);
    }
  }

  /**
   * {@code ROWS FILE [FILES [WINDOW [CLOSE_ONE_IN]]]}: writes a trace (defaults: 20,000 files, 64
   * handles open at most, one request in 8 closes).
   *
   * @param args the arguments
   * @throws IOException when writing fails
   */
  public static void main(String[] args) throws IOException {
    long rows = Long.parseLong(args[0]);
    int files = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
    int window = args.length > 3 ? Integer.parseInt(args[3]) : 64;
    int closeOneIn = args.length > 4 ? Integer.parseInt(args[4]) : 8;
    write(Path.of(args[1]), rows, files, window, closeOneIn);
  }
}
