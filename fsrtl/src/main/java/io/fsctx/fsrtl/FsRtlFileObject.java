package io.fsctx.fsrtl;

import org.jspecify.annotations.Nullable;

/**
 * What FsRtl reads of a {@code FILE_OBJECT}: its {@code FsContext} (the FCB header) and the
 * per-file-object context list the I/O manager keeps for it. The I/O path's {@code
 * io.fsctx.io.FileObject} implements it; FsRtl names this view instead of that class so the
 * kernel's FsRtl layer does not depend on the I/O manager that is built on top of it.
 *
 * <p>Thread safety: implementations are safe for concurrent reads.
 */
public interface FsRtlFileObject {

  /** {@code FsContext}: the FCB header the file system stored at create, or null while unopened. */
  @Nullable CommonFcbHeader fsContext();

  /** The file object's per-file-object context list ({@code FsRtl*PerFileObjectContext}). */
  FileObjectContexts perFileObjectContexts();
}
