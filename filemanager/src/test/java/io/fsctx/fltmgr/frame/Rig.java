package io.fsctx.fltmgr.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.fltmgr.FilterManager;
import io.fsctx.fltmgr.FltContext;
import io.fsctx.fltmgr.FltVolume;
import io.fsctx.io.CreateParameters;
import io.fsctx.io.CreateResult;
import io.fsctx.io.FileObject;
import io.fsctx.io.FileSystemDriver;
import io.fsctx.io.IoEvent;
import io.fsctx.io.IoManager;
import io.fsctx.io.Volume;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One scenario's world: an I/O manager with one mounted volume, a Filter Manager following it,
 * and two {@link TestMinifilter}s at altitudes {@link #HIGH} and {@link #LOW} writing into one
 * {@link Journal}. File-system lifecycle events ({@code FcbFreed}, {@code PerFileFreed}, file
 * object deletion) go into the journal too, as plain lines, so a test can place context cleanups
 * relative to them.
 */
final class Rig {
  static final String HIGH = "370000";
  static final String LOW = "320000";
  static final String DEVICE = "\\Device\\HarddiskVolume1";

  final IoManager io = new IoManager();
  final FilterManager manager = new FilterManager();
  final Journal journal = new Journal();
  final FileSystemDriver fs;
  final TestMinifilter high;
  final TestMinifilter low;
  final Volume volume;
  final FltVolume fltVolume;

  private Rig(FileSystemDriver fs, Consumer<TestMinifilter.Builder> highOptions, Consumer<TestMinifilter.Builder> lowOptions) {
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
    this.volume = io.mount(DEVICE, 'C', fs);
    this.fltVolume = Objects.requireNonNull(manager.volumeOf(volume));
  }

  static Rig on(FileSystemDriver fs) {
    return new Rig(fs, b -> {}, b -> {});
  }

  static Rig on(FileSystemDriver fs, Consumer<TestMinifilter.Builder> highOptions, Consumer<TestMinifilter.Builder> lowOptions) {
    return new Rig(fs, highOptions, lowOptions);
  }

  private void onIoEvent(IoEvent e) {
    String line = null;
    if (e instanceof IoEvent.FcbFreed f) {
      line = "fcb freed " + f.name();
    } else if (e instanceof IoEvent.PerFileFreed) {
      line = "file freed";
    }
    if (line != null) {
      journal.add(new Journal.Note(line));
    }
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
