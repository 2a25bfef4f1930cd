package io.fsctx.io;

import io.fsctx.nt.NtStatus;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of a request that returns data in the caller's buffer: the {@link IoStatus} and
 * what the file system wrote there ({@link Irp#output()}): a {@link FileInformation} record for
 * {@code IRP_MJ_QUERY_INFORMATION}, an {@link FsInformation} record for {@code
 * IRP_MJ_QUERY_VOLUME_INFORMATION}, a {@link FileObjectIdBuffer} for the object-ID controls.
 * {@code Information} is the number of bytes returned.
 *
 * <p>Thread safety: immutable (the records it carries are immutable).
 *
 * @param ioStatus how the request completed
 * @param output what the file system returned, or null when it returned nothing (failures,
 *     requests without output)
 */
public record IoResult(IoStatus ioStatus, @Nullable Object output) {

  /** The completion status. */
  public NtStatus status() {
    return ioStatus.status();
  }

  /** {@code NT_SUCCESS(status)}. */
  public boolean isSuccess() {
    return ioStatus.isSuccess();
  }

  /** {@code IoStatus.Information}: the bytes returned. */
  public long information() {
    return ioStatus.information();
  }

  /**
   * The output as the expected record type.
   *
   * @param type the record class
   * @return the output
   * @throws IllegalStateException when there is no output of that type ({@link #status()} says why)
   */
  public <T> T output(Class<T> type) {
    Object o = output;
    if (!type.isInstance(o)) {
      throw new IllegalStateException("no " + type.getSimpleName() + " returned: " + ioStatus.status()
          + (o == null ? "" : ", got " + o.getClass().getSimpleName()));
    }
    return type.cast(o);
  }
}
