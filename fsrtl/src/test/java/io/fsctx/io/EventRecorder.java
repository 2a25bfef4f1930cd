package io.fsctx.io;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Records every event of an I/O manager, thread-safely, for assertions. */
final class EventRecorder implements IoEventListener {
  private final List<IoEvent> events = Collections.synchronizedList(new ArrayList<>());

  @Override
  public void onEvent(IoEvent event) {
    events.add(event);
  }

  List<IoEvent> events() {
    synchronized (events) {
      return List.copyOf(events);
    }
  }

  <E extends IoEvent> List<E> of(Class<E> type) {
    List<E> out = new ArrayList<>();
    for (IoEvent e : events()) {
      if (type.isInstance(e)) {
        out.add(type.cast(e));
      }
    }
    return out;
  }

  /** Event kinds in order, such as {@code [Cleanup, FcbFreed, Close]}. */
  List<String> kinds() {
    List<String> out = new ArrayList<>();
    for (IoEvent e : events()) {
      out.add(e.getClass().getSimpleName());
    }
    return out;
  }

  void clear() {
    events.clear();
  }
}
