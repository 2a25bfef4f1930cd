package io.fsctx.benchmarks;

import io.fsctx.modelfs.NtfsLikeFileSystem;
import io.fsctx.tools.replay.ReplayEngine;
import io.fsctx.tools.replay.ReplayFilter;
import io.fsctx.tools.replay.ReplaySummary;
import io.fsctx.tools.replay.StackReplayTarget;
import io.fsctx.tools.replay.TraceSource;
import io.fsctx.modelfs.toolkit.ClosePolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One whole in-process replay of a Process Monitor capture per operation, through the real stack
 * with CTX on the NTFS-like file system, as {@code fsctx replay} runs it. The trace is read into
 * memory once, so the figure covers parsing, classification, the I/O path, CTX and the summary,
 * not the disk. For the shared capture, rows per second = 6,793 × operations per second. Target:
 * at least 100,000 rows/s.
 *
 * <p>Warm-up: ten two-second iterations (the defaults below). The JIT needs them: compiling the
 * replay's code takes about seven CPU seconds on two cores ({@code -XX:+CITime}), and until it is
 * done an iteration measures partly interpreted code (three one-second warm-ups reported 45
 * ops/s where ten two-second ones report 60, issue 14, round 6).
 *
 * <p>Run from the repository root: {@code java -jar benchmarks/target/benchmarks.jar Replay -f 1
 * -wi 10 -w 2s -i 5 -r 2s} ({@code -p trace=PATH} for another capture).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 10, time = 2)
@Measurement(iterations = 5, time = 2)
@State(Scope.Thread)
public class ReplayBenchmark {
  /** The capture to replay, relative to the working directory. */
  @Param("../shared/traces/win10-x64-filesystem.csv")
  public String trace = "../shared/traces/win10-x64-filesystem.csv";

  private TraceSource source;

  /** Reads the capture into memory and checks that one replay is clean. */
  @Setup
  public void setUp() throws IOException {
    Path p = Path.of(trace);
    source = TraceSource.of(p.getFileName().toString(), Files.readAllBytes(p));
    ReplaySummary s = replay();
    if (s.leakedContexts() != 0) {
      throw new IllegalStateException("the replay leaked " + s.leakedContexts() + " contexts");
    }
  }

  /** One replay of the whole capture. */
  @Benchmark
  public ReplaySummary replay() throws IOException {
    return new ReplayEngine()
        .replay(source, new StackReplayTarget(() -> new NtfsLikeFileSystem(ClosePolicy.IMMEDIATE), ReplayFilter.CTX));
  }
}
