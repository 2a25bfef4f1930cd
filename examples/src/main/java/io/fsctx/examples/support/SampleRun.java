package io.fsctx.examples.support;

import io.fsctx.fltmgr.ContextEvent;
import io.fsctx.fltmgr.ContextEventListener;
import io.fsctx.fltmgr.FilterManager;
import io.fsctx.fltmgr.FltConfig;
import io.fsctx.fltmgr.FltContext;
import io.fsctx.fltmgr.FltContextType;
import io.fsctx.fltmgr.UnloadReport;
import io.fsctx.fltmgr.VerifierFinding;
import io.fsctx.fltmgr.VerifierLevel;
import io.fsctx.io.FileSystemDriver;
import io.fsctx.io.IoManager;
import io.fsctx.io.StorageDevice;
import io.fsctx.io.Volume;
import io.fsctx.nt.BugCheckException;
import io.fsctx.nt.PoolBlock;
import io.fsctx.tm.KTransaction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One run of a sample port on a workload: an I/O manager and a Filter Manager at verifier level
 * {@link VerifierLevel#TRACKING} following it (a short unload wait, so a leak is reported rather
 * than waited for), the context events counted per type, the workload's steps, and at the end
 * the port's unload report, the verifier's findings, the contexts and transactions still alive,
 * and the bug check that stopped the run, if one did.
 *
 * <p>Thread safety: confined to the thread running the workload.
 */
public final class SampleRun {
  private final IoManager io = new IoManager();
  private final FilterManager manager;
  private final Map<FltContextType, int[]> counts = new EnumMap<>(FltContextType.class);
  private final List<String> steps = new ArrayList<>();
  private final Consumer<String> stepSink;
  private final List<String> poolTags = new ArrayList<>();

  /**
   * Starts a run.
   *
   * @param stepSink receives each step's line as it completes
   */
  public SampleRun(Consumer<String> stepSink) {
    this(stepSink, e -> {});
  }

  /**
   * Starts a run with a listener on its Filter Manager (a report recorder, say).
   *
   * @param stepSink receives each step's line as it completes
   * @param observer receives every context event of the run, in the thread that caused it
   */
  public SampleRun(Consumer<String> stepSink, ContextEventListener observer) {
    this.stepSink = stepSink;
    this.manager = new FilterManager(
        FltConfig.builder().verifierLevel(VerifierLevel.TRACKING).unloadWaitTimeout(Duration.ofMillis(100)).build());
    manager.addListener(e -> {
      if (e.kind() == ContextEvent.Kind.ALLOCATE || e.kind() == ContextEvent.Kind.FREE) {
        synchronized (counts) {
          counts.computeIfAbsent(e.contextType(), t -> new int[2])[e.kind() == ContextEvent.Kind.ALLOCATE ? 0 : 1]++;
        }
      }
    });
    manager.addListener(observer);
    manager.followMounts(io);
  }

  /** The I/O manager. */
  public IoManager io() {
    return io;
  }

  /** The Filter Manager the port registers with. */
  public FilterManager manager() {
    return manager;
  }

  /**
   * Mounts a volume (Filter Manager attaches to it).
   *
   * @param ntDeviceName the NT device name
   * @param letter the drive letter, or null
   * @param fileSystem the file system
   * @return the volume
   */
  public Volume mount(String ntDeviceName, @Nullable Character letter, FileSystemDriver fileSystem) {
    return io.mount(ntDeviceName, letter, fileSystem, StorageDevice.disk(ntDeviceName));
  }

  /**
   * Watches the pool for blocks of the port's own allocations ({@code ExAllocatePoolWithTag}
   * with these tags): those still allocated at the end are reported as leaked pool.
   *
   * @param tags pool tags as pool tools show them, such as {@code SBdb} for C's {@code 'bdBS'}
   */
  public void watchPoolTags(String... tags) {
    poolTags.addAll(List.of(tags));
  }

  /** Records a workload step. */
  public void step(String line) {
    steps.add(line);
    stepSink.accept(line);
  }

  /**
   * Ends the run.
   *
   * @param title the report's title, such as {@code change (NTFS-like)}
   * @param unload what the port's unload reported, or null when it never unloaded
   * @param crash the bug check that stopped the workload, or null
   * @return the result
   */
  public Result finish(String title, @Nullable UnloadReport unload, @Nullable BugCheckException crash) {
    Map<FltContextType, int[]> copy = new EnumMap<>(FltContextType.class);
    synchronized (counts) {
      counts.forEach((t, c) -> copy.put(t, c.clone()));
    }
    List<KTransaction> liveTx = io.transactionManager().liveTransactions();
    List<String> pool = new ArrayList<>();
    for (PoolBlock b : io.pool().outstanding()) {
      if (poolTags.contains(b.tag())) {
        pool.add(b.toString());
      }
    }
    pool.sort(null);
    return new Result(title, steps, copy, unload, manager.verifierFindings(), manager.liveContexts(), liveTx.size(),
        pool, crash);
  }

