package io.fsctx.fltmgr;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ContextStore} backed by a concurrent map from key to attached context: volume,
 * instance, transaction, file (native and emulated) and stream-handle contexts. Stream contexts,
 * the ones every operation looks up, live inline in {@link StreamListCtrl} instead.
 *
 * <p>Thread safety: safe for concurrent use; see {@link ContextStore} for the locking.
 */
final class ContextTable<K> implements ContextStore<K> {
  /** Where a context in a table is attached: the table and its key there. */
  record Home(ContextTable<?> table, Object key) {}

  private final Object owner;
  private final ConcurrentHashMap<K, FltContext> map = new ConcurrentHashMap<>(2);

  ContextTable(Object owner) {
    this.owner = owner;
  }

  @Override
  public Object owner() {
    return owner;
  }

  @Override
  public @Nullable FltContext find(K key) {
    return map.get(key);
  }

  @Override
  public void put(K key, FltContext ctx) {
    map.put(key, ctx);
  }

  @Override
  public @Nullable FltContext remove(K key) {
    return map.remove(key);
  }

  @Override
  public boolean removeContext(FltContext ctx) {
    return ctx.home instanceof Home h && h.table() == this && map.remove(h.key(), ctx);
  }

  @Override
  public List<FltContext> removeWhere(Predicate<? super K> which) {
    List<FltContext> out = new ArrayList<>();
    Iterator<Map.Entry<K, FltContext>> it = map.entrySet().iterator();
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
    return new Home(this, key);
  }

  @Override
  public int size() {
    return map.size();
  }
}
