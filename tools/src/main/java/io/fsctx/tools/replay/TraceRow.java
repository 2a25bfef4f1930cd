package io.fsctx.tools.replay;

/**
 * One record of a Process Monitor CSV export, with the columns the replay contract reads. Fields
 * are kept exactly as written (no trimming, no case folding); absent optional columns are empty
 * strings.
 *
 * <p>Thread safety: immutable.
 *
 * @param line the 1-based physical line on which the record starts
 * @param timeOfDay the {@code Time of Day} column (locale-dependent, never interpreted), or empty
 * @param processName the {@code Process Name} column
 * @param pid the {@code PID} column
 * @param operation the {@code Operation} column, for instance {@code CreateFile}
 * @param path the {@code Path} column as written
 * @param result the {@code Result} column, for instance {@code NAME NOT FOUND}; empty when the
 *     operation was still pending when the capture stopped
 * @param detail the {@code Detail} column
 * @param eventClass the {@code Event Class} column, or empty when the export has none
 */
public record TraceRow(
    long line,
    String timeOfDay,
    String processName,
    long pid,
    String operation,
    String path,
    String result,
    String detail,
    String eventClass) {}
