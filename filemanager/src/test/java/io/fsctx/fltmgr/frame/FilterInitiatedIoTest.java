package io.fsctx.fltmgr.frame;

import static io.fsctx.fltmgr.frame.Rig.HIGH;
import static io.fsctx.fltmgr.frame.Rig.LOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.fltmgr.Flt;
import io.fsctx.fltmgr.FltFileHandle;
import io.fsctx.fltmgr.FltInstance;
import io.fsctx.fltmgr.FltPreopCallbackStatus;
import io.fsctx.fltmgr.ObjectAttributes;
import io.fsctx.io.CreateParameters;
import io.fsctx.io.CreateResult;
import io.fsctx.io.FileInformation;
import io.fsctx.io.FileInformationClass;
import io.fsctx.io.FileObject;
import io.fsctx.io.FileObjectIdBuffer;
import io.fsctx.io.FsControlCodes;
import io.fsctx.io.FsInformation;
import io.fsctx.io.FsInformationClass;
import io.fsctx.io.IoConstants;
import io.fsctx.io.IoStatus;
import io.fsctx.io.IrpMajorFunction;
import io.fsctx.modelfs.NtfsLikeFileSystem;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Filter-initiated I/O and Windows' routing (issue 12): a request issued through an instance
 * reaches only the instances below it and the file system; the issuer and every instance above it
 * never see it, nor, for a file opened through an instance, any later request on that file object,
 * cleanup and close included.
 */
class FilterInitiatedIoTest {
  private final Rig rig = Rig.on(new NtfsLikeFileSystem());

  @AfterEach
  void nothingLeft() {
    rig.assertNoLiveContexts();
  }

  private FltInstance low() {
    return rig.lowInstance();
  }

  private FltInstance high() {
    return rig.highInstance();
  }

  private List<String> linesOf(String altitude) {
    return rig.journal.lines().stream().filter(l -> l.startsWith(altitude + " ")).toList();
  }

  private static Predicate<String> any(String... callbacks) {
    return l -> {
      for (String c : callbacks) {
        if (l.endsWith(" " + c)) {
          return true;
        }
      }
      return false;
    };
  }

  @Test
  @DisplayName("FltReadFile, FltWriteFile: only the instances below the issuer see the request")
  void readWrite_fromTheLowInstance_neitherItNorTheHighOneSeesThem() {
    FileObject fo = rig.open("\\a.txt");
    rig.journal.clear();
    IoStatus w = low().writeFile(fo, 0, 4096, 0);
    assertEquals(NtStatus.STATUS_SUCCESS, w.status());
    assertEquals(4096, w.information());
    Out<Long> read = new Out<>();
    assertEquals(NtStatus.STATUS_SUCCESS, Flt.readFile(low(), fo, 0L, 512, null, Flt.FLTFL_IO_OPERATION_NON_CACHED, read));
    assertEquals(512L, read.get());
    assertEquals(List.of(), rig.journal.lines(fo), "nothing at or above 320000 saw the low instance's I/O");
    assertEquals(NtStatus.STATUS_SUCCESS, high().readFile(fo, 0, 10, 0).status());
    assertEquals(List.of(LOW + " PreRead", LOW + " PostRead"), rig.journal.lines(fo),
        "the high instance's read reaches the low one");
    rig.io.closeHandle(fo);
  }

  @Test
  @DisplayName("FltCreateFile with an instance: create, I/O, cleanup and close of that file object start below it")
  void createFile_throughTheHighInstance_onlyTheLowOneSeesTheFileObjectsLife() {
    FltInstance high = high();
    FltInstance.CreateFileResult r = high.createFile(ObjectAttributes.of("\\Device\\HarddiskVolume1\\made.txt"),
        CreateParameters.create(), null);
    assertEquals(NtStatus.STATUS_SUCCESS, r.status());
    assertEquals(IoConstants.FILE_CREATED, r.ioStatus().information());
    FltFileHandle h = r.openedHandle();
    FileObject fo = h.fileObject();
    rig.io.write(fo, 0, 10); // an ordinary request on the file object, from outside the filters
    assertEquals(NtStatus.STATUS_SUCCESS, Flt.close(h));
    assertEquals(NtStatus.STATUS_INVALID_HANDLE, Flt.close(h), "a second FltClose");
    assertEquals(NtStatus.STATUS_INVALID_HANDLE, Flt.close(null));
    assertEquals(List.of(), linesOf(HIGH).stream().filter(l -> true).filter(any("PreCreate", "PreWrite", "PreCleanup", "PreClose"))
        .toList(), "the issuer never sees the file object");
    assertEquals(
        List.of(LOW + " PreCreate", LOW + " PostCreate", LOW + " PreWrite", LOW + " PostWrite", LOW + " PreCleanup",
            LOW + " PostCleanup", LOW + " PreClose", LOW + " PostClose"),
        rig.journal.lines(fo));
    assertTrue(rig.fs.exists("\\made.txt"));
  }

