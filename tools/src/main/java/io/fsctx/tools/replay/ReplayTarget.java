package io.fsctx.tools.replay;

import java.util.SortedSet;
import org.jspecify.annotations.Nullable;

/**
 * What a replay drives: the I/O manager, the attached minifilters and the model file system,
 * seen from the {@link ReplayEngine}. The engine owns the trace, the row filters, the
 * classification and the pairing of rows with file objects ({@link HandleTable}); the target owns
 * everything below the file object: FCBs, per-file structures, contexts, filters, and the context
 * counts reported at the end.
 *
 * <p>Call order: {@link #mountVolumes} once, before any row; in a single-pass replay of a stream
 * (see {@link TraceSource}), {@link #mountVolume} for each further drive letter just before the
 * first row on it, with {@link #longestPath} asked for each row's drive letter after that; then
 * one call per replayed row in
 * trace order ({@link #open}, {@link #createFailed}, {@link #networkQueryOpen}, {@link #send}, then
 * possibly {@link #markDeletePending} or {@link #rename} for that same row, or {@link
 * #cleanupAndClose}); then {@link #cleanupAndClose} with a null row for every file object still
 * open, most recently opened first; then {@link #finish} once. Rows the engine skips never reach
 * the target.
 *
 * <p>Ownership: a file object returned by {@link #open} belongs to the engine's handle table until
 * the engine passes it to {@link #cleanupAndClose}, which ends it; the engine never uses it again.
 *
 * <p>Thread safety: the engine calls a target from one thread; implementations need not be safe
 * for concurrent use.
 *
 * @param <H> the target's file-object type; opaque to the engine
 */
public interface ReplayTarget<H> {

  /**
   * Mounts one volume per drive letter that appears in a counted row and attaches the filters.
   *
   * @param driveLetters the distinct upper-case drive letters, in order; may be empty
   */
  void mountVolumes(SortedSet<Character> driveLetters);

  /**
   * Mounts one more volume while the replay runs (a single-pass replay meets drive letters as it
   * goes); the filters attach to it as to any new mount.
   *
   * @param driveLetter the upper-case drive letter, not mounted yet
   */
  void mountVolume(char driveLetter);

  /**
   * The longest path, as the trace writes it ({@code X:\dir\name:stream}), that the model can
   * name on a volume: the full name the file system and the filters build from it must fit in a
   * {@code UNICODE_STRING}. Rows whose path or rename/link target is longer are skipped as {@code
   * skipped.unsupportedPath} and counted in {@code namesTooLong}.
   *
   * @param driveLetter an upper-case drive letter already mounted
   * @return the limit in UTF-16 code units
   */
  long longestPath(char driveLetter);

  /**
   * Replays a {@code CreateFile} whose result is {@code SUCCESS}: the file system opens the
   * stream (creating its FCB and the file's per-file structure when none is alive).
   *
   * @param create the row; {@code create.status()} is {@code STATUS_SUCCESS}
   * @return the new file object, or null when the target could not open anything although the
   *     row says it succeeded (the target counts that in {@link #diverged()}; the engine then
   *     pairs no file object with the row's key, so later rows of the key may find none)
   */
  @Nullable H open(TraceRequest create);

  /**
   * Replays a {@code CreateFile} that opens nothing: {@code REPARSE} (completed with {@code
   * STATUS_REPARSE}) or a failure with {@code create.status()}.
   *
   * @param create the row
   */
  void createFailed(TraceRequest create);

  /**
   * Replays a {@code QueryOpen} as {@code IRP_MJ_NETWORK_QUERY_OPEN} on its path; no file object.
   *
   * @param request the row
   */
  void networkQueryOpen(TraceRequest request);

  /**
   * Sends a request as {@code request.operation().majorFunction()} (with its information class) on
   * a file object, completed with {@code request.status()}. Renames and disposition changes come
   * here first, like any other request.
   *
   * @param fileObject the top file object of the row's key
   * @param request the row
   */
  void send(H fileObject, TraceRequest request);

  /**
   * After {@link #send} of a successful {@code SetDispositionInformationFile} with {@code Delete:
   * True} (or {@code SetDispositionInformationEx} with {@code FILE_DISPOSITION_DELETE}): the file
   * is delete-pending; its name goes away when its per-file structure is freed.
   *
   * @param fileObject the file object the request was sent on
   * @param request the row
   */
  void markDeletePending(H fileObject, TraceRequest request);

  /**
   * After {@link #send} of a successful rename whose {@code Detail} names a target on the same
   * volume: the file takes the new name; its FCBs and contexts survive. The engine has already
   * moved every open file object of the file to the keys with the new name.
   *
   * @param fileObject the file object the request was sent on
   * @param request the row
   * @param newName the new name ({@code FileName:} of {@code Detail}), without a stream part
   */
  void rename(H fileObject, TraceRequest request, TracePath newName);

  /**
   * Cleans up ({@code IRP_MJ_CLEANUP}) and then closes ({@code IRP_MJ_CLOSE}) a file object; after
   * this the engine forgets it.
   *
   * @param fileObject the file object
   * @param closeRow the {@code CloseFile} row, or null when the end of the trace closes it
   */
  void cleanupAndClose(H fileObject, @Nullable TraceRequest closeRow);

  /**
   * How many replayed rows the target could not carry out although the trace says they
   * succeeded (a create that opened nothing, a rename the file system could not do); read after
   * {@link #finish}. A target that always does what the trace says reports 0.
   *
   * @return the count
   */
  default long diverged() {
    return 0;
  }

  /**
   * Ends the replay after the last file object is closed: unloads the filters, runs the leak
   * check, and reports what the framework counted.
   *
   * @return the context counts for the summary; never null
   */
  ContextCounts finish();
}
