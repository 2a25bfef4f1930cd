/**
 * The Filter Manager: registration, volumes and instances, every context type with its
 * lifecycle, the minifilter frame that calls pre- and post-operation callbacks, callback data,
 * name information, the verifier and its findings, lifecycle events, and the {@link
 * io.fsctx.fltmgr.Flt} facade that keeps the Windows routine names. Internals (context stores,
 * control blocks, the frame) are package-private.
 */
@NullMarked
package io.fsctx.fltmgr;

import org.jspecify.annotations.NullMarked;