  @Test
  @DisplayName("FltCreateFile without an instance goes to the top of the stack")
  void createFile_withoutAnInstance_everyInstanceSeesIt() {
    Out<FltFileHandle> h = new Out<>();
    Out<IoStatus> iosb = new Out<>();
    assertEquals(NtStatus.STATUS_SUCCESS, Flt.createFile(rig.high.filter(), null, h, IoConstants.GENERIC_READ,
        ObjectAttributes.of("\\??\\C:\\top.txt"), iosb, 0, 0, IoConstants.FILE_SHARE_ALL, IoConstants.FILE_OPEN_IF, 0,
        null, 0, 0));
    FileObject fo = Objects.requireNonNull(h.get()).fileObject();
    Flt.close(h.get());
    assertEquals(List.of(HIGH + " PreCreate", LOW + " PreCreate", LOW + " PostCreate", HIGH + " PostCreate",
        HIGH + " PreCleanup", LOW + " PreCleanup", LOW + " PostCleanup", HIGH + " PostCleanup",
        HIGH + " PreClose", LOW + " PreClose", LOW + " PostClose", HIGH + " PostClose"), rig.journal.lines(fo));
  }

  @Test
  @DisplayName("FltCreateFileEx returns the file object referenced: the close waits for the dereference")
  void createFileEx_fileObjectReferenced_closeAtTheDereference() {
    Out<FltFileHandle> h = new Out<>();
    Out<FileObject> fo = new Out<>();
    Out<IoStatus> iosb = new Out<>();
    assertEquals(NtStatus.STATUS_SUCCESS, Flt.createFileEx(rig.low.filter(), low(), h, fo, IoConstants.GENERIC_READ,
        ObjectAttributes.of("\\Device\\HarddiskVolume1\\ex.txt"), iosb, 0, 0, IoConstants.FILE_SHARE_ALL,
        IoConstants.FILE_OPEN_IF, 0, null, 0, 0));
    FileObject f = Objects.requireNonNull(fo.get());
    assertSame(Objects.requireNonNull(h.get()).fileObject(), f);
    assertEquals(2, f.pointerCount());
    Flt.close(h.get());
    assertFalse(f.isDeleted(), "the caller's reference keeps it");
    rig.io.dereferenceObject(f);
    assertTrue(f.isDeleted());
  }

  @Test
  @DisplayName("FltCreateFile: statuses for names, instances and handles the documentation implies")
  void createFile_badParameters_statuses() {
    FltInstance low = low();
    CreateParameters p = CreateParameters.openIf();
    assertEquals(NtStatus.STATUS_OBJECT_PATH_SYNTAX_BAD, low.createFile(ObjectAttributes.of(""), p, null).status());
    assertEquals(NtStatus.STATUS_OBJECT_PATH_SYNTAX_BAD, low.createFile(ObjectAttributes.of("relative.txt"), p, null).status());
    assertEquals(NtStatus.STATUS_OBJECT_PATH_NOT_FOUND,
        low.createFile(ObjectAttributes.of("\\Device\\HarddiskVolume7\\x"), p, null).status());
    assertEquals(NtStatus.STATUS_OBJECT_PATH_NOT_FOUND, low.createFile(ObjectAttributes.of("\\??\\Q:\\x"), p, null).status());
    assertEquals(NtStatus.STATUS_INVALID_PARAMETER, low.createFile(ObjectAttributes.of("\\??\\C:\\x"),
        p.withOptions(IoConstants.FILE_OPEN_BY_FILE_ID), null).status(), "an open by ID needs a handle on the volume");
    Out<FltFileHandle> h = new Out<>();
    Out<IoStatus> iosb = new Out<>();
    assertEquals(NtStatus.STATUS_INVALID_PARAMETER, Flt.createFile(rig.high.filter(), low, h, 0,
        ObjectAttributes.of("\\??\\C:\\x"), iosb, 0, 0, 0, IoConstants.FILE_OPEN_IF, 0, null, 0, 0),
        "another filter's instance");
    assertNull(h.get());
    FltFileHandle dir = low.createFile(ObjectAttributes.of("\\??\\C:\\dir"),
        CreateParameters.openIf().withOptions(IoConstants.FILE_DIRECTORY_FILE), null).openedHandle();
    assertEquals(NtStatus.STATUS_OBJECT_NAME_INVALID, low.createFile(ObjectAttributes.relative(dir, "\\abs"), p, null).status());
    FltFileHandle child = low.createFile(ObjectAttributes.relative(dir, "child.txt"), p, null).openedHandle();
    assertEquals("\\dir\\child.txt", rig.fs.queryFileNames(child.fileObject()).normalizedName());
    dir.close();
    assertEquals(NtStatus.STATUS_INVALID_HANDLE, low.createFile(ObjectAttributes.relative(dir, "c2"), p, null).status());
    child.close();
  }

