package io.fsctx.fltmgr.frame;

import static io.fsctx.fltmgr.frame.Rig.HIGH;
import static io.fsctx.fltmgr.frame.Rig.LOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.fltmgr.Flt;
import io.fsctx.fltmgr.FltInstance;
import io.fsctx.fltmgr.ObjectAttributes;
import io.fsctx.io.CreateParameters;
import io.fsctx.io.FileInformation;
import io.fsctx.io.FileInformationClass;
import io.fsctx.io.FileObject;
import io.fsctx.io.FsControlCodes;
import io.fsctx.io.FsInformation;
import io.fsctx.io.FsInformationClass;
import io.fsctx.io.IoConstants;
import io.fsctx.io.IoStatus;
import io.fsctx.io.Volume;
import io.fsctx.modelfs.NtfsLikeFileSystem;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The other half of the routing rule for filter-initiated I/O (issue 12): a request issued through
 * the high instance reaches the low one below it and never the issuer; and the documented statuses
 * each routine returns for bad parameters, through the {@code Flt} facade.
 */
class FilterInitiatedIoStatusTest {
  private final Rig rig = Rig.on(new NtfsLikeFileSystem());

  @AfterEach
  void nothingLeft() {
    rig.assertNoLiveContexts();
  }

  /** Issues one routine through {@code issuer} on {@code fo}; named after the routine. */
  private void issue(String routine, FltInstance issuer, FileObject fo) {
    Out<FileInformation> info = new Out<>();
    Out<FsInformation> fs = new Out<>();
    Out<Object> out = new Out<>();
    NtStatus st = switch (routine) {
      case "FltReadFile" -> Flt.readFile(issuer, fo, 0L, 1, null, 0, null);
      case "FltWriteFile" -> Flt.writeFile(issuer, fo, 0L, 10, null, 0, null);
      case "FltQueryInformationFile" ->
          Flt.queryInformationFile(issuer, fo, info, 24, FileInformationClass.FILE_STANDARD_INFORMATION, null);
      case "FltSetInformationFile" ->
          Flt.setInformationFile(issuer, fo, new FileInformation.EndOfFile(3), 8, FileInformationClass.FILE_END_OF_FILE_INFORMATION);
      case "FltQueryVolumeInformationFile" ->
          Flt.queryVolumeInformationFile(issuer, fo, fs, 24, FsInformationClass.FILE_FS_SIZE_INFORMATION, null);
      case "FltFsControlFile" ->
          Flt.fsControlFile(issuer, fo, FsControlCodes.FSCTL_CREATE_OR_GET_OBJECT_ID, null, 0, out, 64, null);
      default -> throw new IllegalArgumentException(routine);
    };
    assertEquals(NtStatus.STATUS_SUCCESS, st, routine);
  }

  @ParameterizedTest(name = "{0} through the high instance: the low one sees it, the issuer does not")
  @ValueSource(strings = {"FltReadFile", "FltWriteFile", "FltQueryInformationFile", "FltSetInformationFile",
      "FltQueryVolumeInformationFile", "FltFsControlFile"})
  void request_issuedThroughTheHighInstance_onlyTheLowOneSeesIt(String routine) {
    FileObject fo = rig.open("\\routed.txt");
    rig.io.write(fo, 0, 100);
    rig.journal.clear();
    issue(routine, rig.highInstance(), fo);
    List<String> lines = rig.journal.lines(fo);
    assertEquals(2, lines.size(), "one pre and one post operation below the issuer: " + lines);
    assertTrue(lines.stream().allMatch(l -> l.startsWith(LOW + " ")), "only the instance below: " + lines);
    rig.journal.clear();
    issue(routine, rig.lowInstance(), fo);
    assertEquals(List.of(), rig.journal.lines(fo), "issued by the lowest instance: no filter at or above it sees it");
    rig.io.closeHandle(fo);
  }

  @Test
  @DisplayName("FltQueryVolumeInformation through the high instance: the low one sees the volume open, query and close")
  void queryVolumeInformation_throughTheHighInstance_onlyTheLowOneSeesIt() {
    rig.journal.clear();
    Out<IoStatus> iosb = new Out<>();
    Out<FsInformation> fs = new Out<>();
    assertEquals(NtStatus.STATUS_SUCCESS,
        Flt.queryVolumeInformation(rig.highInstance(), iosb, fs, 24, FsInformationClass.FILE_FS_SIZE_INFORMATION));
    List<String> lines = rig.journal.lines();
    assertTrue(lines.contains(LOW + " PreCreate") && lines.contains(LOW + " PreQueryVolumeInformation")
        && lines.contains(LOW + " PreClose"), lines.toString());
    assertTrue(lines.stream().noneMatch(l -> l.startsWith(HIGH + " ")), lines.toString());
  }

