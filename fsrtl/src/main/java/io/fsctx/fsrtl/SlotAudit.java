package io.fsctx.fsrtl;

import com.google.common.collect.ImmutableList;
import io.fsctx.nt.KeThread;
import io.fsctx.nt.PoolBlock;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.jspecify.annotations.Nullable;

/**
 * What a verifier records about one per-file context slot: which headers were set up with it
 * ({@code FsRtlSetupAdvancedHeaderEx}) and every {@code FsRtlTeardownPerFileContexts} with the
 * headers of the file still alive at that moment. Written by FsRtl, read by the file-system rules.
 *
 * <p>Thread safety: safe for concurrent use; both lists are immutable and replaced under the
 * audit's monitor.
 */
public final class SlotAudit {
  /**
   * One call of {@code FsRtlTeardownPerFileContexts}.
   *
   * @param where the request being served, or null outside any request
   * @param liveHeaders ids of headers set up with the slot that were neither freed nor torn down
   *     at that moment, with their open file objects, such as {@code Scb#4 (1 file object open)}
   */
  public record Teardown(@Nullable Object where, List<String> liveHeaders) {
    /** Copies the list. */
    public Teardown {
      liveHeaders = List.copyOf(liveHeaders);
    }
  }

  private final PerFileContextSlot slot;
  private volatile ImmutableList<AdvancedFcbHeader> users = ImmutableList.of();
  private volatile ImmutableList<Teardown> teardowns = ImmutableList.of();
  private static final AtomicIntegerFieldUpdater<SlotAudit> RULES =
      AtomicIntegerFieldUpdater.newUpdater(SlotAudit.class, "rulesChecked");
  private static final java.util.concurrent.atomic.AtomicReferenceFieldUpdater<SlotAudit, Object> OWNER =
      java.util.concurrent.atomic.AtomicReferenceFieldUpdater.newUpdater(SlotAudit.class, Object.class, "rulesOwner");
  /** The verifier whose marks {@link #rulesChecked} holds ({@link #claimRuleMarks}). */
  private volatile @Nullable Object rulesOwner;
  /** The verifier rules evaluated on this slot, one bit per rule ({@link #markRuleChecked}). */
  private volatile int rulesChecked;

  /**
   * Makes {@code verifier} the one whose rule marks ({@link #markRuleChecked}) this record keeps;
   * a second verifier watching the same structures keeps its own books instead.
   *
   * @param verifier the file-system verifier
   * @return whether the marks here are {@code verifier}'s (claimed now or before)
   */
  public boolean claimRuleMarks(Object verifier) {
    return RuleBits.claim(OWNER, this, verifier);
  }

  /**
   * Marks a rule of the file-system verifier as evaluated on this structure: the verifier counts
   * the distinct structures each rule was evaluated on with one bit per rule here, instead of a
   * set of identities that grows with every structure a long run builds.
   *
   * @param rule the rule's number, 0 to 31 (its {@code FsRule} ordinal)
   * @return true the first time the rule is marked on this structure
   */
  public boolean markRuleChecked(int rule) {
    return RuleBits.mark(RULES, this, rule);
  }


  SlotAudit(PerFileContextSlot slot) {
    this.slot = slot;
  }

  synchronized void noteUser(AdvancedFcbHeader header) {
    if (!users.contains(header)) {
      users = ImmutableList.<AdvancedFcbHeader>builder().addAll(users).add(header).build();
    }
  }

  synchronized void noteTeardown() {
    ImmutableList.Builder<String> live = ImmutableList.builder();
    for (AdvancedFcbHeader h : users) {
      PoolBlock m = h.memory();
      boolean freed = m != null && m.isFreed();
      if (!freed && h.audit().teardowns().isEmpty()) {
        int open = h.audit().openFileObjects();
        live.add(h.id() + " (" + open + " file object" + (open == 1 ? "" : "s") + " open)");
      }
    }
    teardowns = ImmutableList.<Teardown>builder()
        .addAll(teardowns)
        .add(new Teardown(KeThread.currentRequest(), live.build()))
        .build();
  }

  /** The slot this audit belongs to. */
  public PerFileContextSlot slot() {
    return slot;
  }

  /** The pool block the slot is embedded in, or null. */
  public @Nullable PoolBlock memory() {
    return slot.memory();
  }

  /** The headers set up with this slot, in order. */
  public List<AdvancedFcbHeader> users() {
    return users;
  }

  /** Every {@code FsRtlTeardownPerFileContexts} on the slot, in order. */
  public List<Teardown> teardowns() {
    return teardowns;
  }
}
