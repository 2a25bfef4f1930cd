/**
 * The file-system toolkit: what a model file system needs that is not about contexts, as helpers
 * to call rather than a base class that runs the lifecycle: the disk's namespace and name rules
 * ({@link io.fsctx.modelfs.toolkit.Namespace}), stream naming, FCB tables that tell verifiers
 * when an FCB becomes reachable, open and cleanup counts, a delayed-close queue, and completion of
 * the requests that only touch sizes and names. The author allocates, sets up, tears down and
 * frees the FCBs.
 */
@NullMarked
package io.fsctx.modelfs.toolkit;

import org.jspecify.annotations.NullMarked;
