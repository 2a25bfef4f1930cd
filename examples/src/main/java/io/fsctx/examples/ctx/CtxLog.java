package io.fsctx.examples.ctx;

import com.google.common.base.CharMatcher;
import com.google.common.base.Splitter;
import io.fsctx.fltmgr.FltCallbackData;
import io.fsctx.fltmgr.FltContext;
import io.fsctx.fltmgr.FltInstance;
import io.fsctx.fltmgr.FltVolume;
import io.fsctx.io.FileObject;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.UnicodeString;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * CTX's {@code DebugTrace} and {@code Globals.DebugLevel} ({@code CtxStruc.h}): a per-filter log
 * sink with the sample's debug categories. Every trace is <em>recorded</em> (level, format,
 * arguments and the formatted line) whatever the level, so tests and the report can read the
 * whole log (ctx-sample §1.10 asks the model to capture everything and leave filtering to its
 * users); only lines whose level shares a bit with {@link #debugLevel()} are <em>printed</em> to
 * the sink, as {@code (Level & Globals.DebugLevel) != 0} decides in the sample.
 *
 * <p>Formatting emulates {@code DbgPrint}: {@code %p} prints an object's stable identity ({@code
 * FileObject#3}, {@code Ctx#12}; callback data gets {@code Cbd#n} and other objects {@code Obj#n}
 * from this log, never a hash
 * code), {@code %wZ} a {@code UNICODE_STRING}, {@code %x}/{@code %X}/{@code %08X} numbers in hex,
 * {@code %d}/{@code %u} in decimal, {@code %s} anything, {@code %%} a percent sign. Every line
 * begins {@code [Ctx]: }.
 *
 * <p>No global state: each {@link Ctx} owns one. Thread safety: safe for concurrent use; lines
 * are recorded and printed under this object's monitor, so concurrent callbacks never interleave
 * inside a line. The sink is called with that monitor held and must not call back into the log.
 */
public final class CtxLog {
  /** {@code DEBUG_TRACE_ERROR}. */
  public static final int DEBUG_TRACE_ERROR = 0x00000001;
  /** {@code DEBUG_TRACE_LOAD_UNLOAD}. */
  public static final int DEBUG_TRACE_LOAD_UNLOAD = 0x00000002;
  /** {@code DEBUG_TRACE_INSTANCES}. */
  public static final int DEBUG_TRACE_INSTANCES = 0x00000004;
  /** {@code DEBUG_TRACE_INSTANCE_CONTEXT_OPERATIONS}. */
  public static final int DEBUG_TRACE_INSTANCE_CONTEXT_OPERATIONS = 0x00000008;
  /** {@code DEBUG_TRACE_FILE_CONTEXT_OPERATIONS}. */
  public static final int DEBUG_TRACE_FILE_CONTEXT_OPERATIONS = 0x00000010;
  /** {@code DEBUG_TRACE_STREAM_CONTEXT_OPERATIONS}. */
  public static final int DEBUG_TRACE_STREAM_CONTEXT_OPERATIONS = 0x00000020;
  /** {@code DEBUG_TRACE_STREAMHANDLE_CONTEXT_OPERATIONS}. */
  public static final int DEBUG_TRACE_STREAMHANDLE_CONTEXT_OPERATIONS = 0x00000040;
  /** {@code DEBUG_TRACE_ALL_IO}. */
  public static final int DEBUG_TRACE_ALL_IO = 0x00000080;
  /** {@code DEBUG_TRACE_ALL}. */
  public static final int DEBUG_TRACE_ALL = 0xFFFFFFFF;

  /** The sample's default ({@code CtxInitializeDebugLevel} and the INF): errors only. */
  public static final int SAMPLE_DEFAULT_LEVEL = DEBUG_TRACE_ERROR;

  /** The prefix of every line. */
  public static final String PREFIX = "[Ctx]: ";

