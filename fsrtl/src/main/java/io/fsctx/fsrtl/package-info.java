/**
 * FsRtl's filter-context machinery: the FCB headers ({@code FSRTL_COMMON_FCB_HEADER},
 * {@code FSRTL_ADVANCED_FCB_HEADER}) with their setup routines and the audits verifiers keep of
 * them, the per-stream, per-file and per-file-object context lists, and the {@link
 * io.fsctx.fsrtl.FsRtl} facade that keeps the routines' Windows names. Knows nothing of the
 * I/O manager or Filter Manager: it reads a file object only through {@link
 * io.fsctx.fsrtl.FsRtlFileObject}.
 */
@NullMarked
package io.fsctx.fsrtl;

import org.jspecify.annotations.NullMarked;
