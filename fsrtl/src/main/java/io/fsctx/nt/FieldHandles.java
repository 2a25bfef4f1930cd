package io.fsctx.nt;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Var handles on fields, for the model's structures that keep an atomic field of their own rather
 * than an atomic object beside them (a count, a state word, a lazily installed pointer), as the
 * kernel's structures keep theirs inline and update them with interlocked operations.
 *
 * <p>Thread safety: stateless.
 */
public final class FieldHandles {
  private FieldHandles() {}

  /**
   * A var handle on a field, for a class's static initialiser. A field that is not there is a
   * programming error, so the lookup's checked failure becomes an {@link ExceptionInInitializerError}.
   *
   * @param lookup the declaring class's own lookup ({@code MethodHandles.lookup()}), which may
   *     reach its private fields
   * @param owner the class that declares the field
   * @param name the field's name
   * @param type the field's type
   * @return the var handle
   */
  public static VarHandle of(MethodHandles.Lookup lookup, Class<?> owner, String name, Class<?> type) {
    try {
      return lookup.findVarHandle(owner, name, type);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
}
