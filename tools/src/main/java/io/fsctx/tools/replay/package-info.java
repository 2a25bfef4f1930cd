/**
 * {@code fsctx replay}: drives a filter stack with a real Process Monitor capture, as {@code
 * spec/replay.md} specifies. This package holds the half that does not need the stack: the
 * streaming {@link io.fsctx.tools.replay.TraceReader}, the contract's pure classification
 * ({@link io.fsctx.tools.replay.TracePath}, {@link io.fsctx.tools.replay.TraceOperation},
 * {@link io.fsctx.tools.replay.ResultStatus}), the handle pairing ({@link
 * io.fsctx.tools.replay.HandleTable}), the {@link io.fsctx.tools.replay.ReplayEngine} and
 * its {@link io.fsctx.tools.replay.ReplaySummary}. The I/O manager, the model file system and
 * the filters plug in behind {@link io.fsctx.tools.replay.ReplayTarget}; {@link
 * io.fsctx.tools.replay.StackReplayTarget} is the real one (I/O manager, Filter Manager, a model
 * file system per drive letter, a {@link io.fsctx.tools.replay.ReplayFilter}).
 *
 * <h2>Policies where the contract is silent</h2>
 *
 * <ul>
 *   <li>Operation names the table does not know (Process Monitor's own {@code <Unknown>}
 *       included) are judged like any request: they need a file object and reach the target with
 *       major function {@link io.fsctx.tools.replay.IrpMajor#UNKNOWN}. They are counted in the
 *       extra member {@code unknownOperations}.
 *   <li>{@code IRP_MJ_CLOSE} rows (advanced output) and the FsFilter callbacks ({@code
 *       IRP_MJ_ACQUIRE_FOR_*}, {@code IRP_MJ_RELEASE_FOR_*}) are unsupported operations, since
 *       {@code CloseFile} already closes its file object.
 *   <li>An unrecognised {@code Result} text is {@code STATUS_UNSUCCESSFUL}; hex texts are their
 *       code. They are counted in {@code unrecognisedResults}. {@code SUCCESS} and {@code
 *       REPARSE} are compared ignoring case and surrounding blanks.
 *   <li>Drive-relative paths ({@code C:foo}) and names with more than {@code name:stream:type}
 *       are unsupported paths.
 *   <li>A rename moves file objects only when it succeeds, {@code Detail} has {@code FileName:}
 *       naming a file on the same volume without a stream part; the value runs to the next
 *       {@code ", Word: "} field. File objects of files below a renamed directory keep their
 *       keys. File objects of other PIDs on the renamed file move too (each keeps its PID).
 *       Within a key, file objects stay in open order after a move.
 *   <li>A volume open ({@code X:}) opens the volume's own stream header: it can hold stream and
 *       stream-handle contexts but has no per-file structure, so no file context; the header
 *       lives until the volume is dismounted, not until its last file object closes.
 *   <li>Unknown operations are counted as replayed but send nothing (no major function can be
 *       named for them).
 *   <li>A create's {@code Detail} is read only for {@code Options: Directory}; in particular
 *       {@code Delete On Close} is not acted on (only dispositions make a file delete-pending).
 *       Read and write lengths and offsets are fixed, never taken from {@code Detail}.
 *   <li>A {@code CreateFile} whose result is a success code other than {@code SUCCESS} and {@code
 *       REPARSE} counts as failed; if the file system opened something it is closed at once.
 *   <li>On a file system without named streams ({@code --fs fat}, {@code legacy}) a successful
 *       open of {@code file:stream} opens the file's default stream, since the trace says it
 *       succeeded.
 *   <li>The file system answers as the trace says through a {@link
 *       io.fsctx.tools.replay.TraceAnsweringFileSystem} wrapped around the chosen one (a bundled
 *       model or the user's own): a failed row never reaches it; a successful row that it refuses
 *       because its disk differs from the traced machine's is retried after the disk was shaped
 *       (missing parents made, a directory first opened as a plain file turned into one,
 *       delete-pending marks cleared, a rename target's name freed, an unspellable name
 *       sanitized); a request that does not change the disk (a read of an empty file) is
 *       answered with the row's status whatever the file system said.
 *   <li>A row the trace says succeeded that cannot be carried out even so is counted in the
 *       extra member {@code diverged}: a create that opens nothing is treated as not opened (later
 *       rows of its key count as {@code skipped.noOpenHandle}), any other request is completed with
 *       the row's status. The text summary prints the line only when it is not zero.
 *   <li>A rereadable trace (a file) is read twice: a first pass validates it and finds the drive
 *       letters, so a bad trace is refused before any row reaches the target and volumes are
 *       mounted first. A stream (standard input, a pipe) is read once: each volume is mounted
 *       just before the first counted row on its drive letter (its device number follows that
 *       order), and a bad row ends the replay there; nothing is copied to disk.
 *   <li>A row whose path or rename/link target is longer than the model can name ({@link
 *       io.fsctx.tools.replay.ReplayTarget#longestPath}: the volume's device name plus the path
 *       after {@code X:} must fit in a {@code UNICODE_STRING}) is counted in {@code
 *       skipped.unsupportedPath} and in the extra member {@code namesTooLong}; it is judged right
 *       after the path's drive letter (the target name, after the operation).
 *   <li>Encodings beyond the contract's UTF-8: UTF-16 with a byte-order mark, or starting with
 *       an ASCII character and a NUL; see {@link io.fsctx.tools.replay.TraceReader}.
 *   <li>A column the reader uses may appear only once in the header.
 * </ul>
 */
@NullMarked
package io.fsctx.tools.replay;

import org.jspecify.annotations.NullMarked;