  @Test
  @DisplayName("FltCreateFileEx2 with FILE_OPEN_BY_FILE_ID opens the file the ID names")
  void createFileEx2_openByFileId_sameFile() {
    FltInstance low = low();
    FltFileHandle first = low.createFile(ObjectAttributes.of("\\??\\C:\\id.txt"), CreateParameters.openIf(), null).openedHandle();
    long id = low.queryInformationFile(first.fileObject(), FileInformationClass.FILE_INTERNAL_INFORMATION, 8)
        .output(FileInformation.Internal.class).indexNumber();
    Out<FltFileHandle> h = new Out<>();
    Out<IoStatus> iosb = new Out<>();
    assertEquals(NtStatus.STATUS_SUCCESS, Flt.createFileEx2(rig.low.filter(), low, h, null, IoConstants.GENERIC_READ,
        ObjectAttributes.byFileId(first, id), iosb, 0, 0, IoConstants.FILE_SHARE_ALL, IoConstants.FILE_OPEN,
        IoConstants.FILE_OPEN_BY_FILE_ID, null, 0, 0, null));
    FltFileHandle byId = Objects.requireNonNull(h.get());
    assertSame(first.fileObject().fsContext(), byId.fileObject().fsContext(), "the same stream");
    byId.close();
    first.close();
  }

  @Test
  @DisplayName("FltQueryInformationFile, FltSetInformationFile, FltFsControlFile, volume queries: below the issuer, with real output")
  void queriesSetsAndControls_belowTheIssuer_withOutput() {
    FileObject fo = rig.open("\\q.txt");
    rig.io.write(fo, 0, 100);
    rig.journal.clear();
    FltInstance low = low();
    Out<FileInformation> info = new Out<>();
    Out<Long> returned = new Out<>();
    assertEquals(NtStatus.STATUS_SUCCESS, Flt.queryInformationFile(low, fo, info, 24,
        FileInformationClass.FILE_STANDARD_INFORMATION, returned));
    assertEquals(100, ((FileInformation.Standard) Objects.requireNonNull(info.get())).endOfFile());
    assertEquals(24L, returned.get());
    assertEquals(NtStatus.STATUS_INFO_LENGTH_MISMATCH, Flt.setInformationFile(low, fo, new FileInformation.EndOfFile(5), 4,
        FileInformationClass.FILE_END_OF_FILE_INFORMATION));
    assertEquals(NtStatus.STATUS_SUCCESS, Flt.setInformationFile(low, fo, new FileInformation.EndOfFile(5), 8,
        FileInformationClass.FILE_END_OF_FILE_INFORMATION));
    Out<Object> out = new Out<>();
    assertEquals(NtStatus.STATUS_SUCCESS, Flt.fsControlFile(low, fo, FsControlCodes.FSCTL_CREATE_OR_GET_OBJECT_ID, null, 0,
        out, 64, returned));
    assertTrue(out.get() instanceof FileObjectIdBuffer);
    Out<FsInformation> fs = new Out<>();
    assertEquals(NtStatus.STATUS_SUCCESS, Flt.queryVolumeInformationFile(low, fo, fs, 100,
        FsInformationClass.FILE_FS_ATTRIBUTE_INFORMATION, null));
    assertEquals("NTFS", ((FsInformation.Attribute) Objects.requireNonNull(fs.get())).fileSystemName());
    Out<IoStatus> iosb = new Out<>();
    assertEquals(NtStatus.STATUS_SUCCESS, Flt.queryVolumeInformation(high(), iosb, fs, 24,
        FsInformationClass.FILE_FS_SIZE_INFORMATION));
    assertEquals(512, ((FsInformation.Size) Objects.requireNonNull(fs.get())).bytesPerSector());
    assertEquals(NtStatus.STATUS_INVALID_INFO_CLASS, Flt.queryVolumeInformation(low, iosb, fs, 100, FsInformationClass.OTHER));
    assertEquals(List.of(), rig.journal.lines(fo), "the low instance's requests reached only the file system");
    assertTrue(rig.journal.lines().stream().noneMatch(l -> l.startsWith(HIGH)),
        "the high instance's volume query started below it: " + rig.journal.lines());
    assertTrue(rig.journal.lines().contains(LOW + " PreQueryVolumeInformation"));
    rig.io.closeHandle(fo);
  }

