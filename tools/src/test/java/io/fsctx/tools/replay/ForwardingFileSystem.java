package io.fsctx.tools.replay;

import io.fsctx.io.FileNames;
import io.fsctx.io.FileObject;
import io.fsctx.io.FileSystemDriver;
import io.fsctx.io.Irp;
import io.fsctx.io.Volume;
import io.fsctx.nt.NtStatus;
import org.jspecify.annotations.Nullable;

/**
 * A file system that forwards every call to another one, for test file systems that differ from
 * a model in one respect (Guava's {@code Forwarding*} pattern).
 *
 * <p>Thread safety: as the file system it forwards to.
 */
abstract class ForwardingFileSystem implements FileSystemDriver {

  /** The file system every call goes to. */
  protected abstract FileSystemDriver delegate();

  @Override
  public String fileSystemName() {
    return delegate().fileSystemName();
  }

  @Override
  public boolean supportsNamedStreams() {
    return delegate().supportsNamedStreams();
  }

  @Override
  public void mount(Volume volume) {
    delegate().mount(volume);
  }

  @Override
  public NtStatus dispatch(Irp irp) {
    return delegate().dispatch(irp);
  }

  @Override
  public void dismount() {
    delegate().dismount();
  }

  @Override
  public @Nullable FileNames queryFileNames(FileObject fileObject) {
    return delegate().queryFileNames(fileObject);
  }

  @Override
  public @Nullable String normalizePath(String path) {
    return delegate().normalizePath(path);
  }
}
