package io.fsctx.tools.checkfs;

import io.fsctx.fltmgr.ContextEventListener;
import io.fsctx.io.FileSystemDriver;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Checks a file system against the FCB-header rules of fsrtl.md and fltmgr.md, the engine behind
 * {@code fsctx check-fs}.
 *
 * <p>Each {@link #check()} mounts a fresh file system from the factory on a fresh {@code
 * IoManager} with a fresh {@code FilterManager}, attaches a probing minifilter that registers
 * every context type and, in post-create, tries {@code FltSet}/{@code FltGet} of stream,
 * stream-handle and file contexts on each opened file object, and watches the I/O manager with a
 * {@link io.fsctx.verifier.FileSystemVerifier} (the rule table Filter Manager's verifier uses too).
 * It then runs a workload that takes every path of an FCB's life: directory opens and enumeration,
 * files, a second open of an open stream, named streams and hard links where the file system has
 * them, a volume open, a paging file, a cleanup whose close is held back by a reference, a close
 * and reopen, a create that fails after an FCB may have been built, a rename, delete-on-close and
 * delete by disposition, a phase in which several threads open the same new file at once, the
 * delayed-close flush (for {@code ModelFileSystem}s), dismount and the filter's unload; and
 * returns one {@link Requirement} per rule.
 *
 * <p>The probe releases every reference it takes, so whatever is still live at the end was left
 * behind by the file system.
 *
 * <p>Failures of the file system itself: a bug check it causes (freeing a pool block twice) is a
 * finding (the {@code FREE-ONCE} and {@code WORKLOAD} rows) and the workload goes on; any other
 * exception it throws ends the check, after the workload has closed what it could, and leaves
 * {@link #check()} for the caller (the command reports it with the first frame of the user's
 * code).
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
   * @throws IllegalStateException when the factory returns null
   * @throws RuntimeException what the file system threw other than a bug check (such as an
   *     already mounted file system refusing the mount)
   */
  public CheckReport check() {
    return check(e -> {});
  }

  /**
   * As {@link #check()}, with a listener on the check's Filter Manager (a report recorder, say).
   *
   * @param observer receives every context event of the check, from the probe's registration on,
   *     in the thread that caused it (the race phase's threads too, so it must be thread-safe)
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
