/**
 * The context parts of the avscan sample (Windows-driver-samples filesys/miniFilter/avscan) ported
 * to the model (issue 13): instance, stream, stream-handle, transaction and section contexts, the
 * prefetch stream-handle marking, the transaction transitions and the data-scan section path,
 * with the sample's two known reference defects kept and provoked on request.
 */
@NullMarked
package io.fsctx.examples.avscan;

import org.jspecify.annotations.NullMarked;
