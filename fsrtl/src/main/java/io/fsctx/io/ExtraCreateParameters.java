package io.fsctx.io;

import static com.google.common.base.Preconditions.checkNotNull;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code ECP_LIST}: extra create parameters riding on an {@code IRP_MJ_CREATE}. Each parameter is
 * an object of its own type, the Java form of an ECP's GUID; a driver finds one by type ({@code
 * FltFindExtraCreateParameter}). Filter Manager uses a private one to tell its frame which
 * instance issued a filter-initiated create.
 *
 * <p>Thread safety: immutable (the parameter objects should be too).
 */
public final class ExtraCreateParameters {
  /** No extra create parameters. */
  public static final ExtraCreateParameters NONE = new ExtraCreateParameters(List.of());

  private final List<Object> parameters;

  private ExtraCreateParameters(List<Object> parameters) {
    this.parameters = List.copyOf(parameters);
  }

  /**
   * A list holding the given parameters, at most one per type.
   *
   * @param parameters the parameters
   * @return the list
   * @throws IllegalArgumentException when two parameters have the same type
   */
  public static ExtraCreateParameters of(Object... parameters) {
    ExtraCreateParameters l = NONE;
    for (Object p : parameters) {
      l = l.with(p);
    }
    return l;
  }

  /**
   * A copy with one more parameter ({@code FltInsertExtraCreateParameter}).
   *
   * @param parameter the parameter; its class is its type
   * @return the new list
   * @throws IllegalArgumentException when a parameter of that type is already there ({@code
   *     STATUS_FLT_DUPLICATE_ENTRY} on Windows)
   */
  public ExtraCreateParameters with(Object parameter) {
    checkNotNull(parameter, "parameter");
    if (find(parameter.getClass()) != null) {
      throw new IllegalArgumentException("an extra create parameter of type " + parameter.getClass().getName() + " is already in the list");
    }
    List<Object> next = new ArrayList<>(parameters);
    next.add(parameter);
    return new ExtraCreateParameters(next);
  }

  /**
   * {@code FltFindExtraCreateParameter}: the parameter of a type.
   *
   * @param type the parameter's class
   * @return the parameter, or null
   */
  public <T> @Nullable T find(Class<T> type) {
    for (Object p : parameters) {
      if (p.getClass() == type) {
        return type.cast(p);
      }
    }
    return null;
  }

  /** Every parameter, in insertion order. */
  public List<Object> all() {
    return parameters;
  }

  /** Whether the list is empty. */
  public boolean isEmpty() {
    return parameters.isEmpty();
  }

  @Override
  public String toString() {
    return "ECP" + parameters;
  }
}
