package io.fsctx.verifier;

import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.fsrtl.AdvancedFcbHeader;
import io.fsctx.fsrtl.FsRtl;
import io.fsctx.fsrtl.PerFileContextSlot;
import io.fsctx.fsrtl.PerStreamContext;
import io.fsctx.io.CreateParameters;
import io.fsctx.io.CreateResult;
import io.fsctx.io.FileObject;
import io.fsctx.io.IoConstants;
import io.fsctx.io.IoManager;
import io.fsctx.io.Volume;
import io.fsctx.nt.BugCheckException;
import io.fsctx.nt.PoolBlock;
import io.fsctx.nt.PoolType;
import io.fsctx.verifier.FaultyFileSystem.Fault;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Each rule of {@link FsRule} against {@link FileSystemVerifier}: a correct file system breaks
 * none of them while every rule is evaluated, and each {@link Fault} is reported under its rule
 * with a message that names the structure (header id and path) and the moment (the request).
 */
class FileSystemVerifierRulesTest {
  private final IoManager io = new IoManager();
  private final FileSystemVerifier verifier = FileSystemVerifier.watch(io);
  private Volume volume;

  private Volume mount(FaultyFileSystem fs) {
    volume = io.mount("\\Device\\HarddiskVolume1", 'c', fs);
    return volume;
  }

  private FileObject open(String path) {
    return open(path, CreateParameters.openIf());
  }

  private FileObject open(String path, CreateParameters parameters) {
    CreateResult r = io.createFile(volume, path, parameters);
    assertTrue(r.status().isSuccess(), path + ": " + r.status());
    return r.openedFileObject();
  }

  /** Opens, writes, a second open, a named stream, a volume open, a paging file; closes all; dismounts. */
  private void workload(FaultyFileSystem fs) {
    mount(fs);
    FileObject a = open("\\a");
    io.write(a, 0, 10);
    FileObject again = open("\\a");
    FileObject stream = open("\\a:s");
    FileObject vol = open("");
    FileObject paging = open("\\pagefile.sys", CreateParameters.openIf().withSlFlags(IoConstants.SL_OPEN_PAGING_FILE));
    for (FileObject fo : List.of(paging, vol, stream, again, a)) {
      io.closeHandle(fo);
    }
    io.dismount(volume);
    verifier.finish();
  }

  private FsViolation only(FsRule rule) {
    List<FsViolation> found = verifier.violations(rule);
    assertFalse(found.isEmpty(), () -> rule.id() + " not reported; all: " + verifier.violations());
    return found.get(0);
  }

  /** The violation of a rule whose message mentions {@code text} (the workload breaks some rules on several headers). */
  private FsViolation about(FsRule rule, String text) {
    List<FsViolation> found = verifier.violations(rule);
    return found.stream().filter(v -> v.message().contains(text)).findFirst()
        .orElseThrow(() -> new AssertionError(rule.id() + " not reported about " + text + "; all: " + verifier.violations()));
  }

  private static void assertContains(String text, String... parts) {
    for (String p : parts) {
      assertTrue(text.contains(p), () -> "expected '" + p + "' in: " + text);
    }
  }

  private static String headerOf(FileObject fo) {
    return Objects.requireNonNull(fo.fsContext()).id();
  }

  @Test
  @DisplayName("finish_correctFileSystem_everyRuleEvaluatedNoneBroken (fsrtl.md §4, §7.4, §8)")
  void finish_correctFileSystem_everyRuleEvaluatedNoneBroken() {
    workload(new FaultyFileSystem());

    assertEquals(List.of(), verifier.violations());
    for (FsRule rule : FsRule.values()) {
      FsRuleChecks c = verifier.checked(rule);
      assertTrue(c.count() > 0, rule.id() + " was never evaluated");
      assertFalse(c.examples().isEmpty(), rule.id());
      assertFalse(c.moments().isEmpty(), rule.id());
    }
    assertContains(String.join("; ", verifier.checked(FsRule.STREAM_TEARDOWN).examples()),
        "torn down and freed in Irp#", "IRP_MJ_CLOSE");
    assertContains(String.join("; ", verifier.checked(FsRule.FILE_TEARDOWN).examples()), "per-file structure File#");
    assertEquals(Set.of("open", "cleanup", "close", "free"), Set.copyOf(verifier.checked(FsRule.FLAGS_STABLE).moments()));
  }

