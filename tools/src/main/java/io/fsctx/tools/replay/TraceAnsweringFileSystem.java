package io.fsctx.tools.replay;

import static io.fsctx.io.IoConstants.FILE_DIRECTORY_FILE;
import static io.fsctx.io.IoConstants.FILE_NON_DIRECTORY_FILE;

import io.fsctx.io.CreateParameters;
import io.fsctx.io.CreateResult;
import io.fsctx.io.FileInformation;
import io.fsctx.io.FileNames;
import io.fsctx.io.FileObject;
import io.fsctx.io.FileSystemDriver;
import io.fsctx.io.IoConstants;
import io.fsctx.io.IoStatus;
import io.fsctx.io.Irp;
import io.fsctx.io.IrpMajorFunction;
import io.fsctx.io.IrpParameters;
import io.fsctx.io.Volume;
import io.fsctx.nt.NtStatus;
import org.jspecify.annotations.Nullable;

/**
 * Replay's file system: any {@link FileSystemDriver} (a bundled model or the user's own) wrapped
 * so that it answers each replayed request as the trace's row says. Before a request the replay
 * says what the row's {@code Result} was ({@link #expect}); the wrapper then
 *
 * <ul>
 *   <li>completes a request the row says failed with that status, without passing it on, so the
 *       file system changes nothing (a create opens nothing);
 *   <li>completes a create the row says reparsed with {@code STATUS_REPARSE}, opening nothing;
 *   <li>passes a request the row says succeeded to the file system and reports the row's status;
 *       when the file system refuses it because its disk does not look like the traced machine's
 *       (a parent directory that does not exist, a name the model cannot spell, a directory opened
 *       as a file), the wrapper first shapes the disk with ordinary requests sent straight to the
 *       file system (below every filter: {@code IoCreateFileSpecifyDeviceObjectHint} with the
 *       file system's device), the way the files would have been there already, and tries once
 *       more;
 *   <li>always passes cleanup and close on, which cannot fail, and reports the row's status.
 * </ul>
 * What cannot be shaped (a rename onto an open file, a delete-pending file the trace reopens) is
 * completed with the row's status anyway and counted in {@link #diverged()}; filters see what the
 * trace shows.
 *
 * <p>Requests the replay did not script (the shaping requests themselves, a filter's own I/O) pass
 * through unchanged: an expectation applies to the next request of its major function only.
 *
 * <p>Thread safety: confined to the replay thread, like the replay that drives it.
 */
public final class TraceAnsweringFileSystem implements FileSystemDriver {
  private final FileSystemDriver inner;
  private @Nullable Volume volume;
  private @Nullable IrpMajorFunction expectedMajor;
  private @Nullable NtStatus expected;
  private long shaped;
  private long diverged;

  /**
   * Wraps a file system.
   *
   * @param inner an unmounted file system; the wrapper mounts it with itself
   */
  public TraceAnsweringFileSystem(FileSystemDriver inner) {
    this.inner = inner;
  }

  /** The wrapped file system. */
  public FileSystemDriver inner() {
    return inner;
  }

  /**
   * The next request of {@code major} must complete with {@code status}.
   *
   * @param major the replayed request's major function
   * @param status the row's result
   */
  public void expect(IrpMajorFunction major, NtStatus status) {
    expectedMajor = major;
    expected = status;
  }

  /** Drops an expectation that no request consumed. */
  public void clearExpectation() {
    expectedMajor = null;
    expected = null;
  }

  /** How many requests needed the disk shaped before the file system could do what the row says. */
  public long shaped() {
    return shaped;
  }

  /** How many requests the file system could not do although the row says they succeeded. */
  public long diverged() {
    return diverged;
  }

  @Override
  public String fileSystemName() {
    return inner.fileSystemName();
  }

  @Override
  public boolean supportsNamedStreams() {
    return inner.supportsNamedStreams();
  }

  @Override
  public void mount(Volume v) {
    volume = v;
    inner.mount(v);
  }

  @Override
  public void dismount() {
    inner.dismount();
  }

  @Override
  public @Nullable FileNames queryFileNames(FileObject fileObject) {
    return inner.queryFileNames(fileObject);
  }

  @Override
  public @Nullable String normalizePath(String path) {
    return inner.normalizePath(path);
  }

