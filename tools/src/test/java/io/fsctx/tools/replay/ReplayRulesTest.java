package io.fsctx.tools.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Synthetic traces, each isolating one rule of spec/replay.md, with exact numbers. */
class ReplayRulesTest {

  private final CountingReplayTarget target = new CountingReplayTarget();

  private ReplaySummary run(String... rows) throws IOException {
    return new ReplayEngine().replay(Traces.source(Traces.csv(rows)), target);
  }

  private static void counts(
      ReplaySummary s, long rows, long replayed, long noHandle, long path, long op) {
    assertEquals(
        List.of(rows, replayed, noHandle, path, op),
        List.of(s.rows(), s.replayed(), s.noOpenHandle(), s.unsupportedPath(), s.unsupportedOperation()));
  }

  @Test
  @DisplayName("Handles: x and x::$DATA are different keys for the same stream")
  void replay_adsAndDataSuffix_separateKeysSameStream() throws IOException {
    ReplaySummary s =
        run(
            "1|CreateFile|C:\\a.txt|SUCCESS",
            "1|ReadFile|C:\\a.txt::$DATA|SUCCESS",
            "1|CreateFile|C:\\a.txt:Zone.Identifier|SUCCESS",
            "1|ReadFile|C:\\a.txt:zone.identifier:$DATA|SUCCESS",
            "1|ReadFile|c:\\A.TXT:ZONE.IDENTIFIER|SUCCESS",
            "1|CloseFile|C:\\a.txt|SUCCESS");
    counts(s, 6, 4, 2, 0, 0);
    TracePath a = TracePath.parse("C:\\a.txt");
    TracePath b = TracePath.parse("C:\\a.txt::$DATA");
    assertEquals(a.streamKey(), b.streamKey());
    assertEquals(
        TracePath.parse("C:\\a.txt:Zone.Identifier").streamKey(),
        TracePath.parse("c:\\A.TXT:zone.identifier:$DATA").streamKey());
    assertEquals(1, target.endCloses);
  }

  @Test
  @DisplayName("Handles: the path is compared case-insensitively, per PID")
  void replay_caseVariantsAndPids_keyedByPidAndFoldedPath() throws IOException {
    ReplaySummary s =
        run(
            "1|CreateFile|C:\\Dir\\File.TXT|SUCCESS",
            "1|ReadFile|c:\\dir\\file.txt|SUCCESS",
            "2|ReadFile|C:\\Dir\\File.TXT|SUCCESS",
            "1|CloseFile|C:\\DIR\\FILE.TXT|SUCCESS",
            "1|CloseFile|C:\\Dir\\File.TXT|SUCCESS");
    counts(s, 5, 3, 2, 0, 0);
    assertEquals(0, target.endCloses);
  }

  @Test
  @DisplayName("Volumes: one per distinct drive letter of a counted row, mounted before any row")
  void replay_severalLetters_mountsEachOnceFirst() throws IOException {
    ReplaySummary s =
        run(
            "1|CreateFile|d:\\x|SUCCESS",
            "1|CreateFileMapping|E:\\y|SUCCESS",
            "1|CreateFile|c:|SUCCESS",
            "1|FileSystemControl|C:|SUCCESS",
            "1|CreateFile|C:\\|SUCCESS",
            "1|QueryDirectory|c:\\|NO MORE FILES",
            "1|CreateFile|F:\\pending|");
    assertEquals(List.of('C', 'D', 'E'), target.volumes);
    assertEquals("mount [C, D, E]", target.calls.get(0));
    counts(s, 6, 5, 0, 0, 1);
    assertEquals(3, target.endCloses);
  }

  @Test
  @DisplayName("Volumes: paging files at the root are recognised, elsewhere they are plain files")
  void parse_pagingFiles_onlyAtRoot() {
    assertTrue(TracePath.parse("C:\\pagefile.sys").pagingFile());
    assertTrue(TracePath.parse("c:\\SwapFile.SYS::$DATA").pagingFile());
    assertEquals(false, TracePath.parse("C:\\dir\\pagefile.sys").pagingFile());
    assertEquals(false, TracePath.parse("C:\\pagefile.sys.bak").pagingFile());
  }

