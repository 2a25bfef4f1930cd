package io.fsctx.modelfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.io.CreateParameters;
import io.fsctx.io.CreateResult;
import io.fsctx.io.FileNames;
import io.fsctx.io.FileObject;
import io.fsctx.io.FileSystemDriver;
import io.fsctx.io.IoManager;
import io.fsctx.io.Irp;
import io.fsctx.io.IrpMajorFunction;
import io.fsctx.io.Volume;
import io.fsctx.nt.NtStatus;
import io.fsctx.verifier.FileSystemVerifier;
import io.fsctx.verifier.FsViolation;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 18.3, the create side: a dismount that returns while an {@code IRP_MJ_CREATE} is still on
 * its way back up has a file object in the making, whose FCB and CCB the file system rightly keeps.
 * The verifier judges FREE-AT-DISMOUNT only once that file object is gone too. The seeded random
 * lifecycle workload found this (FAT-like FCB and CCB reported "never freed", freed at the close
 * moments later); here a latch holds the create between the file system and the I/O manager.
 */
class DismountRaceTest {

  /** A model file system whose creates can be held after the file system has completed them. */
  private static final class HeldCreates implements FileSystemDriver {
    private final FileSystemDriver inner;
    volatile @Nullable CountDownLatch completed;
    volatile @Nullable CountDownLatch letGo;

    HeldCreates(FileSystemDriver inner) {
      this.inner = inner;
    }

    @Override
    public String fileSystemName() {
      return inner.fileSystemName();
    }

    @Override
    public boolean supportsNamedStreams() {
      return inner.supportsNamedStreams();
    }

    @Override
    public void mount(Volume volume) {
      inner.mount(volume);
    }

    @Override
    public NtStatus dispatch(Irp irp) {
      NtStatus st = inner.dispatch(irp);
      CountDownLatch done = completed;
      CountDownLatch go = letGo;
      if (irp.majorFunction() == IrpMajorFunction.CREATE && done != null && go != null) {
        done.countDown();
        await(go);
      }
      return st;
    }

    @Override
    public void dismount() {
      inner.dismount();
    }

    @Override
    public @Nullable FileNames queryFileNames(FileObject fileObject) {
      return inner.queryFileNames(fileObject);
    }

    @Override
    public @Nullable String normalizePath(String path) {
      return inner.normalizePath(path);
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      assertTrue(latch.await(30, TimeUnit.SECONDS), "latch not released in 30 s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @ParameterizedTest(name = "ntfs={0}")
  @ValueSource(booleans = {true, false})
  @Timeout(60)
  @DisplayName("issue 18.3: a create in flight when the dismount returns is a file object of the volume: no FREE-AT-DISMOUNT until it is closed, and its close frees everything")
  void dismount_returnsWhileACreateHoldsItsFcb_noFindingAndTheCloseFreesIt(boolean ntfs) throws Exception {
    IoManager io = new IoManager();
    FileSystemVerifier verifier = FileSystemVerifier.watch(io);
    HeldCreates fs = new HeldCreates(ntfs ? new NtfsLikeFileSystem() : new FatLikeFileSystem());
    Volume v = io.mount("\\Device\\HarddiskVolume7", 'Y', fs);
    CreateResult earlier = io.createFile(v, "\\a.txt", CreateParameters.openIf());
    assertEquals(NtStatus.STATUS_SUCCESS, earlier.status());

    CountDownLatch completed = new CountDownLatch(1);
    CountDownLatch letGo = new CountDownLatch(1);
    fs.completed = completed;
    fs.letGo = letGo;
    Supplier<CreateResult> open = () -> io.createFile(v, "\\a.txt", CreateParameters.openIf());
    CompletableFuture<CreateResult> second = CompletableFuture.supplyAsync(open);
    await(completed); // the file system has opened the FCB again and made a CCB for it
    fs.letGo = null;
    io.closeHandle(earlier.openedFileObject()); // not the last: the create in flight holds the FCB
    io.dismount(v);
    assertEquals(List.of(), verifier.violations(), "judged while a create was in flight");

    letGo.countDown();
    CreateResult r = second.get(30, TimeUnit.SECONDS);
    assertEquals(NtStatus.STATUS_SUCCESS, r.status());
    io.closeHandle(r.openedFileObject());
    verifier.finish();
    List<FsViolation> violations = verifier.violations();
    assertEquals(List.of(), violations);
    assertEquals(0, v.pool().outstanding().size(), () -> "still allocated: " + v.pool().outstanding());
  }
}
