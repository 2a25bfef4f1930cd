package io.fsctx.fltmgr.testing;

import com.google.common.base.Preconditions;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.fsctx.fltmgr.DriverObject;
import io.fsctx.fltmgr.FilterManager;
import io.fsctx.fltmgr.FltConfig;
import io.fsctx.fltmgr.FltFilter;
import io.fsctx.fltmgr.FltInstance;
import io.fsctx.fltmgr.FltRegistration;
import io.fsctx.fltmgr.FltVolume;
import io.fsctx.fltmgr.UnloadReport;
import io.fsctx.io.CreateParameters;
import io.fsctx.io.CreateResult;
import io.fsctx.io.FileInformation;
import io.fsctx.io.FileObject;
import io.fsctx.io.FileSystemDriver;
import io.fsctx.io.IoManager;
import io.fsctx.io.IoStatus;
import io.fsctx.io.Volume;
import io.fsctx.nt.NtStatus;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The world a minifilter runs in, for a test, in a few lines: an {@link IoManager}, a {@link
 * FilterManager} that follows its mounts, one volume of the file system you pass ({@code C:},
 * {@value #DEVICE_NAME}), your filter registered, started and attached, helpers that send I/O
 * through the filter stack, and the unload with its report.
 *
 * <pre>{@code
 * FilterHarness h = FilterHarness.on(new NtfsLikeFileSystem());   // from io.fsctx:modelfs
 * h.start("WriteCounter", "370020", WriteCounter.registration());
 * FileObject fo = h.open("\\a.txt");
 * h.write(fo, 0, 100);
 * h.close(fo);
 * UnloadReport report = h.unload();
 * assertTrue(report.clean(), report::format);
 * h.assertNoProblems();
 * }</pre>
 *
 * <p>It works the same with or without JUnit: under {@link FilterVerifierExtension} pass the
 * injected manager ({@link #on(FilterManager, FileSystemDriver)}) and the extension checks it
 * after the test; on its own, {@link #on(FileSystemDriver)} makes a manager with {@link
 * #testConfig()} and {@link #assertNoProblems()} does the extension's checks.
 *
 * <p>The order is the one that works on the model as on Windows: {@code IoManager.mount}, {@code
 * FilterManager.followMounts} (in the constructor), then {@code FltRegisterFilter} and {@code
 * FltStartFiltering} ({@link #start}), I/O, then {@code FltUnregisterFilter} and the dismount
 * ({@link #unload}).
 *
 * <p><b>No silent no-op.</b> {@link #start} refuses a filter that ends up with no instance on the
 * volume (no default altitude, or its instance setup callback declined): such a filter sees no
 * I/O, and every test of it would pass without testing anything.
 *
 * <p>The file system comes from the caller, so this artifact does not depend on the bundled model
 * file systems; {@code io.fsctx:modelfs} has {@code NtfsLikeFileSystem}, {@code
 * FatLikeFileSystem} and {@code LegacyFileSystem}, or bring your own.
 *
 * <p>Thread safety: {@link #start}, {@link #unload} and {@link #close} are meant for the test's
 * thread (they are synchronized, so a stray second call fails cleanly); the I/O helpers may be
 * called from any number of threads, as the I/O manager allows.
 */
public final class FilterHarness implements AutoCloseable {
  /** The NT device name of the harness's volume. */
  public static final String DEVICE_NAME = "\\Device\\HarddiskVolume1";
  /** The drive letter of the harness's volume. */
  public static final char DRIVE_LETTER = 'C';

  private final IoManager io;
  private final FilterManager manager;
  private final Volume volume;
  private final FltVolume fltVolume;
  @GuardedBy("this")
  private @Nullable FltFilter filter;

  @GuardedBy("this")
  private boolean unloaded;

  private FilterHarness(FilterManager manager, FileSystemDriver fileSystem) {
    this.manager = manager;
    this.io = new IoManager();
    this.volume = io.mount(DEVICE_NAME, DRIVE_LETTER, fileSystem);
    manager.followMounts(io);
    this.fltVolume = Objects.requireNonNull(manager.volumeOf(volume), "followMounts attached the volume");
  }

  /**
   * The configuration of a manager for tests, the same as {@link FilterVerifierExtension}'s
   * without {@link VerifierSettings}: verifier level TRACKING (every reference still held is
   * reported with the line that took it), a {@value VerifierSettings#DEFAULT_UNLOAD_WAIT_MILLIS}
   * ms unload wait, everything else as {@link FltConfig#defaults()}.
   */
  public static FltConfig testConfig() {
    return VerifierProblems.config(null);
  }

  /**
   * A harness with its own Filter Manager ({@link #testConfig()}) and a volume of {@code
   * fileSystem} mounted and followed.
   *
   * @param fileSystem an unmounted file system; the volume owns it afterwards
   * @return the harness; call {@link #start} next
   */
  public static FilterHarness on(FileSystemDriver fileSystem) {
    return new FilterHarness(new FilterManager(testConfig()), fileSystem);
  }

  /**
   * A harness on a Filter Manager of the caller's, such as the one {@link FilterVerifierExtension}
   * injects, with a volume of {@code fileSystem} mounted and followed.
   *
   * @param manager the Filter Manager; it starts following this harness's I/O manager
   * @param fileSystem an unmounted file system; the volume owns it afterwards
   * @return the harness; call {@link #start} next
   */
  public static FilterHarness on(FilterManager manager, FileSystemDriver fileSystem) {
    return new FilterHarness(Objects.requireNonNull(manager, "manager"), Objects.requireNonNull(fileSystem, "fileSystem"));
  }

  /**
   * {@code FltRegisterFilter} then {@code FltStartFiltering} for the filter under test, which
   * attaches its default instance to the volume.
   *
   * @param name the filter's service name, as reports name it
   * @param altitude its default altitude, such as {@code "370020"}
   * @param registration its registration
   * @return the filter, filtering, with an instance on the volume
   * @throws IllegalStateException when a filter was already started here, registration or start
   *     fails (the message has the status), or the filter has no instance on the volume afterwards
   */
  public FltFilter start(String name, String altitude, FltRegistration registration) {
    Preconditions.checkArgument(!altitude.isEmpty(), "altitude must be a default altitude such as 370020, got an empty one");
    return start(DriverObject.of(name, altitude), registration);
  }

  /**
   * As {@link #start(String, String, FltRegistration)} with a driver object of the caller's.
   *
   * @param driver the filter's driver object; it needs a default altitude
   * @param registration its registration
   * @return the filter, filtering, with an instance on the volume
   */
  public synchronized FltFilter start(DriverObject driver, FltRegistration registration) {
    Preconditions.checkState(filter == null, "a filter was already started on this harness: %s", filter);
    Preconditions.checkState(!unloaded, "the harness was unloaded");
    FilterManager.RegisterResult r = manager.registerFilter(driver, registration);
    FltFilter f = r.filter();
    if (f == null) {
      throw new IllegalStateException("FltRegisterFilter of " + driver.serviceName() + " failed: " + r.status());
    }
    NtStatus st = f.startFiltering();
    if (!st.isSuccess()) {
      f.unregister();
      throw new IllegalStateException("FltStartFiltering of " + f.name() + " failed: " + st);
    }
    if (instanceOn(f) == null) {
      f.unregister();
      throw new IllegalStateException(
          f.name() + " has no instance on " + DRIVE_LETTER + ": (" + fltVolume.deviceName() + ") after FltStartFiltering:"
              + " its driver object has no default altitude, or its instance setup callback declined the volume."
              + " A filter without an instance sees no I/O, so a test of it would pass without testing anything");
    }
    filter = f;
    return f;
  }

  private @Nullable FltInstance instanceOn(FltFilter f) {
    for (FltInstance i : f.instances()) {
      if (i.volume() == fltVolume) {
        return i;
      }
    }
    return null;
  }

  /** The I/O manager. */
  public IoManager io() {
    return io;
  }

  /** The Filter Manager. */
  public FilterManager manager() {
    return manager;
  }

  /** The I/O manager's volume ({@code C:}). */
  public Volume volume() {
    return volume;
  }

  /** Filter Manager's volume object for it. */
  public FltVolume fltVolume() {
    return fltVolume;
  }

  /**
   * The filter under test.
   *
   * @throws IllegalStateException before {@link #start}
   */
  public synchronized FltFilter filter() {
    Preconditions.checkState(filter != null, "no filter started yet: call start(...)");
    return filter;
  }

  /**
   * The filter's instance on the volume.
   *
   * @throws IllegalStateException before {@link #start}, or once the instance is gone (unload)
   */
  public FltInstance instance() {
    FltFilter f = filter();
    FltInstance i = instanceOn(f);
    Preconditions.checkState(i != null, "%s has no instance on %s any more", f, fltVolume);
    return i;
  }

  // ---- I/O through the filter stack ---------------------------------------------------------

  /**
   * Opens {@code path}, creating the file if it does not exist ({@code FILE_OPEN_IF}); the caller
   * owns the handle and gives it back with {@link #close}.
   *
   * @param path such as {@code \dir\a.txt} or {@code \a.txt:stream}
   * @return the opened file object
   * @throws IllegalStateException with the status when the open fails (use {@link #create} to
   *     test failures)
   */
  public FileObject open(String path) {
    CreateResult r = create(path, CreateParameters.openIf());
    FileObject fo = r.fileObject();
    if (!r.isOpened() || fo == null) {
      throw new IllegalStateException("open of " + path + " failed: " + r.status());
    }
    return fo;
  }

  /**
   * {@code IRP_MJ_CREATE} with the caller's parameters; on success the caller owns the handle.
   *
   * @return the status and, when opened, the file object
   */
  public CreateResult create(String path, CreateParameters parameters) {
    return io.createFile(volume, path, parameters);
  }

  /** {@code IRP_MJ_READ} of {@code length} bytes at {@code offset}. */
  public IoStatus read(FileObject fileObject, long offset, int length) {
    return io.read(fileObject, offset, length);
  }

  /** {@code IRP_MJ_WRITE} of {@code length} bytes at {@code offset}. */
  public IoStatus write(FileObject fileObject, long offset, int length) {
    return io.write(fileObject, offset, length);
  }

  /**
   * {@code IRP_MJ_SET_INFORMATION} with {@code FileRenameInformation}, not replacing an existing
   * target.
   *
   * @param newName a path on the volume ({@code \b.txt}), or a new last component
   */
  public IoStatus rename(FileObject fileObject, String newName) {
    return io.setInformation(fileObject, new FileInformation.Rename(newName, false));
  }

  /**
   * Marks the file delete-pending ({@code FileDispositionInformation}); it goes when the last
   * handle is closed.
   */
  public IoStatus delete(FileObject fileObject) {
    return io.setInformation(fileObject, new FileInformation.Disposition(true));
  }

  /**
   * Closes the handle ({@code ZwClose}): {@code IRP_MJ_CLEANUP}, then {@code IRP_MJ_CLOSE} when
   * nothing else references the file object.
   *
   * @return the cleanup's status
   */
  public IoStatus close(FileObject fileObject) {
    return io.closeHandle(fileObject);
  }

  // ---- Unload and checks --------------------------------------------------------------------

  /**
   * {@code FltUnregisterFilter} of the filter under test, then the volume's dismount. The
   * unregister waits for outstanding context references at most the manager's unload wait ({@link
   * #testConfig()}: {@value VerifierSettings#DEFAULT_UNLOAD_WAIT_MILLIS} ms) and reports what is
   * left, with the line that took each reference still held (TRACKING).
   *
   * @return the filter's unload report
   * @throws IllegalStateException before {@link #start} or when already unloaded
   */
  public synchronized UnloadReport unload() {
    Preconditions.checkState(!unloaded, "the harness was already unloaded");
    FltFilter f = filter();
    unloaded = true;
    UnloadReport r;
    try {
      r = f.unregister();
    } finally {
      io.dismount(volume);
    }
    return r;
  }

  /**
   * What {@link FilterVerifierExtension} would fail the test with for this harness's manager,
   * one line per problem: verifier findings (with the references still held and the lines that
   * took them), live contexts, a filter that never attached. Empty when all is well.
   */
  public List<String> problems() {
    return VerifierProblems.of(List.of(manager), null);
  }

  /**
   * Fails when {@link #problems()} is not empty: the extension's check, for tests that run
   * without it.
   *
   * @throws AssertionError listing the problems
   */
  public void assertNoProblems() {
    List<String> p = problems();
    if (!p.isEmpty()) {
      throw new AssertionError("Filter Verifier found problems:\n" + String.join("\n", p));
    }
  }

  /**
   * Unloads if the test has not (so a harness in try-with-resources leaves no filter registered
   * and no volume mounted); the report stays available from {@link FltFilter#unloadReport()}.
   */
  @Override
  public synchronized void close() {
    if (!unloaded) {
      if (filter != null) {
        unload();
      } else {
        unloaded = true;
        io.dismount(volume);
      }
    }
  }

  @Override
  public synchronized String toString() {
    return "FilterHarness[" + volume + ", " + filter + "]";
  }
}
