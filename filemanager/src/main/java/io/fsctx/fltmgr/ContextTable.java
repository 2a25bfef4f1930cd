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
 * so the first context lives inline: its {@link Home} (what {@link FltContext#home} holds anyway)
 * is the table's {@code single} slot, and a concurrent map is made only when a second key comes.
 * A key is in the slot or in the map, never both. A table that held a ConcurrentHashMap from
 * the start cost about 120 bytes more per file and per open.
 *
 * <p>Thread safety: safe for concurrent use; see {@link ContextStore} for the locking: writes
 * hold the table's monitor, {@link #find} reads the volatile slot and map without it.
 */
final class ContextTable<K> implements ContextStore<K> {
  /** Where a context in a table is attached: the table, its key there, and the context. */
  record Home(ContextTable<?> table, Object key, FltContext context) {}

  private final Object owner;
  /** The one inline entry, or null. */
  private volatile @Nullable Home single;
  /** The other entries, made when a second key is attached. */
  private volatile @Nullable ConcurrentHashMap<K, FltContext> map;

  ContextTable(Object owner) {
    this.owner = owner;
  }

  @Override
  public Object owner() {
    return owner;
  }

  @Override
  public @Nullable FltContext find(K key) {
    Home s = single;
    if (s != null && s.key().equals(key)) {
      return s.context();
    }
    ConcurrentHashMap<K, FltContext> m = map;
    return m == null ? null : m.get(key);
  }

  @Override
  public synchronized void put(K key, FltContext ctx) {
    Home h = ctx.home instanceof Home own && own.table() == this && own.key().equals(key) && own.context() == ctx
        ? own
        : new Home(this, key, ctx);
    Home s = single;
    ConcurrentHashMap<K, FltContext> m = map;
    if (s != null && s.key().equals(key)) {
      single = h;
    } else if (m != null && m.containsKey(key)) {
      m.put(key, ctx);
    } else if (s == null) {
      single = h;
    } else {
      if (m == null) {
        m = new ConcurrentHashMap<>(4);
        map = m;
      }
      m.put(key, ctx);
    }
  }

  @Override
  public synchronized @Nullable FltContext remove(K key) {
    Home s = single;
    if (s != null && s.key().equals(key)) {
      single = null;
      return s.context();
    }
    ConcurrentHashMap<K, FltContext> m = map;
    return m == null ? null : m.remove(key);
  }

  @Override
  public synchronized boolean removeContext(FltContext ctx) {
    if (!(ctx.home instanceof Home h) || h.table() != this) {
      return false;
    }
    Home s = single;
    if (s != null && s.context() == ctx) {
      single = null;
      return true;
    }
    ConcurrentHashMap<K, FltContext> m = map;
    return m != null && m.remove(h.key(), ctx);
  }

  @Override
  @SuppressWarnings("unchecked")
  public synchronized List<FltContext> removeWhere(Predicate<? super K> which) {
    Home s = single;
    ConcurrentHashMap<K, FltContext> m = map;
    if (m == null) {
      // One entry at most, as in nearly every table (a file's teardown): no list to build.
      if (s != null && which.test((K) s.key())) {
        single = null;
        return List.of(s.context());
      }
      return List.of();
    }
    List<FltContext> out = new ArrayList<>();
    if (s != null && which.test((K) s.key())) {
      single = null;
      out.add(s.context());
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

  @Override
  public Object homeFor(K key, FltContext ctx) {
    return new Home(this, key, ctx);
  }

  @Override
  public int size() {
    Home s = single;
    ConcurrentHashMap<K, FltContext> m = map;
    return (s == null ? 0 : 1) + (m == null ? 0 : m.size());
  }
}
