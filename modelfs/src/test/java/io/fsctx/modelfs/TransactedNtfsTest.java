package io.fsctx.modelfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.io.CreateParameters;
import io.fsctx.io.CreateResult;
import io.fsctx.io.FileInformation;
import io.fsctx.io.FileInformationClass;
import io.fsctx.io.FileObject;
import io.fsctx.io.IoConstants;
import io.fsctx.io.IoDriverCreateContext;
import io.fsctx.io.IoManager;
import io.fsctx.io.Volume;
import io.fsctx.nt.NtStatus;
import io.fsctx.tm.KTransaction;
import io.fsctx.verifier.FileSystemVerifier;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Transactional behaviour of the NTFS-like model as filters observe it: a delete in a transaction
 * is visible inside it at once, for everyone at commit, and undone by rollback; a create is
 * visible only inside its transaction until commit; FAT-like refuses transacted opens.
 */
class TransactedNtfsTest {
  private final IoManager io = new IoManager();
  private final FileSystemVerifier verifier = FileSystemVerifier.watch(io);
  private final NtfsLikeFileSystem fs = new NtfsLikeFileSystem();
  private final Volume volume = io.mount("\\Device\\HarddiskVolume1", 'C', fs);
  private final KTransaction tx = io.transactionManager().createTransaction();

  @AfterEach
  void nothingLeaked() {
    if (tx.referenceCount() > 0) {
      tx.dereference();
    }
    assertEquals(List.of(), io.transactionManager().liveTransactions(), "every reference on a transaction was given back");
    verifier.finish();
    assertEquals(List.of(), verifier.violations());
  }

  private CreateResult create(String path, CreateParameters p, @Nullable KTransaction t) {
    return io.createFileEx(volume, path, p, t == null ? IoDriverCreateContext.NONE : IoDriverCreateContext.transacted(t));
  }

  private void makeFile(String path) {
    io.closeHandle(create(path, CreateParameters.create(), null).openedFileObject());
  }

  private void deleteIn(String path, KTransaction t) {
    FileObject fo = create(path, CreateParameters.open().withDesiredAccess(IoConstants.DELETE), t).openedFileObject();
    assertEquals(NtStatus.STATUS_SUCCESS, io.setInformation(fo, new FileInformation.Disposition(true)).status());
    io.closeHandle(fo);
  }

  @Test
  void create_volumeCannotEnlist_failsWithTheEnlistmentsStatus_nothingCreated() {
    tx.setEnlistmentFaults(what -> what.startsWith("enlistment of "));
    assertEquals(NtStatus.STATUS_INSUFFICIENT_RESOURCES, create("\\new.txt", CreateParameters.create(), tx).status());
    tx.setEnlistmentFaults(what -> false);
    assertEquals(NtStatus.STATUS_OBJECT_NAME_NOT_FOUND, create("\\new.txt", CreateParameters.open(), tx).status(),
        "not even inside the transaction");
    assertEquals(NtStatus.STATUS_SUCCESS, tx.rollback());
    makeFile("\\new.txt"); // the name is free: FILE_CREATE succeeds
  }

  @Test
  void delete_inATransaction_goneInsideAtOnce_stillThereOutside_goneForAllAtCommit() {
    makeFile("\\keep.txt");
    deleteIn("\\keep.txt", tx);
    assertEquals(NtStatus.STATUS_OBJECT_NAME_NOT_FOUND, create("\\keep.txt", CreateParameters.open(), tx).status(),
        "inside the transaction the delete is visible");
    assertTrue(fs.exists("\\keep.txt"), "outside it the committed file is still there");
    FileObject reader = create("\\keep.txt", CreateParameters.open().withDesiredAccess(IoConstants.FILE_READ_DATA), null)
        .openedFileObject();
    assertFalse(io.queryInformationFile(reader, FileInformationClass.FILE_STANDARD_INFORMATION, 24)
        .output(FileInformation.Standard.class).deletePending(), "a reader outside sees the committed state");
    io.closeHandle(reader);
    assertEquals(NtStatus.STATUS_TRANSACTIONAL_CONFLICT, create("\\keep.txt", CreateParameters.open(), null).status(),
        "a writer outside conflicts with the transacted delete");
    assertEquals(NtStatus.STATUS_SUCCESS, tx.commit());
    assertFalse(fs.exists("\\keep.txt"));
  }

  @Test
  void delete_inATransaction_rollbackRestoresTheFile() {
    makeFile("\\keep.txt");
    deleteIn("\\keep.txt", tx);
    assertEquals(NtStatus.STATUS_SUCCESS, tx.rollback());
    assertTrue(fs.exists("\\keep.txt"));
    FileObject fo = create("\\keep.txt", CreateParameters.open(), null).openedFileObject();
    assertFalse(io.queryInformationFile(fo, FileInformationClass.FILE_STANDARD_INFORMATION, 24)
        .output(FileInformation.Standard.class).deletePending(), "the rollback undid the disposition");
    io.closeHandle(fo);
  }

  @Test
  void create_inATransaction_visibleOnlyInsideUntilCommit() {
    FileObject fo = create("\\new.txt", CreateParameters.create(), tx).openedFileObject();
    io.closeHandle(fo);
    assertFalse(fs.exists("\\new.txt"));
    assertEquals(NtStatus.STATUS_OBJECT_NAME_NOT_FOUND, create("\\new.txt", CreateParameters.open(), null).status());
    assertEquals(NtStatus.STATUS_TRANSACTIONAL_CONFLICT, create("\\new.txt", CreateParameters.create(), null).status());
    io.closeHandle(create("\\new.txt", CreateParameters.open(), tx).openedFileObject());
    tx.commit();
    assertTrue(fs.exists("\\new.txt"));
  }

  @Test
  void create_inATransaction_rollbackRemovesIt() {
    io.closeHandle(create("\\new.txt", CreateParameters.create(), tx).openedFileObject());
    tx.rollback();
    assertFalse(fs.exists("\\new.txt"));
    assertEquals(NtStatus.STATUS_OBJECT_NAME_NOT_FOUND, create("\\new.txt", CreateParameters.open(), null).status());
  }

  @Test
  void create_inAnEndedTransaction_transactionNotActive() {
    tx.commit();
    assertEquals(NtStatus.STATUS_TRANSACTION_NOT_ACTIVE, create("\\late.txt", CreateParameters.openIf(), tx).status());
  }

  @Test
  void fileSystem_enlistsOncePerTransaction_andTheEndClosesTheEnlistment() {
    io.closeHandle(create("\\a", CreateParameters.openIf(), tx).openedFileObject());
    io.closeHandle(create("\\b", CreateParameters.openIf(), tx).openedFileObject());
    assertEquals(1, tx.enlistments().size());
    tx.commit();
    assertEquals(List.of(), tx.enlistments());
  }

  @Test
  void fatLike_transactedCreate_notAllowed() {
    IoManager io2 = new IoManager();
    Volume fat = io2.mount("\\Device\\HarddiskVolume1", 'C', new FatLikeFileSystem());
    KTransaction t = io2.transactionManager().createTransaction();
    assertEquals(NtStatus.STATUS_TRANSACTIONAL_OPEN_NOT_ALLOWED,
        io2.createFileEx(fat, "\\a", CreateParameters.openIf(), IoDriverCreateContext.transacted(t)).status());
    t.dereference();
    assertEquals(List.of(), io2.transactionManager().liveTransactions());
  }
}
