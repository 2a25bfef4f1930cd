/**
 * Kernel basics the rest of the model stands on: {@code NTSTATUS} values ({@link io.fsctx.nt.NtStatus}),
 * bug checks ({@link io.fsctx.nt.BugCheckException}), {@code ERESOURCE} and the per-thread state a
 * kernel thread carries ({@link io.fsctx.nt.KeThread}), the executive pool that drivers allocate
 * their structures from ({@link io.fsctx.nt.Pool}), {@code UNICODE_STRING}, out-parameters and
 * stable identities.
 */
@NullMarked
package io.fsctx.nt;

import org.jspecify.annotations.NullMarked;