  /**
   * One recorded trace.
   *
   * <p>Thread safety: immutable (the arguments are snapshots: strings, numbers, ids).
   *
   * @param level the {@code DEBUG_TRACE_*} mask the call site passed
   * @param format the format string, without the prefix
   * @param args the arguments after formatting-relevant snapshots ({@code UNICODE_STRING}s as
   *     their text, objects as their ids)
   * @param line the printed line, prefix included
   * @param printed whether the level let it through to the sink
   */
  public record Line(int level, String format, List<Object> args, String line, boolean printed) {
    /** Copies the arguments. */
    public Line {
      args = List.copyOf(args);
    }

    /** The first argument that is an {@link NtStatus}, or null. */
    public @Nullable NtStatus status() {
      for (Object a : args) {
        if (a instanceof NtStatus s) {
          return s;
        }
      }
      return null;
    }
  }

  private final int debugLevel;
  private final Consumer<String> sink;
  private final boolean recording;
  private final List<Line> lines = new ArrayList<>();
  private final Map<Object, String> fallbackIds = Collections.synchronizedMap(new WeakHashMap<>());
  private int nextFallbackId = 1;

  /**
   * Creates a log.
   *
   * @param debugLevel the {@code DEBUG_TRACE_*} mask whose lines are printed
   * @param sink receives each printed line (prefix included, no line terminator)
   */
  public CtxLog(int debugLevel, Consumer<String> sink) {
    this(debugLevel, sink, true);
  }

  private CtxLog(int debugLevel, Consumer<String> sink, boolean recording) {
    this.debugLevel = debugLevel;
    this.sink = sink;
    this.recording = recording;
  }

  /**
   * A log that prints like {@link #CtxLog(int, Consumer)} but records nothing, so its memory does
   * not grow with the number of lines (a long trace replay); {@link #lines()} stays empty.
   *
   * @param debugLevel the {@code DEBUG_TRACE_*} mask whose lines are printed
   * @param sink receives each printed line (prefix included, no line terminator)
   * @return the log
   */
  public static CtxLog streaming(int debugLevel, Consumer<String> sink) {
    return new CtxLog(debugLevel, sink, false);
  }

  /** A log that records everything and prints nothing. */
  public static CtxLog silent() {
    return new CtxLog(0, line -> {});
  }

  /** {@code Globals.DebugLevel}. */
  public int debugLevel() {
    return debugLevel;
  }

  // Fixed arities up to CTX's longest call, so a call whose line is off allocates no varargs
  // array: CTX's callbacks are too large for the JIT to inline trace() into them, so the array
  // would escape on every request (issue 14).

  /** As {@link #trace(int, String, Object...)}, with no argument. */
  public void trace(int level, String format) {
    if (on(level)) {
      traceLine(level, format, new @Nullable Object[0]);
    }
  }

  /** As {@link #trace(int, String, Object...)}, with one argument. */
  public void trace(int level, String format, @Nullable Object a) {
    if (on(level)) {
      traceLine(level, format, new @Nullable Object[] {a});
    }
  }

  /** As {@link #trace(int, String, Object...)}, with two arguments. */
  public void trace(int level, String format, @Nullable Object a, @Nullable Object b) {
    if (on(level)) {
      traceLine(level, format, new @Nullable Object[] {a, b});
    }
  }

  /** As {@link #trace(int, String, Object...)}, with three arguments. */
  public void trace(int level, String format, @Nullable Object a, @Nullable Object b, @Nullable Object c) {
    if (on(level)) {
      traceLine(level, format, new @Nullable Object[] {a, b, c});
    }
  }

  /** As {@link #trace(int, String, Object...)}, with four arguments. */
  public void trace(
      int level, String format, @Nullable Object a, @Nullable Object b, @Nullable Object c, @Nullable Object d) {
    if (on(level)) {
      traceLine(level, format, new @Nullable Object[] {a, b, c, d});
    }
  }