  @Test
  @DisplayName("Handles: failed and reparsed creates open nothing; later rows find no handle")
  void replay_failedAndReparsedCreates_noFileObject() throws IOException {
    ReplaySummary s =
        run(
            "1|CreateFile|C:\\a|NAME NOT FOUND",
            "1|CreateFile|C:\\b|REPARSE",
            "1|CreateFile|C:\\c|ACCESS DENIED",
            "1|ReadFile|C:\\a|SUCCESS",
            "1|CloseFile|C:\\b|SUCCESS");
    counts(s, 5, 3, 2, 0, 0);
    assertEquals(List.of(0L, 2L, 1L), List.of(s.createsSucceeded(), s.createsFailed(), s.createsReparse()));
    assertTrue(target.calls.contains("createFailed C:\\b STATUS_REPARSE (0x00000104)"));
    assertTrue(
        target.calls.contains("createFailed C:\\a STATUS_OBJECT_NAME_NOT_FOUND (0xC0000034)"));
  }

  @Test
  @DisplayName("Handles: rows of handles opened before the capture are skipped.noOpenHandle")
  void replay_orphanRows_noOpenHandle() throws IOException {
    ReplaySummary s =
        run(
            "4|ReadFile|C:\\x|SUCCESS",
            "4|WriteFile|C:\\x|SUCCESS",
            "4|SetDispositionInformationFile|C:\\x|SUCCESS|Delete: True",
            "4|CloseFile|C:\\x|SUCCESS",
            "4|QueryOpen|C:\\x|SUCCESS");
    counts(s, 5, 1, 4, 0, 0);
    assertEquals(1, target.queryOpens);
    assertEquals(0, target.deletePending);
  }

  @Test
  @DisplayName("Order of checks: fast I/O and section synchronization are unsupported operations")
  void replay_fastIoAndMapping_unsupportedOperation() throws IOException {
    ReplaySummary s =
        run(
            "1|FASTIO_READ|C:\\x|SUCCESS",
            "1|FASTIO_NETWORK_QUERY_OPEN|C:\\x|FAST IO DISALLOWED",
            "1|CreateFileMapping|C:\\x|FILE LOCKED WITH ONLY READERS",
            "1|FASTIO_ACQUIRE_FOR_CC_FLUSH|\\\\srv\\share\\x|SUCCESS");
    counts(s, 4, 0, 0, 1, 3);
  }

  @Test
  @DisplayName("Order of checks: the path is judged first (UNC, devices, pipes, monikers)")
  void replay_unsupportedPaths_judgedBeforeOperation() throws IOException {
    ReplaySummary s =
        run(
            "1|CreateFile|\\\\server\\share\\a|SUCCESS",
            "1|QueryOpen|\\Device\\HarddiskVolume2\\x|SUCCESS",
            "1|CreateFile|\\\\.\\pipe\\foo|SUCCESS",
            "1|CreateFileMapping|\\Device\\Mup|SUCCESS",
            "1|ReadFile|C:relative|SUCCESS",
            "1|CreateFile|1:\\x|SUCCESS");
    counts(s, 6, 0, 0, 6, 0);
    assertEquals(List.of(), target.volumes);
  }

  @Test
  @DisplayName("Handles: interleaved opens of one stream use the top file object; close pops it")
  void replay_interleavedOpens_stackDiscipline() throws IOException {
    ReplaySummary s =
        run(
            "1|CreateFile|C:\\f|SUCCESS",
            "1|CreateFile|C:\\F|SUCCESS",
            "1|ReadFile|C:\\f|SUCCESS",
            "1|CloseFile|C:\\f|SUCCESS",
            "1|ReadFile|C:\\f|SUCCESS",
            "1|CreateFile|C:\\f|SUCCESS",
            "1|CreateFile|C:\\g|SUCCESS");
    counts(s, 7, 7, 0, 0, 0);
    assertEquals(
        List.of(
            "mount [C]",
            "open FO#1 C:\\f",
            "open FO#2 C:\\F",
            "send FO#2 ReadFile",
            "close FO#2",
            "send FO#1 ReadFile",
            "open FO#3 C:\\f",
            "open FO#4 C:\\g",
            "endClose FO#4",
            "endClose FO#3",
            "endClose FO#1",
            "finish"),
        target.calls);
  }

  @Test
  @DisplayName("Handles: Delete: True / FILE_DISPOSITION_DELETE with SUCCESS marks delete-pending")
  void replay_disposition_marksDeletePendingOnlyWhenRequestedAndSuccessful() throws IOException {
    ReplaySummary s =
        run(
            "1|CreateFile|C:\\d|SUCCESS",
            "1|SetDispositionInformationFile|C:\\d|SUCCESS|Delete: True",
            "1|SetDispositionInformationFile|C:\\d|SUCCESS|Delete: False",
            "1|SetDispositionInformationFile|C:\\d|CANNOT DELETE|Delete: True",
            "1|SetDispositionInformationEx|C:\\d|SUCCESS|Flags: FILE_DISPOSITION_DELETE, FILE_DISPOSITION_POSIX_SEMANTICS",
            "1|SetDispositionInformationEx|C:\\d|SUCCESS|Flags: FILE_DISPOSITION_DO_NOT_DELETE",
            "1|CloseFile|C:\\d|SUCCESS");
    counts(s, 7, 7, 0, 0, 0);
    assertEquals(2, target.deletePending);
    assertEquals(5, target.sentByMajor.get("IRP_MJ_SET_INFORMATION"));
  }

