package io.fsctx.modelfs.toolkit;

import io.fsctx.fsrtl.CommonFcbHeader;
import io.fsctx.nt.ProbingTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Where a file system finds the in-memory structure of a file or stream that is already open
 * (fastfat's FCB tree under its parent DCB, NTFS's SCB list of an FCB): a map from the file
 * system's own key to its structure. Inserting is the moment the structure becomes reachable by
 * other opens, so the table tells the header's audit ({@link
 * io.fsctx.fsrtl.HeaderAudit#noteReachable()}); a header set up only afterwards is reported by
 * the file-system verifier ({@code SETUP-ORDER}).
 *
 * <p>Most tables hold one structure (an NTFS FCB's SCB list usually has only the default
 * stream's), and a file system makes one table per file, so the first entry is kept in two fields
 * and a map is made only for a second one.
 *
 * <p>Thread safety: not thread-safe; guard it with the file system's VCB lock.
 *
 * @param <K> the key (an on-disk file record, a stream name...)
 * @param <F> the structure
 */
public final class FcbTable<K, F> {
  private @Nullable K singleKey;
  private @Nullable F single;
  /**
   * The entries other than the single one: a {@code Map} made for a second entry, or, when the
   * structures know their keys, a {@link Keyed} table of the structures themselves, made with the
   * table (a volume's FCB table holds one structure per open file, and a map a node for each).
   * One field for both keeps a table per file at 24 bytes.
   */
  private @Nullable Object rest;
  private final Function<? super F, ? extends @Nullable CommonFcbHeader> headerOf;

  /** The structures by the key each one knows ({@link #FcbTable(Function, Function)}). */
  private static final class Keyed<K, F> extends ProbingTable<F> {
    private final Function<? super F, ? extends K> keyOf;

    Keyed(Function<? super F, ? extends K> keyOf) {
      this.keyOf = keyOf;
    }

    @Override
    protected int hashOf(F structure) {
      return keyOf.apply(structure).hashCode();
    }

    @Override
    protected boolean matches(F structure, Object key, long unused) {
      return key.equals(keyOf.apply(structure));
    }
  }

  /**
   * Creates an empty table.
   *
   * @param headerOf the header embedded in a structure, or null for structures without one (a
   *     per-file FCB of a multi-stream file system)
   */
  public FcbTable(Function<? super F, ? extends @Nullable CommonFcbHeader> headerOf) {
    this.headerOf = headerOf;
  }

  /**
   * Creates an empty table of structures that know their own key (an NTFS FCB its file record), so
   * the table keeps no entry object beside each structure, as an intrusive kernel table keeps its
   * links in the structures.
   *
   * @param headerOf the header embedded in a structure, or null for structures without one
   * @param keyOf the key a structure is inserted under; it must not change while it is in the table
   */
  public FcbTable(
      Function<? super F, ? extends @Nullable CommonFcbHeader> headerOf, Function<? super F, ? extends K> keyOf) {
    this.headerOf = headerOf;
    this.rest = new Keyed<K, F>(keyOf);
  }

  @SuppressWarnings("unchecked")
  private @Nullable Keyed<K, F> keyed() {
    return rest instanceof Keyed<?, ?> k ? (Keyed<K, F>) k : null;
  }

  @SuppressWarnings("unchecked")
  private @Nullable Map<K, F> map() {
    return rest instanceof Map<?, ?> m ? (Map<K, F>) m : null;
  }

  /** The structure under {@code key}, or null. */
  public @Nullable F get(K key) {
    if (single != null && key.equals(singleKey)) {
      return single;
    }
    Keyed<K, F> k = keyed();
    if (k != null) {
      return k.get(key.hashCode(), key, 0);
    }
    Map<K, F> m = map();
    return m == null ? null : m.get(key);
  }

  /**
   * Makes a structure findable under {@code key}.
   *
   * @param key the key
   * @param structure the structure; its header should be set up by now
   * @throws IllegalStateException when another structure is already there
   * @throws IllegalArgumentException when the table was made with a key function and {@code key}
   *     is not the structure's key
   */
  public void insert(K key, F structure) {
    Keyed<K, F> keyed = keyed();
    if (keyed != null && !key.equals(keyed.keyOf.apply(structure))) {
      throw new IllegalArgumentException(structure + " knows the key " + keyed.keyOf.apply(structure) + ", not " + key);
    }
    F old = get(key);
    if (old != null && old != structure) {
      throw new IllegalStateException(key + " already has " + old);
    }
    if (old == null) {
      if (single == null) {
        singleKey = key;
        single = structure;
      } else if (keyed != null) {
        keyed.put(key.hashCode(), key, 0, structure);
      } else {
        Map<K, F> m = map();
        if (m == null) {
          m = new HashMap<>();
          rest = m;
        }
        m.put(key, structure);
      }
    }
    CommonFcbHeader h = headerOf.apply(structure);
    if (h != null) {
      h.audit().noteReachable();
    }
  }

  /**
   * Removes a structure, so no new open finds it (before it is torn down and freed).
   *
   * @param key its key
   * @param structure the structure expected there
   * @return whether it was there
   */
  public boolean remove(K key, F structure) {
    if (single == structure && key.equals(singleKey)) {
      single = null;
      singleKey = null;
      return true;
    }
    Keyed<K, F> k = keyed();
    if (k != null) {
      return k.remove(key.hashCode(), key, 0, structure);
    }
    Map<K, F> m = map();
    return m != null && m.remove(key, structure);
  }

  /** Whether the table is empty. */
  public boolean isEmpty() {
    Map<K, F> m = map();
    Keyed<K, F> k = keyed();
    return single == null && (m == null || m.isEmpty()) && (k == null || k.size() == 0);
  }

  /** The structures, in no particular order (a copy). */
  public List<F> values() {
    List<F> out = new ArrayList<>();
    F s = single;
    if (s != null) {
      out.add(s);
    }
    Keyed<K, F> k = keyed();
    if (k != null) {
      out.addAll(k.values());
    }
    Map<K, F> m = map();
    if (m != null) {
      out.addAll(m.values());
    }
    return out;
  }
}