  /**
   * What a run left behind.
   *
   * @param title the report's title
   * @param steps the workload's steps
   * @param counts allocations and frees per context type
   * @param unload the unload report, or null
   * @param findings every verifier finding
   * @param liveContexts contexts still alive at the end
   * @param liveTransactions transaction objects still referenced at the end
   * @param leakedPool the port's pool blocks ({@link #watchPoolTags}) still allocated at the end
   * @param crash the bug check that stopped the run, or null
   */
  public record Result(
      String title,
      List<String> steps,
      Map<FltContextType, int[]> counts,
      @Nullable UnloadReport unload,
      List<VerifierFinding> findings,
      List<FltContext> liveContexts,
      int liveTransactions,
      List<String> leakedPool,
      @Nullable BugCheckException crash) {

    /** Copies the collections. */
    public Result {
      steps = List.copyOf(steps);
      Map<FltContextType, int[]> c = new EnumMap<>(FltContextType.class);
      counts.forEach((t, v) -> c.put(t, v.clone()));
      counts = c;
      findings = List.copyOf(findings);
      liveContexts = List.copyOf(liveContexts);
      leakedPool = List.copyOf(leakedPool);
    }

    /** How many contexts of a type were allocated. */
    public int allocated(FltContextType type) {
      int[] c = counts.get(type);
      return c == null ? 0 : c[0];
    }

    /** How many contexts of a type were freed. */
    public int freed(FltContextType type) {
      int[] c = counts.get(type);
      return c == null ? 0 : c[1];
    }

    /**
     * Whether the run found nothing wrong with the filter: no bug check, no verifier finding on
     * the filter's side, a clean unload, no context, no transaction and none of the port's pool
     * blocks left alive.
     *
     * <p>Policy: a run judges the filter, {@code check-fs} judges the file system. The kernel's
     * {@link VerifierFinding.Kind#FILE_SYSTEM_RULE} findings (the legacy model's common-header
     * FCBs, say, which make filters' stream contexts STATUS_NOT_SUPPORTED as on Windows) are
     * listed apart by {@link #format()} and do not make the run unclean, as CTX's run does not
     * count them either.
     */
    public boolean clean() {
      return crash == null && filterFindings().isEmpty() && unload != null && unload.clean() && liveContexts.isEmpty()
          && liveTransactions == 0 && leakedPool.isEmpty();
    }

    /** The findings about the filter: every finding but the file system's rule violations. */
    public List<VerifierFinding> filterFindings() {
      return findings.stream().filter(f -> f.kind() != VerifierFinding.Kind.FILE_SYSTEM_RULE).toList();
    }

    /** The kernel's findings about the file system the port ran on. */
    public List<VerifierFinding> fileSystemFindings() {
      return findings.stream().filter(f -> f.kind() == VerifierFinding.Kind.FILE_SYSTEM_RULE).toList();
    }

    /** The report the command line prints after the port's log. */
    public String format() {
      StringBuilder sb = new StringBuilder();
      sb.append(title).append(" report\n");
      sb.append(String.format(java.util.Locale.ROOT, "  %-13s %11s %7s%n", "context type", "allocated", "freed"));
      for (Map.Entry<FltContextType, int[]> e : counts.entrySet()) {
        sb.append(String.format(java.util.Locale.ROOT, "  %-13s %11d %7d%n", e.getKey().name(), e.getValue()[0], e.getValue()[1]));
      }
      if (crash != null) {
        sb.append("bug check: ").append(crash.getMessage()).append('\n');
      }
      List<VerifierFinding> filter = filterFindings();
      sb.append("verifier findings: ").append(filter.size()).append('\n');
      for (VerifierFinding f : filter) {
        sb.append("  ").append(f.format()).append('\n');
      }
      List<VerifierFinding> fileSystem = fileSystemFindings();
      if (!fileSystem.isEmpty()) {
        sb.append("file-system findings (check-fs judges the file system; not counted here): ")
            .append(fileSystem.size()).append('\n');
        for (VerifierFinding f : fileSystem) {
          sb.append("  ").append(f.format()).append('\n');
        }
      }
      sb.append("transactions still referenced: ").append(liveTransactions).append('\n');
      sb.append("leaked contexts: ").append(liveContexts.size()).append('\n');
      if (!leakedPool.isEmpty()) {
        sb.append("leaked pool blocks: ").append(leakedPool.size()).append('\n');
        for (String b : leakedPool) {
          sb.append("  ").append(b).append('\n');
        }
      }
      return sb.toString();
    }
  }
}
