package io.fsctx.tools.checkfs;

/**
 * The documented rules behind {@code check-fs}'s probe rows, each with its citation in the
 * project's specs (tags as in fsrtl.md §0: [DOC] Microsoft documentation, [HDR] public ntifs.h
 * reimplementations, [SAMPLE] Microsoft's fastfat/cdfs samples, [ISSUE] public bug reports). The
 * rules about the file system's own headers, teardowns and memory are not here: they are {@link
 * io.fsctx.verifier.FsRule}, the one table {@code check-fs} and Filter Manager's verifier share.
 * These rows are what only a filter and the workload can see: whether contexts actually work, and
 * which names are the same file.
 *
 * <p>Thread safety: constants only.
 */
final class Rules {
  private Rules() {}

  static final String WORKLOAD =
      "check-fs workload: a file system must complete the ordinary open, read, write, enumerate, rename, "
          + "delete, cleanup, close and dismount requests without throwing, from one thread and from several "
          + "at once (ctx-sample.md §3.3)";

  static final String STREAM_CONTEXTS =
      "fltmgr.md §5.7 and fsrtl.md §10.5 [DOC]: FltSetStreamContext returns STATUS_NOT_SUPPORTED when the file "
          + "system has no per-stream support for the stream; third-party file systems must use the advanced "
          + "header for stream contexts to work (dokany #632: without them filters cannot cache per stream). "
          + "A stream's contexts hang off its FCB header (FsContext), so every open of a stream while it is open "
          + "must reach the same header and find the contexts attached before (fsrtl.md §7, ctx-sample.md §3.2)";

  static final String STREAM_HANDLE_CONTEXTS =
      "fltmgr.md §5.7 and §7 [DOC/I]: stream-handle contexts live in Filter Manager's per-stream control block "
          + "on the header's FilterContexts list, so they need the same support as stream contexts "
          + "(FltSupportsStreamHandleContexts), and each file object gets its own";

  static final String FILE_CONTEXTS =
      "fsrtl.md §4.2 and §8, fltmgr.md §5.7 and §6.5 [DOC]: native file contexts need Version >= "
          + "FSRTL_FCB_HEADER_V1 and a FileContextSupportPointer (FsRtlSetupAdvancedHeaderEx) into the per-file "
          + "structure, shared by every stream and name of the file and by no other file; on a single-stream file "
          + "system Filter Manager emulates them (FltSupportsFileContexts FALSE, FltSupportsFileContextsEx TRUE). "
          + "A probe row, not a verifier rule: only the workload knows which names are the same file";

  static final String RENAME =
      "fltmgr.md §6.2 [DOC]: Filter Manager deletes stream, stream-handle and file contexts only when the file "
          + "system tears the structure down, the instance detaches or the filter unloads, so a rename keeps them; "
          + "CTX updates its stream context's name in place after a rename (ctx-sample.md §1.9 [SAMPLE])";

  static final String DISMOUNT =
      "fltmgr.md §6.2 [DOC] and fsrtl.md §7.4: by dismount the file system has freed every structure with its "
          + "teardown and Filter Manager has detached every instance's contexts; nothing may stay live, stay "
          + "linked to a freed header or stay allocated (Filter Verifier's leak check at unload, ctx-sample.md §4.1)";
}
