package io.fsctx.fltmgr;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One reference a filter took and has not given back yet, as the verifier recorded it at {@link
 * VerifierLevel#TRACKING} and above: the routine that took it ({@code FltGetStreamContext}, {@code
 * FltAllocateContext}, {@code FltGetFileNameInformation}, ...), the filter callback it ran in,
 * the thread, and the site in the caller's code. Leak reports list these per leaked object, so a
 * get whose release is missing is named by its own line, not by the last balanced access.
 *
 * <p>Thread safety: immutable.
 *
 * @param routine the routine that handed the reference over; a reference that came back through
 *     {@code OldContext} reads {@code FltSetStreamContext OldContext (ALREADY_DEFINED)} and the like
 * @param callback the filter callback running in that thread ({@code PreWrite}, ...), or null
 *     when the reference was taken outside any callback
 * @param thread the name of the thread that took it
 * @param site the first frame outside the model: the caller's line that took the reference, or
 *     null when every frame belongs to the model
 * @param stack at {@link VerifierLevel#FULL}, the stack from {@code site} down; empty below FULL
 */
public record HeldReference(
    String routine, @Nullable String callback, String thread, @Nullable StackTraceElement site, List<StackTraceElement> stack) {

  /** How many frames of a stack {@link #format()} prints before it says how many it left out. */
  static final int MAX_PRINTED_FRAMES = 16;

  /** Copies the stack. */
  public HeldReference {
    stack = List.copyOf(stack);
  }

  /**
   * The reference as a report prints it: one line ({@code FltGetStreamContext in PreWrite at
   * com.example.MyFilter.preWrite(MyFilter.java:57), thread main}), then at FULL one indented
   * {@code at} line per frame of its stack.
   */
  public String format() {
    StringBuilder sb = new StringBuilder(routine);
    sb.append(callback == null ? " outside any callback" : " in " + callback);
    if (site != null) {
      sb.append(" at ").append(site);
    }
    sb.append(", thread ").append(thread);
    int printed = Math.min(stack.size(), MAX_PRINTED_FRAMES);
    // The site is the stack's first frame; the stack lines start with its caller.
    for (int i = 1; i < printed; i++) {
      sb.append("\n    at ").append(stack.get(i));
    }
    if (stack.size() > printed) {
      sb.append("\n    ... ").append(stack.size() - printed).append(" more");
    }
    return sb.toString();
  }

  /** A report's line for it: {@code reference taken by} and {@link #format()}, continued at {@code indent}. */
  String reportLine(String indent) {
    return "reference taken by " + format().replace("\n", "\n" + indent);
  }

  @Override
  public String toString() {
    return format();
  }
}
