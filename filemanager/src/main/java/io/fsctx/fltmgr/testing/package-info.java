/**
 * Testing support for users' filters: JUnit 5 extensions that fail a test on verifier findings
 * or live contexts.
 */
@NullMarked
package io.fsctx.fltmgr.testing;

import org.jspecify.annotations.NullMarked;
