package io.fsctx.fltmgr;

import static io.fsctx.fltmgr.LincheckWorlds.op;

import io.fsctx.fltmgr.LincheckWorlds.Scenario;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import io.fsctx.tm.KTransaction;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.Validate;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 18.1 under model checking: {@code FltSetTransactionContext} (KEEP, asking for the
 * existing context) and {@code FltGetTransactionContext} racing the commit or rollback of the
 * transaction. Every outcome must be one of some order of the operations: a set after the end is
 * {@code STATUS_FLT_DELETING_OBJECT}, a get after it {@code STATUS_NOT_FOUND}, and once the
 * transaction has ended no context of it is attached ({@link #noContextOutlivesTheTransaction}).
 */
@Param(name = "ctx", gen = IntGen.class, conf = "0:1")
public class TransactionEndLincheckTest {
  private final LifecycleWorld w = LincheckWorlds.world();
  private final KTransaction tx = new KTransaction("Tx#1");
  private final FltContext[] contexts = {
    LifecycleWorld.alloc(w.filter, FltContextType.TRANSACTION), LifecycleWorld.alloc(w.filter, FltContextType.TRANSACTION)
  };

  /** Builds the world; Lincheck makes one instance per scenario run. */
  public TransactionEndLincheckTest() {}

  private String name(@Nullable FltContext c) {
    return c == null ? "null" : c == contexts[0] ? "ctx0" : c == contexts[1] ? "ctx1" : "foreign";
  }

  /** FltSetTransactionContext(KEEP_IF_EXISTS, &amp;OldContext); the existing context is released at once. */
  @Operation
  public String set(@Param(name = "ctx") int i) {
    Out<FltContext> old = new Out<>();
    NtStatus st = Flt.setTransactionContext(w.instance, tx, 1, contexts[i], old);
    FltContext o = old.get();
    if (o != null) {
      Flt.releaseContext(o);
    }
    return st.name() + "/" + name(o);
  }

  /** FltGetTransactionContext, then FltReleaseContext of what it returned. */
  @Operation
  public String get() {
    Out<FltContext> got = new Out<>();
    NtStatus st = Flt.getTransactionContext(w.instance, tx, got);
    FltContext c = got.get();
    if (c != null) {
      Flt.releaseContext(c);
    }
    return st.name() + "/" + name(c);
  }

  /** The transaction commits; a transaction that already ended refuses. */
  @Operation
  public String commit() {
    try {
      tx.commit();
      return "committed";
    } catch (IllegalStateException e) {
      return "already ended";
    }
  }

  /** The transaction rolls back; a transaction that already ended refuses. */
  @Operation
  public String rollback() {
    try {
      tx.rollback();
      return "rolled back";
    } catch (IllegalStateException e) {
      return "already ended";
    }
  }

  /** After every run: an ended transaction holds no context, and nothing reported a finding. */
  @Validate
  public void noContextOutlivesTheTransaction() {
    if (tx.state() != KTransaction.State.ACTIVE) {
      for (FltContext c : contexts) {
        if (c.state() == FltContext.State.ATTACHED) {
          throw new IllegalStateException(name(c) + " is still attached to " + tx + ", which " + tx.state());
        }
      }
    }
    LincheckWorlds.assertNoFinding(w);
  }

  @Test
  @DisplayName("issue 18.1, fltmgr.md 6.2: set and get of a transaction context racing its commit or rollback are linearizable (model checking)")
  void setRacingTransactionEnd_modelChecking_linearizable() {
    Class<?> c = getClass();
    LincheckWorlds.modelChecking(
            LincheckWorlds.invocations(60), 1,
            Scenario.race(op(c, "set", 0), op(c, "commit")).after(op(c, "get")),
            Scenario.race(op(c, "set", 0), op(c, "rollback")).after(op(c, "get")),
            Scenario.race(op(c, "set", 1), op(c, "commit")).before(op(c, "set", 0)).after(op(c, "get")))
        .check(c);
  }
}