  /** As {@link #trace(int, String, Object...)}, with five arguments. */
  public void trace(
      int level, String format, @Nullable Object a, @Nullable Object b, @Nullable Object c, @Nullable Object d,
      @Nullable Object e) {
    if (on(level)) {
      traceLine(level, format, new @Nullable Object[] {a, b, c, d, e});
    }
  }

  /** As {@link #trace(int, String, Object...)}, with six arguments. */
  public void trace(
      int level, String format, @Nullable Object a, @Nullable Object b, @Nullable Object c, @Nullable Object d,
      @Nullable Object e, @Nullable Object f) {
    if (on(level)) {
      traceLine(level, format, new @Nullable Object[] {a, b, c, d, e, f});
    }
  }

  /** As {@link #trace(int, String, Object...)}, with eight arguments (CTX's longest calls but two). */
  public void trace(
      int level, String format, @Nullable Object a, @Nullable Object b, @Nullable Object c, @Nullable Object d,
      @Nullable Object e, @Nullable Object f, @Nullable Object g, @Nullable Object h) {
    if (on(level)) {
      traceLine(level, format, new @Nullable Object[] {a, b, c, d, e, f, g, h});
    }
  }

  /** Whether a line at {@code level} is printed or recorded: {@code DebugTrace}'s test. */
  private boolean on(int level) {
    return (level & debugLevel) != 0 || recording;
  }

  /**
   * {@code DebugTrace(Level, (Format, ...))}: records the line and prints it when {@code level}
   * shares a bit with the debug level.
   *
   * @param level a {@code DEBUG_TRACE_*} mask
   * @param format a {@code DbgPrint}-style format
   * @param args its arguments
   */
  public void trace(int level, String format, Object... args) {
    // The calls with seven or nine arguments land here; kept tiny so the JIT may inline it where
    // the caller leaves room, and the varargs array then never gets allocated.
    if (on(level)) {
      traceLine(level, format, args);
    }
  }

  private void traceLine(int level, String format, @Nullable Object[] args) {
    boolean print = (level & debugLevel) != 0;
    List<Object> snap = new ArrayList<>(args.length);
    for (Object a : args) {
      snap.add(snapshot(a));
    }
    String text = PREFIX + format(format, snap);
    synchronized (this) {
      if (recording) {
        lines.add(new Line(level, format, snap, text, print));
      }
      if (print) {
        sink.accept(text);
      }
    }
  }

  /** Every recorded line, printed or not, in order (a snapshot). */
  public synchronized List<Line> lines() {
    return List.copyOf(lines);
  }

  /** The lines that were printed (a snapshot). */
  public synchronized List<String> printedLines() {
    List<String> out = new ArrayList<>();
    for (Line l : lines) {
      if (l.printed()) {
        out.add(l.line());
      }
    }
    return out;
  }

