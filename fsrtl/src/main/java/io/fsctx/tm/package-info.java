/**
 * The kernel transaction manager (KTM) as file systems and filters see it: transactions that a
 * workload creates, commits and rolls back as user code would ({@code CreateTransaction}, {@code
 * CommitTransaction}, {@code RollbackTransaction}), enlistments that receive the commit protocol's
 * notifications (pre-prepare, prepare, commit, commit-finalize, rollback), the transaction's
 * outcome, and the object's reference count. A create can be transacted ({@code
 * IoManager.createFileEx} with a transaction in its driver create context); the file object then
 * carries the transaction for every later request.
 */
@NullMarked
package io.fsctx.tm;

import org.jspecify.annotations.NullMarked;