  @Test
  @DisplayName("HDR-ADVANCED: a common header only is reported at its open (fsrtl.md §2)")
  void open_commonHeader_hdrAdvanced() {
    workload(new FaultyFileSystem(Fault.COMMON_HEADER));
    assertContains(only(FsRule.HDR_ADVANCED).message(), "Scb#", "(\\a)", "FSRTL_COMMON_FCB_HEADER",
        "in Irp#1[IRP_MJ_CREATE FileObject#1 \\a]");
  }

  @Test
  @DisplayName("HDR-SETUP: a header never set up is reported at its open (fsrtl.md §4)")
  void open_noSetup_hdrSetup() {
    workload(new FaultyFileSystem(Fault.NO_SETUP));
    assertContains(only(FsRule.HDR_SETUP).message(), "(\\a) was not set up", "FileObject#1", "IRP_MJ_CREATE",
        "Flags=0x00 Flags2=0x00");
  }

  @Test
  @DisplayName("SETUP-ORDER: setup after the FCB table insert is reported with the insert's request (fsrtl.md §4)")
  void open_setupAfterInsert_setupOrder() {
    workload(new FaultyFileSystem(Fault.SETUP_AFTER_INSERT));
    assertContains(only(FsRule.SETUP_ORDER).message(), "(\\a) became reachable (FCB table insert) in Irp#1[IRP_MJ_CREATE",
        "before it was set up in Irp#1");
  }

  @Test
  @DisplayName("SETUP-ORDER: setup after a file object points at the header is reported (fsrtl.md §4)")
  void open_setupAfterPublish_setupOrder() {
    mount(new FaultyFileSystem(Fault.SETUP_AFTER_PUBLISH));
    FileObject a = open("\\a");
    // Detected at the open itself: the audit saw FsContext set before the setup.
    assertContains(only(FsRule.SETUP_ORDER).message(), headerOf(a) + " (\\a) was set up in Irp#",
        "after a file object already pointed at it in Irp#1[IRP_MJ_CREATE FileObject#1 \\a]");
    io.closeHandle(a);
  }

  @Test
  @DisplayName("SETUP-ONCE: setup re-run on a live header is reported with the contexts it orphaned (fsrtl.md §4.1, §14.36)")
  void open_setupRerunOnLiveHeader_setupOnceNamesOrphans() {
    mount(new FaultyFileSystem(Fault.SETUP_ON_EVERY_OPEN));
    FileObject a = open("\\a");
    AdvancedFcbHeader h = (AdvancedFcbHeader) Objects.requireNonNull(a.fsContext());
    PerStreamContext ctx = new PerStreamContext();
    FsRtl.initPerStreamContext(ctx, "owner", null, c -> {});
    assertTrue(FsRtl.insertPerStreamContext(h, ctx).isSuccess());

    FileObject again = open("\\a");

    assertContains(only(FsRule.SETUP_ONCE).message(), h.id() + " (\\a) was set up 2 times",
        "last in Irp#2[IRP_MJ_CREATE FileObject#2 \\a]", "1 per-stream context(s)", "orphaned");
    io.closeHandle(again);
    io.closeHandle(a);
  }

  @Test
  @DisplayName("FLAGS-STABLE: flags wiped right after setup are reported at the open with the create that wiped them (fsrtl.md §3.2, Ext4Fsd #88)")
  void open_flagsWipedAtSetup_flagsStable() {
    workload(new FaultyFileSystem(Fault.WIPE_FLAGS_AT_SETUP));
    assertContains(only(FsRule.FLAGS_STABLE).message(), "(\\a): Flags=0x00 lost FSRTL_FLAG_ADVANCED_HEADER (0x40)",
        "lost FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS (0x02)", "when FileObject#1 was opened on it",
        "the bits were cleared in Irp#1[IRP_MJ_CREATE FileObject#1 \\a] (Flags 0x40 to 0x00), then in Irp#1",
        "(Flags2 0x02 to 0x00)");
  }

