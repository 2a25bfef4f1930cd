package io.fsctx.fltmgr;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A sequential reference model of the Filter Manager context rules for one filter, one instance
 * and a few streams, written from fltmgr.md 3-6 and fsrtl.md 7 without looking at the
 * implementation: every operation returns the status (or bug check) the spec predicts and updates
 * reference counts and states. Contexts are numbered in allocation order.
 *
 * <p>Thread safety: confined to one thread.
 */
final class ContextModel {
  /** Context states of fltmgr.md 6. */
  enum St { ALLOCATED, ATTACHED, DELETED, FREED }

  /** Context kinds the model covers. */
  enum Kind { STREAM, INSTANCE }

  /** One modelled context. */
  static final class Ctx {
    final Kind kind;
    int refs = 1;
    St state = St.ALLOCATED;
    int cleanups;

    Ctx(Kind kind) {
      this.kind = kind;
    }
  }

  static final String SUCCESS = "STATUS_SUCCESS";
  static final String NOT_FOUND = "STATUS_NOT_FOUND";
  static final String DELETING = "STATUS_FLT_DELETING_OBJECT";
  static final String INVALID = "STATUS_INVALID_PARAMETER";
  static final String LINKED = "STATUS_FLT_CONTEXT_ALREADY_LINKED";
  static final String DEFINED = "STATUS_FLT_CONTEXT_ALREADY_DEFINED";
  static final String NOT_FOUND_ALLOC = "STATUS_FLT_CONTEXT_ALLOCATION_NOT_FOUND";
  static final String INSTANCE_NOT_FOUND = "STATUS_FLT_INSTANCE_NOT_FOUND";
  static final String OVER_RELEASE = "BUGCHECK_0x6d";
  static final String USE_AFTER_FREE = "BUGCHECK_0x6e";

  final List<Ctx> contexts = new ArrayList<>();
  /** The stream context attached on each stream, by index, or -1. */
  final int[] streamSlot;
  int instanceSlot = -1;
  boolean instanceAttached = true;
  boolean unloaded;

  ContextModel(int streams) {
    streamSlot = new int[streams];
    java.util.Arrays.fill(streamSlot, -1);
  }

  /** What an operation returned: a status and the context handed back (or -1). */
  record Result(String status, int context) {
    static Result of(String status) {
      return new Result(status, -1);
    }
  }

  /** A reference is dropped by Filter Manager itself (link reference); frees at zero. */
  private void drop(int i) {
    Ctx c = contexts.get(i);
    c.refs--;
    if (c.refs == 0) {
      c.state = St.FREED;
      c.cleanups++;
    }
  }

  private void detach(int i, boolean handOver) {
    contexts.get(i).state = St.DELETED;
    if (!handOver) {
      drop(i);
    }
  }

  // fltmgr.md 3: the filter registers 16-byte fixed definitions without NO_EXACT_SIZE_MATCH.
  Result allocate(Kind kind, long size) {
    if (unloaded) {
      return Result.of(DELETING);
    }
    if (size <= 0) {
      return Result.of(INVALID);
    }
    if (size != Rig.SIZE) {
      return Result.of(NOT_FOUND_ALLOC);
    }
    contexts.add(new Ctx(kind));
    return new Result(SUCCESS, contexts.size() - 1);
  }

  // fltmgr.md 5.3
  Result reference(int i) {
    Ctx c = contexts.get(i);
    if (c.state == St.FREED) {
      return Result.of(USE_AFTER_FREE);
    }
    c.refs++;
    return new Result(SUCCESS, i);
  }

  // fltmgr.md 5.4
  Result release(int i) {
    Ctx c = contexts.get(i);
    if (c.state == St.FREED) {
      return Result.of(USE_AFTER_FREE);
    }
    if (c.refs == 1 && c.state == St.ATTACHED) {
      return Result.of(OVER_RELEASE);
    }
    drop(i);
    return Result.of(SUCCESS);
  }

  // fltmgr.md 4.1 with the check order DELETING_OBJECT, INVALID_PARAMETER, ALREADY_LINKED, ALREADY_DEFINED.
  private Result set(Kind kind, int slotValue, int i, boolean keep, boolean wantOld, java.util.function.IntConsumer store) {
    Ctx c = contexts.get(i);
    if (!instanceAttached) {
      return Result.of(DELETING);
    }
    if (c.state == St.FREED) {
      return Result.of(USE_AFTER_FREE);
    }
    if (c.kind != kind) {
      return Result.of(INVALID);
    }
    if (c.state != St.ALLOCATED) {
      return Result.of(LINKED);
    }
    if (slotValue >= 0 && keep) {
      if (wantOld) {
        contexts.get(slotValue).refs++;
        return new Result(DEFINED, slotValue);
      }
      return Result.of(DEFINED);
    }
    c.refs++;
    c.state = St.ATTACHED;
    store.accept(i);
    if (slotValue >= 0) {
      detach(slotValue, wantOld);
      return new Result(SUCCESS, wantOld ? slotValue : -1);
    }
    return Result.of(SUCCESS);
  }

