package io.fsctx.modelfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.fsrtl.AdvancedFcbHeader;
import io.fsctx.fsrtl.CommonFcbHeader;
import io.fsctx.fsrtl.FsRtl;
import io.fsctx.fsrtl.FsRtlConstants;
import io.fsctx.fsrtl.PerFileContext;
import io.fsctx.fsrtl.PerStreamContext;
import io.fsctx.modelfs.toolkit.ClosePolicy;
import io.fsctx.io.CreateParameters;
import io.fsctx.io.CreateResult;
import io.fsctx.io.FileInformation;
import io.fsctx.io.FileNames;
import io.fsctx.io.FileObject;
import io.fsctx.io.IoConstants;
import io.fsctx.io.IoEvent;
import io.fsctx.io.IoManager;
import io.fsctx.io.Irp;
import io.fsctx.io.Volume;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.PoolBlock;
import io.fsctx.verifier.FileSystemVerifier;
import io.fsctx.verifier.FsRule;
import io.fsctx.verifier.FsViolation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bundled models as a file-system author would test their own: what each request does to the
 * disk and to the FCBs, seen through the pool (an FCB is freed when its block is) and the headers'
 * audits, with the file-system verifier watching every test for a broken rule.
 */
class ModelFileSystemsTest {
  private final IoManager io = new IoManager();
  private final FileSystemVerifier verifier = FileSystemVerifier.watch(io);
  private final List<IoEvent> events = Collections.synchronizedList(new ArrayList<>());
  private ModelFileSystem fs = new NtfsLikeFileSystem();

  private Volume mount(ModelFileSystem fileSystem) {
    fs = fileSystem;
    io.addListener(events::add);
    return io.mount("\\Device\\HarddiskVolume1", 'C', fileSystem);
  }

  @org.junit.jupiter.api.AfterEach
  void noRuleBroken() {
    verifier.finish();
    List<FsViolation> found = new ArrayList<>(verifier.violations());
    if (fs instanceof LegacyFileSystem) {
      // Its one documented defect: common headers only.
      found.removeIf(f -> f.rule() == FsRule.HDR_ADVANCED);
    }
    assertEquals(List.of(), found, "the correct models break no file-system rule");
  }

  /** The pool block of the structure a file object is open on. */
  private static PoolBlock memoryOf(FileObject fo) {
    PoolBlock b = fo.fsContext().memory();
    assertNotNull(b, fo + " is open on a header outside any pool block");
    return b;
  }

  private FileObject open(Volume v, String path) {
    return open(v, path, CreateParameters.openIf());
  }

  private FileObject open(Volume v, String path, CreateParameters p) {
    CreateResult r = io.createFile(v, path, p);
    assertEquals(NtStatus.STATUS_SUCCESS, r.status(), path);
    return r.openedFileObject();
  }

  private static AtomicInteger insertCountingStreamContext(FileObject fo) {
    AtomicInteger frees = new AtomicInteger();
    PerStreamContext ctx = new PerStreamContext(new Object(), null, c -> frees.incrementAndGet());
    assertEquals(NtStatus.STATUS_SUCCESS, FsRtl.insertPerStreamContext(fo.fsContext(), ctx));
    return frees;
  }

  static Stream<Arguments> advancedFileSystems() {
    return Stream.of(
        Arguments.of("NTFS-like", (Function<ClosePolicy, ModelFileSystem>) NtfsLikeFileSystem::new),
        Arguments.of("FAT-like", (Function<ClosePolicy, ModelFileSystem>) FatLikeFileSystem::new));
  }

