package io.fsctx.fltmgr;

import io.fsctx.nt.PoolType;

/**
 * What contexts allocated alike share: the definition they came from, the size asked for and the
 * pool. Made once per (size, pool) of a definition ({@link ContextDefinition#shape}) and kept by
 * every such context in one field, so a context keeps no size or pool of its own: with the state
 * kept in its number's low bits, CTX's stream and file contexts are eight bytes smaller, one each
 * per open of a new file (issue 14).
 *
 * @param definition the definition, which gives the filter and the type
 * @param size the requested size of the filter's portion (at most 0xFFFF)
 * @param pool the pool it came from
 * @param extras whether contexts of the definition keep verifier extras ({@link
 *     ContextDefinition#hasExtras}), copied here so the reference hot path reads one object
 * @param manager the definition's filter's manager, kept here for the same reason: every release
 *     publishes to its event bus, and three hops from the context to it made the release path
 *     measurably slower than one (issue 14, {@code ContextLookupBenchmark})
 *
 * <p>Thread safety: immutable.
 */
record ContextShape(
    ContextDefinition definition, char size, PoolType pool, boolean extras, FilterManager manager) {}
