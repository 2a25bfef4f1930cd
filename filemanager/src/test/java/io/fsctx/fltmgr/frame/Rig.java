package io.fsctx.fltmgr.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.fltmgr.FilterManager;
import io.fsctx.fltmgr.FltContext;
import io.fsctx.fltmgr.FltInstance;
import io.fsctx.fltmgr.FltVolume;
import io.fsctx.io.CreateParameters;
import io.fsctx.io.CreateResult;
import io.fsctx.io.FileObject;
import io.fsctx.io.IoEvent;
import io.fsctx.io.IoManager;
import io.fsctx.io.Volume;
import io.fsctx.fsrtl.CommonFcbHeader;
import io.fsctx.fsrtl.PerFileContextSlot;
import io.fsctx.io.FileNames;
import io.fsctx.modelfs.ModelFileSystem;
import io.fsctx.nt.PoolBlock;
import io.fsctx.nt.PoolListener;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One scenario's world: an I/O manager with one mounted volume, a Filter Manager following it,
 * and two {@link TestMinifilter}s at altitudes {@link #HIGH} and {@link #LOW} writing into one
 * {@link Journal}. The file system's frees, seen in the pool, go into the journal too, as plain
 * lines ({@code fcb freed \a.txt} when a block holding a header goes, with the stream's name as
 * the file system last gave it; {@code file freed} when a per-file structure with a slot goes), so
 * a test can place context cleanups relative to them.
 */
final class Rig {
  static final String HIGH = "370000";
  static final String LOW = "320000";
  static final String DEVICE = "\\Device\\HarddiskVolume1";

  final IoManager io = new IoManager();
  final FilterManager manager = new FilterManager();
  final Journal journal = new Journal();
  final ModelFileSystem fs;
  final TestMinifilter high;
  final TestMinifilter low;
  final Volume volume;
  final FltVolume fltVolume;

  private Rig(ModelFileSystem fs, Consumer<TestMinifilter.Builder> highOptions, Consumer<TestMinifilter.Builder> lowOptions) {
    this.fs = fs;
    TestMinifilter.Builder hb = TestMinifilter.at(HIGH, journal);
    highOptions.accept(hb);
    TestMinifilter.Builder lb = TestMinifilter.at(LOW, journal);
    lowOptions.accept(lb);
    // Registered low first, so the order of callbacks cannot come from registration order.
    this.low = lb.register(manager);
    this.high = hb.register(manager);
    manager.followMounts(io);
    io.addListener(this::onIoEvent);
    io.pool().addListener(new PoolListener() {
      @Override
      public void onFree(PoolBlock block) {
        onPoolFree(block);
      }
    });
    this.volume = io.mount(DEVICE, 'C', fs);
    this.fltVolume = Objects.requireNonNull(manager.volumeOf(volume));
  }

  static Rig on(ModelFileSystem fs) {
    return new Rig(fs, b -> {}, b -> {});
  }

  static Rig on(ModelFileSystem fs, Consumer<TestMinifilter.Builder> highOptions, Consumer<TestMinifilter.Builder> lowOptions) {
    return new Rig(fs, highOptions, lowOptions);
  }

  /**
   * The stream names the file system gave, refreshed at each create and cleanup (renames happen in
   * between); a file deleted at its last cleanup has no name left, so its last name is kept.
   */
  private final Map<CommonFcbHeader, String> names = new ConcurrentHashMap<>();

  private void onIoEvent(IoEvent e) {
    FileObject fo = e instanceof IoEvent.FileObjectCreated c ? c.fileObject()
        : e instanceof IoEvent.Cleanup c ? c.fileObject() : null;
    if (fo != null && fo.fsContext() != null) {
      FileNames n = fs.queryFileNames(fo);
      if (n != null && !n.normalizedName().isEmpty()) {
        names.put(fo.fsContext(), n.normalizedName());
      }
    }
  }

  private void onPoolFree(PoolBlock block) {
    for (Object m : block.members()) {
      if (m instanceof CommonFcbHeader h) {
        journal.add(new Journal.Note("fcb freed " + names.getOrDefault(h, h.id())));
      } else if (m instanceof PerFileContextSlot s && !s.audit().users().isEmpty()) {
        journal.add(new Journal.Note("file freed"));
      }
    }
  }

  /** The low filter's instance on the rig's volume. */
  FltInstance lowInstance() {
    return low.instance(fltVolume);
  }

  /** The high filter's instance on the rig's volume. */
  FltInstance highInstance() {
    return high.instance(fltVolume);
  }

  /** Opens (or creates) a file and asserts it opened. */
  FileObject open(String path) {
    return open(path, CreateParameters.openIf());
  }

  FileObject open(String path, CreateParameters parameters) {
    CreateResult r = io.createFile(volume, path, parameters);
    assertTrue(r.isOpened(), () -> "open " + path + ": " + r.status());
    return r.openedFileObject();
  }

  /** Asserts that no context of any filter is alive, naming the ones that are. */
  void assertNoLiveContexts() {
    List<FltContext> live = manager.liveContexts();
    List<String> described = new ArrayList<>();
    for (FltContext c : live) {
      described.add(c.describe());
    }
    assertEquals(List.of(), described, "live contexts at the end of the scenario");
  }
}