  static Stream<Arguments> allFileSystems() {
    return Stream.concat(advancedFileSystems(),
        Stream.of(Arguments.of("legacy", (Function<ClosePolicy, ModelFileSystem>) LegacyFileSystem::new)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("advancedFileSystems")
  void closeHandle_immediatePolicy_streamTeardownRunsOnceAtLastClose(
      String name, Function<ClosePolicy, ModelFileSystem> make) {
    Volume v = mount(make.apply(ClosePolicy.IMMEDIATE));
    FileObject fo = open(v, "\\a.txt");
    AtomicInteger frees = insertCountingStreamContext(fo);
    AdvancedFcbHeader h = (AdvancedFcbHeader) fo.fsContext();
    io.closeHandle(fo);
    assertTrue(h.memory().isFreed());
    assertEquals(1, frees.get());
    assertEquals(1, h.teardownCount());
    assertEquals(0, h.audit().teardowns().get(0).openFileObjects(), "torn down in the close, nothing open");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allFileSystems")
  void closeHandle_delayedPolicy_fcbAliveUntilFlushDelayedCloses(
      String name, Function<ClosePolicy, ModelFileSystem> make) {
    Volume v = mount(make.apply(ClosePolicy.DELAYED));
    FileObject fo = open(v, "\\a.txt");
    PoolBlock fcb = memoryOf(fo);
    io.closeHandle(fo);
    assertFalse(fcb.isFreed());
    assertEquals(1, fs.delayedCloseCount());
    assertEquals(1, fs.flushDelayedCloses());
    assertTrue(fcb.isFreed());
    assertEquals(0, fs.delayedCloseCount());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allFileSystems")
  void createStreamFileObject_internalStream_closeCountExceedsCreateCount(
      String name, Function<ClosePolicy, ModelFileSystem> make) {
    Volume v = mount(make.apply(ClosePolicy.IMMEDIATE));
    FileObject dir = open(v, "\\Dir", CreateParameters.create().withOptions(IoConstants.FILE_DIRECTORY_FILE));
    FileObject internal = fs.createStreamFileObject(dir);
    io.closeHandle(dir);
    io.dereferenceObject(internal);
    long created = events.stream().filter(e -> e instanceof IoEvent.FileObjectCreated c && !c.streamFileObject()).count();
    long closed = events.stream().filter(e -> e instanceof IoEvent.Close).count();
    assertEquals(1, created);
    assertEquals(2, closed);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("advancedFileSystems")
  void createFile_pagingFile_headerIsPagingFileWithoutFilterContexts(
      String name, Function<ClosePolicy, ModelFileSystem> make) {
    Volume v = mount(make.apply(ClosePolicy.IMMEDIATE));
    for (FileObject fo : List.of(
        open(v, "\\PageFile.sys"),
        open(v, "\\swapfile.sys"),
        open(v, "\\elsewhere.sys", CreateParameters.openIf().withSlFlags(IoConstants.SL_OPEN_PAGING_FILE)))) {
      AdvancedFcbHeader h = assertInstanceOf(AdvancedFcbHeader.class, fo.fsContext());
      assertTrue((h.flags2() & FsRtlConstants.FSRTL_FLAG2_IS_PAGING_FILE) != 0, fo.fileName());
      assertFalse(h.supportsFilterContexts(), fo.fileName());
      assertFalse(FsRtl.supportsPerStreamContexts(fo));
      io.closeHandle(fo);
    }
    FileObject nested = open(v, "\\sub", CreateParameters.create().withOptions(IoConstants.FILE_DIRECTORY_FILE));
    FileObject notPaging = open(v, "\\sub\\pagefile.sys");
    assertTrue(FsRtl.supportsPerStreamContexts(notPaging));
    io.closeHandle(notPaging);
    io.closeHandle(nested);
  }

  @Test
  void legacy_anyFile_headerIsCommonOnlyAndSupportsNoContexts() {
    Volume v = mount(new LegacyFileSystem());
    FileObject fo = open(v, "\\a.txt");
    FileObject vol = open(v, "");
    for (FileObject f : List.of(fo, vol)) {
      CommonFcbHeader h = f.fsContext();
      assertNotNull(h);
      assertFalse(h instanceof AdvancedFcbHeader);
      assertFalse(FsRtl.supportsPerStreamContexts(f));
      assertFalse(FsRtl.supportsPerFileContexts(f));
    }
    PoolBlock fcb = memoryOf(fo);
    io.closeHandle(fo);
    assertTrue(fcb.isFreed(), "freed at the last close; a common header has nothing to tear down");
    io.closeHandle(vol);
  }

  @Test
  void ntfs_namedStreamOpen_sharesPerFileSlotAndPerFileTeardownWaitsForLastStream() {
    Volume v = mount(new NtfsLikeFileSystem());
    FileObject main = open(v, "\\f.txt");
    FileObject ads = open(v, "\\F.TXT:ads:$DATA");
    FileObject dflt = open(v, "\\f.txt::$DATA");
    assertSame(main.fsContext(), dflt.fsContext());
    assertNotSame(main.fsContext(), ads.fsContext());
    assertSame(FsRtl.getPerFileContextPointer(main), FsRtl.getPerFileContextPointer(ads));
    AtomicInteger fileFrees = new AtomicInteger();
    PerFileContext fc = new PerFileContext();
    FsRtl.initPerFileContext(fc, new Object(), null, c -> fileFrees.incrementAndGet());
    assertEquals(NtStatus.STATUS_SUCCESS, FsRtl.insertPerFileContext(FsRtl.getPerFileContextPointer(main), fc));
    AtomicInteger adsFrees = insertCountingStreamContext(ads);
    assertEquals("\\f.txt:ads", fs.queryFileNames(ads).normalizedName());
    io.closeHandle(main);
    io.closeHandle(dflt);
    assertEquals(0, fileFrees.get());
    var slot = FsRtl.getPerFileContextPointer(ads);
    io.closeHandle(ads);
    assertEquals(1, adsFrees.get());
    assertEquals(1, fileFrees.get());
    assertTrue(slot.memory().isFreed());
    assertEquals(1, slot.teardownCount());
    assertEquals(List.of(), slot.audit().teardowns().get(0).liveHeaders(), "after the file's last stream");
    assertEquals(List.of(), slot.perFileContexts());
  }

  @Test
  void fat_namedStreamOpen_failsWithObjectNameInvalidAndHasNoPerFileSlot() {
    Volume v = mount(new FatLikeFileSystem());
    assertEquals(NtStatus.STATUS_OBJECT_NAME_INVALID,
        io.createFile(v, "\\f.txt:ads", CreateParameters.openIf()).status());
    FileObject fo = open(v, "\\f.txt");
    assertTrue(FsRtl.supportsPerStreamContexts(fo));
    assertFalse(FsRtl.supportsPerFileContexts(fo));
    assertEquals(NtStatus.STATUS_NOT_SUPPORTED,
        io.setInformation(fo, new FileInformation.Link("\\g.txt", false)).status());
    io.closeHandle(fo);
  }

  @Test
  void ntfs_fsContextIsTheScbItself_headerFirst_andTheSlotIsTheFcb() {
    Volume v = mount(new NtfsLikeFileSystem(ClosePolicy.IMMEDIATE));
    FileObject fo = open(v, "\\s.txt");
    NtfsLikeFileSystem.Scb scb = assertInstanceOf(NtfsLikeFileSystem.Scb.class, fo.fsContext());
    assertSame(memoryOf(fo), scb.block(), "the header lives in the SCB's own block");
    assertSame(scb.fcb, scb.fileContextSupportPointer(), "the FCB embeds the per-file slot");
    assertSame(scb.fcb, FsRtl.getPerFileContextPointer(fo));
    assertEquals(scb.fcb.id() + ".FileContextSupportPointer", scb.fcb.toString());
    assertEquals(1, scb.uncleanCount());
    FileObject again = open(v, "\\S.TXT");
    assertSame(scb, again.fsContext());
    assertEquals(2, scb.uncleanCount());
    io.closeHandle(again);
    assertEquals(1, scb.uncleanCount());
    io.closeHandle(fo);
    assertTrue(scb.block().isFreed(), "freed at the last close, teardown first");
    assertEquals(1, scb.teardownCount());
    assertTrue(scb.fcb.block().isFreed(), "the FCB goes with its last stream");
    assertEquals(1, scb.fcb.teardownCount());
  }

  @Test
  void ntfs_scbKeepsItsStreamKeyAndSuffix_oneStringWhenTheyAgree() {
    Volume v = mount(new NtfsLikeFileSystem(ClosePolicy.IMMEDIATE));
    FileObject dflt = open(v, "\\k.txt::$DATA");
    FileObject ads = open(v, "\\k.txt:Ads:$DATA");
    FileObject plain = open(v, "\\k.txt");
    NtfsLikeFileSystem.Scb d = assertInstanceOf(NtfsLikeFileSystem.Scb.class, dflt.fsContext());
    NtfsLikeFileSystem.Scb a = assertInstanceOf(NtfsLikeFileSystem.Scb.class, ads.fsContext());
    assertSame(d, plain.fsContext(), "::$DATA and the plain name are the default stream");
    assertEquals("", d.streamSuffix(), "the default stream's suffix is empty however it was written");
    assertEquals("", d.streamKey());
    assertEquals(":Ads", a.streamSuffix(), "the name as written, without the default type");
    assertNotEquals(a.streamSuffix(), a.streamKey(), "the key is folded");
    assertSame(a, a.fcb.stream(a.streamKey()));
    assertSame(d, d.fcb.stream(""));
    assertEquals("\\k.txt:Ads", fs.queryFileNames(ads).normalizedName());
    for (FileObject f : List.of(dflt, ads, plain)) {
      io.closeHandle(f);
    }
  }

  @Test
  void ntfs_hardLink_bothNamesReachSameFcb() {
    Volume v = mount(new NtfsLikeFileSystem());
    FileObject a = open(v, "\\a.txt");
    assertEquals(NtStatus.STATUS_SUCCESS, io.setInformation(a, new FileInformation.Link("\\b.txt", false)).status());
    FileObject b = open(v, "\\B.txt", CreateParameters.open());
    assertSame(a.fsContext(), b.fsContext());
    assertEquals(new FileNames("\\b.txt", "\\B.txt"), fs.queryFileNames(b));
    assertEquals("\\a.txt", fs.queryFileNames(a).normalizedName());
    io.closeHandle(a);
    io.closeHandle(b);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allFileSystems")
  void createFile_differentCase_findsSameFileAndPreservesCreationCase(
      String name, Function<ClosePolicy, ModelFileSystem> make) {
    Volume v = mount(make.apply(ClosePolicy.IMMEDIATE));
    FileObject dir = open(v, "\\MyDir", CreateParameters.create().withOptions(IoConstants.FILE_DIRECTORY_FILE));
    FileObject a = open(v, "\\MyDir\\ReadMe.TXT", CreateParameters.create());
    FileObject b = open(v, "\\mydir\\readme.txt", CreateParameters.open());
    assertSame(a.fsContext(), b.fsContext());
    assertEquals(new FileNames("\\MyDir\\ReadMe.TXT", "\\mydir\\readme.txt"), fs.queryFileNames(b));
    assertEquals(NtStatus.STATUS_OBJECT_NAME_COLLISION,
        io.createFile(v, "\\MYDIR\\README.txt", CreateParameters.create()).status());
    io.closeHandle(a);
    io.closeHandle(b);
    io.closeHandle(dir);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allFileSystems")
  void setInformation_renameDirectory_namesOfOpensBelowFollow(
      String name, Function<ClosePolicy, ModelFileSystem> make) {
    Volume v = mount(make.apply(ClosePolicy.IMMEDIATE));
    FileObject dir = open(v, "\\Old", CreateParameters.create().withOptions(IoConstants.FILE_DIRECTORY_FILE));
    FileObject f = open(v, "\\Old\\f.txt");
    assertEquals(NtStatus.STATUS_SUCCESS, io.setInformation(dir, new FileInformation.Rename("New", false)).status());
    assertEquals("\\New\\f.txt", fs.queryFileNames(f).normalizedName());
    assertEquals("\\New", fs.queryFileNames(dir).normalizedName());
    assertTrue(fs.exists("\\new\\F.TXT"));
    io.closeHandle(f);
    io.closeHandle(dir);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allFileSystems")
  void closeHandle_deleteOnCloseWithSecondOpen_nameRemovedOnlyWhenPerFileStructureFreed(
      String name, Function<ClosePolicy, ModelFileSystem> make) {
    Volume v = mount(make.apply(ClosePolicy.DELAYED));
    FileObject doc = open(v, "\\tmp.txt", CreateParameters.openIf().withOptions(IoConstants.FILE_DELETE_ON_CLOSE));
    FileObject other = open(v, "\\tmp.txt");
    io.closeHandle(doc);
    assertTrue(fs.exists("\\tmp.txt"));
    assertEquals(NtStatus.STATUS_DELETE_PENDING, io.createFile(v, "\\tmp.txt", CreateParameters.openIf()).status());
    io.closeHandle(other);
    assertFalse(fs.exists("\\tmp.txt"), "delete-pending streams are never delayed");
    assertEquals(0, fs.delayedCloseCount());
  }

  @Test
  void setInformation_dispositionDelete_removesNameAtLastClose() {
    Volume v = mount(new NtfsLikeFileSystem());
    FileObject fo = open(v, "\\x");
    assertEquals(NtStatus.STATUS_SUCCESS, io.setInformation(fo, new FileInformation.Disposition(true)).status());
    assertTrue(fs.exists("\\x"));
    io.closeHandle(fo);
    assertFalse(fs.exists("\\x"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allFileSystems")
  void dismount_openFilesClosedFirst_noStructureLeftAndVolumeHeaderTornDown(
      String name, Function<ClosePolicy, ModelFileSystem> make) {
    Volume v = mount(make.apply(ClosePolicy.DELAYED));
    for (int i = 0; i < 5; i++) {
      io.closeHandle(open(v, "\\f" + i));
    }
    assertEquals(5, fs.delayedCloseCount());
    io.dismount(v);
    assertEquals(List.of(), io.pool().outstanding(), "every FCB, the VCB and every CCB was freed");
    assertInstanceOf(IoEvent.VolumeDismounted.class, events.get(events.size() - 1));
  }

  @Test
  void queryFileNames_volumeOpenAndUnopened_emptyAndNull() {
    Volume v = mount(new NtfsLikeFileSystem());
    FileObject vol = open(v, "");
    assertEquals(new FileNames("", ""), fs.queryFileNames(vol));
    FileObject root = open(v, "\\");
    assertEquals("\\", fs.queryFileNames(root).normalizedName());
    assertNull(fs.queryFileNames(new FileObject("FileObject#x", "\\a")));
    io.closeHandle(vol);
    io.closeHandle(root);
  }

  @Test
  void fat_directoryEnumeration_makesTheDirectoryFileAndTheDcbGoesInItsClose() {
    Volume v = mount(new FatLikeFileSystem());
    FileObject dir = open(v, "\\Dir", CreateParameters.create().withOptions(IoConstants.FILE_DIRECTORY_FILE));
    io.closeHandle(open(v, "\\Dir\\a.txt"));
    PoolBlock dcb = memoryOf(dir);
    assertEquals(NtStatus.STATUS_SUCCESS, io.directoryControl(dir, "*").status());
    assertEquals(2, dir.fsContext().audit().openFileObjects(), "the user's open and the DirectoryFile");
    io.closeHandle(dir);
    assertTrue(dcb.isFreed(), "the last user close released the DirectoryFile, whose close freed the DCB");
    Object freedIn = dcb.freedAt();
    assertInstanceOf(Irp.Site.class, freedIn);
    FileObject closing = ((Irp.Site) freedIn).fileObject();
    assertTrue(closing.hasFlags(FileObject.FO_STREAM_FILE), "freed inside the stream file object's close");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("advancedFileSystems")
  void createFile_typeMismatchOnAFileWithNoFcb_failsAndLeavesNothingAllocated(
      String name, Function<ClosePolicy, ModelFileSystem> make) {
    Volume v = mount(make.apply(ClosePolicy.IMMEDIATE));
    io.closeHandle(open(v, "\\plain.txt"));
    int before = io.pool().outstanding().size();
    assertEquals(NtStatus.STATUS_NOT_A_DIRECTORY,
        io.createFile(v, "\\plain.txt", CreateParameters.open().withOptions(IoConstants.FILE_DIRECTORY_FILE)).status());
    assertEquals(before, io.pool().outstanding().size(), "an FCB built for a failed create is deleted again");
  }

  private boolean turnIntoDirectory(String path) {
    return fs.editDisk((disk, inUse) -> disk.turnIntoDirectory(path, inUse));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allFileSystems")
  void editDisk_inUseFollowsFcbLifetime_delayedCloseCountsAsInUse(
      String name, Function<ClosePolicy, ModelFileSystem> make) {
    Volume v = mount(make.apply(ClosePolicy.DELAYED));
    FileObject fo = open(v, "\\f");
    assertFalse(turnIntoDirectory("\\f"), "open: stays a plain file");
    io.closeHandle(fo);
    assertEquals(1, fs.delayedCloseCount());
    assertFalse(turnIntoDirectory("\\f"), "queued for a delayed close: still in use");
    fs.flushDelayedCloses();
    assertTrue(turnIntoDirectory("\\f"), "no FCB left: turned");
    io.closeHandle(open(v, "\\f\\child", CreateParameters.create()));
    io.closeHandle(open(v, "\\f", CreateParameters.open().withOptions(IoConstants.FILE_DIRECTORY_FILE)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("advancedFileSystems")
  void editDisk_clearDeletePendingOfOpenFile_nameSurvivesLastClose(
      String name, Function<ClosePolicy, ModelFileSystem> make) {
    Volume v = mount(make.apply(ClosePolicy.IMMEDIATE));
    FileObject fo = open(v, "\\gone.txt");
    assertEquals(NtStatus.STATUS_SUCCESS, io.setInformation(fo, new FileInformation.Disposition(true)).status());
    assertEquals(NtStatus.STATUS_DELETE_PENDING, io.createFile(v, "\\gone.txt", CreateParameters.openIf()).status());
    boolean cleared = fs.editDisk((disk, inUse) -> disk.clearDeletePending("\\gone.txt"));
    assertTrue(cleared);
    io.closeHandle(open(v, "\\gone.txt"));
    io.closeHandle(fo);
    assertTrue(fs.exists("\\gone.txt"));
  }
}
