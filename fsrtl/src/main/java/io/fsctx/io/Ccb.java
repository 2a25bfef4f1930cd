package io.fsctx.io;

import org.jspecify.annotations.Nullable;

/**
 * A model file system's per-open structure ({@code FsContext2}): which stream was opened, through
 * which name (hard link) and with which options. Stream file objects have none.
 *
 * <p>Created by {@link FileSystemDriver} in create; dropped with the file object.
 *
 * <p>Thread safety: fields change under the file system's volume lock; getters are volatile reads.
 */
public final class Ccb {
  private final String id;
  private final Scb scb;
  private final FileSystemDriver.@Nullable Link link;
  private final String openedName;
  private volatile boolean deleteOnClose;
  private volatile boolean cleanedUp;

  Ccb(String id, Scb scb, FileSystemDriver.@Nullable Link link, String openedName, boolean deleteOnClose) {
    this.id = id;
    this.scb = scb;
    this.link = link;
    this.openedName = openedName;
    this.deleteOnClose = deleteOnClose;
  }

  /** The identity, such as {@code Ccb#5}. */
  public String id() {
    return id;
  }

  /** The stream this open is on. */
  public Scb scb() {
    return scb;
  }

  /** The name as the opener wrote it. */
  public String openedName() {
    return openedName;
  }

  /** Whether the open asked for {@code FILE_DELETE_ON_CLOSE}. */
  public boolean deleteOnClose() {
    return deleteOnClose;
  }

  /** Whether {@code IRP_MJ_CLEANUP} has been processed for this open. */
  public boolean isCleanedUp() {
    return cleanedUp;
  }

  void markCleanedUp() {
    cleanedUp = true;
  }

  FileSystemDriver.@Nullable Link link() {
    return link;
  }

  @Override
  public String toString() {
    return id;
  }
}
