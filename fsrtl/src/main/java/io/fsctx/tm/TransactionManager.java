package io.fsctx.tm;

import static com.google.common.base.Preconditions.checkNotNull;

import io.fsctx.nt.IdSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The kernel transaction manager of one {@code IoManager}: creates transactions as a workload's
 * {@code CreateTransaction} would, and knows which transaction objects still exist (a reference is
 * still held), so tests can check that nothing leaked a transaction.
 *
 * <p>No global state: each I/O manager owns one ({@code IoManager.transactionManager()}).
 *
 * <p>Thread safety: safe for concurrent use.
 */
public final class TransactionManager {
  private final IdSource ids;
  private final Set<KTransaction> live = ConcurrentHashMap.newKeySet();

  /**
   * Creates a transaction manager naming its transactions {@code Tx#n} from {@code ids}.
   *
   * @param ids the identity source of the owner, so ids stay deterministic
   */
  public TransactionManager(IdSource ids) {
    this.ids = checkNotNull(ids, "ids");
  }

  /**
   * {@code ZwCreateTransaction}: a new active transaction. The caller owns its one reference (the
   * handle) and gives it back with {@link KTransaction#dereference}; dropping the last reference
   * of a transaction that was neither committed nor rolled back rolls it back.
   *
   * @return the transaction
   */
  public KTransaction createTransaction() {
    KTransaction tx = new KTransaction(ids.next("Tx"), this);
    live.add(tx);
    return tx;
  }

  /** The transaction objects that still exist (someone holds a reference), ordered by id. */
  public List<KTransaction> liveTransactions() {
    List<KTransaction> out = new ArrayList<>(live);
    out.sort(Comparator.comparingLong(t -> Long.parseLong(t.id().substring(t.id().indexOf('#') + 1))));
    return out;
  }

  void gone(KTransaction tx) {
    live.remove(tx);
  }
}
