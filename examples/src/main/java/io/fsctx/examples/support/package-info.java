/**
 * What the sample ports share: {@link io.fsctx.examples.support.DbgPrint}, the debugger output
 * their trace macros write to, and {@link io.fsctx.examples.support.SampleRun}, which mounts a
 * model volume under a verifying Filter Manager, records each workload step, counts contexts by
 * type and checks for leaks, findings and bug checks at the end.
 */
@NullMarked
package io.fsctx.examples.support;

import org.jspecify.annotations.NullMarked;
