package io.fsctx.verifier;

/**
 * The file-system rules about FCB headers, their teardown and their memory: one table, read by
 * {@link FileSystemVerifier} (which Filter Manager's verifier and {@code fsctx check-fs} both
 * run) so that the rule a finding names is the same wherever it is reported. Each rule has a
 * stable id, a one-line statement, a severity, and the documented source it rests on (tags as in
 * fsrtl.md §0: [DOC] Microsoft documentation, [HDR] public headers, [SAMPLE] Microsoft's fastfat
 * and cdfs samples, [ISSUE] public bug reports).
 *
 * <p>What only a filter and a workload can judge is not here: whether stream, stream-handle and
 * file contexts actually work, and whether the names and streams of one file (and only of that
 * file) share its per-file slot, which takes knowing which names are the same file. Those are
 * {@code check-fs}'s probe rows ({@code STREAM-CTX}, {@code HANDLE-CTX}, {@code FILE-CTX}, {@code
 * RENAME}, {@code DISMOUNT}).
 *
 * <p>Thread safety: immutable.
 */
public enum FsRule {
  /** Every header a file object points at is an advanced one. */
  HDR_ADVANCED(
      "HDR-ADVANCED",
      "Every FCB, SCB, DCB and VCB that FsContext points at embeds FSRTL_ADVANCED_FCB_HEADER",
      Severity.FAIL,
      "fsrtl.md §2 and fltmgr.md §6.5 [DOC]: the common header on its own is deprecated; a file system "
          + "must use the advanced header for every open class, volume opens included, or filters get "
          + "STATUS_NOT_SUPPORTED for stream, stream-handle and file contexts"),
  /** Headers are set up before a file object points at them. */
  HDR_SETUP(
      "HDR-SETUP",
      "Every advanced header is set up (FsRtlSetupAdvancedHeader/Ex/Ex2) before FsContext points at it",
      Severity.FAIL,
      "fsrtl.md §4 and ctx-sample.md §3.1 [DOC/SAMPLE]: setup sets FSRTL_FLAG_ADVANCED_HEADER, "
          + "FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS, the version and the FilterContexts list; fastfat sets up the "
          + "VCB, every DCB and every FCB (FatInitializeVcb, FatCreateDcb, FatCreateFcb)"),
  /** Setup happens before the FCB can be found by another thread. */
  SETUP_ORDER(
      "SETUP-ORDER",
      "The header is set up before the FCB is reachable (before its table insert or any file object)",
      Severity.FAIL,
      "fsrtl.md §4 [DOC] and fastfat FatCreateFcb [SAMPLE]: the FCB is initialised, header included, "
          + "before it is linked where a racing open can find it; otherwise a filter's post-create can see a "
          + "header without FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS and refuse the stream's contexts"),
  /** Setup runs once per header. */
  SETUP_ONCE(
      "SETUP-ONCE",
      "Setup runs once per header; re-running it on a live FCB orphans its filters' contexts",
      Severity.FAIL,
      "fsrtl.md §4.1 and §14.36 [HDR]: the setup macros re-initialise the FilterContexts list head, so "
          + "contexts already linked leave the list and their free callbacks never run (a leak)"),
  /** The two flags the setup owns stay as setup left them. */
  FLAGS_STABLE(
      "FLAGS-STABLE",
      "FSRTL_FLAG_ADVANCED_HEADER and FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS stay set after setup",
      Severity.FAIL,
      "fsrtl.md §3.2, §5 and §11.4 [DOC/ISSUE]: FSRTL_FLAG_ADVANCED_HEADER must not be modified and "
          + "SUPPORTS_FILTER_CONTEXTS may be cleared only for paging files; a memset after setup that wiped "
          + "Flags/Flags2 left filters unable to set any context (Ext4Fsd #88)"),
  /** A header given a per-file slot keeps the version that shows it. */
  VERSION_SLOT(
      "VERSION-SLOT",
      "A header set up with a per-file slot keeps Version >= FSRTL_FCB_HEADER_V1, so the slot stays visible",
      Severity.FAIL,
      "fsrtl.md §3.1, §5 and §8 [DOC/HDR]: FileContextSupportPointer exists only from V1, and "
          + "FsRtlSupportsPerFileContexts tests the version; a lower Version hides the slot, so filters lose "
          + "native file contexts"),
  /** Paging files do not claim filter-context support. */
  PAGING_FILE(
      "PAGING-FILE",
      "A paging file's header has FSRTL_FLAG2_IS_PAGING_FILE and not FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS",
      Severity.WARN,
      "fsrtl.md §2 and §3.2, fltmgr.md §6.5 [DOC], fastfat FatCreateFcb [SAMPLE]: right after setup a "
          + "paging file's header gets IS_PAGING_FILE and loses SUPPORTS_FILTER_CONTEXTS; Microsoft file "
          + "systems do, third-party ones are strongly encouraged to (a warning; check-fs --strict fails it)"),
  /** Every freed stream structure had its stream teardown. */
  STREAM_TEARDOWN(
      "STREAM-TEARDOWN",
      "Every FCB, SCB, DCB and VCB is freed only after FsRtlTeardownPerStreamContexts, on every free path",
      Severity.FAIL,
      "fsrtl.md §7.4 and §10.2-10.4 [DOC/SAMPLE], fltmgr.md §6.5: when it frees a structure whose "
          + "header was set up (create error paths, stream-file-object closes and the VCB at dismount "
          + "included) the file system calls FsRtlTeardownPerStreamContexts, which runs Filter Manager's free "
          + "callback; without it every filter's stream contexts leak (btrfs #802)"),
  /** Every freed per-file structure had its per-file teardown. */
  FILE_TEARDOWN(
      "FILE-TEARDOWN",
      "Every per-file structure whose slot was passed to setup is freed only after FsRtlTeardownPerFileContexts",
      Severity.FAIL,
      "fsrtl.md §4.2 and §8 [DOC]: a file system that passes a FileContextSupportPointer must call "
          + "FsRtlTeardownPerFileContexts when it deletes that per-file structure, so file contexts are released"),
  /** Teardowns come at the end of the structure's life, not before. */
  TEARDOWN_TIMING(
      "TEARDOWN-TIMING",
      "Teardown runs when the structure dies, in the routine that frees it: no file object of the stream still"
          + " open, no reopen after it, no stream of the file alive",
      Severity.FAIL,
      "fsrtl.md §7.4 and §8, ctx-sample.md §3.3 [DOC/SAMPLE]: FsRtlTeardownPerStreamContexts belongs to the "
          + "FCB's deletion (fastfat FatDeleteFcb, which bugchecks if OpenCount is not zero; cdfs CdDeleteFcb "
          + "after FcbCleanup and FcbReference reach zero), not to IRP_MJ_CLEANUP, after which closes and "
          + "further requests still come; FsRtlTeardownPerFileContexts comes after the file's last stream is gone"),
  /** The lock a teardown may take is still allocated. */
  LOCK_LIFETIME(
      "LOCK-LIFETIME",
      "The header's FastMutex (and AePushLock) stays allocated until after FsRtlTeardownPerStreamContexts",
      Severity.FAIL,
      "fsrtl.md §10.2-10.4 [SAMPLE/OSS]: fastfat, cdfs and WinFsp free the nonpaged part that holds the "
          + "header's fast mutex after the teardown, because FsRtl may take the header's lock during it; "
          + "freeing it first is a use after free"),
  /** An FCB is freed once. */
  FREE_ONCE(
      "FREE-ONCE",
      "Each FCB (each pool block) is freed exactly once",
      Severity.FAIL,
      "Driver Verifier [DOC]: freeing pool twice is BAD_POOL_CALLER (bug check 0xC2, parameter 0x7)"),
  /** Nothing is freed while a file object points at it. */
  FREE_WHILE_OPEN(
      "FREE-WHILE-OPEN",
      "No FCB is freed while a file object still points at its header",
      Severity.FAIL,
      "ctx-sample.md §3.3 [SAMPLE]: the FCB lives until its last file object's IRP_MJ_CLOSE (OpenCount); "
          + "freeing it earlier leaves FsContext dangling for the requests still to come"),
  /** Everything is freed once the dismounted volume has no file objects. */
  FREE_AT_DISMOUNT(
      "FREE-AT-DISMOUNT",
      "Once a dismounted volume has no file objects left, every structure allocated for it has been freed",
      Severity.FAIL,
      "fltmgr.md §6.2 [DOC], ctx-sample.md §3.3 and §4.1: at dismount the file system flushes its delayed "
          + "closes and frees every unreferenced structure with its teardown; what stays allocated leaks, as "
          + "Driver Verifier's pool tracking reports at unload (bug check 0xC4/0x62)"),
  /** Headers live in pool blocks, so their free can be verified. */
  FCB_POOL(
      "FCB-POOL",
      "Every header a file object points at is embedded in a pool block (ExAllocatePoolWithTag)",
      Severity.FAIL,
      "ctx-sample.md §3.2 [SAMPLE]: the header is the first member of a pool-allocated FCB; a header "
          + "outside any Pool block cannot have its free, teardown order or leaks verified");

  /** How a broken rule is reported. */
  public enum Severity {
    /** The rule is broken: filters lose or leak contexts. */
    FAIL,
    /** Documented as strongly encouraged; a failure only under {@code --strict}. */
    WARN
  }

  private final String id;
  private final String title;
  private final Severity severity;
  private final String source;

  FsRule(String id, String title, Severity severity, String source) {
    this.id = id;
    this.title = title;
    this.severity = severity;
    this.source = source;
  }

  /** The stable id, such as {@code STREAM-TEARDOWN}. */
  public String id() {
    return id;
  }

  /** What the rule asks, in one line. */
  public String title() {
    return title;
  }

  /** Whether a violation fails or warns. */
  public Severity severity() {
    return severity;
  }

  /** The documented rule with its citation. */
  public String source() {
    return source;
  }
}
