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
 * <p>Thread safety: safe for concurrent use; both lists are immutable and replaced under the
 * audit's monitor.
 */
public final class SlotAudit extends RuleMarks {
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
  /**
   * The headers set up with the slot: null, the one header itself (a file with one stream, nearly
   * every file), or an {@code ImmutableList} of two or more. A list of one cost 16 bytes per file.
   */
  private volatile @Nullable Object users;
  private volatile ImmutableList<Teardown> teardowns = ImmutableList.of();

  SlotAudit(PerFileContextSlot slot) {
    this.slot = slot;
  }

  synchronized void noteUser(AdvancedFcbHeader header) {
    Object u = users;
    if (u == null) {
      users = header;
    } else if (u != header && !users().contains(header)) {
      users = ImmutableList.<AdvancedFcbHeader>builder().addAll(users()).add(header).build();
    }
  }

  synchronized void noteTeardown() {
    ImmutableList.Builder<String> live = ImmutableList.builder();
    for (AdvancedFcbHeader h : users()) {
      PoolBlock m = h.memory();
      boolean freed = m != null && m.isFreed();
      if (!freed && h.audit().teardowns().isEmpty()) {
        int open = h.audit().openFileObjects();
        live.add(h.id() + " (" + open + " file object" + (open == 1 ? "" : "s") + " open)");
      }
    }
    teardowns = ImmutableList.<Teardown>builder()
        .addAll(teardowns)
        .add(new Teardown(KeThread.currentSite(), live.build()))
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
  @SuppressWarnings("unchecked") // users holds only a header or an ImmutableList of headers
  public List<AdvancedFcbHeader> users() {
    Object u = users;
    if (u == null) {
      return ImmutableList.of();
    }
    return u instanceof AdvancedFcbHeader one ? ImmutableList.of(one) : (List<AdvancedFcbHeader>) u;
  }

  /** Every {@code FsRtlTeardownPerFileContexts} on the slot, in order. */
  public List<Teardown> teardowns() {
    return teardowns;
  }
}
