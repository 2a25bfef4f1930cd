package io.fsctx.nt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.junit.jupiter.api.Test;

/** {@link FieldHandles#of}: a handle on a private field, and a missing field as an initialiser error. */
class FieldHandlesTest {
  @SuppressWarnings("unused") // reached through the var handle
  private volatile int count;

  @Test
  void of_privateField_updatesIt() {
    VarHandle h = FieldHandles.of(MethodHandles.lookup(), FieldHandlesTest.class, "count", int.class);
    assertEquals(0, (int) h.getAndAdd(this, 5));
    assertEquals(5, count);
  }

  @Test
  void of_missingField_isAnInitialiserError() {
    ExceptionInInitializerError e = assertThrows(ExceptionInInitializerError.class,
        () -> FieldHandles.of(MethodHandles.lookup(), FieldHandlesTest.class, "absent", int.class));
    assertEquals(NoSuchFieldException.class, e.getCause().getClass());
  }
}
