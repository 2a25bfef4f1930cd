/**
 * The minispy minifilter sample ({@code filesys/miniFilter/minispy} in Windows-driver-samples)
 * ported to the {@link io.fsctx.fltmgr.Flt} facade: it logs every operation it sees, with the
 * file's name and the completion status, enlists in the transaction of every successful transacted
 * create (with a transaction context, {@code SpyEnlistInTransaction}) and logs each transaction
 * notification. Differences from the C code are marked {@code PORT:}; {@link
 * io.fsctx.examples.minispy.MiniSpyWorkload} is what {@code ./fsctx run --filter minispy} drives it
 * with.
 */
@NullMarked
package io.fsctx.examples.minispy;

import org.jspecify.annotations.NullMarked;
