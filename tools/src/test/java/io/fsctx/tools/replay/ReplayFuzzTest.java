package io.fsctx.tools.replay;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Random mutations of a valid trace end in a summary or a TraceFormatException, nothing else. */
class ReplayFuzzTest {
  private static final String VALID =
      Traces.csv(
          "1|CreateFile|C:\\a.txt|SUCCESS",
          "1|ReadFile|C:\\a.txt|SUCCESS|Offset: 0, Length: 1,024",
          "1|CreateFile|C:\\a.txt:s:$DATA|REPARSE",
          "2|SetRenameInformationFile|C:\\a.txt|SUCCESS|ReplaceIfExists: False, FileName: C:\\b.txt",
          "1|SetRenameInformationFile|C:\\a.txt|SUCCESS|ReplaceIfExists: False, FileName: C:\\b.txt",
          "1|SetDispositionInformationFile|C:\\b.txt|SUCCESS|Delete: True",
          "1|QueryOpen|\\\\srv\\s\\x|SUCCESS",
          "1|FASTIO_READ|C:\\b.txt|SUCCESS",
          "1|CloseFile|C:\\b.txt|SUCCESS");

  @Test
  void replay_randomMutations_onlyTraceFormatException() throws Exception {
    long seed = Long.getLong("fsctx.fuzzSeed", System.nanoTime());
    System.out.println("ReplayFuzzTest seed " + seed + " (rerun with -Dfsctx.fuzzSeed=" + seed + ")");
    Random rnd = new Random(seed);
    byte[] base = VALID.getBytes(UTF_8);
    byte[] alphabet = "\",\r\n\\:|x0 ".getBytes(UTF_8);
    int ok = 0;
    int refused = 0;
    for (int i = 0; i < 3000; i++) {
      byte[] b = Arrays.copyOf(base, base.length);
      int edits = 1 + rnd.nextInt(4);
      for (int e = 0; e < edits; e++) {
        int at = rnd.nextInt(b.length);
        switch (rnd.nextInt(4)) {
          case 0 -> b[at] = (byte) rnd.nextInt(256);
          case 1 -> b[at] = alphabet[rnd.nextInt(alphabet.length)];
          case 2 -> b = Arrays.copyOf(b, Math.max(0, at));
          default -> {
            byte[] c = new byte[b.length + 1];
            System.arraycopy(b, 0, c, 0, at);
            c[at] = alphabet[rnd.nextInt(alphabet.length)];
            System.arraycopy(b, at, c, at + 1, b.length - at);
            b = c;
          }
        }
        if (b.length == 0) {
          break;
        }
      }
      if (rnd.nextInt(10) == 0) {
        b = rnd.nextBoolean() ? Traces.gzip(b) : Traces.zlib(b);
        if (b.length > 4 && rnd.nextBoolean()) {
          b[b.length / 2] ^= (byte) (1 + rnd.nextInt(255));
        }
      }
      try {
        ReplaySummary s =
            new ReplayEngine().replay(TraceSource.of("fuzz", b), new CountingReplayTarget(false));
        assertEquals(
            s.rows(), s.replayed() + s.noOpenHandle() + s.unsupportedPath() + s.unsupportedOperation());
        ok++;
      } catch (TraceFormatException e) {
        if (!e.getMessage().startsWith("line ")) {
          fail("message without a line: " + e.getMessage());
        }
        refused++;
      } catch (Throwable t) {
        throw new AssertionError("seed " + seed + ", case " + i + ": " + t, t);
      }
    }
    System.out.println("ReplayFuzzTest: " + ok + " replayed, " + refused + " refused");
  }
}
