package io.fsctx.fltmgr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link EventBus}: a listener costs the hot path only for the kinds of event it asks for. The
 * context store and the instances build their events only while {@link EventBus#hasListeners()}
 * says someone wants one, so a listener that wants none must leave it false.
 */
class EventBusTest {
  private static ContextEventListener wanting(Set<ContextEvent.Kind> kinds) {
    return new ContextEventListener() {
      @Override
      public void onEvent(ContextEvent event) {}

      @Override
      public Set<ContextEvent.Kind> kinds() {
        return kinds;
      }
    };
  }

  @Test
  @DisplayName("A listener that wants no kind of event leaves the bus without listeners; one that wants a kind does not")
  void noKinds_noListeners() {
    EventBus bus = new EventBus();
    bus.add(wanting(EnumSet.noneOf(ContextEvent.Kind.class)));
    assertFalse(bus.hasListeners(), "a listener of no kind makes every event build for nothing");
    ContextEventListener frees = wanting(EnumSet.of(ContextEvent.Kind.FREE));
    bus.add(frees);
    assertTrue(bus.hasListeners());
    bus.remove(frees);
    assertFalse(bus.hasListeners());
  }

  @Test
  @DisplayName("Callbacks nest per thread: each exit restores the enclosing callback, an outer exit leaves the inner ones")
  void callbacks_nestAndRestore() throws Exception {
    EventBus bus = new EventBus();
    assertNull(bus.currentCallback());
    Object outer = bus.enterCallback("PreCreate", null);
    assertEquals("PreCreate", bus.currentCallback());
    // Deeper than the stack's first arrays, so it grows.
    Object[] tokens = new Object[20];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = bus.enterCallback("Inner" + i, null);
    }
    assertEquals("Inner19", bus.currentCallback());
    Thread other = new Thread(() -> assertNull(bus.currentCallback(), "another thread is in no callback"));
    other.start();
    other.join();
    bus.exitCallback(tokens[19]);
    assertEquals("Inner18", bus.currentCallback());
    bus.exitCallback(tokens[5]); // leaves Inner5 and every callback inside it
    assertEquals("Inner4", bus.currentCallback());
    bus.exitCallback(tokens[10]); // already left: nothing changes
    assertEquals("Inner4", bus.currentCallback());
    bus.exitCallback(outer);
    assertNull(bus.currentCallback());
    assertNull(bus.currentFilter());
    assertThrows(IllegalArgumentException.class, () -> bus.exitCallback("not a token"));
  }
}
