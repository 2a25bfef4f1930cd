package io.fsctx.modelfs.toolkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.io.CreateParameters;
import io.fsctx.io.FileObjectIdBuffer;
import io.fsctx.nt.IdSource;
import io.fsctx.nt.NtStatus;
import io.fsctx.tm.KTransaction;
import io.fsctx.tm.TransactionManager;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A file record's parts few files have (named streams, sizes written back, an object ID, an
 * uncommitted transaction): each reads as absent until set, and set and cleared independently.
 */
class FileRecordTest {
  private final Namespace disk = new Namespace(StreamNaming.NTFS);

  private Namespace.FileRecord create(String path, CreateParameters p, KTransaction transaction) {
    Namespace.Resolution r = disk.resolveCreate(path, p, true, transaction);
    assertEquals(NtStatus.STATUS_SUCCESS, r.status(), path);
    return r.openedLink().file();
  }

  @Test
  void plainFile_readsEveryRarePartAsAbsent() {
    Namespace.FileRecord f = disk.resolveCreate("\\plain.txt", CreateParameters.openIf()).openedLink().file();
    assertNull(f.objectId());
    assertNull(f.createdIn());
    assertNull(f.deletedIn());
    assertEquals(0, f.streamSize(""));
    assertTrue(f.hasStream(""));
    assertFalse(f.hasStream(":ADS:$DATA"));
    f.setObjectId(null);
    f.setStreamSize("", 0);
    assertNull(f.objectId(), "clearing what was never set leaves it absent");
  }

  @Test
  void rareParts_setAndClearedIndependently() {
    Namespace.FileRecord f = disk.resolveCreate("\\a.txt", CreateParameters.openIf()).openedLink().file();
    FileObjectIdBuffer id = new FileObjectIdBuffer(new UUID(1, 2), new UUID(3, 4), new UUID(5, 6), new UUID(0, 0));
    f.setObjectId(id);
    f.setStreamSize("", 4096);
    assertSame(id, f.objectId());
    assertEquals(4096, f.streamSize(""));
    f.setObjectId(null);
    assertNull(f.objectId());
    assertEquals(4096, f.streamSize(""), "the size stays when the object ID goes");
    f.setStreamSize("", 0);
    assertEquals(0, f.streamSize(""));
  }

  @Test
  void transactedCreate_recordsItsTransactionUntilCommit() {
    KTransaction t = new TransactionManager(new IdSource()).createTransaction();
    Namespace.FileRecord f = create("\\tx.txt", CreateParameters.create(), t);
    assertSame(t, f.createdIn());
    assertNull(f.deletedIn());
    disk.commit(t);
    assertNull(f.createdIn());
  }

  @Test
  void streams_putAndRemoved_asBeforeTheyWereKeptApart() {
    Namespace.FileRecord f = disk.resolveCreate("\\s.txt", CreateParameters.openIf()).openedLink().file();
    f.removeStream(":NONE:$DATA");
    assertTrue(f.hasStream(""), "removing a stream the file lacks changes nothing");
    f.putStream(":ADS:$DATA", ":ads:$DATA");
    f.setStreamSize(":ADS:$DATA", 10);
    assertTrue(f.hasStream(":ADS:$DATA"));
    f.removeStream(":ADS:$DATA");
    assertFalse(f.hasStream(":ADS:$DATA"));
    assertEquals(0, f.streamSize(":ADS:$DATA"), "its size goes with it");
    assertTrue(f.hasStream(""));
    Namespace.FileRecord g = disk.resolveCreate("\\t.txt", CreateParameters.openIf()).openedLink().file();
    g.removeStream("");
    assertFalse(g.hasStream(""), "the default stream's entry can be removed too, as before");
  }
}
