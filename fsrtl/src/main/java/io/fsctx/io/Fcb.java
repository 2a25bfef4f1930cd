package io.fsctx.io;

import io.fsctx.fsrtl.PerFileContextSlot;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * A model file system's per-file structure (NTFS's FCB): it lives while any stream of the file
 * has a live {@link Scb}, and owns the {@link PerFileContextSlot} that every stream's header
 * points at when file contexts are native ({@link HeaderKind#ADVANCED_WITH_FILE_CONTEXTS}). When
 * its last stream is freed the file system calls {@code FsRtlTeardownPerFileContexts} on the
 * slot, and a delete-pending file loses its names.
 *
 * <p>On a single-stream file system the FCB of Windows terms is the pair of this and its only
 * {@link Scb}; the header lives in the {@link Scb}.
 *
 * <p>Created and freed only by {@link FileSystemDriver}.
 *
 * <p>Thread safety: state changes happen under the file system's volume lock; the getters are
 * safe to call from any thread and give a possibly stale view.
 */
public final class Fcb {
  private final String id;
  private final @Nullable PerFileContextSlot perFileContextSlot;
  private final FileSystemDriver.@Nullable FileRecord file;
  final Map<String, Scb> streams = new ConcurrentHashMap<>();
  private volatile boolean freed;

  Fcb(String id, FileSystemDriver.@Nullable FileRecord file, @Nullable PerFileContextSlot slot) {
    this.id = id;
    this.file = file;
    this.perFileContextSlot = slot;
  }

  /** The identity, such as {@code Fcb#2}. */
  public String id() {
    return id;
  }

  /** The per-file slot ({@code FileContextSupportPointer} target), or null when file contexts are not native. */
  public @Nullable PerFileContextSlot perFileContextSlot() {
    return perFileContextSlot;
  }

  /** Whether this is the volume's own structure (the VCB), which no path names. */
  public boolean isVolume() {
    return file == null;
  }

  /** Whether the file is a directory. */
  public boolean isDirectory() {
    FileSystemDriver.FileRecord f = file;
    return f != null && f.directory;
  }

  /** Whether the file is delete-pending: its names go when this structure is freed. */
  public boolean isDeletePending() {
    FileSystemDriver.FileRecord f = file;
    return f != null && f.deletePending;
  }

  /** The live streams (a snapshot). */
  public List<Scb> streams() {
    return List.copyOf(streams.values());
  }

  /** Whether the file system has freed this structure. */
  public boolean isFreed() {
    return freed;
  }

  void markFreed() {
    freed = true;
  }

  FileSystemDriver.@Nullable FileRecord file() {
    return file;
  }

  @Override
  public String toString() {
    return id;
  }
}