  @Test
  @DisplayName("FLAGS-STABLE: Flags2 cleared by a later write is seen while the header lives, naming the write (fsrtl.md §5, §11.4)")
  void write_flags2ClearedLater_flagsStableSeenAtNextCleanup() {
    mount(new FaultyFileSystem(Fault.CLEAR_FLAGS2_ON_WRITE));
    FileObject a = open("\\a");
    FileObject other = open("\\a");
    io.write(a, 0, 10);
    assertEquals(List.of(), verifier.violations(FsRule.FLAGS_STABLE), "nothing was evaluated since the write");

    io.closeHandle(other);

    assertContains(only(FsRule.FLAGS_STABLE).message(), headerOf(a) + " (\\a): Flags2=0x00 lost",
        "after the cleanup of FileObject#2", "the bits were cleared in Irp#3[IRP_MJ_WRITE FileObject#1 \\a]",
        "(Flags2 0x02 to 0x00)");
    assertFalse(Objects.requireNonNull(a.fsContext()).memory().isFreed(), "seen while the header still lives");
    io.closeHandle(a);
  }

  @Test
  @DisplayName("VERSION-SLOT: a version below V1 that hides the slot given to setup is reported (fsrtl.md §3.1, §8)")
  void open_versionHidesSlot_versionSlot() {
    workload(new FaultyFileSystem(Fault.VERSION_V0));
    assertContains(only(FsRule.VERSION_SLOT).message(), "(\\a) was set up with per-file slot File#",
        "but its Version is 0", "IRP_MJ_CREATE");
  }

  @Test
  @DisplayName("PAGING-FILE: a paging file that keeps filter support is a warning-severity violation (fsrtl.md §3.2)")
  void open_pagingFileKeepsSupport_pagingFile() {
    workload(new FaultyFileSystem(Fault.PAGING_KEEPS_SUPPORT));
    FsViolation v = only(FsRule.PAGING_FILE);
    assertEquals(FsRule.Severity.WARN, v.rule().severity());
    assertContains(v.message(), "(\\pagefile.sys) is a paging file but Flags2=0x02",
        "lacks FSRTL_FLAG2_IS_PAGING_FILE", "still has FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS");
  }

  @Test
  @DisplayName("STREAM-TEARDOWN: a stream freed without its teardown is reported with the close that freed it (fsrtl.md §7.4)")
  void close_noStreamTeardown_streamTeardown() {
    workload(new FaultyFileSystem(Fault.NO_STREAM_TEARDOWN));
    assertContains(about(FsRule.STREAM_TEARDOWN, "(\\a)").message(), "(\\a) was freed in Irp#", "IRP_MJ_CLOSE",
        "without FsRtlTeardownPerStreamContexts");
  }

  @Test
  @DisplayName("STREAM-TEARDOWN: the VCB freed at dismount without its teardown is reported (fsrtl.md §10.2)")
  void dismount_noVcbTeardown_streamTeardown() {
    workload(new FaultyFileSystem(Fault.NO_VCB_TEARDOWN));
    assertContains(only(FsRule.STREAM_TEARDOWN).message(), "Vcb#1 (volume open) was freed in dismount of Volume#",
        "without FsRtlTeardownPerStreamContexts");
  }

  @Test
  @DisplayName("STREAM-TEARDOWN: a create's error path that frees a never-opened structure is reported with that create (fsrtl.md §7.4)")
  void create_errorPathWithoutTeardown_namesTheCreate() {
    mount(new FaultyFileSystem(Fault.NO_STREAM_TEARDOWN));
    CreateResult r = io.createFile(volume, "\\x", CreateParameters.openIf().withOptions(IoConstants.FILE_DIRECTORY_FILE));
    assertFalse(r.status().isSuccess());

    assertContains(only(FsRule.STREAM_TEARDOWN).message(),
        "(built in Irp#1[IRP_MJ_CREATE FileObject#1 \\x], never opened) was freed in Irp#1",
        "without FsRtlTeardownPerStreamContexts");
  }

  @Test
  @DisplayName("FILE-TEARDOWN: a per-file structure freed without its teardown is reported (fsrtl.md §4.2, §8)")
  void close_noFileTeardown_fileTeardown() {
    workload(new FaultyFileSystem(Fault.NO_FILE_TEARDOWN));
    assertContains(only(FsRule.FILE_TEARDOWN).message(), "per-file structure File#", "the slot of Scb#",
        "was freed in Irp#", "without FsRtlTeardownPerFileContexts");
  }