  /**
   * Parses a debug level as the CLI and configuration accept it: a number ({@code 0x27}, {@code
   * 39}) or category names joined with {@code ,} or {@code |} ({@code error,instances}, {@code
   * all}); names are the {@code DEBUG_TRACE_} suffixes, case-insensitive.
   *
   * @param text the text
   * @return the mask
   * @throws IllegalArgumentException naming the bad part
   */
  public static int parseLevel(String text) {
    String t = text.trim();
    if (t.isEmpty()) {
      throw new IllegalArgumentException("empty debug level");
    }
    try {
      if (t.startsWith("0x") || t.startsWith("0X")) {
        return (int) Long.parseLong(t.substring(2), 16);
      }
      if (Character.isDigit(t.charAt(0))) {
        return (int) Long.parseLong(t);
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a debug level: '" + text + "'", e);
    }
    int mask = 0;
    for (String part : Splitter.on(CharMatcher.anyOf(",|")).split(t)) {
      String p = part.trim().toUpperCase(Locale.ROOT).replace('-', '_');
      if (p.startsWith("DEBUG_TRACE_")) {
        p = p.substring("DEBUG_TRACE_".length());
      }
      mask |= switch (p) {
        case "ERROR" -> DEBUG_TRACE_ERROR;
        case "LOAD_UNLOAD" -> DEBUG_TRACE_LOAD_UNLOAD;
        case "INSTANCES" -> DEBUG_TRACE_INSTANCES;
        case "INSTANCE_CONTEXT_OPERATIONS" -> DEBUG_TRACE_INSTANCE_CONTEXT_OPERATIONS;
        case "FILE_CONTEXT_OPERATIONS" -> DEBUG_TRACE_FILE_CONTEXT_OPERATIONS;
        case "STREAM_CONTEXT_OPERATIONS" -> DEBUG_TRACE_STREAM_CONTEXT_OPERATIONS;
        case "STREAMHANDLE_CONTEXT_OPERATIONS" -> DEBUG_TRACE_STREAMHANDLE_CONTEXT_OPERATIONS;
        case "ALL_IO" -> DEBUG_TRACE_ALL_IO;
        case "ALL" -> DEBUG_TRACE_ALL;
        case "NONE" -> 0;
        default -> throw new IllegalArgumentException(
            "unknown debug category '" + part.trim() + "' (expected a number or error, load_unload, instances, "
                + "instance_context_operations, file_context_operations, stream_context_operations, "
                + "streamhandle_context_operations, all_io, all, none)");
      };
    }
    return mask;
  }

  private Object snapshot(@Nullable Object a) {
    if (a == null) {
      return "NULL";
    }
    if (a instanceof UnicodeString u) {
      return u.toString();
    }
    if (a instanceof String || a instanceof Number || a instanceof NtStatus || a instanceof Boolean) {
      return a;
    }
    return idOf(a);
  }

  /** The stable identity {@code %p} prints for an object. */
  String idOf(Object o) {
    if (o instanceof FileObject f) {
      return f.id();
    }
    if (o instanceof FltContext c) {
      return c.id();
    }
    if (o instanceof FltInstance i) {
      return i.id();
    }
    if (o instanceof FltVolume v) {
      return v.id();
    }
    String kind = o instanceof FltCallbackData ? "Cbd#" : "Obj#";
    synchronized (fallbackIds) {
      return fallbackIds.computeIfAbsent(o, k -> kind + nextFallbackId++);
    }
  }

  static String format(String format, List<Object> args) {
    StringBuilder sb = new StringBuilder();
    int ai = 0;
    for (int i = 0; i < format.length(); i++) {
      char c = format.charAt(i);
      if (c != '%' || i + 1 >= format.length()) {
        sb.append(c);
        continue;
      }
      int j = i + 1;
      if (format.charAt(j) == '%') {
        sb.append('%');
        i = j;
        continue;
      }
      int width = 0;
      boolean zero = false;
      if (format.charAt(j) == '0') {
        zero = true;
        j++;
      }
      while (j < format.length() && Character.isDigit(format.charAt(j))) {
        width = width * 10 + (format.charAt(j) - '0');
        j++;
      }
      String conv;
      if (format.startsWith("wZ", j)) {
        conv = "wZ";
      } else if (format.startsWith("I64x", j)) {
        conv = "I64x";
      } else {
        conv = String.valueOf(format.charAt(j));
      }
      Object a = ai < args.size() ? args.get(ai++) : "<missing>";
      String s =
          switch (conv) {
            case "x", "I64x" -> a instanceof Number n ? Long.toHexString(n.longValue() & mask(n)) : String.valueOf(a);
            case "X" -> a instanceof Number n
                ? Long.toHexString(n.longValue() & mask(n)).toUpperCase(Locale.ROOT)
                : String.valueOf(a);
            default -> String.valueOf(a);
          };
      if (s.length() < width) {
        s = String.valueOf(zero ? '0' : ' ').repeat(width - s.length()) + s;
      }
      sb.append(s);
      i = j + conv.length() - 1;
    }
    return sb.toString();
  }

  private static long mask(Number n) {
    return n instanceof Integer ? 0xFFFFFFFFL : -1L;
  }
}
