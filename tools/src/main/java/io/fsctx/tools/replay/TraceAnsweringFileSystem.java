package io.fsctx.tools.replay;

import static io.fsctx.io.IoConstants.FILE_DIRECTORY_FILE;
import static io.fsctx.io.IoConstants.FILE_NON_DIRECTORY_FILE;

import com.google.common.base.Preconditions;
import io.fsctx.io.CreateParameters;
import io.fsctx.io.FileInformation;
import io.fsctx.io.FileNames;
import io.fsctx.io.FileObject;
import io.fsctx.io.FileSystemDriver;
import io.fsctx.io.IoStatus;
import io.fsctx.io.Irp;
import io.fsctx.io.IrpMajorFunction;
import io.fsctx.io.IrpParameters;
import io.fsctx.io.Volume;
import io.fsctx.modelfs.ModelFileSystem;
import io.fsctx.nt.NtStatus;
import java.util.HashSet;
import java.util.Set;
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
 *   <li>always passes cleanup and close on, which cannot fail, and reports the row's status;
 *   <li>passes a request the row says succeeded to the file system and reports the row's status
 *       (and the file system's {@code Information} when it succeeded too).
 * </ul>
 *
 * <h2>Shaping the disk</h2>
 * The traced machine's disk held files the model's disk does not: a parent directory that was
 * never opened in the trace, a directory first opened without saying it was one (so the model
 * made a plain file), a file the trace reopens after a delete the model still remembers, a rename
 * target that already has a name. When the file system refuses a request that changes the disk
 * ({@code IRP_MJ_CREATE}; a rename, link or delete disposition) although the row says it
 * succeeded, the wrapper makes the disk look as the trace implies and tries again, once per way
 * of shaping:
 *
 * <ul>
 *   <li>on a bundled model ({@link ModelFileSystem}) it edits the disk under the file system's own
 *       lock ({@link ModelDiskShaper}): the parent becomes a directory (missing ones are made, a
 *       plain file in the way with no live FCB is turned into one), delete-pending marks on the
 *       file and its parent are cleared, a directory open of a plain file with no live FCB turns it
 *       into a directory, a rename or link target's name is freed;
 *   <li>on any other file system it sends ordinary requests straight to the file system, below
 *       every filter ({@link RequestDiskShaper}): creates of the missing parent directories, a
 *       plain file no file object is open on deleted and created again as a directory, a
 *       delete-pending mark cleared through a file object open on the file, a rename or link
 *       retried with {@code ReplaceIfExists};
 *   <li>on either, the retried request itself may differ from what the filters saw: a name the
 *       file system cannot spell ({@code STATUS_OBJECT_NAME_INVALID}) is retried as {@link
 *       #sanitized}, a type mismatch ({@code STATUS_NOT_A_DIRECTORY}, {@code
 *       STATUS_FILE_IS_A_DIRECTORY}) without {@code FILE_DIRECTORY_FILE} and {@code
 *       FILE_NON_DIRECTORY_FILE} (so an open file that cannot change type is opened as it is).
 * </ul>
 *
 * What still cannot be done is completed with the row's status anyway and counted in {@link
 * #diverged()} (a rename of a stream, a delete of a directory that has entries, a disk-changing
 * request on a file system that does not support it); a create that still fails is completed with
 * the file system's failure instead, since nothing was opened, and the replay counts it. Requests
 * that do not change the disk (reads, writes, queries, directory enumerations, controls) are
 * answered with the row's status whatever the file system said: the model keeps no file data, so
 * a read of an empty file failing with {@code STATUS_END_OF_FILE} is not a divergence.
 *
 * <p>Requests the replay did not script (the shaping requests themselves, a filter's own I/O) pass
 * through unchanged: an expectation applies to the next request of its major function only.
 *
 * <p>Thread safety: confined to the replay thread, like the replay that drives it.
 */
public final class TraceAnsweringFileSystem implements FileSystemDriver {
  /** Refusals that say the disk does not hold the path the way the create needs. */
  private static final Set<NtStatus> SHAPE_FOR_OPEN =
      Set.of(
          NtStatus.STATUS_OBJECT_PATH_NOT_FOUND,
          NtStatus.STATUS_OBJECT_NAME_NOT_FOUND,
          NtStatus.STATUS_NOT_A_DIRECTORY,
          NtStatus.STATUS_DELETE_PENDING);

  /** Refusals that say a name is taken. */
  private static final Set<NtStatus> SHAPE_FOR_TARGET =
      Set.of(
          NtStatus.STATUS_OBJECT_PATH_NOT_FOUND,
          NtStatus.STATUS_OBJECT_NAME_COLLISION,
          NtStatus.STATUS_ACCESS_DENIED);

  private final FileSystemDriver inner;
  /** File objects the inner file system opened and has not closed; kept only for a user's file system. */
  private final Set<FileObject> openFileObjects = new HashSet<>();
  private @Nullable DiskShaper shaper;
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

  /** How many requests the file system did only after the disk was shaped (or the request retried). */
  public long shaped() {
    return shaped;
  }

  /**
   * How many requests other than creates changed the disk in the trace but not here: the file
   * system refused them even after shaping, and they were completed with the row's status anyway.
   * (A create that could not be done is the caller's to count: it opened nothing.)
   */
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
    shaper = inner instanceof ModelFileSystem model
        ? new ModelDiskShaper(model)
        : new RequestDiskShaper(inner, v, openFileObjects);
    inner.mount(v);
  }

  private DiskShaper shaper() {
    DiskShaper s = shaper;
    if (s == null) {
      throw new IllegalStateException(this + " is not mounted");
    }
    return s;
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
    NtStatus st = answer(irp);
    if (shaper instanceof RequestDiskShaper) {
      track(irp, st);
    }
    return st;
  }

  /** Keeps {@link #openFileObjects}: opened by a create that succeeded, gone at close. */
  private void track(Irp irp, NtStatus status) {
    FileObject fo = irp.fileObject();
    if (fo == null) {
      return;
    }
    if (irp.majorFunction() == IrpMajorFunction.CREATE) {
      if (status.isSuccess() && !status.equals(NtStatus.STATUS_REPARSE) && fo.fsContext() != null) {
        openFileObjects.add(fo);
      }
    } else if (irp.majorFunction() == IrpMajorFunction.CLOSE) {
      openFileObjects.remove(fo);
    }
  }

  private NtStatus answer(Irp irp) {
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
    if (!got.isSuccess() && changesDisk(irp)) {
      got = shapeAndRetry(irp, got);
      if (got.isSuccess()) {
        shaped++;
      } else if (major == IrpMajorFunction.CREATE) {
        return got;
      } else {
        diverged++;
      }
    }
    IoStatus st = irp.ioStatus();
    return irp.complete(want, st == null || !st.isSuccess() ? 0 : st.information());
  }

  /** Creates, renames, links and delete dispositions: what the trace's later rows depend on. */
  private static boolean changesDisk(Irp irp) {
    if (irp.majorFunction() == IrpMajorFunction.CREATE) {
      return true;
    }
    if (irp.majorFunction() != IrpMajorFunction.SET_INFORMATION) {
      return false;
    }
    FileInformation info = irp.parameters(IrpParameters.SetInformation.class).information();
    return info instanceof FileInformation.Rename
        || info instanceof FileInformation.Link
        || (info instanceof FileInformation.Disposition d && d.delete());
  }

  // ---- Shaping -------------------------------------------------------------------------------

  /** Tries each applicable way of shaping once, in order, until the file system succeeds. */
  private NtStatus shapeAndRetry(Irp irp, NtStatus refusal) {
    return irp.majorFunction() == IrpMajorFunction.CREATE
        ? retryCreate(irp, refusal)
        : retryTarget(irp, refusal);
  }

  private NtStatus retryCreate(Irp irp, NtStatus firstRefusal) {
    IrpParameters.Create p = irp.parameters(IrpParameters.Create.class);
    String path = p.fileName();
    CreateParameters options = p.options();
    NtStatus refusal = firstRefusal;
    boolean renamed = false;
    boolean diskShaped = false;
    boolean typeDropped = false;
    while (true) {
      if (refusal.equals(NtStatus.STATUS_OBJECT_NAME_INVALID) && !renamed) {
        renamed = true;
        String s = sanitized(path);
        if (s.equals(path)) {
          continue;
        }
        path = s;
      } else if (SHAPE_FOR_OPEN.contains(refusal) && !diskShaped) {
        diskShaped = true;
        shaper().shapeForOpen(path, options.hasOption(FILE_DIRECTORY_FILE));
      } else if ((refusal.equals(NtStatus.STATUS_NOT_A_DIRECTORY)
              || refusal.equals(NtStatus.STATUS_FILE_IS_A_DIRECTORY))
          && !typeDropped) {
        typeDropped = true;
        options = options.withoutOptions(FILE_DIRECTORY_FILE | FILE_NON_DIRECTORY_FILE);
      } else {
        return refusal;
      }
      refusal = retry(irp, new IrpParameters.Create(options, path));
      if (refusal.isSuccess()) {
        return refusal;
      }
    }
  }

  private NtStatus retryTarget(Irp irp, NtStatus refusal) {
    IrpParameters.SetInformation p = irp.parameters(IrpParameters.SetInformation.class);
    FileInformation info = p.information();
    String target;
    if (info instanceof FileInformation.Rename r) {
      target = r.targetName();
    } else if (info instanceof FileInformation.Link l) {
      target = l.linkName();
    } else {
      return refusal; // a delete disposition: nothing to shape
    }
    if (!SHAPE_FOR_TARGET.contains(refusal) || !target.startsWith("\\") || target.indexOf(':') >= 0) {
      return refusal;
    }
    FileInformation retried = shaper().shapeForTarget(target, info);
    return retry(irp, new IrpParameters.SetInformation(p.informationClass(), retried));
  }

  /** Sends a request again, straight to the file system, and completes {@code irp} as it did. */
  private NtStatus retry(Irp irp, IrpParameters parameters) {
    Irp again = parameters.equals(irp.parameters())
        ? irp
        : new Irp(irp.id() + "'", irp.majorFunction(), irp.minorFunction(), irp.fileObject(), parameters, irp.flags());
    NtStatus st = inner.dispatch(again);
    if (again != irp) {
      IoStatus ios = again.ioStatus();
      irp.complete(st, ios == null ? 0 : ios.information());
    }
    return st;
  }

  /**
   * A name a file system can spell: the file part (no stream), starting with one backslash,
   * single backslashes, no trailing one, and {@code "*}{@code /<>?|} and control characters
   * replaced by {@code _}.
   *
   * @param raw the path on the volume as the trace wrote it
   * @return the sanitized path
   */
  static String sanitized(String raw) {
    Preconditions.checkArgument(!raw.isEmpty(), "a volume open has no name to sanitize");
    String p = DiskShaper.filePart(raw.startsWith("\\") ? raw : "\\" + raw);
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
