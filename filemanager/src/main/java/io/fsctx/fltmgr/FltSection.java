package io.fsctx.fltmgr;

import io.fsctx.io.FileObject;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A section object created by {@code FltCreateSectionForDataScan} (issue 13): what the routine
 * returns as both {@code SectionHandle} and {@code SectionObject}. It holds an object reference on
 * the file object it maps (so the stream stays open while it exists) and is closed, exactly once,
 * by {@code FltCloseSectionForDataScan} on its section context or by the teardown of its instance.
 *
 * <p>PORT: the model maps no data; a scan "reads" the section by reading the file through the
 * file object.
 *
 * <p>Thread safety: immutable apart from the closed flag, which is atomic.
 */
public final class FltSection {
  private final String id;
  private final FltInstance instance;
  private final FileObject fileObject;
  private final FltContext sectionContext;
  private final AtomicBoolean closed = new AtomicBoolean();

  FltSection(String id, FltInstance instance, FileObject fileObject, FltContext sectionContext) {
    this.id = id;
    this.instance = instance;
    this.fileObject = fileObject;
    this.sectionContext = sectionContext;
  }

  /** Its identity, such as {@code Section#3}. */
  public String id() {
    return id;
  }

  /** The instance that created it. */
  public FltInstance instance() {
    return instance;
  }

  /** The file object it maps (referenced by the section until it is closed). */
  public FileObject fileObject() {
    return fileObject;
  }

  /** Its section context (no reference is taken by this accessor). */
  public FltContext sectionContext() {
    return sectionContext;
  }

  /** Whether it has been closed. */
  public boolean isClosed() {
    return closed.get();
  }

  /** Marks it closed; true for the one call that closed it. */
  boolean markClosed() {
    return closed.compareAndSet(false, true);
  }

  @Override
  public String toString() {
    return id + (isClosed() ? " (closed)" : "") + " on " + fileObject.id();
  }
}