  @Test
  @DisplayName("FILE-TEARDOWN: a slot never passed to setup is not checked (no file contexts can hang off it)")
  void free_slotNeverGivenToSetup_notChecked() {
    PoolBlock b = io.pool().allocate(PoolType.PAGED_POOL, "Test", "FCB");
    new PerFileContextSlot(b, "File#9");
    io.pool().free(b);
    assertEquals(0, verifier.checks(FsRule.FILE_TEARDOWN));
  }

  @Test
  @DisplayName("TEARDOWN-TIMING: a stream teardown in IRP_MJ_CLEANUP is reported with the cleanup (ctx-sample.md §3.3)")
  void cleanup_streamTeardown_teardownTiming() {
    workload(new FaultyFileSystem(Fault.TEARDOWN_IN_CLEANUP));
    assertContains(about(FsRule.TEARDOWN_TIMING, "(\\a)").message(), "(\\a): FsRtlTeardownPerStreamContexts ran in Irp#",
        "IRP_MJ_CLEANUP", "while 2 file objects were still open");
  }

  @Test
  @DisplayName("TEARDOWN-TIMING: a teardown at the last close with the free left to a later flush is reported (fsrtl.md §7.4)")
  void close_teardownThenDelayedFree_teardownTiming() {
    workload(new FaultyFileSystem(Fault.TEARDOWN_THEN_DELAYED_FREE));
    assertContains(only(FsRule.TEARDOWN_TIMING).message(), "FsRtlTeardownPerStreamContexts ran in Irp#",
        "IRP_MJ_CLOSE", "but the FCB was freed only in dismount of Volume#");
  }

  @Test
  @DisplayName("TEARDOWN-TIMING: an FCB reopened after its teardown is reported with the reopen (fsrtl.md §7.4)")
  void create_reopenAfterTeardown_teardownTiming() {
    mount(new FaultyFileSystem(Fault.TEARDOWN_THEN_DELAYED_FREE));
    io.closeHandle(open("\\a"));
    FileObject again = open("\\a");
    io.closeHandle(again);
    io.dismount(volume);

    assertContains(only(FsRule.TEARDOWN_TIMING).message(), "(\\a) was opened again in Irp#",
        "FileObject#2", "after FsRtlTeardownPerStreamContexts in Irp#");
  }

  @Test
  @DisplayName("TEARDOWN-TIMING: per-file teardown while another stream of the file lives is reported (fsrtl.md §8)")
  void close_fileTeardownWithLiveStream_teardownTiming() {
    workload(new FaultyFileSystem(Fault.FILE_TEARDOWN_PER_STREAM));
    assertContains(only(FsRule.TEARDOWN_TIMING).message(), "FsRtlTeardownPerFileContexts on per-file structure File#",
        "while streams of the file were still alive (Scb#");
  }

  @Test
  @DisplayName("LOCK-LIFETIME: the header's fast mutex freed before the teardown is reported (fsrtl.md §10.2-10.4)")
  void close_lockFreedBeforeTeardown_lockLifetime() {
    workload(new FaultyFileSystem(Fault.FREE_LOCK_FIRST));
    assertContains(about(FsRule.LOCK_LIFETIME, "(\\a)").message(), "(\\a): FsRtlTeardownPerStreamContexts ran in Irp#",
        "after the header's FastMutex in Pool#", "had been freed");
  }

  @Test
  @DisplayName("FREE-ONCE: a second free is reported, names the FCB, and the pool raises 0xC2/0x7")
  void close_doubleFree_freeOnceAndBugCheck() {
    mount(new FaultyFileSystem(Fault.DOUBLE_FREE));
    FileObject a = open("\\a");

    BugCheckException e = assertThrows(BugCheckException.class, () -> io.closeHandle(a));

    assertEquals(0xC2, e.bugCheckCode());
    assertEquals(0x7, e.parameter1());
    assertContains(only(FsRule.FREE_ONCE).message(), "'TvfS' SCB", "first opened in Irp#1[IRP_MJ_CREATE FileObject#1 \\a]",
        "was freed again in Irp#", "IRP_MJ_CLOSE", "BAD_POOL_CALLER");
  }

  @Test
  @DisplayName("FREE-WHILE-OPEN: an FCB freed in IRP_MJ_CLEANUP while its file object is open is reported (ctx-sample.md §3.3)")
  void cleanup_freeWhileOpen_freeWhileOpen() {
    workload(new FaultyFileSystem(Fault.FREE_AT_CLEANUP));
    assertContains(about(FsRule.FREE_WHILE_OPEN, "(\\a)").message(), "(\\a) was freed in Irp#", "IRP_MJ_CLEANUP",
        "while 2 file objects still pointed at it");
  }