  @Test
  @DisplayName("Handles: a successful rename moves every open file object of the file to the new name")
  void replay_rename_movesOpenHandlesKeepingPidAndStream() throws IOException {
    ReplaySummary s =
        run(
            "1|CreateFile|C:\\old.txt|SUCCESS",
            "1|CreateFile|C:\\old.txt:s1|SUCCESS",
            "2|CreateFile|c:\\OLD.TXT|SUCCESS",
            "3|CreateFile|C:\\new.txt|SUCCESS",
            "1|SetRenameInformationFile|C:\\old.txt|SUCCESS|ReplaceIfExists: False, FileName: C:\\new.txt",
            "1|ReadFile|C:\\old.txt|SUCCESS",
            "1|ReadFile|C:\\NEW.txt|SUCCESS",
            "1|ReadFile|C:\\new.txt:S1|SUCCESS",
            "2|CloseFile|C:\\new.txt|SUCCESS",
            "2|CloseFile|C:\\new.txt|SUCCESS",
            "3|CloseFile|C:\\new.txt|SUCCESS");
    counts(s, 11, 9, 2, 0, 0);
    assertEquals(1, target.renames);
    assertTrue(target.calls.contains("rename FO#1 -> C:\\new.txt"));
    assertTrue(target.calls.contains("send FO#1 ReadFile"));
    assertTrue(target.calls.contains("send FO#2 ReadFile"));
    assertTrue(target.calls.contains("close FO#3"));
    assertTrue(target.calls.contains("close FO#4"));
  }

  @Test
  @DisplayName("Handles: a rename moves the renamed file's objects, not those of a file displaced from its name")
  void replay_renameAfterReplace_movesOnlyTheRenamedFile() throws IOException {
    // b.txt replaces a.txt while a.txt is still open (the displaced file lives on, nameless, and
    // its file objects keep their keys); renaming a.txt then renames b.txt's file, so only b's
    // file objects move: the read of a.txt is replayed on a.txt's own file object.
    ReplaySummary s =
        run(
            "100|CreateFile|D:\\tmp\\a.txt|SUCCESS",
            "200|CreateFile|D:\\tmp\\A.TXT|SUCCESS",
            "100|CreateFile|D:\\tmp\\b.txt|SUCCESS",
            "100|SetRenameInformationFile|D:\\tmp\\b.txt|SUCCESS|ReplaceIfExists: True, FileName: D:\\tmp\\a.txt",
            "100|SetRenameInformationFile|D:\\tmp\\a.txt|SUCCESS|ReplaceIfExists: False, FileName: D:\\tmp\\c.txt",
            "100|ReadFile|D:\\tmp\\a.txt|SUCCESS",
            "200|ReadFile|D:\\tmp\\a.txt|SUCCESS",
            "100|ReadFile|D:\\tmp\\c.txt|SUCCESS",
            "100|SetRenameInformationFile|D:\\tmp\\a.txt|SUCCESS|ReplaceIfExists: False, FileName: D:\\tmp\\d.txt",
            "100|ReadFile|D:\\tmp\\d.txt|SUCCESS",
            "200|ReadFile|D:\\tmp\\d.txt|SUCCESS",
            "100|CloseFile|D:\\tmp\\c.txt|SUCCESS",
            "100|CloseFile|D:\\tmp\\d.txt|SUCCESS",
            "200|CloseFile|D:\\tmp\\d.txt|SUCCESS");
    counts(s, 14, 14, 0, 0, 0);
    assertEquals(
        List.of(
            "open FO#1 D:\\tmp\\a.txt",
            "open FO#2 D:\\tmp\\A.TXT",
            "open FO#3 D:\\tmp\\b.txt",
            "send FO#3 SetRenameInformationFile",
            "rename FO#3 -> D:\\tmp\\a.txt",
            "send FO#3 SetRenameInformationFile",
            "rename FO#3 -> D:\\tmp\\c.txt",
            "send FO#1 ReadFile",
            "send FO#2 ReadFile",
            "send FO#3 ReadFile",
            "send FO#1 SetRenameInformationFile",
            "rename FO#1 -> D:\\tmp\\d.txt",
            "send FO#1 ReadFile",
            "send FO#2 ReadFile",
            "close FO#3",
            "close FO#1",
            "close FO#2"),
        target.calls.subList(1, target.calls.size() - 1));
  }

