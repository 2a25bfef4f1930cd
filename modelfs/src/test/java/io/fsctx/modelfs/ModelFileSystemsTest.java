package io.fsctx.modelfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
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
import io.fsctx.io.FileSystemDriver;
import io.fsctx.io.IoConstants;
import io.fsctx.io.IoEvent;
import io.fsctx.io.IoManager;
import io.fsctx.io.Scb;
import io.fsctx.io.Volume;
import io.fsctx.nt.NtStatus;
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

class ModelFileSystemsTest {
  private final IoManager io = new IoManager();
  private final List<IoEvent> events = Collections.synchronizedList(new ArrayList<>());

  private Volume mount(FileSystemDriver fs) {
    io.addListener(events::add);
    return io.mount("\\Device\\HarddiskVolume1", 'C', fs);
  }

  private FileObject open(Volume v, String path) {
    return open(v, path, CreateParameters.openIf());
  }

  private FileObject open(Volume v, String path, CreateParameters p) {
    CreateResult r = io.createFile(v, path, p);
    assertEquals(NtStatus.STATUS_SUCCESS, r.status(), path);
    return r.openedFileObject();
  }

  private static Scb scb(Volume v, FileObject fo) {
    Scb s = v.fileSystem().scbOf(fo);
    assertNotNull(s);
    return s;
  }

  private static AtomicInteger insertCountingStreamContext(FileObject fo) {
    AtomicInteger frees = new AtomicInteger();
    PerStreamContext ctx = new PerStreamContext(new Object(), null, c -> frees.incrementAndGet());
    assertEquals(NtStatus.STATUS_SUCCESS, FsRtl.insertPerStreamContext(fo.fsContext(), ctx));
    return frees;
  }

  static Stream<Arguments> advancedFileSystems() {
    return Stream.of(
        Arguments.of("NTFS-like", (Function<ClosePolicy, FileSystemDriver>) NtfsLikeFileSystem::new),
        Arguments.of("FAT-like", (Function<ClosePolicy, FileSystemDriver>) FatLikeFileSystem::new));
  }

