package io.fsctx.tools.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.fltmgr.FltContextType;
import io.fsctx.io.CreateParameters;
import io.fsctx.io.CreateResult;
import io.fsctx.io.FileObject;
import io.fsctx.io.FileSystemDriver;
import io.fsctx.io.IoManager;
import io.fsctx.io.IoStatus;
import io.fsctx.io.Irp;
import io.fsctx.io.IrpMajorFunction;
import io.fsctx.io.Volume;
import io.fsctx.modelfs.ModelFileSystem;
import io.fsctx.modelfs.NtfsLikeFileSystem;
import io.fsctx.nt.NtStatus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The trace-answering file system: what reaches the file system below it, and how it shapes the
 * disk when the trace says a request succeeded that the disk would refuse, on a bundled model
 * (disk edits under the model's lock) and on a user's file system (ordinary requests).
 */
class TraceAnsweringFileSystemTest {

  /** What is below the wrapper. */
  enum Below {
    /** The NTFS-like model: shaped by {@link ModelFileSystem#editDisk}. */
    MODEL,
    /** The same model hidden behind a user's class: shaped with ordinary requests. */
    USER;

    Supplier<FileSystemDriver> factory() {
      return this == MODEL ? NtfsLikeFileSystem::new : DelegatingUserFileSystem::new;
    }
  }

  private StackReplayTarget target =
      new StackReplayTarget(NtfsLikeFileSystem::new, ReplayFilter.CTX);

  private ReplaySummary run(Below below, String... rows) throws IOException {
    target = new StackReplayTarget(below.factory(), ReplayFilter.CTX);
    return new ReplayEngine().replay(Traces.source(Traces.csv(rows)), target);
  }

  private ModelFileSystem model() {
    ModelFileSystem m = target.fileSystem('C');
    assertNotNull(m, "a bundled model below");
    return m;
  }

  /** Allocated (and, checked, freed) FILE, STREAM, STREAMHANDLE contexts; nothing leaked. */
  private static void contexts(ReplaySummary s, long file, long stream, long handle) {
    List<Long> allocated = new ArrayList<>();
    List<Long> freed = new ArrayList<>();
    for (FltContextType t : List.of(FltContextType.FILE, FltContextType.STREAM, FltContextType.STREAMHANDLE)) {
      allocated.add(s.contexts().of(t).allocated());
      freed.add(s.contexts().of(t).freed());
    }
    assertEquals(List.of(file, stream, handle), allocated, "allocated FILE, STREAM, STREAMHANDLE");
    assertEquals(allocated, freed, "freed FILE, STREAM, STREAMHANDLE");
    assertEquals(0, s.leakedContexts());
  }

  // ---- Shaping, through the whole stack ------------------------------------------------------

  @ParameterizedTest
  @EnumSource(Below.class)
  @DisplayName("A directory the trace first opened without the Directory option becomes one when a file is created in it")
  void replay_parentOpenedAsPlainFile_becomesDirectory(Below below) throws IOException {
    ReplaySummary s = run(below,
        "1|CreateFile|C:\\Users|SUCCESS",
        "1|CloseFile|C:\\Users|SUCCESS",
        "1|CreateFile|C:\\Users\\a.txt|SUCCESS",
        "1|CloseFile|C:\\Users\\a.txt|SUCCESS",
        "1|CreateFile|C:\\Users|SUCCESS|Options: Directory",
        "1|CloseFile|C:\\Users|SUCCESS");
    assertEquals(0, s.diverged());
    assertEquals(1, target.shaped(), "only the create below the plain file needed shaping");
    contexts(s, 3, 3, 3);
  }

  @ParameterizedTest
  @EnumSource(Below.class)
  @DisplayName("Missing parent directories are made before the create is retried")
  void replay_missingParents_made(Below below) throws IOException {
    ReplaySummary s = run(below,
        "1|CreateFile|C:\\a\\b\\c.txt|SUCCESS",
        "1|CreateFile|C:\\a\\b|SUCCESS|Options: Directory");
    assertEquals(0, s.diverged());
    assertEquals(1, target.shaped());
    contexts(s, 2, 2, 2);
  }

  @ParameterizedTest
  @EnumSource(Below.class)
  @DisplayName("A plain file that is still open keeps its type: a create below it diverges and opens nothing")
  void replay_parentPlainFileStillOpen_divergesAndOpensNothing(Below below) throws IOException {
    ReplaySummary s = run(below,
        "1|CreateFile|C:\\d|SUCCESS",
        "1|CreateFile|C:\\d\\x|SUCCESS",
        "1|ReadFile|C:\\d\\x|SUCCESS",
        "1|CloseFile|C:\\d|SUCCESS");
    assertEquals(1, s.diverged());
    assertEquals(1, target.createsNotOpened());
    assertEquals(2, s.createsSucceeded(), "the trace's count, whatever the file system did");
    assertEquals(1, s.noOpenHandle(), "the read finds no file object for the create that opened nothing");
    contexts(s, 1, 1, 1);
    assertTrue(s.toText().contains("diverged from the trace          1"), s.toText());
  }

  @ParameterizedTest
  @EnumSource(Below.class)
  @DisplayName("A Directory open of a plain file that is still open opens it as it is, on the same stream")
  void replay_directoryOpenOfOpenPlainFile_sameStream(Below below) throws IOException {
    ReplaySummary s = run(below,
        "1|CreateFile|C:\\p|SUCCESS",
        "2|CreateFile|C:\\p|SUCCESS|Options: Directory");
    assertEquals(0, s.diverged());
    assertEquals(1, target.shaped());
    contexts(s, 1, 1, 2);
  }

  @ParameterizedTest
  @EnumSource(Below.class)
  @DisplayName("A Directory open of a plain file nobody has open turns it into a directory")
  void replay_directoryOpenOfClosedPlainFile_becomesDirectory(Below below) throws IOException {
    ReplaySummary s = run(below,
        "1|CreateFile|C:\\p|SUCCESS",
        "1|CloseFile|C:\\p|SUCCESS",
        "1|CreateFile|C:\\p|SUCCESS|Options: Directory",
        "1|CreateFile|C:\\p\\q|SUCCESS");
    assertEquals(0, s.diverged());
    assertEquals(1, target.shaped(), "the file below the directory needs no shaping");
    contexts(s, 3, 3, 3);
  }

  @ParameterizedTest
  @EnumSource(Below.class)
  @DisplayName("A delete-pending file the trace opens again is un-marked and shares its stream")
  void replay_reopenOfDeletePendingFile_markClearedSameStream(Below below) throws IOException {
    ReplaySummary s = run(below,
        "1|CreateFile|C:\\f.txt|SUCCESS",
        "1|SetDispositionInformationFile|C:\\f.txt|SUCCESS|Delete: True",
        "2|CreateFile|C:\\f.txt|SUCCESS",
        "1|CloseFile|C:\\f.txt|SUCCESS",
        "2|CloseFile|C:\\f.txt|SUCCESS",
        "3|CreateFile|C:\\f.txt|SUCCESS");
    assertEquals(0, s.diverged());
    assertEquals(1, target.shaped());
    // Two stream lifetimes (one per open period), three handles.
    contexts(s, 2, 2, 3);
    if (below == Below.MODEL) {
      assertTrue(model().exists("\\f.txt"), "no delete is pending any more");
    }
  }

  @Test
  @DisplayName("A name the model cannot spell is opened under its sanitized name")
  void replay_invalidName_openedUnderSanitizedName() throws IOException {
    ReplaySummary s = run(Below.MODEL,
        "1|CreateFile|C:\\dir\\a<b>.txt|SUCCESS",
        "1|CreateFile|C:\\dir\\A<B>.TXT|SUCCESS");
    assertEquals(0, s.diverged());
    assertEquals(2, target.shaped());
    contexts(s, 1, 1, 2);
    assertTrue(model().exists("\\dir\\a_b_.txt"));
  }

  @Test
  @DisplayName("A rename onto a taken name frees the name on a model; the file below it lives on, nameless")
  void replay_renameOntoTakenNameModel_nameFreed() throws IOException {
    ReplaySummary s = run(Below.MODEL,
        "1|CreateFile|C:\\a|SUCCESS",
        "2|CreateFile|C:\\b|SUCCESS",
        "1|SetRenameInformationFile|C:\\a|SUCCESS|ReplaceIfExists: False, FileName: C:\\b",
        "2|ReadFile|C:\\b|SUCCESS",
        "2|CloseFile|C:\\b|SUCCESS");
    assertEquals(0, s.diverged());
    assertEquals(1, target.shaped());
    assertEquals(1, target.renamed());
    assertTrue(model().exists("\\b"));
    assertFalse(model().exists("\\a"));
    contexts(s, 2, 2, 3);
  }

  @Test
  @DisplayName("A user's file system refuses to replace an open file: the rename diverges")
  void replay_renameOntoOpenFileUser_diverges() throws IOException {
    ReplaySummary s = run(Below.USER,
        "1|CreateFile|C:\\a|SUCCESS",
        "2|CreateFile|C:\\b|SUCCESS",
        "1|SetRenameInformationFile|C:\\a|SUCCESS|ReplaceIfExists: False, FileName: C:\\b");
    assertEquals(1, s.diverged());
    assertEquals(0, target.shaped());
  }

  @ParameterizedTest
  @EnumSource(Below.class)
  @DisplayName("A rename into a directory that does not exist yet makes it")
  void replay_renameIntoMissingDirectory_made(Below below) throws IOException {
    ReplaySummary s = run(below,
        "1|CreateFile|C:\\a|SUCCESS",
        "1|SetRenameInformationFile|C:\\a|SUCCESS|ReplaceIfExists: False, FileName: C:\\new\\a",
        "1|ReadFile|C:\\new\\a|SUCCESS");
    assertEquals(0, s.diverged());
    assertEquals(1, target.shaped());
    assertEquals(3, s.replayed());
  }

  @ParameterizedTest
  @EnumSource(Below.class)
  @DisplayName("What no shaping can do (a stream rename, deleting a directory that has entries) diverges, completed as the trace says")
  void replay_streamRenameAndNonEmptyDirectoryDelete_diverge(Below below) throws IOException {
    ReplaySummary s = run(below,
        "1|CreateFile|C:\\a:s|SUCCESS",
        "1|SetRenameInformationFile|C:\\a:s|SUCCESS|ReplaceIfExists: False, FileName: :t",
        "1|CreateFile|C:\\d\\f|SUCCESS",
        "2|CreateFile|C:\\d|SUCCESS|Options: Directory",
        "2|SetDispositionInformationFile|C:\\d|SUCCESS|Delete: True");
    assertEquals(2, s.diverged());
    assertEquals(5, s.replayed(), "the rows are replayed all the same");
    assertEquals(1, target.deletePendingMarked(), "the engine still saw a successful disposition");
  }

  // ---- What reaches the file system -----------------------------------------------------------

  /** Records the major functions and statuses of the requests that reach the model. */
  private static final class Recording extends ForwardingFileSystem {
    final NtfsLikeFileSystem model = new NtfsLikeFileSystem();
    final List<String> seen = new ArrayList<>();

    @Override
    protected FileSystemDriver delegate() {
      return model;
    }

    @Override
    public NtStatus dispatch(Irp irp) {
      NtStatus st = model.dispatch(irp);
      seen.add(irp.majorFunction().name() + " " + st.name());
      return st;
    }
  }

  private final IoManager io = new IoManager();
  private final Recording recording = new Recording();
  private final TraceAnsweringFileSystem answering = new TraceAnsweringFileSystem(recording);
  private final Volume volume = io.mount("\\Device\\HarddiskVolume1", 'C', answering);

  private CreateResult create(String path, NtStatus status) {
    answering.expect(IrpMajorFunction.CREATE, status);
    try {
      return io.createFile(volume, path, CreateParameters.openIf());
    } finally {
      answering.clearExpectation();
    }
  }

  @Test
  @DisplayName("A failed row completes with its status and never reaches the file system; a reparse opens nothing")
  void dispatch_failureOrReparse_notPassedDown() {
    CreateResult failed = create("\\x", NtStatus.STATUS_ACCESS_DENIED);
    CreateResult reparse = create("\\y", NtStatus.STATUS_REPARSE);
    assertEquals(NtStatus.STATUS_ACCESS_DENIED, failed.status());
    assertEquals(NtStatus.STATUS_REPARSE, reparse.status());
    assertNull(failed.fileObject());
    assertNull(reparse.fileObject());
    assertEquals(List.of(), recording.seen);
    assertFalse(recording.model.exists("\\x"));
  }

  @Test
  @DisplayName("A read the trace says succeeded is answered SUCCESS although the file is empty, and is no divergence")
  void dispatch_readOfEmptyFileExpectedSuccess_rowStatusNotDiverged() {
    FileObject fo = create("\\e.txt", NtStatus.STATUS_SUCCESS).openedFileObject();
    answering.expect(IrpMajorFunction.READ, NtStatus.STATUS_SUCCESS);
    IoStatus st = io.read(fo, 0, 4096);
    answering.clearExpectation();
    assertEquals(NtStatus.STATUS_SUCCESS, st.status());
    assertEquals("READ STATUS_END_OF_FILE", recording.seen.get(recording.seen.size() - 1));
    assertEquals(0, answering.diverged());
    io.closeHandle(fo);
  }

  @Test
  @DisplayName("Cleanup and close always reach the file system and report the row's status; unscripted requests pass as they are")
  void dispatch_cleanupCloseAndUnscripted_passedDown() {
    FileObject fo = create("\\c.txt", NtStatus.STATUS_SUCCESS).openedFileObject();
    IoStatus unscripted = io.read(fo, 0, 10);
    answering.expect(IrpMajorFunction.CLEANUP, NtStatus.STATUS_ACCESS_DENIED);
    IoStatus cleanup = io.closeHandle(fo);
    answering.clearExpectation();
    assertEquals(NtStatus.STATUS_END_OF_FILE, unscripted.status(), "no expectation: the file system's own answer");
    assertEquals(NtStatus.STATUS_ACCESS_DENIED, cleanup.status());
    assertEquals(
        List.of("CREATE STATUS_SUCCESS", "READ STATUS_END_OF_FILE", "CLEANUP STATUS_SUCCESS", "CLOSE STATUS_SUCCESS"),
        recording.seen);
  }

  @Test
  @DisplayName("A user's file system is shaped with ordinary creates, each made and closed before the retry")
  void dispatch_userFileSystemShaping_ordinaryCreatesBelowEveryone() {
    FileObject fo = create("\\p\\q\\r.txt", NtStatus.STATUS_SUCCESS).openedFileObject();
    assertEquals(1, answering.shaped());
    assertEquals(
        List.of(
            "CREATE STATUS_OBJECT_PATH_NOT_FOUND",
            "CREATE STATUS_SUCCESS", "CLEANUP STATUS_SUCCESS", "CLOSE STATUS_SUCCESS",
            "CREATE STATUS_SUCCESS", "CLEANUP STATUS_SUCCESS", "CLOSE STATUS_SUCCESS",
            "CREATE STATUS_SUCCESS"),
        recording.seen,
        "the refused create, \\p and \\q made and closed, the retry");
    io.closeHandle(fo);
  }

  @Test
  void sanitized_invalidCharactersStreamAndSlashes_replacedOrDropped() {
    assertEquals("\\a_b\\c_.txt", TraceAnsweringFileSystem.sanitized("\\a*b\\\\c?.txt:stream:$DATA\\"));
    assertEquals("\\x", TraceAnsweringFileSystem.sanitized("x"));
  }
}