  @Test
  @DisplayName("Handles: a failed rename, or one without FileName:, moves nothing")
  void replay_failedRename_movesNothing() throws IOException {
    ReplaySummary s =
        run(
            "1|CreateFile|C:\\a|SUCCESS",
            "1|SetRenameInformationEx|C:\\a|NAME COLLISION|ReplaceIfExists: False, FileName: C:\\b",
            "1|SetRenameInformationFile|C:\\a|SUCCESS|",
            "1|SetRenameInformationFile|C:\\a|SUCCESS|FileName: D:\\other-volume",
            "1|CloseFile|C:\\a|SUCCESS");
    counts(s, 5, 5, 0, 0, 0);
    assertEquals(0, target.renames);
  }

  @Test
  @DisplayName("Which rows count: Event Class other than File System and empty Result are dropped")
  void replay_eventClassAndEmptyResult_filtered() throws IOException {
    String csv =
        "\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\",\"Event Class\"\n"
            + "\"a\",\"1\",\"CreateFile\",\"C:\\x\",\"SUCCESS\",\"\",\"File System\"\n"
            + "\"a\",\"1\",\"RegOpenKey\",\"HKLM\\x\",\"SUCCESS\",\"\",\"Registry\"\n"
            + "\"a\",\"1\",\"ReadFile\",\"C:\\x\",\"\",\"\",\"File System\"\n"
            + "\"a\",\"1\",\"Process Start\",\"\",\"SUCCESS\",\"\",\"Process\"\n";
    ReplaySummary s = new ReplayEngine().replay(Traces.source(csv), target);
    counts(s, 1, 1, 0, 0, 0);
  }

  @Test
  @DisplayName("Unknown operation names are judged like any request; unknown results fall back")
  void replay_unknownNamesAndResults_documentedFallbacks() throws IOException {
    ReplaySummary s =
        run(
            "1|CreateFile|C:\\u|SUCCESS",
            "1|<Unknown>|C:\\u|SUCCESS",
            "1|SomeFutureOperation|C:\\u|0xC0001234",
            "1|ReadFile|C:\\u|WEIRD NEW TEXT",
            "1|<Unknown>|C:\\nohandle|SUCCESS");
    counts(s, 5, 4, 1, 0, 0);
    assertEquals(3, s.unknownOperations());
    assertEquals(1, s.unrecognisedResults());
    assertEquals(2, target.sentByMajor.get("IRP_MJ_UNKNOWN"));
  }

  @Test
  @DisplayName("A malformed trace is refused before the target is called")
  void replay_malformedLate_targetNeverCalled() {
    String csv = Traces.csv("1|CreateFile|C:\\a|SUCCESS", "1|CloseFile|C:\\a|SUCCESS") + "\"x\",\"y\"\r\n";
    TraceFormatException e =
        assertThrows(
            TraceFormatException.class, () -> new ReplayEngine().replay(Traces.source(csv), target));
    assertEquals(4, e.line());
    assertEquals(List.of(), target.calls);
  }

  @Test
  @DisplayName("foldedWritten: the whole path folded one unit at a time; the file key's own string when they are equal")
  void foldedWritten_foldsTheSpellingAndSharesTheFileKey() {
    TracePath plain = java.util.Objects.requireNonNull(TracePath.parse("c:\\Dir\\a.txt"));
    assertEquals("C:\\DIR\\A.TXT", plain.foldedWritten());
    assertSame(plain.fileKey(), plain.foldedWritten(), "no second string when the spelling folds to the file key");
    assertEquals("C:\\A.TXT:ZONE.IDENTIFIER:$DATA",
        java.util.Objects.requireNonNull(TracePath.parse("c:\\a.txt:Zone.Identifier:$DATA")).foldedWritten());
    assertEquals("C:\\DIR\\", java.util.Objects.requireNonNull(TracePath.parse("c:\\dir\\")).foldedWritten(),
        "a trailing backslash is part of the spelling (the file key drops it)");
    // Per UTF-16 unit, as Character.toUpperCase(char): no length change for the sharp s.
    assertEquals("C:\\STRASSE\u00df\u00c4", java.util.Objects.requireNonNull(TracePath.parse("c:\\strasse\u00df\u00e4")).foldedWritten());
    assertEquals("C:", java.util.Objects.requireNonNull(TracePath.parse("c:")).foldedWritten());
  }
}
