package io.fsctx.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.nt.NtStatus;
import io.fsctx.tm.KTransaction;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the I/O manager adds for filters that look at opens: transacted creates (the file object
 * carries and references the transaction), the access an open was granted, data returned in the
 * caller's buffer, the storage a volume is mounted on, and open-by-ID names.
 */
class IoManagerTransactionTest {
  private final IoManager io = new IoManager();
  private final Volume volume = io.mount("\\Device\\HarddiskVolume1", 'C', new TestFileSystem());

  @Test
  void createFileEx_transacted_fileObjectCarriesItsTransactionAndHoldsAReferenceUntilDeleted() {
    KTransaction tx = io.transactionManager().createTransaction();
    CreateResult r = io.createFileEx(volume, "\\a.txt", CreateParameters.openIf(), IoDriverCreateContext.transacted(tx));
    FileObject fo = r.openedFileObject();
    assertSame(tx, fo.transaction());
    assertEquals(2, tx.referenceCount(), "the creator's handle and the file object's reference");
    io.closeHandle(fo);
    assertEquals(1, tx.referenceCount(), "the deleted file object gave its reference back");
    tx.dereference();
    assertEquals(List.of(), io.transactionManager().liveTransactions());
  }

  @Test
  void createFileEx_failed_dropsTheReferenceItTook() {
    KTransaction tx = io.transactionManager().createTransaction();
    CreateResult r = io.createFileEx(volume, "\\missing", CreateParameters.open(), IoDriverCreateContext.transacted(tx));
    assertEquals(NtStatus.STATUS_OBJECT_NAME_NOT_FOUND, r.status());
    assertEquals(1, tx.referenceCount());
    tx.dereference();
  }

  @Test
  void createFile_nonTransacted_noTransaction() {
    FileObject fo = io.createFile(volume, "\\b", CreateParameters.openIf()).openedFileObject();
    assertNull(fo.transaction());
    io.closeHandle(fo);
  }

  @Test
  void createFile_grantedAccess_setsTheFileObjectsAccessFlags() {
    FileObject rw = io.createFile(volume, "\\c", CreateParameters.openIf()).openedFileObject();
    assertTrue(rw.readAccess());
    assertTrue(rw.writeAccess());
    assertFalse(rw.deleteAccess());
    FileObject readOnly = io.createFile(volume, "\\c",
        CreateParameters.open().withDesiredAccess(IoConstants.FILE_READ_DATA | IoConstants.DELETE)).openedFileObject();
    assertTrue(readOnly.readAccess());
    assertFalse(readOnly.writeAccess());
    assertTrue(readOnly.deleteAccess());
    io.closeHandle(rw);
    io.closeHandle(readOnly);
  }

  @Test
  void createFile_accessFlagsAlreadySetWhileTheCreateIsProcessed_noBufferingMakesReadsNonCached() {
    List<String> seen = new java.util.ArrayList<>();
    TestFileSystem recording = new TestFileSystem() {
      @Override
      public NtStatus dispatch(Irp irp) {
        FileObject fo = irp.fileObject();
        if (irp.majorFunction() == IrpMajorFunction.CREATE && fo != null) {
          seen.add("create write=" + fo.writeAccess());
        } else if (irp.majorFunction() == IrpMajorFunction.READ || irp.majorFunction() == IrpMajorFunction.WRITE) {
          seen.add(irp.majorFunction() + " nocache=" + ((irp.flags() & IoConstants.IRP_NOCACHE) != 0));
        }
        return super.dispatch(irp);
      }
    };
    Volume v = io.mount("\\Device\\HarddiskVolume9", null, recording);
    FileObject cached = io.createFile(v, "\\e", CreateParameters.openIf()).openedFileObject();
    io.write(cached, 0, 10);
    FileObject direct = io.createFile(v, "\\e",
        CreateParameters.open().withOptions(IoConstants.FILE_NO_INTERMEDIATE_BUFFERING)).openedFileObject();
    assertTrue(direct.hasFlags(FileObject.FO_NO_INTERMEDIATE_BUFFERING));
    io.read(direct, 0, 10);
    io.closeHandle(direct);
    io.closeHandle(cached);
    assertEquals(List.of("create write=true", "IRP_MJ_WRITE nocache=false", "create write=true", "IRP_MJ_READ nocache=true"), seen);
  }

