package io.fsctx.fsrtl;

import com.google.common.collect.ImmutableList;
import io.fsctx.nt.KeThread;
import io.fsctx.nt.PoolBlock;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a verifier records about one per-file context slot: which headers were set up with it
 * ({@code FsRtlSetupAdvancedHeaderEx}) and every {@code FsRtlTeardownPerFileContexts} with the
 * headers of the file still alive at that moment. Written by FsRtl, read by the file-system rules.
 *
 * <p>The audit is a view: its state, and the verifier's rule marks ({@link #claimRuleMarks},
 * {@link #markRuleChecked}), live in the slot, so an open file carries no audit record of its own
 * (24 bytes, issue 14). Two views of one slot are the same audit.
 *
 * <p>Thread safety: safe for concurrent use; both lists are immutable and replaced under the
 * slot's monitor (Filter Manager's file-block setup takes the same monitor, and calls no audit
 * method while it holds it).
 */
public final class SlotAudit extends AuditView<PerFileContextSlot> {
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

  /** The users and the teardowns, once there has been a teardown. */
  private record Torn(ImmutableList<AdvancedFcbHeader> users, ImmutableList<Teardown> teardowns) {}

  /**
   * The slot, whose {@link PerFileContextSlot#auditState()} holds the headers set up with it: null,
   * the one header itself (a file with one stream, nearly every file), or an {@code ImmutableList}
   * of two or more; after a teardown, a {@link Torn} with the teardowns as well. A list of one cost
   * 16 bytes per file, and a field of its own for the teardowns, which an open file has none of,
   * eight (issue 14). Replaced under the slot's monitor.
   */
  private final PerFileContextSlot slot;

  SlotAudit(PerFileContextSlot slot) {
    super(slot);
    this.slot = slot;
  }

  void noteUser(AdvancedFcbHeader header) {
    synchronized (slot) {
      Object u = slot.auditState();
      if (u == null) {
        slot.auditState(header);
      } else if (u != header && !users().contains(header)) {
        ImmutableList<AdvancedFcbHeader> more =
            ImmutableList.<AdvancedFcbHeader>builder().addAll(users()).add(header).build();
        slot.auditState(u instanceof Torn t ? new Torn(more, t.teardowns()) : more);
      }
    }
  }

  void noteTeardown() {
    synchronized (slot) {
      noteTeardownLocked();
    }
  }

  private void noteTeardownLocked() {
    ImmutableList.Builder<String> live = ImmutableList.builder();
    for (AdvancedFcbHeader h : users()) {
      PoolBlock m = h.memory();
      boolean freed = m != null && m.isFreed();
      if (!freed && h.audit().teardowns().isEmpty()) {
        int open = h.audit().openFileObjects();
        live.add(h.id() + " (" + open + " file object" + (open == 1 ? "" : "s") + " open)");
      }
    }
    ImmutableList<Teardown> more = ImmutableList.<Teardown>builder()
        .addAll(teardowns())
        .add(new Teardown(KeThread.currentSite(), live.build()))
        .build();
    slot.auditState(new Torn(ImmutableList.copyOf(users()), more));
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
  @SuppressWarnings("unchecked") // users holds only a header or an ImmutableList of headers
  public List<AdvancedFcbHeader> users() {
    Object u = slot.auditState();
    if (u == null) {
      return ImmutableList.of();
    }
    if (u instanceof Torn t) {
      return t.users();
    }
    return u instanceof AdvancedFcbHeader one ? ImmutableList.of(one) : (List<AdvancedFcbHeader>) u;
  }

  /** Every {@code FsRtlTeardownPerFileContexts} on the slot, in order. */
  public List<Teardown> teardowns() {
    return slot.auditState() instanceof Torn t ? t.teardowns() : ImmutableList.of();
  }
}
