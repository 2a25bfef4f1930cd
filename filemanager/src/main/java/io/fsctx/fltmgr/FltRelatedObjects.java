package io.fsctx.fltmgr;

import io.fsctx.io.FileObject;
import io.fsctx.tm.KTransaction;
import org.jspecify.annotations.Nullable;

/**
 * {@code FLT_RELATED_OBJECTS}: the objects an operation or instance callback concerns.
 *
 * <p>Thread safety: immutable.
 *
 * @param filter the filter
 * @param volume the volume, or null
 * @param instance the instance, or null
 * @param fileObject the file object, or null
 * @param transaction the transaction the file object was opened in (for an operation), or the
 *     transaction being notified (for a transaction notification); null otherwise
 */
public record FltRelatedObjects(
    FltFilter filter,
    @Nullable FltVolume volume,
    @Nullable FltInstance instance,
    @Nullable FileObject fileObject,
    @Nullable KTransaction transaction) {

  /** Related objects for an instance callback. */
  public static FltRelatedObjects forInstance(FltInstance instance) {
    return new FltRelatedObjects(instance.filter(), instance.volume(), instance, null, null);
  }
}