  @Test
  @DisplayName("FREE-AT-DISMOUNT: structures never freed are reported once the dismounted volume has no file objects")
  void dismount_neverFreed_freeAtDismount() {
    workload(new FaultyFileSystem(Fault.NEVER_FREE));
    assertContains(only(FsRule.FREE_AT_DISMOUNT).message(), "'TvfS' SCB (Scb#", "allocated in Irp#",
        "is still allocated although Volume#");
  }

  /**
   * finish() finds the headers still open through the pool's outstanding blocks (no map of open
   * headers), judges them, and names each by its first open: a file by the create's file object,
   * the volume open by the description kept for it.
   */
  @Test
  @DisplayName("FLAGS-STABLE at the end of the run: open headers are found through the pool and named by their first open")
  void finish_openHeadersChangedAfterTheirLastRequest_reportedAtTheEndOfTheRun() {
    mount(new FaultyFileSystem());
    FileObject file = open("\\a");
    FileObject vol = open("");
    FileObject closed = open("\\gone");
    io.closeHandle(closed); // freed at its close: not judged at the end
    for (FileObject fo : List.of(file, vol)) {
      ((AdvancedFcbHeader) Objects.requireNonNull(fo.fsContext()))
          .clearFlags2Bits(FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS);
    }
    assertTrue(verifier.violations(FsRule.FLAGS_STABLE).isEmpty(), "nothing judged before the end");
    verifier.finish();
    List<FsViolation> found = verifier.violations(FsRule.FLAGS_STABLE);
    assertEquals(2, found.size(), found.toString());
    String both = found.get(0).message() + "\n" + found.get(1).message();
    assertContains(both, "(\\a): Flags2=", "(volume open): Flags2=", "at the end of the run");
    assertFalse(both.contains("gone"), both);
    io.closeHandle(file);
    io.closeHandle(vol);
  }

  @Test
  @DisplayName("FCB-POOL: a header outside any pool block is reported at its open")
  void open_headerOutsidePool_fcbPool() {
    workload(new FaultyFileSystem(Fault.NO_POOL));
    assertContains(only(FsRule.FCB_POOL).message(), "(\\a) is not embedded in a pool block");
  }

  @Test
  @DisplayName("checked(rule) counts each structure once, however many a run builds (no cap, one bit per rule on the structure)")
  void checked_manyStructures_eachCountedOnce() {
    mount(new FaultyFileSystem());
    int files = 5_000; // more than the 4,096 identities the verifier used to keep per rule
    for (int i = 0; i < files; i++) {
      FileObject fo = open("\\f" + i);
      FileObject again = open("\\f" + i); // the same header checked again: not a new structure
      io.closeHandle(again);
      io.closeHandle(fo);
    }
    FsRuleChecks open = verifier.checked(FsRule.HDR_ADVANCED);
    assertTrue(open.count() >= 2L * files, "every open is an evaluation: " + open.count());
    assertTrue(open.subjects() >= files && open.subjects() < 2L * files,
        "each header counted once, not per open: " + open.subjects());
    assertEquals(8, open.examples().size(), "a few examples, not one per structure");
    assertTrue(verifier.violations().isEmpty(), verifier.violations().toString());
  }

  @Test
  @DisplayName("two verifiers watching one I/O manager each count every structure (the marks on a structure are one verifier's)")
  void checked_twoVerifiers_bothCountEachStructure() {
    FileSystemVerifier second = FileSystemVerifier.watch(io);
    mount(new FaultyFileSystem());
    for (int i = 0; i < 20; i++) {
      io.closeHandle(open("\\g" + i));
    }
    long first = verifier.checked(FsRule.HDR_ADVANCED).subjects();
    assertTrue(first >= 20, "the first verifier: " + first);
    assertEquals(first, second.checked(FsRule.HDR_ADVANCED).subjects(), "the second verifier counts the same structures");
    assertEquals(verifier.checked(FsRule.HDR_ADVANCED).examples().size(), second.checked(FsRule.HDR_ADVANCED).examples().size());
    second.close();
  }
}
