package io.fsctx.tools.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.fltmgr.FltContextType;
import io.fsctx.io.FileSystemDriver;
import io.fsctx.modelfs.toolkit.ClosePolicy;
import io.fsctx.tools.cli.FsKind;
import java.io.IOException;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Random traces through the whole stack: whatever the rows say (creates below plain files,
 * reopens of delete-pending files, renames onto open files, names no file system can spell), the
 * replay ends in a summary, the trace-answering file system never throws, and CTX's contexts are
 * all freed.
 */
class StackReplayFuzzTest {
  private static final String[] PATHS = {
    "C:\\a", "C:\\a\\b", "C:\\a\\b\\c.txt", "C:\\a:s", "C:\\a\\b:s:$DATA", "C:\\d", "C:\\d\\e",
    "C:\\x<y", "C:\\pagefile.sys", "C:", "C:\\", "D:\\z", "D:\\z\\w"
  };
  private static final String[] RESULTS = {
    "SUCCESS", "SUCCESS", "SUCCESS", "SUCCESS", "SUCCESS", "NAME NOT FOUND", "ACCESS DENIED", "REPARSE"
  };

  private static String randomRow(Random rnd) {
    String pid = Integer.toString(1 + rnd.nextInt(3));
    String path = PATHS[rnd.nextInt(PATHS.length)];
    String result = RESULTS[rnd.nextInt(RESULTS.length)];
    String target = PATHS[rnd.nextInt(PATHS.length)];
    return switch (rnd.nextInt(10)) {
      case 0, 1 -> pid + "|CreateFile|" + path + "|" + result;
      case 2 -> pid + "|CreateFile|" + path + "|" + result + "|Options: Directory, Synchronous IO Non-Alert";
      case 3, 4 -> pid + "|CloseFile|" + path + "|SUCCESS";
      case 5 -> pid + "|SetDispositionInformationFile|" + path + "|" + result + "|Delete: " + (rnd.nextBoolean() ? "True" : "False");
      case 6 -> pid + "|SetRenameInformationFile|" + path + "|" + result
          + "|ReplaceIfExists: " + (rnd.nextBoolean() ? "True" : "False") + ", FileName: "
          + (rnd.nextInt(5) == 0 ? ":t" : target);
      case 7 -> pid + "|SetLinkInformationFile|" + path + "|" + result + "|ReplaceIfExists: False, FileName: " + target;
      case 8 -> pid + "|QueryOpen|" + path + "|" + result;
      default -> pid + "|" + (rnd.nextBoolean() ? "ReadFile" : "QueryDirectory") + "|" + path + "|" + result;
    };
  }

  @Test
  @DisplayName("Random traces on every bundled model and on a user's file system end in a balanced summary")
  void replay_randomTraces_summaryAndEveryContextFreed() throws IOException {
    long seed = Long.getLong("fsctx.fuzzSeed", System.nanoTime());
    System.out.println("StackReplayFuzzTest seed " + seed + " (rerun with -Dfsctx.fuzzSeed=" + seed
        + "; -Dfsctx.fuzzTraces=N for more traces)");
    Random rnd = new Random(seed);
    List<Supplier<FileSystemDriver>> fileSystems = List.of(
        () -> FsKind.NTFS.create(ClosePolicy.IMMEDIATE),
        () -> FsKind.FAT.create(ClosePolicy.IMMEDIATE),
        () -> FsKind.LEGACY.create(ClosePolicy.IMMEDIATE),
        () -> FsKind.NTFS.create(ClosePolicy.DELAYED),
        DelegatingUserFileSystem::new);
    int traces = Integer.getInteger("fsctx.fuzzTraces", 40);
    for (int i = 0; i < traces; i++) {
      String[] rows = new String[5 + rnd.nextInt(40)];
      for (int r = 0; r < rows.length; r++) {
        rows[r] = randomRow(rnd);
      }
      String csv = Traces.csv(rows);
      for (int f = 0; f < fileSystems.size(); f++) {
        StackReplayTarget target = new StackReplayTarget(fileSystems.get(f), ReplayFilter.CTX);
        String where = "seed " + seed + ", trace " + i + ", file system " + f + ":\n" + String.join("\n", rows);
        ReplaySummary s;
        try {
          s = new ReplayEngine().replay(Traces.source(csv), target);
        } catch (RuntimeException e) {
          throw new AssertionError(where, e);
        }
        for (FltContextType t : FltContextType.values()) {
          assertEquals(s.contexts().of(t).allocated(), s.contexts().of(t).freed(), t + " " + where);
        }
        assertEquals(0, s.leakedContexts(), where);
        assertTrue(s.diverged() <= s.replayed(), where);
        assertTrue(target.filterManager().liveContexts().isEmpty(), where);
      }
    }
  }
}
