/**
 * The swapBuffers minifilter sample ({@code filesys/miniFilter/swapBuffers} in
 * Windows-driver-samples) ported to the {@link io.fsctx.fltmgr.Flt} facade: a volume context
 * shared by every instance of the filter on a volume, got in the pre-operation callbacks of reads,
 * writes and directory queries and released in their post-operation callbacks. Differences from the
 * C code are marked {@code PORT:}; {@link io.fsctx.examples.swapbuffers.SwapBuffersWorkload} is
 * what {@code ./fsctx run --filter swapbuffers} drives it with, and its {@code --provoke
 * volume-query-failure} option reaches the sample's known defect.
 */
@NullMarked
package io.fsctx.examples.swapbuffers;

import org.jspecify.annotations.NullMarked;
