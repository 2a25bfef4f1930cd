package io.fsctx.tools.checkfs;

import io.fsctx.fltmgr.ContextEventListener;
import io.fsctx.io.FileSystemDriver;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Checks a model file system against the FCB-header requirements of fsrtl.md and fltmgr.md, the
 * engine behind {@code fsctx check-fs}.
 *
 * <p>Each {@link #check()} mounts a fresh file system from the factory on a fresh {@code
 * IoManager} with a fresh {@code FilterManager}, attaches a probing minifilter that registers
 * every context type and, in post-create, inspects the FCB header of each opened file object
 * ({@code Flags}, {@code Flags2}, {@code Version}, {@code FileContextSupportPointer}, the paging
 * bit) and tries {@code FltSet}/{@code FltGet} of stream, stream-handle and file contexts. It then
 * runs a fixed workload (a directory, files, a named stream and a hard link where the file system
 * has them, a volume open, a paging file opened with {@code SL_OPEN_PAGING_FILE}, writes and
 * reads, a rename, delete-on-close and delete by disposition, cleanup and close, a delayed-close
 * flush, dismount and filter unload), listens to the I/O manager's FCB events, and returns one
 * {@link Requirement} per rule.
 *
 * <p>The probe releases every reference it takes, so whatever is still live at the end was left
 * behind by the file system.
 *
 * <p>Thread safety: safe for concurrent use; each check has its own managers and file system, and
 * the factory must return a new, unmounted file system per call.
 */
public final class FsChecker {
  private final Supplier<? extends FileSystemDriver> factory;
  private final boolean strict;

  /**
   * Creates a checker.
   *
   * @param factory makes a new, unmounted file system for each {@link #check()}
   */
  public FsChecker(Supplier<? extends FileSystemDriver> factory) {
    this(factory, false);
  }

  /**
   * Creates a checker.
   *
   * @param factory makes a new, unmounted file system for each {@link #check()}
   * @param strict whether a rule of {@link io.fsctx.verifier.FsRule.Severity#WARN} severity that is
   *     broken fails the check (as {@code check-fs --strict} asks) instead of warning
   */
  public FsChecker(Supplier<? extends FileSystemDriver> factory, boolean strict) {
    this.factory = Objects.requireNonNull(factory, "factory");
    this.strict = strict;
  }

  /**
   * Runs the workload on a new file system and judges it.
   *
   * @return the report; {@link CheckReport#hasFailures()} when a documented rule is broken
   * @throws IllegalStateException when the factory returns null or an already mounted file system
   */
  public CheckReport check() {
    return check(e -> {});
  }

  /**
   * As {@link #check()}, with a listener on the check's Filter Manager (a report recorder, say).
   *
   * @param observer receives every context event of the check, from the probe's registration on,
   *     in the thread that caused it
   * @return the report
   */
  public CheckReport check(ContextEventListener observer) {
    FileSystemDriver fs = factory.get();
    if (fs == null) {
      throw new IllegalStateException("the file-system factory returned null");
    }
    return new CheckRun(fs, strict, observer).run();
  }
}