  @Test
  @DisplayName("FltCreateFile and FltQueryVolumeInformation through a detached instance: STATUS_FLT_DELETING_OBJECT, nothing sent")
  void createAndVolumeQuery_throughADetachedInstance_deletingObject() {
    FltInstance gone = rig.lowInstance();
    assertEquals(NtStatus.STATUS_SUCCESS, Flt.detachVolume(rig.low.filter(), rig.fltVolume, null));
    rig.journal.clear();
    assertEquals(NtStatus.STATUS_FLT_DELETING_OBJECT,
        gone.createFile(ObjectAttributes.of("\\??\\C:\\late.txt"), CreateParameters.openIf(), null).status());
    Out<IoStatus> iosb = new Out<>();
    Out<FsInformation> fs = new Out<>();
    assertEquals(NtStatus.STATUS_FLT_DELETING_OBJECT,
        Flt.queryVolumeInformation(gone, iosb, fs, 24, FsInformationClass.FILE_FS_SIZE_INFORMATION));
    assertEquals(List.of(), rig.journal.lines(), "nothing reached the stack");
    assertFalse(rig.fs.exists("\\late.txt"));
  }

  @Test
  @DisplayName("FltReadFile: STATUS_END_OF_FILE from the end of file on, nothing read; a directory's data is INVALID_DEVICE_REQUEST")
  void readFile_pastTheEndAndOnADirectory_statuses() {
    FileObject fo = rig.open("\\short.txt");
    rig.io.write(fo, 0, 10);
    Out<Long> read = new Out<>();
    assertEquals(NtStatus.STATUS_END_OF_FILE, Flt.readFile(rig.lowInstance(), fo, 10L, 5, null, 0, read));
    assertEquals(0L, read.get());
    assertEquals(NtStatus.STATUS_SUCCESS, Flt.readFile(rig.lowInstance(), fo, 8L, 5, null, 0, read));
    assertEquals(2L, read.get(), "a read across the end returns what is there");
    FileObject dir = rig.open("\\dir", CreateParameters.openIf().withOptions(IoConstants.FILE_DIRECTORY_FILE));
    assertEquals(NtStatus.STATUS_INVALID_DEVICE_REQUEST, Flt.readFile(rig.lowInstance(), dir, 0L, 5, null, 0, read));
    rig.io.closeHandle(dir);
    rig.io.closeHandle(fo);
  }

  @Test
  @DisplayName("FltQueryInformationFile: a buffer shorter than the structure is INFO_LENGTH_MISMATCH; a file deleted at its last cleanup is FILE_DELETED")
  void queryInformationFile_shortBufferAndDeletedFile_statuses() {
    FileObject a = rig.open("\\doomed.txt",
        CreateParameters.openIf().withDesiredAccess(IoConstants.GENERIC_READ | IoConstants.DELETE));
    FileObject kept = rig.open("\\doomed.txt");
    rig.io.referenceObject(kept); // the filter keeps the file object after its handle is closed
    Out<FileInformation> info = new Out<>();
    Out<Long> returned = new Out<>();
    assertEquals(NtStatus.STATUS_INFO_LENGTH_MISMATCH, Flt.queryInformationFile(rig.lowInstance(), kept, info, 23,
        FileInformationClass.FILE_STANDARD_INFORMATION, returned));
    assertNull(info.get());
    assertEquals(0L, returned.get());
    assertEquals(NtStatus.STATUS_SUCCESS,
        Flt.setInformationFile(rig.lowInstance(), a, new FileInformation.Disposition(true), 1, FileInformationClass.FILE_DISPOSITION_INFORMATION));
    rig.io.closeHandle(a);
    rig.io.closeHandle(kept);
    assertEquals(NtStatus.STATUS_FILE_DELETED, Flt.queryInformationFile(rig.lowInstance(), kept, info, 24,
        FileInformationClass.FILE_STANDARD_INFORMATION, returned));
    assertEquals(NtStatus.STATUS_FILE_DELETED, Flt.setInformationFile(rig.lowInstance(), kept, new FileInformation.EndOfFile(1), 8,
        FileInformationClass.FILE_END_OF_FILE_INFORMATION));
    rig.io.dereferenceObject(kept);
  }

