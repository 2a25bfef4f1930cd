/**
 * The port of Microsoft's CTX minifilter sample (filesys/miniFilter/ctx): its registration,
 * callbacks, context helpers and logging, with every difference from the C marked {@code PORT:},
 * and the workload {@code ./fsctx run} drives it with.
 */
@NullMarked
package io.fsctx.examples.ctx;

import org.jspecify.annotations.NullMarked;