  @Override
  public NtStatus dispatch(Irp irp) {
    NtStatus want = expected;
    if (want == null || irp.majorFunction() != expectedMajor) {
      return inner.dispatch(irp);
    }
    clearExpectation();
    IrpMajorFunction major = irp.majorFunction();
    if (major == IrpMajorFunction.CLEANUP || major == IrpMajorFunction.CLOSE) {
      inner.dispatch(irp);
      return irp.complete(want, 0);
    }
    if (!want.isSuccess() || (major == IrpMajorFunction.CREATE && want.equals(NtStatus.STATUS_REPARSE))) {
      return irp.complete(want, 0);
    }
    NtStatus got = inner.dispatch(irp);
    if (!got.isSuccess()) {
      got = shapeAndRetry(irp, got);
    }
    if (!got.isSuccess()) {
      diverged++;
      if (major == IrpMajorFunction.CREATE) {
        return got;
      }
    }
    IoStatus st = irp.ioStatus();
    return irp.complete(want, st == null || !st.isSuccess() ? 0 : st.information());
  }

  /** One more try after making the disk look as the trace implies; the retry's status. */
  private NtStatus shapeAndRetry(Irp irp, NtStatus refusal) {
    if (irp.majorFunction() == IrpMajorFunction.CREATE) {
      IrpParameters.Create p = irp.parameters(IrpParameters.Create.class);
      String path = p.fileName();
      CreateParameters options = p.options();
      if (refusal.equals(NtStatus.STATUS_OBJECT_NAME_INVALID)) {
        path = sanitized(path);
      }
      if (refusal.equals(NtStatus.STATUS_NOT_A_DIRECTORY) || refusal.equals(NtStatus.STATUS_FILE_IS_A_DIRECTORY)) {
        options = options.withoutOptions(FILE_DIRECTORY_FILE | FILE_NON_DIRECTORY_FILE);
      }
      makeDirectories(parentOf(path));
      shaped++;
      Irp retry = new Irp(irp.id() + "'", IrpMajorFunction.CREATE, irp.minorFunction(), irp.fileObject(),
          new IrpParameters.Create(options, path), irp.flags());
      NtStatus st = inner.dispatch(retry);
      IoStatus ios = retry.ioStatus();
      irp.complete(st, ios == null ? 0 : ios.information());
      return st;
    }
    if (irp.majorFunction() == IrpMajorFunction.SET_INFORMATION
        && irp.parameters(IrpParameters.SetInformation.class).information() instanceof FileInformation.Rename r) {
      String target = r.targetName();
      if (target.startsWith("\\")) {
        makeDirectories(parentOf(target));
      }
      shaped++;
      Irp retry = new Irp(irp.id() + "'", IrpMajorFunction.SET_INFORMATION, irp.minorFunction(), irp.fileObject(),
          new IrpParameters.SetInformation(
              irp.parameters(IrpParameters.SetInformation.class).informationClass(),
              new FileInformation.Rename(target, true)),
          irp.flags());
      NtStatus st = inner.dispatch(retry);
      irp.complete(st, 0);
      return st;
    }
    return refusal;
  }

  /** Creates every missing directory of {@code dir}, top down, below every filter. */
  private void makeDirectories(String dir) {
    Volume v = volume;
    if (v == null || dir.equals("\\") || dir.isEmpty()) {
      return;
    }
    makeDirectories(parentOf(dir));
    CreateResult r = v.ioManager().createFile(v, dir,
        CreateParameters.openIf().withOptions(IoConstants.FILE_DIRECTORY_FILE), v.deviceStack().bottom());
    FileObject fo = r.fileObject();
    if (fo != null) {
      v.ioManager().closeHandle(fo);
    }
  }

  private static String parentOf(String path) {
    int colon = path.indexOf(':');
    String file = colon >= 0 ? path.substring(0, colon) : path;
    int i = file.lastIndexOf('\\');
    return i <= 0 ? "\\" : file.substring(0, i);
  }

  /** A name the model can spell: the file part (no stream), single backslashes, no trailing one. */
  static String sanitized(String raw) {
    String p = raw.startsWith("\\") ? raw : "\\" + raw;
    int colon = p.indexOf(':');
    if (colon >= 0) {
      p = p.substring(0, colon);
    }
    p = p.replaceAll("\\\\+", "\\\\");
    StringBuilder sb = new StringBuilder(p.length());
    for (int i = 0; i < p.length(); i++) {
      char ch = p.charAt(i);
      sb.append(ch < 0x20 || "\"*/<>?|".indexOf(ch) >= 0 ? '_' : ch);
    }
    String s = sb.toString();
    while (s.length() > 1 && s.endsWith("\\")) {
      s = s.substring(0, s.length() - 1);
    }
    return s;
  }

  @Override
  public String toString() {
    return "trace-answering " + inner;
  }
}
