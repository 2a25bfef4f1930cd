package io.fsctx.fltmgr;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ContextStore} from key to attached context: volume, instance, transaction, file
 * (native and emulated) and stream-handle contexts. Stream contexts, the ones every operation
 * looks up, live inline in {@link StreamListCtrl} instead.
 *
 * <p>Design note. Most tables hold one context (a file's context of the one instance, a file
 * object's stream-handle context), and there is one table per file, per stream and per instance,
 * so the first context lives inline, in {@link #single} with its key in {@link #singleKey}, and
 * its {@link FltContext#home} is the table itself; a concurrent map, whose entries' homes are
 * {@link Home}s, is made only when a second key comes. A key is in the slot or in the map, never
 * both. A table that held a ConcurrentHashMap from the start cost about 120 bytes more per file
 * and per open; a {@link Home} for the inline entry too cost 24 bytes more per table (issue 14).
 *
 * <p>The inline pair is read without the monitor, so it is written in an order a reader can
 * check: {@link #singleKey} changes only while {@link #single} is null, and a context, once
 * detached, is never put back. A reader that sees the same context in {@link #single} before and
 * after reading the key has read that context's key.
 *
 * <p>A stream-handle table keeps its inline entry's key as the file object alone ({@link
 * #inlineKey}, {@link #inlineMatches}, {@link #inlineKeyOf}): the instance is the inline
 * context's own ({@link FltContext#attachedInstance()}, set before the entry is published and
 * never changed), so the first handle on a stream keeps no {@link StreamListCtrl.HandleKey} (16
 * bytes per open file, issue 14). The choice is made on the key's type rather than by a subclass:
 * a second table class would give the calls in {@link ContextStore}'s shared code ({@code find},
 * {@code put}, {@code homeFor}) three receiver classes on the filtered I/O path, more than the JIT
 * inlines. No other table has file objects as keys.
 *
 * <p>Thread safety: safe for concurrent use; see {@link ContextStore} for the locking: writes
 * hold the table's monitor, {@link #find} reads the volatile slot and map without it.
 */
final class ContextTable<K> implements ContextStore<K> {
  /** Where a context in the table's map is attached: the table, its key there, and the context. */
  record Home(ContextTable<?> table, Object key, FltContext context) {}

  private final Object owner;
  /** The one inline entry, or null. */
  private volatile @Nullable FltContext single;
  /** The inline entry's key; written only while {@link #single} is null. */
  private volatile @Nullable Object singleKey;
  /** The other entries, made when a second key is attached. */
  private volatile @Nullable ConcurrentHashMap<K, FltContext> map;

  ContextTable(Object owner) {
    this.owner = owner;
  }

  /** What the inline slot keeps for {@code key}: the file object of a stream-handle key, else the key. */
  private static Object inlineKey(Object key) {
    return key instanceof StreamListCtrl.HandleKey h ? h.fileObject() : key;
  }

  /**
   * Whether the inline entry ({@code kept}, the result of {@link #inlineKey}, with its context
   * {@code ctx}, which is attached) has the key {@code key}.
   */
  private static boolean inlineMatches(@Nullable Object kept, FltContext ctx, Object key) {
    if (key instanceof StreamListCtrl.HandleKey h) {
      return kept == h.fileObject() && ctx.attachedInstance() == h.instance();
    }
    return key.equals(kept);
  }

  /** The key of the inline entry, from what the slot keeps and its context. */
  @SuppressWarnings("unchecked") // a file object stands for a stream-handle key; any other kept key is the key
  private K inlineKeyOf(@Nullable Object kept, FltContext ctx) {
    if (kept instanceof io.fsctx.io.FileObject fo) {
      return (K) new StreamListCtrl.HandleKey(java.util.Objects.requireNonNull(ctx.attachedInstance()), fo);
    }
    return (K) kept;
  }

  @Override
  public Object owner() {
    return owner;
  }

  @Override
  public @Nullable FltContext find(K key) {
    while (true) {
      FltContext s = single;
      if (s == null) {
        break;
      }
      Object k = singleKey;
      if (single == s) {
        if (inlineMatches(k, s, key)) {
          return s;
        }
        break;
      }
      // The slot changed while the key was read (a replace under the same key, or a remove):
      // look again rather than miss a context that was there all along.
    }
    ConcurrentHashMap<K, FltContext> m = map;
    return m == null ? null : m.get(key);
  }

  /** Under the monitor: whether {@code key} goes (or is) in the inline slot. */
  private boolean inline(K key) {
    FltContext s = single;
    return s == null ? !mapHas(key) : inlineMatches(singleKey, s, key);
  }

  private boolean mapHas(Object key) {
    ConcurrentHashMap<K, FltContext> m = map;
    return m != null && m.containsKey(key);
  }

  @Override
  public synchronized void put(K key, FltContext ctx) {
    if (inline(key)) {
      if (single == null) {
        singleKey = inlineKey(key); // the slot is empty: a reader sees the key only with its context
      }
      single = ctx; // same key: the new context replaces the old one in one write
      return;
    }
    ConcurrentHashMap<K, FltContext> m = map;
    if (m == null) {
      m = new ConcurrentHashMap<>(4);
      map = m;
    }
    m.put(key, ctx);
  }

  @Override
  public synchronized @Nullable FltContext remove(K key) {
    FltContext s = single;
    if (s != null && inlineMatches(singleKey, s, key)) {
      single = null;
      return s;
    }
    ConcurrentHashMap<K, FltContext> m = map;
    return m == null ? null : m.remove(key);
  }

  @Override
  public synchronized boolean removeContext(FltContext ctx) {
    Object h = ctx.home;
    if (h == this) {
      if (single == ctx) {
        single = null;
        return true;
      }
      return false;
    }
    if (!(h instanceof Home home) || home.table() != this) {
      return false;
    }
    ConcurrentHashMap<K, FltContext> m = map;
    return m != null && m.remove(home.key(), ctx);
  }

  @Override
  public synchronized List<FltContext> removeWhere(Predicate<? super K> which) {
    FltContext s = single;
    ConcurrentHashMap<K, FltContext> m = map;
    if (m == null) {
      // One entry at most, as in nearly every table (a file's teardown): no list to build.
      if (s != null && which.test(inlineKeyOf(singleKey, s))) {
        single = null;
        return List.of(s);
      }
      return List.of();
    }
    List<FltContext> out = new ArrayList<>();
    if (s != null && which.test(inlineKeyOf(singleKey, s))) {
      single = null;
      out.add(s);
    }
    Iterator<Map.Entry<K, FltContext>> it = m.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<K, FltContext> e = it.next();
      if (which.test(e.getKey())) {
        it.remove();
        out.add(e.getValue());
      }
    }
    return out;
  }

  /**
   * Under the monitor, before the {@link #put} of the same key: the table itself for the inline
   * slot, a {@link Home} for the map.
   */
  @Override
  public Object homeFor(K key, FltContext ctx) {
    return inline(key) ? this : new Home(this, key, ctx);
  }

  @Override
  public synchronized void collectAttached(List<FltContext> out) {
    FltContext s = single;
    if (s != null) {
      out.add(s);
    }
    ConcurrentHashMap<K, FltContext> m = map;
    if (m != null) {
      out.addAll(m.values());
    }
  }

  @Override
  public int size() {
    FltContext s = single;
    ConcurrentHashMap<K, FltContext> m = map;
    return (s == null ? 0 : 1) + (m == null ? 0 : m.size());
  }
}
