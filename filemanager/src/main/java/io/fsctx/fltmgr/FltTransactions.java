package io.fsctx.fltmgr;

import io.fsctx.nt.FirstFailure;
import io.fsctx.tm.KTransaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Filter Manager's bookkeeping of kernel transactions ({@code TxVolContexts} in fltmgr.sys): which
 * instances of this manager set a transaction context on, or enlisted in, each transaction, and
 * the one place where a transaction's end is handled: when the kernel says it has ended, each of
 * those instances closes its enlistment and deletes its transaction context ({@link
 * InstanceTransactions#ended}; fltmgr.md 6.2, an [X] policy).
 *
 * <p>An instance that registers after the end is handled at once (the kernel runs a late end
 * listener immediately), so a context set while the transaction was ending does not outlive it.
 *
 * <p>Thread safety: safe for concurrent use.
 */
final class FltTransactions {
  private final Map<KTransaction, Set<FltInstance>> holders = new ConcurrentHashMap<>();

  /** Records that {@code instance} has state on {@code tx}; the first record hooks the end. */
  void involve(KTransaction tx, FltInstance instance) {
    boolean[] first = {false};
    Set<FltInstance> set = holders.computeIfAbsent(tx, t -> {
      first[0] = true;
      return ConcurrentHashMap.newKeySet();
    });
    set.add(instance);
    if (first[0]) {
      tx.addEndListener(this::ended); // runs at once when the transaction has already ended
    }
    if (tx.hasEnded()) {
      // The end may have been handled before this instance was added: handle its part now
      // (ending is idempotent), and forget the set.
      holders.remove(tx, set);
      instance.transactions().ended(tx);
    }
  }

  /** The transaction has ended: every involved instance closes its enlistment and deletes its context. */
  private void ended(KTransaction tx) {
    Set<FltInstance> involved = holders.remove(tx);
    if (involved == null) {
      return;
    }
    List<FltInstance> snapshot = new ArrayList<>(involved);
    FirstFailure.forEach(snapshot, i -> i.transactions().ended(tx));
  }
}