  @Test
  @DisplayName("FltQueryVolumeInformation(File): a short buffer is INFO_LENGTH_MISMATCH, a class the models do not answer INVALID_INFO_CLASS")
  void queryVolumeInformation_shortBufferAndUnknownClass_statuses() {
    FileObject fo = rig.open("\\v.txt");
    Out<FsInformation> fs = new Out<>();
    assertEquals(NtStatus.STATUS_INFO_LENGTH_MISMATCH, Flt.queryVolumeInformationFile(rig.lowInstance(), fo, fs,
        FsInformationClass.FILE_FS_SIZE_INFORMATION.size() - 1, FsInformationClass.FILE_FS_SIZE_INFORMATION, null));
    assertNull(fs.get());
    assertEquals(NtStatus.STATUS_INVALID_INFO_CLASS,
        Flt.queryVolumeInformationFile(rig.lowInstance(), fo, fs, 100, FsInformationClass.OTHER, null));
    Out<IoStatus> iosb = new Out<>();
    assertEquals(NtStatus.STATUS_INFO_LENGTH_MISMATCH, Flt.queryVolumeInformation(rig.lowInstance(), iosb, fs, 1,
        FsInformationClass.FILE_FS_SIZE_INFORMATION));
    assertEquals(NtStatus.STATUS_INFO_LENGTH_MISMATCH, iosb.get().status());
    rig.io.closeHandle(fo);
  }

  @Test
  @DisplayName("FltFsControlFile: GET_OBJECT_ID without one is OBJECTID_NOT_FOUND, a short output buffer INVALID_PARAMETER, an unknown code INVALID_DEVICE_REQUEST")
  void fsControlFile_objectIdControls_statuses() {
    FileObject fo = rig.open("\\o.txt");
    Out<Object> out = new Out<>();
    Out<Long> returned = new Out<>();
    assertEquals(NtStatus.STATUS_OBJECTID_NOT_FOUND,
        Flt.fsControlFile(rig.lowInstance(), fo, FsControlCodes.FSCTL_GET_OBJECT_ID, null, 0, out, 64, returned));
    assertEquals(NtStatus.STATUS_INVALID_PARAMETER,
        Flt.fsControlFile(rig.lowInstance(), fo, FsControlCodes.FSCTL_CREATE_OR_GET_OBJECT_ID, null, 0, out, 63, returned));
    assertEquals(NtStatus.STATUS_SUCCESS,
        Flt.fsControlFile(rig.lowInstance(), fo, FsControlCodes.FSCTL_CREATE_OR_GET_OBJECT_ID, null, 0, out, 64, returned));
    Object created = out.get();
    assertEquals(NtStatus.STATUS_SUCCESS,
        Flt.fsControlFile(rig.lowInstance(), fo, FsControlCodes.FSCTL_GET_OBJECT_ID, null, 0, out, 64, returned));
    assertEquals(created, out.get(), "GET returns the ID CREATE_OR_GET made");
    assertEquals(NtStatus.STATUS_INVALID_DEVICE_REQUEST,
        Flt.fsControlFile(rig.lowInstance(), fo, 0x00090003, null, 0, out, 64, returned));
    rig.io.closeHandle(fo);
  }

  @Test
  @DisplayName("A file object of another volume, or one already deleted, is a caller's mistake naming the file object")
  void requests_fileObjectOfAnotherVolumeOrDeleted_preconditionFailure() {
    Volume other = rig.io.mount("\\Device\\HarddiskVolume9", null, new NtfsLikeFileSystem());
    FileObject foreign = rig.io.createFile(other, "\\f.txt", CreateParameters.openIf()).openedFileObject();
    List<Consumer<FileObject>> routines = List.of(
        fo -> Flt.readFile(rig.lowInstance(), fo, 0L, 1, null, 0, null),
        fo -> Flt.writeFile(rig.lowInstance(), fo, 0L, 1, null, 0, null),
        fo -> Flt.queryInformationFile(rig.lowInstance(), fo, new Out<>(), 24, FileInformationClass.FILE_STANDARD_INFORMATION, null),
        fo -> Flt.fsControlFile(rig.lowInstance(), fo, FsControlCodes.FSCTL_GET_OBJECT_ID, null, 0, null, 64, null));
    for (Consumer<FileObject> r : routines) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.accept(foreign));
      assertTrue(e.getMessage().contains("fileObject"), e.getMessage());
    }
    rig.io.closeHandle(foreign);
    assertThrows(IllegalArgumentException.class, () -> Flt.readFile(rig.lowInstance(), foreign, 0L, 1, null, 0, null),
        "closed and deleted");
  }
}
