package io.fsctx.benchmarks;

import io.fsctx.examples.ctx.Ctx;
import io.fsctx.examples.ctx.CtxLog;
import io.fsctx.modelfs.NtfsLikeFileSystem;
import io.fsctx.fltmgr.FilterManager;
import io.fsctx.fltmgr.FltFilter;
import io.fsctx.fltmgr.FltOperationRegistration;
import io.fsctx.fltmgr.FltPostopCallbackStatus;
import io.fsctx.fltmgr.FltPreopCallbackStatus;
import io.fsctx.fltmgr.FltRegistration;
import io.fsctx.fltmgr.PostOperationCallback;
import io.fsctx.fltmgr.PreOperationCallback;
import io.fsctx.fltmgr.DriverObject;
import io.fsctx.io.IrpMajorFunction;
import io.fsctx.fltmgr.FltConfig;
import io.fsctx.fltmgr.VerifierLevel;
import io.fsctx.modelfs.toolkit.ClosePolicy;
import io.fsctx.io.CreateParameters;
import io.fsctx.io.FileObject;
import io.fsctx.io.IoManager;
import io.fsctx.io.IoStatus;
import io.fsctx.io.Volume;
import io.fsctx.nt.NtStatus;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The cost CTX adds to the I/O path: one create, read, cleanup and close of a file on the
 * NTFS-like file system through the whole stack (I/O manager, Filter Manager's frame, file
 * system), with CTX attached ({@code ctx}: post-create finds its stream, stream-handle and file
 * contexts, pre-cleanup and pre-close count, the FCB's teardown frees them) against the same
 * sequence with no filter attached ({@code bare}). Target: {@code ctx} within 3x of {@code bare}.
 * {@code passThrough} runs the sequence through a filter that registers CTX's operations and does
 * nothing in them, which splits {@code ctx - bare} into the frame's share and CTX's own work.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar IoPath -f 1 -wi 3 -w 1s -i 5 -r 1s}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class IoPathBenchmark {

  /** A mounted volume, with or without CTX. */
  public abstract static class Stack {
    IoManager io;
    Volume volume;
    FilterManager manager;
    Ctx ctx;
    /** Whether to attach the do-nothing filter instead of CTX. */
    boolean passThrough;

    void mount(boolean withCtx) {
      io = new IoManager();
      volume = io.mount("\\Device\\HarddiskVolume1", 'C', new NtfsLikeFileSystem(ClosePolicy.IMMEDIATE));
      if (withCtx && passThrough) {
        manager = new FilterManager(FltConfig.builder().verifierLevel(VerifierLevel.OFF).build());
        registerPassThrough(manager);
        manager.followMounts(io);
      } else if (withCtx) {
        // The verifier off, as a production filter runs, and CTX's log silent.
        manager = new FilterManager(FltConfig.builder().verifierLevel(VerifierLevel.OFF).build());
        ctx = new Ctx(manager, CtxLog.streaming(0, line -> {}));
        if (!ctx.driverEntry().isSuccess()) {
          throw new IllegalStateException("CTX did not load");
        }
        manager.followMounts(io);
      }
      // Create the file once so each iteration opens an existing file, as the target workload does.
      FileObject fo = io.createFile(volume, "\\bench.txt", CreateParameters.openIf()).openedFileObject();
      io.closeHandle(fo);
    }

    /** Unloads CTX and checks that nothing leaked. */
    void unmount() {
      if (ctx != null && !ctx.unload().clean()) {
        throw new IllegalStateException("CTX leaked contexts during the benchmark");
      }
    }
  }

  /** The stack with CTX attached. */
  @State(Scope.Thread)
  public static class WithCtx extends Stack {
    /** Mounts and loads CTX. */
    @Setup(Level.Trial)
    public void setUp() {
      mount(true);
    }

    /** Unloads and checks for leaks. */
    @TearDown(Level.Trial)
    public void tearDown() {
      unmount();
    }
  }

  /** The stack with a filter that registers CTX's operations and does nothing in them. */
  @State(Scope.Thread)
  public static class WithPassThrough extends Stack {
    /** Mounts and starts the do-nothing filter. */
    @Setup(Level.Trial)
    public void setUp() {
      passThrough = true;
      mount(true);
    }
  }

  /**
   * Registers and starts a filter with CTX's four operations (create with a post-operation
   * callback, cleanup, close, set-information) whose callbacks return at once: what Filter
   * Manager's frame costs a filter before the filter does any work of its own.
   */
  static void registerPassThrough(FilterManager manager) {
    int skip = FltOperationRegistration.FLTFL_OPERATION_REGISTRATION_SKIP_PAGING_IO;
    PreOperationCallback withPost = (data, objects, cc) -> FltPreopCallbackStatus.SUCCESS_WITH_CALLBACK;
    PreOperationCallback noPost = (data, objects, cc) -> FltPreopCallbackStatus.SUCCESS_NO_CALLBACK;
    PostOperationCallback post = (data, objects, cc, flags) -> FltPostopCallbackStatus.FINISHED_PROCESSING;
    FltRegistration reg = FltRegistration.builder()
        .operationRegistration(List.of(
            new FltOperationRegistration(IrpMajorFunction.CREATE.code(), skip, withPost, post),
            new FltOperationRegistration(IrpMajorFunction.CLEANUP.code(), skip, noPost, null),
            new FltOperationRegistration(IrpMajorFunction.CLOSE.code(), skip, noPost, null),
            new FltOperationRegistration(IrpMajorFunction.SET_INFORMATION.code(), skip, withPost, post)))
        .build();
    FltFilter filter = Objects.requireNonNull(
        manager.registerFilter(DriverObject.of("PassThrough", "370000"), reg).filter());
    if (!filter.startFiltering().isSuccess()) {
      throw new IllegalStateException("FltStartFiltering failed");
    }
  }

  /** The same stack with no filter. */
  @State(Scope.Thread)
  public static class Bare extends Stack {
    /** Mounts. */
    @Setup(Level.Trial)
    public void setUp() {
      mount(false);
    }
  }

  private static NtStatus openReadCleanupClose(Stack s) {
    FileObject fo = s.io.createFile(s.volume, "\\bench.txt", CreateParameters.open()).openedFileObject();
    IoStatus read = s.io.read(fo, 0, 4096);
    s.io.closeHandle(fo);
    return read.status();
  }

  /** Create, read, cleanup and close through CTX. */
  @Benchmark
  public NtStatus ctx(WithCtx s) {
    return openReadCleanupClose(s);
  }

  /**
   * The same through a filter that does nothing: {@code passThrough - bare} is the frame's share
   * of {@code ctx - bare}, the rest is CTX's own work (its contexts, names and locks).
   */
  @Benchmark
  public NtStatus passThrough(WithPassThrough s) {
    return openReadCleanupClose(s);
  }

  /** The same with no filter attached. */
  @Benchmark
  public NtStatus bare(Bare s) {
    return openReadCleanupClose(s);
  }
}
