package io.fsctx.examples.ctx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.fltmgr.ContextEvent;
import io.fsctx.fltmgr.FilterManager;
import io.fsctx.fltmgr.Flt;
import io.fsctx.fltmgr.FltContext;
import io.fsctx.fltmgr.FltContextType;
import io.fsctx.fltmgr.FltInstance;
import io.fsctx.fltmgr.UnloadReport;
import io.fsctx.io.CreateParameters;
import io.fsctx.io.CreateResult;
import io.fsctx.io.FileObject;
import io.fsctx.io.IoManager;
import io.fsctx.io.Volume;
import io.fsctx.modelfs.ModelFileSystem;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** One volume with CTX loaded, its events recorded; for the CTX tests. Confined to one test. */
final class CtxHarness {
  final IoManager io = new IoManager();
  final FilterManager mgr = new FilterManager();
  final List<ContextEvent> events = Collections.synchronizedList(new ArrayList<>());
  final ModelFileSystem fs;
  final Volume volume;
  final CtxLog log = CtxLog.silent();
  final Ctx ctx;

  CtxHarness(ModelFileSystem fs) {
    this(fs, true);
  }

  CtxHarness(ModelFileSystem fs, boolean load) {
    this.fs = fs;
    mgr.addListener(events::add);
    volume = io.mount("\\Device\\HarddiskVolume1", 'C', fs);
    mgr.followMounts(io);
    ctx = new Ctx(mgr, log);
    if (load) {
      assertEquals(NtStatus.STATUS_SUCCESS, ctx.driverEntry());
    }
  }

  FileObject open(String path, CreateParameters p) {
    CreateResult r = io.createFile(volume, path, p);
    assertNotNull(r.fileObject(), () -> "open " + path + ": " + r.status());
    return r.fileObject();
  }

  FltInstance instance() {
    return ctx.filter().instances().get(0);
  }

  /** Reads a payload through a get/release pair (the get and release are themselves events). */
  <T, R> @Nullable R peek(FltContextType type, FileObject fo, Class<T> payload, Function<T, R> f) {
    Out<FltContext> c = new Out<>();
    NtStatus st = switch (type) {
      case STREAM -> Flt.getStreamContext(instance(), fo, c);
      case STREAMHANDLE -> Flt.getStreamHandleContext(instance(), fo, c);
      case FILE -> Flt.getFileContext(instance(), fo, c);
      default -> throw new IllegalArgumentException(type.toString());
    };
    if (!st.isSuccess()) {
      return null;
    }
    try {
      return f.apply(c.get().payload(payload));
    } finally {
      Flt.releaseContext(c.get());
    }
  }

  List<ContextEvent> ctxEvents() {
    synchronized (events) {
      return events.stream().filter(e -> e.filterName().equals(Ctx.SERVICE_NAME)).toList();
    }
  }

  /** The contexts of a type, in allocation order. */
  List<String> allocated(FltContextType type) {
    return ctxEvents().stream()
        .filter(e -> e.kind() == ContextEvent.Kind.ALLOCATE && e.contextType() == type)
        .map(ContextEvent::contextId).toList();
  }

  /** One context's ledger as "callback kind count" strings (callback "-" outside callbacks). */
  List<String> ledger(String contextId) {
    return ctxEvents().stream()
        .filter(e -> e.contextId().equals(contextId))
        .map(e -> (e.callback() == null ? "-" : e.callback()) + " " + e.kind() + " " + e.referenceCount())
        .toList();
  }

  long count(ContextEvent.Kind kind, FltContextType type) {
    return ctxEvents().stream().filter(e -> e.kind() == kind && e.contextType() == type).count();
  }

  List<String> errorLines() {
    return log.lines().stream().filter(l -> (l.level() & CtxLog.DEBUG_TRACE_ERROR) != 0).map(CtxLog.Line::line).toList();
  }

  /** Unloads and checks nothing leaked: events balanced, unload report clean, pool empty. */
  UnloadReport unloadClean() {
    UnloadReport r = ctx.unload();
    assertTrue(r.clean(), r::format);
    for (FltContextType t : CtxReport.CTX_TYPES) {
      assertEquals(count(ContextEvent.Kind.ALLOCATE, t), count(ContextEvent.Kind.FREE, t), "allocated vs freed " + t);
      assertEquals(count(ContextEvent.Kind.FREE, t), count(ContextEvent.Kind.CLEANUP, t), "cleanup once per free " + t);
    }
    assertTrue(mgr.liveContexts().isEmpty(), () -> "live: " + mgr.liveContexts());
    assertTrue(ctx.support().outstanding().values().stream().allMatch(v -> v == 0), () -> "pool " + ctx.support().outstanding());
    return r;
  }
}
