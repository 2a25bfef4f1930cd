package io.fsctx.tools.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.nt.NtStatus;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Pure classification: paths, operations, result texts, Detail fields. */
class ClassificationTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      nullValues = "NULL",
      textBlock =
          """
          C:                          | VOLUME | C:                 | C:
          d:\\                        | ROOT   | D:\\               | D:\\
          C:\\Dir\\A.txt              | FILE   | C:\\DIR\\A.TXT     | C:\\DIR\\A.TXT
          C:\\dir\\                   | FILE   | C:\\DIR            | C:\\DIR
          C:\\a.txt::$DATA            | FILE   | C:\\A.TXT          | C:\\A.TXT
          C:\\a.txt:Zone.Identifier   | FILE   | C:\\A.TXT          | C:\\A.TXT:ZONE.IDENTIFIER
          C:\\a.txt:zone.identifier:$DATA | FILE | C:\\A.TXT        | C:\\A.TXT:ZONE.IDENTIFIER
          C:\\$Mft::$BITMAP           | FILE   | C:\\$MFT           | C:\\$MFT::$BITMAP
          C:\\a:s:$INDEX_ALLOCATION   | FILE   | C:\\A              | C:\\A:S:$INDEX_ALLOCATION
          """)
  void parse_driveLetterPaths_keys(String path, String kind, String fileKey, String streamKey) {
    TracePath p = TracePath.parse(path);
    assertEquals(TracePath.Kind.valueOf(kind), p.kind());
    assertEquals(fileKey, p.fileKey());
    assertEquals(streamKey, p.streamKey());
  }

  @ParameterizedTest
  @CsvSource({
    "'\\\\server\\share\\x'", "'\\Device\\HarddiskVolume1\\x'", "'\\\\.\\pipe\\p'",
    "'@{Microsoft.Windows}'", "'C:rel'", "'C:\\a:b:c:d'", "'C:\\a:b:'", "''", "'C'", "'1:\\x'"
  })
  void parse_otherPaths_unsupported(String path) {
    assertNull(TracePath.parse(path));
  }

  @Test
  @DisplayName("IrpMajor's codes are those of io.fsctx.io.IrpMajorFunction, NETWORK_QUERY_OPEN = 0xF2")
  void irpMajor_everyCode_matchesIrpMajorFunction() throws IllegalAccessException {
    int checked = 0;
    for (java.lang.reflect.Field f : IrpMajor.class.getFields()) {
      if (f.getType() != int.class || f.getName().equals("UNKNOWN")) {
        continue;
      }
      io.fsctx.io.IrpMajorFunction m = io.fsctx.io.IrpMajorFunction.valueOf(f.getName());
      assertEquals(m.code(), f.getInt(null), f.getName());
      assertEquals(m.toString(), IrpMajor.name(f.getInt(null)), f.getName());
      checked++;
    }
    assertEquals(29, checked);
    assertEquals(0xF2, IrpMajor.NETWORK_QUERY_OPEN);
  }

  @Test
  void classify_contractOperations() {
    assertEquals(TraceOperation.Kind.CREATE, TraceOperation.classify("CreateFile").kind());
    assertEquals(TraceOperation.Kind.CLOSE, TraceOperation.classify("CloseFile").kind());
    TraceOperation q = TraceOperation.classify("QueryOpen");
    assertEquals(IrpMajor.NETWORK_QUERY_OPEN, q.majorFunction());
    assertEquals(TraceOperation.Kind.UNSUPPORTED, TraceOperation.classify("FASTIO_WRITE").kind());
    assertEquals(TraceOperation.Kind.UNSUPPORTED, TraceOperation.classify("CreateFileMapping").kind());
    TraceOperation r = TraceOperation.classify("SetRenameInformationEx");
    assertEquals(IrpMajor.SET_INFORMATION, r.majorFunction());
    assertEquals(65, r.infoClass());
    assertTrue(r.isRename());
    assertEquals(10, TraceOperation.classify("SetRenameInformationFile").infoClass());
    assertEquals(13, TraceOperation.classify("SetDispositionInformationFile").infoClass());
    assertEquals(64, TraceOperation.classify("SetDispositionInformationEx").infoClass());
    assertTrue(TraceOperation.classify("SetDispositionInformationEx").isDisposition());
    assertEquals(11, TraceOperation.classify("SetLinkInformationFile").infoClass());
    assertEquals(20, TraceOperation.classify("SetEndOfFileInformationFile").infoClass());
    assertEquals(4, TraceOperation.classify("QueryBasicInformationFile").infoClass());
    assertEquals(5, TraceOperation.classify("QueryStandardInformationFile").infoClass());
    assertEquals(IrpMajor.READ, TraceOperation.classify("ReadFile").majorFunction());
    assertEquals(IrpMajor.WRITE, TraceOperation.classify("WriteFile").majorFunction());
    assertEquals(IrpMajor.LOCK_CONTROL, TraceOperation.classify("UnlockFileSingle").majorFunction());
    assertEquals(IrpMajor.DIRECTORY_CONTROL, TraceOperation.classify("NotifyChangeDirectory").majorFunction());
    assertEquals(IrpMajor.QUERY_VOLUME_INFORMATION, TraceOperation.classify("QueryInformationVolume").majorFunction());
    assertEquals(IrpMajor.QUERY_SECURITY, TraceOperation.classify("QuerySecurityFile").majorFunction());
    assertEquals(IrpMajor.UNKNOWN, TraceOperation.classify("<Unknown>").majorFunction());
    assertEquals(TraceOperation.Kind.SEND, TraceOperation.classify("<Unknown>").kind());
    assertEquals("IRP_MJ_NETWORK_QUERY_OPEN", IrpMajor.name(0xF2));
    assertEquals("IRP_MJ_CLEANUP", IrpMajor.name(0x12));
  }

  @ParameterizedTest
  @CsvSource({
    "SUCCESS, 0x00000000", "REPARSE, 0x00000104", "NAME NOT FOUND, 0xC0000034",
    "PATH NOT FOUND, 0xC000003A", "NAME COLLISION, 0xC0000035", "IS DIRECTORY, 0xC00000BA",
    "NAME INVALID, 0xC0000033", "ACCESS DENIED, 0xC0000022", "SHARING VIOLATION, 0xC0000043",
    "END OF FILE, 0xC0000011", "BUFFER OVERFLOW, 0x80000005", "BUFFER TOO SMALL, 0xC0000023",
    "NO MORE FILES, 0x80000006", "NO MORE ENTRIES, 0x8000001A", "INVALID PARAMETER, 0xC000000D",
    "INVALID DEVICE REQUEST, 0xC0000010", "NOT REPARSE POINT, 0xC0000275",
    "FILE LOCKED WITH ONLY READERS, 0x0000012A", "FILE LOCKED WITH WRITERS, 0x0000012B",
    "OPLOCK NOT GRANTED, 0xC00000E2", "OPLOCK HANDLE CLOSED, 0x00000216",
    "NOTIFY ENUM DIR, 0x0000010C", "NOT A DIRECTORY, 0xC0000103", "DELETE PENDING, 0xC0000056",
    "CANCELLED, 0xC0000120", "FILE IS A DIRECTORY, 0xC00000BA", "NO SUCH FILE, 0xC000000F",
    "OBJECT PATH INVALID, 0xC0000039", "INVALID HANDLE, 0xC0000008", "0xc0001234, 0xC0001234",
    "DISK FULL, 0xC000007F", "gibberish words, 0xC0000001", "0xZZ, 0xC0000001"
  })
  void resultStatus_texts_mapToCodes(String text, String hex) {
    assertEquals(NtStatus.of(Integer.parseUnsignedInt(hex.substring(2), 16)), ResultStatus.of(text));
  }

  @Test
  void detail_deleteAndRenameFields() {
    assertTrue(ReplayEngine.requestsDelete("Delete: True"));
    assertFalse(ReplayEngine.requestsDelete("Delete: False"));
    assertFalse(ReplayEngine.requestsDelete("NoDelete: True"));
    assertTrue(ReplayEngine.requestsDelete("Flags: FILE_DISPOSITION_DELETE"));
    assertFalse(ReplayEngine.requestsDelete("Flags: FILE_DISPOSITION_DO_NOT_DELETE"));
    assertTrue(ReplayEngine.requestsDelete("FILE_DISPOSITION_DELETE"));
    assertTrue(ReplayEngine.requestsDelete("Flags: file_disposition_delete|FILE_DISPOSITION_POSIX_SEMANTICS"));
    assertTrue(ReplayEngine.requestsDelete("Flags:\tFILE_DISPOSITION_POSIX_SEMANTICS,FILE_DISPOSITION_DELETE"));
    assertFalse(ReplayEngine.requestsDelete("Flags: FILE_DISPOSITION_DELETEX, XFILE_DISPOSITION_DELETE"));
    assertFalse(ReplayEngine.requestsDelete("Flags: FILE_DISPOSITION_DELETE_ON_CLOSE"));
    assertTrue(ReplayEngine.requestsDelete("Flags: FILE_DISPOSITION_DELETE_X FILE_DISPOSITION_DELETE"));
    assertEquals(
        "C:\\x, y.txt",
        ReplayEngine.renameTarget("ReplaceIfExists: True, FileName: C:\\x, y.txt"));
    assertEquals(
        "C:\\n.txt",
        ReplayEngine.renameTarget("ReplaceIfExists: True, FileName: C:\\n.txt, Flags: FILE_RENAME_POSIX_SEMANTICS"));
    assertNull(ReplayEngine.renameTarget("ReplaceIfExists: True"));
  }

  @ParameterizedTest(name = "fold({0})")
  @CsvSource(delimiter = '|', textBlock = """
      C:\\Windows\\System32\\ntdll.dll
      ALREADY\\UPPER.TXT
      ''
      mixed-Case_09 ~!@#$%^&*()`{}[];,.
      stra\u00dfe\\\u00ff\u00b5\u00e9.txt
      \u0131\u0130\u03c3\u03c2\ud83d\ude00z
      """)
  @DisplayName("Case folding: one UTF-16 unit at a time, ASCII fast path included, never changing the length")
  void fold_unitByUnit(String s) {
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      expected.append(Character.toUpperCase(s.charAt(i)));
    }
    assertEquals(expected.toString(), TracePath.fold(s));
    assertEquals(s.length(), TracePath.fold(s).length());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(textBlock = """
      C:\\
      c:\\pagefile.sys
      D:\\SwapFile.Sys
      C:\\x\\pagefile.sys
      C:\\Dir\\Sub\\a.TXT
      e:\\stra\u00dfe\\\u00ff.txt
      """)
  @DisplayName("A plain path (no stream, no trailing separator) gets the keys the general parse gives it")
  void parse_plainPath_sameAsGeneralParse(String path) {
    TracePath plain = TracePath.parse(path);
    // "::$DATA" names the same file and stream, and takes the general route through parse.
    TracePath general = TracePath.parse(path + "::$DATA");
    assertEquals(general.kind(), plain.kind());
    assertEquals(general.volume(), plain.volume());
    assertEquals(general.name(), plain.name());
    assertEquals(general.fileKey(), plain.fileKey());
    assertEquals(general.streamKey(), plain.streamKey());
    assertEquals(general.pagingFile(), plain.pagingFile());
    assertEquals("", plain.streamName());
    assertEquals("", plain.streamType());
    assertEquals(TracePath.fold(path), plain.foldedWritten());
    assertTrue(plain.isDefaultStream());
  }
}
