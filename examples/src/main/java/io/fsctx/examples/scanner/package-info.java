/**
 * The scanner minifilter sample ({@code filesys/miniFilter/scanner} in Windows-driver-samples)
 * ported to the {@link io.fsctx.fltmgr.Flt} facade, with its user-mode half ({@code scanUser.c})
 * modelled in-process as {@link io.fsctx.examples.scanner.ScanUser}: the filter scans files of
 * chosen extensions after their create and cancels the open of a file with "foul language"
 * ({@code FltCancelFileOpen}), keeps a stream-handle context (no cleanup callback) on handles
 * opened for writing so it can rescan at cleanup, and blocks foul writes and offload writes on
 * them. Differences from the C code are marked {@code PORT:}; {@link
 * io.fsctx.examples.scanner.ScannerWorkload} is what {@code ./fsctx run --filter scanner} drives it
 * with.
 */
@NullMarked
package io.fsctx.examples.scanner;

import org.jspecify.annotations.NullMarked;
