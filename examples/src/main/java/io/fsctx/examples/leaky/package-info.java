/**
 * A deliberately leaky minifilter (after Windows-driver-samples issue 1360) and its workload: what
 * the verifier's leak report looks like.
 */
@NullMarked
package io.fsctx.examples.leaky;

import org.jspecify.annotations.NullMarked;