  @Test
  void directoryControl_bufferShorterThanAnEntry_infoLengthMismatchWithoutAnIrp() {
    List<IrpMajorFunction> seen = new java.util.ArrayList<>();
    TestFileSystem recording = new TestFileSystem() {
      @Override
      public NtStatus dispatch(Irp irp) {
        seen.add(irp.majorFunction());
        return super.dispatch(irp);
      }
    };
    Volume v = io.mount("\\Device\\HarddiskVolume8", null, recording);
    FileObject dir = io.createFile(v, "\\d", CreateParameters.openIf()).openedFileObject();
    seen.clear();
    assertEquals(NtStatus.STATUS_INFO_LENGTH_MISMATCH,
        io.directoryControl(dir, "*", IoManager.FILE_BOTH_DIR_INFORMATION_SIZE - 1).status());
    assertEquals(List.of(), seen);
    io.directoryControl(dir, "*", IoManager.FILE_BOTH_DIR_INFORMATION_SIZE);
    assertEquals(List.of(IrpMajorFunction.DIRECTORY_CONTROL), seen);
    io.closeHandle(dir);
  }

  @Test
  void queryInformationFile_returnsWhatTheFileSystemWroteIntoTheBuffer() {
    FileObject fo = io.createFile(volume, "\\d", CreateParameters.openIf()).openedFileObject();
    IoResult r = io.queryInformationFile(fo, FileInformationClass.FILE_INTERNAL_INFORMATION, 8);
    assertEquals(NtStatus.STATUS_SUCCESS, r.status());
    assertEquals(8, r.information());
    assertEquals(new FileInformation.Internal("\\D".hashCode()), r.output(FileInformation.Internal.class));
    io.closeHandle(fo);
  }

  @Test
  void mount_storage_defaultIsAWritableDiskWithAStableGuidName() {
    StorageDevice s = volume.storage();
    assertEquals(StorageDevice.FILE_DEVICE_DISK, s.deviceType());
    assertEquals(512, s.sectorSize());
    assertTrue(s.writable());
    assertEquals(StorageDevice.disk("\\Device\\HarddiskVolume1").volumeGuid(), s.volumeGuid());
    assertTrue(s.volumeGuidName().matches("\\\\\\?\\?\\\\Volume\\{[0-9a-f-]{36}\\}"), s.volumeGuidName());
    Volume ro = io.mount("\\Device\\HarddiskVolume2", null, new TestFileSystem(), StorageDevice.disk("x").readOnly());
    assertFalse(ro.storage().writable());
    assertEquals(StorageDevice.FILE_READ_ONLY_DEVICE, ro.storage().characteristics() & StorageDevice.FILE_READ_ONLY_DEVICE);
  }

  @Test
  void fileIdName_roundTripsBothWidths() {
    assertEquals(FileId128.of64(0x1234_5678_9ABC_DEF0L), FileIdName.parse(FileIdName.of(0x1234_5678_9ABC_DEF0L)));
    FileId128 wide = new FileId128(7, -2);
    assertEquals(wide, FileIdName.parse(FileIdName.of(wide)));
    assertNull(FileIdName.parse("\\not-an-id"));
  }

  @Test
  void extraCreateParameters_findByTypeAndRefuseDuplicates() {
    ExtraCreateParameters ecps = ExtraCreateParameters.of("text", 42);
    assertEquals("text", ecps.find(String.class));
    assertEquals(42, ecps.find(Integer.class));
    assertNull(ecps.find(Long.class));
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> ecps.with("again"));
  }
}