  @Test
  @DisplayName("FltCancelFileOpen: below the canceller the file is opened and closed; above it, and for the caller, the create failed")
  void cancelFileOpen_inLowPostCreate_highSeesFailureCallerGetsNothingFileSystemClosesIt() {
    rig.low.onPost(IrpMajorFunction.CREATE, (data, objs, cc, flags) -> {
      if (data.ioStatus().isSuccess()) {
        Flt.cancelFileOpen(Objects.requireNonNull(objs.instance()), Objects.requireNonNull(objs.fileObject()));
        data.setIoStatus(NtStatus.STATUS_ACCESS_DENIED, 0);
      }
    });
    long ccbsBefore = rig.io.pool().outstanding().stream().filter(b -> b.what().equals("CCB")).count();
    CreateResult r = rig.io.createFile(rig.volume, "\\refused.txt", CreateParameters.openIf());
    assertEquals(NtStatus.STATUS_ACCESS_DENIED, r.status());
    assertFalse(r.isOpened());
    List<Journal.Call> highPost = rig.journal.calls("PostCreate").stream().filter(c -> c.altitude().equals(HIGH)).toList();
    assertEquals(NtStatus.STATUS_ACCESS_DENIED, highPost.get(0).status(), "above the canceller the create failed");
    assertEquals(ccbsBefore, rig.io.pool().outstanding().stream().filter(b -> b.what().equals("CCB")).count(),
        "the file system got its cleanup and close");
    assertTrue(rig.fs.exists("\\refused.txt"), "cancelling does not undo the create's changes");
    assertEquals(List.of(), rig.journal.calls("PreCleanup"), "the cancel's cleanup and close started below the low instance");
  }

  @Test
  @DisplayName("FltCancelFileOpen outside a post-create callback is a caller's mistake")
  void cancelFileOpen_outsidePostCreate_preconditionFailure() {
    FileObject fo = rig.open("\\x.txt");
    assertThrows(IllegalStateException.class, () -> Flt.cancelFileOpen(low(), fo));
    rig.io.closeHandle(fo);
  }

  @Test
  @DisplayName("a filter's own request from inside its pre-operation callback does not come back to it")
  void issueFromACallback_doesNotRecurseIntoTheIssuer() {
    rig.high.onPre(IrpMajorFunction.WRITE, (data, objs, cc) -> {
      FltInstance me = Objects.requireNonNull(objs.instance());
      me.queryInformationFile(Objects.requireNonNull(objs.fileObject()), FileInformationClass.FILE_BASIC_INFORMATION, 40);
      return FltPreopCallbackStatus.SUCCESS_NO_CALLBACK;
    });
    FileObject fo = rig.open("\\r.txt");
    rig.journal.clear();
    rig.io.write(fo, 0, 1);
    // The journal writes a pre-operation line when the callback returns, so the query it issued comes first.
    assertEquals(List.of(LOW + " PreQueryInformation", LOW + " PostQueryInformation", HIGH + " PreWrite",
        LOW + " PreWrite", LOW + " PostWrite"), rig.journal.lines(fo));
    rig.io.closeHandle(fo);
  }
}
