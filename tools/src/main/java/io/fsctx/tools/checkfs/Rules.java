package io.fsctx.tools.checkfs;

/**
 * The documented rules {@code check-fs} rests on, each with its citation in the project's specs
 * (tags as in fsrtl.md §0: [DOC] Microsoft documentation, [HDR] public ntifs.h reimplementations,
 * [SAMPLE] Microsoft's fastfat/cdfs samples, [ISSUE] public bug reports).
 *
 * <p>Thread safety: constants only.
 */
final class Rules {
  private Rules() {}

  static final String WORKLOAD =
      "check-fs workload: a file system must complete the ordinary open, read, write, rename, "
          + "delete, cleanup, close and dismount requests without throwing (ctx-sample.md §3.3)";

  static final String ADVANCED_HEADER =
      "fsrtl.md §2 and fltmgr.md §6.5 [DOC]: the common header on its own is deprecated; every FCB/SCB of "
          + "every open class, volume opens included, must embed FSRTL_ADVANCED_FCB_HEADER set up with "
          + "FsRtlSetupAdvancedHeader(Ex), and FileObject->FsContext must point to it";

  static final String FLAG_ADVANCED =
      "fsrtl.md §3.2 and §4.1 [DOC/HDR]: FsRtlSetupAdvancedHeader* sets FSRTL_FLAG_ADVANCED_HEADER (0x40) in "
          + "Flags to say the file system uses the advanced header; the flag must not be modified";

  static final String FLAG2_FILTER_CONTEXTS =
      "fsrtl.md §3.2 and §5 [DOC/HDR]: setup sets FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS (0x02) in Flags2, the "
          + "only bit FsRtlSupportsPerStreamContexts tests; it may be cleared only for paging files";

  static final String STREAM_CONTEXTS =
      "fltmgr.md §5.7 and fsrtl.md §10.5 [DOC]: FltSetStreamContext returns STATUS_NOT_SUPPORTED when the file "
          + "system has no per-stream support for the stream; third-party file systems must use the advanced "
          + "header for stream contexts to work (dokany #632: without them filters cannot cache per stream)";

  static final String STREAM_HANDLE_CONTEXTS =
      "fltmgr.md §5.7 and §7 [DOC/I]: stream-handle contexts live in Filter Manager's per-stream control block "
          + "on the header's FilterContexts list, so they need the same support as stream contexts "
          + "(FltSupportsStreamHandleContexts)";

  static final String FILE_CONTEXTS =
      "fsrtl.md §4.2 and §8, fltmgr.md §5.7 and §6.5 [DOC]: native file contexts need Version >= "
          + "FSRTL_FCB_HEADER_V1 and a FileContextSupportPointer (FsRtlSetupAdvancedHeaderEx) into the per-file "
          + "structure, shared by every stream of the file; on a single-stream file system Filter Manager emulates "
          + "them (FltSupportsFileContexts FALSE, FltSupportsFileContextsEx TRUE)";

  static final String PAGING_FILE =
      "fsrtl.md §2 and §3.2, fltmgr.md §6.5 [DOC], fastfat FatCreateFcb [SAMPLE]: a paging file's header gets "
          + "FSRTL_FLAG2_IS_PAGING_FILE (0x08) and loses FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS right after setup; "
          + "Microsoft file systems do, third-party ones are strongly encouraged to; filters then see no "
          + "stream, stream-handle or file context support on paging files";

  static final String TEARDOWN_STREAM =
      "fsrtl.md §7.4 and §10.2-10.4 [DOC/SAMPLE], fltmgr.md §6.5: when it frees an FCB/SCB (paging-file and "
          + "volume headers included) the file system must call FsRtlTeardownPerStreamContexts, which runs Filter "
          + "Manager's free callback; without it every filter's stream contexts leak (btrfs #802)";

  static final String TEARDOWN_FILE =
      "fsrtl.md §4.2 and §8 [DOC] (file-system-support-for-contexts): a file system that passes a "
          + "FileContextSupportPointer must call FsRtlTeardownPerFileContexts when it deletes that per-file "
          + "structure, so file contexts are released";

  static final String FLAGS_STABLE =
      "fsrtl.md §3.2, §5 and §11.4 [DOC/ISSUE]: FSRTL_FLAG_ADVANCED_HEADER must not be modified and "
          + "SUPPORTS_FILTER_CONTEXTS may be cleared only for paging files; a memset after setup that wiped "
          + "Flags/Flags2 left filters unable to set any context (Ext4Fsd #88)";

  static final String RENAME =
      "fltmgr.md §6.2 [DOC]: Filter Manager deletes stream, stream-handle and file contexts only when the file "
          + "system tears the structure down, the instance detaches or the filter unloads, so a rename keeps them; "
          + "CTX updates its stream context's name in place after a rename (ctx-sample.md §1.9 [SAMPLE])";

  static final String DISMOUNT =
      "fltmgr.md §6.2 [DOC] and fsrtl.md §7.4: by dismount the file system has freed every structure with its "
          + "teardown and Filter Manager has detached every instance's contexts; nothing may stay live or stay "
          + "linked to a freed header (Filter Verifier's leak check at unload, ctx-sample.md §4.1)";
}