  Result setStream(int stream, int i, boolean keep, boolean wantOld) {
    return set(Kind.STREAM, streamSlot[stream], i, keep, wantOld, v -> streamSlot[stream] = v);
  }

  Result setInstance(int i, boolean keep, boolean wantOld) {
    return set(Kind.INSTANCE, instanceSlot, i, keep, wantOld, v -> instanceSlot = v);
  }

  // fltmgr.md 5.1
  private Result get(int slotValue) {
    if (slotValue < 0) {
      return Result.of(NOT_FOUND);
    }
    contexts.get(slotValue).refs++;
    return new Result(SUCCESS, slotValue);
  }

  Result getStream(int stream) {
    return get(streamSlot[stream]);
  }

  Result getInstance() {
    return get(instanceSlot);
  }

  // fltmgr.md 5.6
  Result deleteStream(int stream, boolean wantOld) {
    if (!instanceAttached) {
      return Result.of(DELETING);
    }
    int i = streamSlot[stream];
    if (i < 0) {
      return Result.of(NOT_FOUND);
    }
    streamSlot[stream] = -1;
    detach(i, wantOld);
    return new Result(SUCCESS, wantOld ? i : -1);
  }

  Result deleteInstance(boolean wantOld) {
    if (!instanceAttached) {
      return Result.of(DELETING);
    }
    int i = instanceSlot;
    if (i < 0) {
      return Result.of(NOT_FOUND);
    }
    instanceSlot = -1;
    detach(i, wantOld);
    return new Result(SUCCESS, wantOld ? i : -1);
  }

  // fltmgr.md 5.5: only the first delete of an attached context drops the link; others are no-ops.
  Result deleteContext(int i) {
    Ctx c = contexts.get(i);
    if (c.state == St.FREED) {
      return Result.of(USE_AFTER_FREE);
    }
    if (c.state != St.ATTACHED) {
      return Result.of(SUCCESS);
    }
    for (int s = 0; s < streamSlot.length; s++) {
      if (streamSlot[s] == i) {
        streamSlot[s] = -1;
      }
    }
    if (instanceSlot == i) {
      instanceSlot = -1;
    }
    detach(i, false);
    return Result.of(SUCCESS);
  }

  /** fltmgr.md 5.2: the contexts FltGetContexts returns, each referenced, in field order. */
  List<Integer> getContexts(int stream, boolean wantInstance, boolean wantStream) {
    List<Integer> out = new ArrayList<>();
    if (wantInstance && instanceSlot >= 0) {
      out.add(get(instanceSlot).context());
    }
    if (wantStream && streamSlot[stream] >= 0) {
      out.add(get(streamSlot[stream]).context());
    }
    return out;
  }

  /** fltmgr.md 6.2: the file system tears the stream down; its contexts are deleted. */
  void teardownStream(int stream) {
    int i = streamSlot[stream];
    if (i >= 0) {
      streamSlot[stream] = -1;
      detach(i, false);
    }
  }

  private void detachEverything() {
    for (int s = 0; s < streamSlot.length; s++) {
      teardownStream(s);
    }
    if (instanceSlot >= 0) {
      int i = instanceSlot;
      instanceSlot = -1;
      detach(i, false);
    }
  }

  /** FltDetachVolume with a query-teardown callback that allows it (fltmgr.md 6.2). */
  Result detach() {
    if (!instanceAttached) {
      return Result.of(INSTANCE_NOT_FOUND);
    }
    instanceAttached = false;
    detachEverything();
    return Result.of(SUCCESS);
  }

  /** FltUnregisterFilter: everything deleted; the number of contexts still referenced. */
  int unload() {
    instanceAttached = false;
    unloaded = true;
    detachEverything();
    int live = 0;
    for (Ctx c : contexts) {
      if (c.state != St.FREED) {
        live++;
      }
    }
    return live;
  }

  @Nullable Ctx ctx(int i) {
    return i < 0 ? null : contexts.get(i);
  }
}