  static Stream<Arguments> allFileSystems() {
    return Stream.concat(advancedFileSystems(),
        Stream.of(Arguments.of("legacy", (Function<ClosePolicy, FileSystemDriver>) LegacyFileSystem::new)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("advancedFileSystems")
  void closeHandle_immediatePolicy_streamTeardownRunsOnceAtLastClose(
      String name, Function<ClosePolicy, FileSystemDriver> make) {
    Volume v = mount(make.apply(ClosePolicy.IMMEDIATE));
    FileObject fo = open(v, "\\a.txt");
    AtomicInteger frees = insertCountingStreamContext(fo);
    Scb s = scb(v, fo);
    io.closeHandle(fo);
    assertTrue(s.isFreed());
    assertEquals(1, frees.get());
    assertEquals(1, ((AdvancedFcbHeader) s.header()).teardownCount());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allFileSystems")
  void closeHandle_delayedPolicy_fcbAliveUntilFlushDelayedCloses(
      String name, Function<ClosePolicy, FileSystemDriver> make) {
    Volume v = mount(make.apply(ClosePolicy.DELAYED));
    FileObject fo = open(v, "\\a.txt");
    Scb s = scb(v, fo);
    io.closeHandle(fo);
    assertFalse(s.isFreed());
    assertEquals(1, v.fileSystem().flushDelayedCloses());
    assertTrue(s.isFreed());
    assertEquals(1, events.stream().filter(e -> e instanceof IoEvent.FcbFreed f && f.fcbId().equals(s.id())).count());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allFileSystems")
  void createStreamFileObject_internalStream_closeCountExceedsCreateCount(
      String name, Function<ClosePolicy, FileSystemDriver> make) {
    Volume v = mount(make.apply(ClosePolicy.IMMEDIATE));
    FileObject dir = open(v, "\\Dir", CreateParameters.create().withOptions(IoConstants.FILE_DIRECTORY_FILE));
    FileObject internal = v.fileSystem().createStreamFileObject(scb(v, dir));
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
      String name, Function<ClosePolicy, FileSystemDriver> make) {
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
    io.closeHandle(fo);
    IoEvent.FcbFreed freed = (IoEvent.FcbFreed) events.stream()
        .filter(e -> e instanceof IoEvent.FcbFreed).findFirst().orElseThrow();
    assertFalse(freed.teardownCalled());
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
    assertEquals("\\f.txt:ads", v.fileSystem().queryFileNames(ads).normalizedName());
    io.closeHandle(main);
    io.closeHandle(dflt);
    assertEquals(0, fileFrees.get());
    io.closeHandle(ads);
    assertEquals(1, adsFrees.get());
    assertEquals(1, fileFrees.get());
    IoEvent.PerFileFreed pf = (IoEvent.PerFileFreed) events.stream()
        .filter(e -> e instanceof IoEvent.PerFileFreed).findFirst().orElseThrow();
    assertTrue(pf.teardownCalled());
    assertEquals(List.of(), pf.leftInSlot());
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
  void ntfs_hardLink_bothNamesReachSameFcb() {
    Volume v = mount(new NtfsLikeFileSystem());
    FileObject a = open(v, "\\a.txt");
    assertEquals(NtStatus.STATUS_SUCCESS, io.setInformation(a, new FileInformation.Link("\\b.txt", false)).status());
    FileObject b = open(v, "\\B.txt", CreateParameters.open());
    assertSame(a.fsContext(), b.fsContext());
    assertEquals(new FileNames("\\b.txt", "\\B.txt"), v.fileSystem().queryFileNames(b));
    assertEquals("\\a.txt", v.fileSystem().queryFileNames(a).normalizedName());
    io.closeHandle(a);
    io.closeHandle(b);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allFileSystems")
  void createFile_differentCase_findsSameFileAndPreservesCreationCase(
      String name, Function<ClosePolicy, FileSystemDriver> make) {
    Volume v = mount(make.apply(ClosePolicy.IMMEDIATE));
    FileObject dir = open(v, "\\MyDir", CreateParameters.create().withOptions(IoConstants.FILE_DIRECTORY_FILE));
    FileObject a = open(v, "\\MyDir\\ReadMe.TXT", CreateParameters.create());
    FileObject b = open(v, "\\mydir\\readme.txt", CreateParameters.open());
    assertSame(a.fsContext(), b.fsContext());
    assertEquals(new FileNames("\\MyDir\\ReadMe.TXT", "\\mydir\\readme.txt"), v.fileSystem().queryFileNames(b));
    assertEquals(NtStatus.STATUS_OBJECT_NAME_COLLISION,
        io.createFile(v, "\\MYDIR\\README.txt", CreateParameters.create()).status());
    io.closeHandle(a);
    io.closeHandle(b);
    io.closeHandle(dir);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allFileSystems")
  void setInformation_renameDirectory_namesOfOpensBelowFollow(
      String name, Function<ClosePolicy, FileSystemDriver> make) {
    Volume v = mount(make.apply(ClosePolicy.IMMEDIATE));
    FileObject dir = open(v, "\\Old", CreateParameters.create().withOptions(IoConstants.FILE_DIRECTORY_FILE));
    FileObject f = open(v, "\\Old\\f.txt");
    assertEquals(NtStatus.STATUS_SUCCESS, io.setInformation(dir, new FileInformation.Rename("New", false)).status());
    assertEquals("\\New\\f.txt", v.fileSystem().queryFileNames(f).normalizedName());
    assertEquals("\\New", v.fileSystem().queryFileNames(dir).normalizedName());
    assertTrue(v.fileSystem().exists("\\new\\F.TXT"));
    io.closeHandle(f);
    io.closeHandle(dir);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allFileSystems")
  void closeHandle_deleteOnCloseWithSecondOpen_nameRemovedOnlyWhenPerFileStructureFreed(
      String name, Function<ClosePolicy, FileSystemDriver> make) {
    Volume v = mount(make.apply(ClosePolicy.DELAYED));
    FileObject doc = open(v, "\\tmp.txt", CreateParameters.openIf().withOptions(IoConstants.FILE_DELETE_ON_CLOSE));
    FileObject other = open(v, "\\tmp.txt");
    io.closeHandle(doc);
    assertTrue(v.fileSystem().exists("\\tmp.txt"));
    assertEquals(NtStatus.STATUS_DELETE_PENDING, io.createFile(v, "\\tmp.txt", CreateParameters.openIf()).status());
    io.closeHandle(other);
    assertFalse(v.fileSystem().exists("\\tmp.txt"), "delete-pending streams are never delayed");
    assertEquals(0, v.fileSystem().delayedCloseCount());
  }

  @Test
  void setInformation_dispositionDelete_removesNameAtLastClose() {
    Volume v = mount(new NtfsLikeFileSystem());
    FileObject fo = open(v, "\\x");
    assertEquals(NtStatus.STATUS_SUCCESS, io.setInformation(fo, new FileInformation.Disposition(true)).status());
    assertTrue(v.fileSystem().exists("\\x"));
    io.closeHandle(fo);
    assertFalse(v.fileSystem().exists("\\x"));
  }

  @Test
  void createFile_forcedSuccessOnNamedStreamOfMissingFile_createsFileAndStream() {
    Volume v = mount(new NtfsLikeFileSystem());
    CreateResult r = io.createFile(v, "\\new.txt:zone", CreateParameters.open(), NtStatus.STATUS_SUCCESS);
    assertEquals(NtStatus.STATUS_SUCCESS, r.status());
    assertTrue(v.fileSystem().exists("\\new.txt"));
    assertTrue(v.fileSystem().exists("\\new.txt:zone"));
    io.closeHandle(r.openedFileObject());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allFileSystems")
  void dismount_openFilesClosedFirst_noStructureLeftAndVolumeHeaderTornDown(
      String name, Function<ClosePolicy, FileSystemDriver> make) {
    Volume v = mount(make.apply(ClosePolicy.DELAYED));
    for (int i = 0; i < 5; i++) {
      io.closeHandle(open(v, "\\f" + i));
    }
    assertEquals(5, v.fileSystem().delayedCloseCount());
    io.dismount(v);
    assertEquals(List.of(), v.fileSystem().liveScbs());
    long freed = events.stream().filter(e -> e instanceof IoEvent.FcbFreed).count();
    long created = events.stream().filter(e -> e instanceof IoEvent.FcbCreated).count();
    assertEquals(created, freed);
    assertEquals(6, freed);
    assertInstanceOf(IoEvent.VolumeDismounted.class, events.get(events.size() - 1));
  }

  @Test
  void queryFileNames_volumeOpenAndUnopened_emptyAndNull() {
    Volume v = mount(new NtfsLikeFileSystem());
    FileObject vol = open(v, "");
    assertEquals(new FileNames("", ""), v.fileSystem().queryFileNames(vol));
    FileObject root = open(v, "\\");
    assertEquals("\\", v.fileSystem().queryFileNames(root).normalizedName());
    assertNull(v.fileSystem().queryFileNames(new FileObject("FileObject#x", "\\a")));
    io.closeHandle(vol);
    io.closeHandle(root);
  }
}
