package io.fsctx.modelfs;

import static io.fsctx.io.FileInformation.DispositionEx.FILE_DISPOSITION_DELETE;
import static io.fsctx.io.FileInformation.DispositionEx.FILE_DISPOSITION_IGNORE_READONLY_ATTRIBUTE;
import static io.fsctx.io.FileInformation.DispositionEx.FILE_DISPOSITION_ON_CLOSE;
import static io.fsctx.io.FileInformation.DispositionEx.FILE_DISPOSITION_POSIX_SEMANTICS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.io.CreateParameters;
import io.fsctx.io.CreateResult;
import io.fsctx.io.FileId128;
import io.fsctx.io.FileIdName;
import io.fsctx.io.FileInformation;
import io.fsctx.io.FileInformationClass;
import io.fsctx.io.FileObject;
import io.fsctx.io.FileObjectIdBuffer;
import io.fsctx.io.FsControlCodes;
import io.fsctx.io.FsInformation;
import io.fsctx.io.FsInformationClass;
import io.fsctx.io.IoConstants;
import io.fsctx.io.IoManager;
import io.fsctx.io.IoResult;
import io.fsctx.io.StorageDevice;
import io.fsctx.io.Volume;
import io.fsctx.nt.NtStatus;
import io.fsctx.verifier.FileSystemVerifier;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What filters observe of the models beyond FCB lifetimes: delete at the last cleanup, {@code
 * FileStandardInformation}, file and object IDs, {@code FileDispositionInformationEx}, volume
 * queries and read-only storage; transactions have their own test.
 */
class FileSystemBehaviourTest {
  private final IoManager io = new IoManager();
  private final FileSystemVerifier verifier = FileSystemVerifier.watch(io);
  private ModelFileSystem fs = new NtfsLikeFileSystem();
  private Volume volume = mount(fs);

  private Volume mount(ModelFileSystem fileSystem) {
    fs = fileSystem;
    volume = io.mount("\\Device\\HarddiskVolume" + (io.volumes().size() + 1), null, fileSystem);
    return volume;
  }

  @AfterEach
  void noRuleBroken() {
    verifier.finish();
    assertEquals(List.of(), verifier.violations());
  }

  static Stream<Arguments> models() {
    return Stream.of(
        Arguments.of("NTFS-like", (Supplier<ModelFileSystem>) NtfsLikeFileSystem::new),
        Arguments.of("FAT-like", (Supplier<ModelFileSystem>) FatLikeFileSystem::new));
  }

  private FileObject open(String path, CreateParameters p) {
    CreateResult r = io.createFile(volume, path, p);
    assertTrue(r.isOpened(), path + ": " + r.status());
    return r.openedFileObject();
  }

  private FileObject open(String path) {
    return open(path, CreateParameters.openIf());
  }

  private FileInformation.Standard standard(FileObject fo) {
    return io.queryInformationFile(fo, FileInformationClass.FILE_STANDARD_INFORMATION, 24)
        .output(FileInformation.Standard.class);
  }

  private long fileId(FileObject fo) {
    return io.queryInformationFile(fo, FileInformationClass.FILE_INTERNAL_INFORMATION, 8)
        .output(FileInformation.Internal.class).indexNumber();
  }

  private NtStatus setEx(FileObject fo, int flags) {
    return io.setInformation(fo, new FileInformation.DispositionEx(flags)).status();
  }

  // ---- Delete at the last cleanup ---------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void delete_atTheLastCleanup_laterQueriesOnRemainingFileObjectsAreFileDeleted(String name, Supplier<ModelFileSystem> model) {
    mount(model.get());
    FileObject a = open("\\doomed.txt");
    FileObject b = open("\\doomed.txt");
    io.referenceObject(b); // a filter keeps the file object after its handle is closed
    assertEquals(NtStatus.STATUS_SUCCESS, io.setInformation(a, new FileInformation.Disposition(true)).status());
    assertTrue(standard(b).deletePending());
    io.closeHandle(a);
    assertTrue(fs.exists("\\doomed.txt"), "another handle is still open");
    io.closeHandle(b);
    assertFalse(fs.exists("\\doomed.txt"), "the names go at the last cleanup, not at the last close");
    assertEquals(NtStatus.STATUS_FILE_DELETED,
        io.queryInformationFile(b, FileInformationClass.FILE_STANDARD_INFORMATION, 24).status());
    assertEquals(NtStatus.STATUS_FILE_DELETED, io.setInformation(b, new FileInformation.EndOfFile(1)).status());
    assertEquals(1, io.pool().outstanding().stream().filter(p -> p.what().equals("CCB")).count(),
        "b's CCB, and so its FCB, is still there until its close");
    io.dereferenceObject(b);
    assertTrue(io.createFile(volume, "\\doomed.txt", CreateParameters.create()).isOpened(), "the name is free again");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void fileSize_survivesItsPerFileStructure_overwriteEmptiesIt(String name, Supplier<ModelFileSystem> model) {
    mount(model.get());
    FileObject a = open("\\sized.txt");
    assertEquals(NtStatus.STATUS_SUCCESS, io.write(a, 0, 100).status());
    io.closeHandle(a); // the FCB goes (immediate close policy) and the size is written back
    FileObject b = open("\\sized.txt", CreateParameters.open());
    assertEquals(100, standard(b).endOfFile());
    assertEquals(40, io.read(b, 60, 1000).information(), "reads stop at the end of file on the disk");
    io.closeHandle(b);
    FileObject c = open("\\sized.txt", CreateParameters.open().withDisposition(IoConstants.FILE_OVERWRITE));
    assertEquals(0, standard(c).endOfFile());
    io.closeHandle(c);
    FileObject d = open("\\sized.txt", CreateParameters.open());
    assertEquals(0, standard(d).endOfFile());
    io.closeHandle(d);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void standardInformation_directoryAndLinks(String name, Supplier<ModelFileSystem> model) {
    mount(model.get());
    FileObject dir = open("\\dir", CreateParameters.openIf().withOptions(IoConstants.FILE_DIRECTORY_FILE));
    FileInformation.Standard s = standard(dir);
    assertTrue(s.directory());
    assertEquals(1, s.numberOfLinks());
    assertFalse(s.deletePending());
    FileObject f = open("\\dir\\f.txt");
    io.write(f, 0, 100);
    FileInformation.Standard fs1 = standard(f);
    assertFalse(fs1.directory());
    assertEquals(100, fs1.endOfFile());
    io.closeHandle(f);
    io.closeHandle(dir);
  }

  @Test
  void standardInformation_hardLink_countsBothNames() {
    FileObject f = open("\\a.txt");
    assertEquals(NtStatus.STATUS_SUCCESS, io.setInformation(f, new FileInformation.Link("\\b.txt", false)).status());
    assertEquals(2, standard(f).numberOfLinks());
    io.closeHandle(f);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void queries_bufferTooSmallOrUnknownClass_documentedStatuses(String name, Supplier<ModelFileSystem> model) {
    mount(model.get());
    FileObject f = open("\\q.txt");
    assertEquals(NtStatus.STATUS_INFO_LENGTH_MISMATCH,
        io.queryInformationFile(f, FileInformationClass.FILE_STANDARD_INFORMATION, 23).status());
    assertEquals(NtStatus.STATUS_INVALID_PARAMETER,
        io.queryInformationFile(f, FileInformationClass.FILE_STREAM_INFORMATION, 1000).status());
    IoResult shortName = io.queryInformationFile(f, FileInformationClass.FILE_NAME_INFORMATION, 4 + 2 * 3);
    assertEquals(NtStatus.STATUS_BUFFER_OVERFLOW, shortName.status());
    assertEquals("\\q.", shortName.output(FileInformation.Name.class).fileName());
    assertEquals("\\q.txt", io.queryInformationFile(f, FileInformationClass.FILE_NAME_INFORMATION, 100)
        .output(FileInformation.Name.class).fileName());
    io.closeHandle(f);
  }

  // ---- File IDs ----------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void fileIds_perFileNotPerOpen_andFileIdInformationCarriesTheVolumeSerial(String name, Supplier<ModelFileSystem> model) {
    mount(model.get());
    FileObject a1 = open("\\a");
    FileObject a2 = open("\\a");
    FileObject b = open("\\b");
    assertEquals(fileId(a1), fileId(a2));
    assertNotEquals(fileId(a1), fileId(b));
    FileInformation.Id id = io.queryInformationFile(a1, FileInformationClass.FILE_ID_INFORMATION, 24)
        .output(FileInformation.Id.class);
    assertEquals(FileId128.of64(fileId(a1)), id.fileId());
    FsInformation.Volume vol = io.queryVolumeInformation(a1, FsInformationClass.FILE_FS_VOLUME_INFORMATION, 100)
        .output(FsInformation.Volume.class);
    assertEquals(vol.volumeSerialNumber(), (int) id.volumeSerialNumber());
    for (FileObject fo : List.of(a1, a2, b)) {
      io.closeHandle(fo);
    }
  }

  @Test
  void openByFileId_ntfs_opensTheSameFileUnderItsName() {
    FileObject f = open("\\dir-less.txt");
    long id = fileId(f);
    CreateParameters byId = CreateParameters.open().withOptions(IoConstants.FILE_OPEN_BY_FILE_ID);
    FileObject again = io.createFile(volume, FileIdName.of(id), byId).openedFileObject();
    assertEquals(id, fileId(again));
    assertEquals("\\dir-less.txt", fs.queryFileNames(again).normalizedName());
    assertEquals(NtStatus.STATUS_INVALID_PARAMETER, io.createFile(volume, FileIdName.of(9999), byId).status());
    assertEquals(NtStatus.STATUS_INVALID_PARAMETER,
        io.createFile(volume, FileIdName.of(id), byId.withDisposition(IoConstants.FILE_OPEN_IF)).status());
    io.closeHandle(again);
    io.closeHandle(f);
  }

  @Test
  void openByFileId_fat_notImplemented() {
    mount(new FatLikeFileSystem());
    assertEquals(NtStatus.STATUS_NOT_IMPLEMENTED, io.createFile(volume, FileIdName.of(2),
        CreateParameters.open().withOptions(IoConstants.FILE_OPEN_BY_FILE_ID)).status());
  }

  // ---- Object IDs ---------------------------------------------------------------------------------

  @Test
  void objectIds_ntfs_getCreateSetDeleteAsMsFsaSays() {
    FileObject f = open("\\o.txt");
    assertEquals(NtStatus.STATUS_OBJECTID_NOT_FOUND, io.fsControl(f, FsControlCodes.FSCTL_GET_OBJECT_ID, null, 64).status());
    assertEquals(NtStatus.STATUS_INVALID_PARAMETER,
        io.fsControl(f, FsControlCodes.FSCTL_CREATE_OR_GET_OBJECT_ID, null, 63).status());
    IoResult made = io.fsControl(f, FsControlCodes.FSCTL_CREATE_OR_GET_OBJECT_ID, null, 64);
    assertEquals(NtStatus.STATUS_SUCCESS, made.status());
    assertEquals(64, made.information());
    FileObjectIdBuffer id = made.output(FileObjectIdBuffer.class);
    assertEquals(volume.storage().volumeGuid(), id.birthVolumeId());
    assertEquals(id.objectId(), id.birthObjectId());
    assertEquals(id, io.fsControl(f, FsControlCodes.FSCTL_GET_OBJECT_ID, null, 64).output(FileObjectIdBuffer.class));
    assertEquals(id, io.fsControl(f, FsControlCodes.FSCTL_CREATE_OR_GET_OBJECT_ID, null, 64).output(FileObjectIdBuffer.class),
        "create-or-get returns the existing ID");
    assertEquals(NtStatus.STATUS_OBJECT_NAME_COLLISION, io.fsControl(f, FsControlCodes.FSCTL_SET_OBJECT_ID, id, 0).status());
    assertEquals(NtStatus.STATUS_SUCCESS, io.fsControl(f, FsControlCodes.FSCTL_DELETE_OBJECT_ID, null, 0).status());
    assertEquals(NtStatus.STATUS_OBJECTID_NOT_FOUND, io.fsControl(f, FsControlCodes.FSCTL_GET_OBJECT_ID, null, 64).status());
    io.closeHandle(f);
  }

  @Test
  void objectIds_fat_invalidDeviceRequest() {
    mount(new FatLikeFileSystem());
    FileObject f = open("\\o.txt");
    assertEquals(NtStatus.STATUS_INVALID_DEVICE_REQUEST,
        io.fsControl(f, FsControlCodes.FSCTL_CREATE_OR_GET_OBJECT_ID, null, 64).status());
    io.closeHandle(f);
  }

  // ---- FileDispositionInformationEx ------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void dispositionEx_onClose_setsAndClearsThisOpensDeleteOnClose(String name, Supplier<ModelFileSystem> model) {
    mount(model.get());
    FileObject set = open("\\x");
    assertEquals(NtStatus.STATUS_SUCCESS, setEx(set, FILE_DISPOSITION_DELETE | FILE_DISPOSITION_ON_CLOSE));
    assertFalse(standard(set).deletePending(), "on-close only arms this open");
    assertTrue(set.hasFlags(FileObject.FO_DELETE_ON_CLOSE));
    io.closeHandle(set);
    assertFalse(fs.exists("\\x"));

    FileObject cleared = open("\\y", CreateParameters.openIf().withOptions(IoConstants.FILE_DELETE_ON_CLOSE));
    assertEquals(NtStatus.STATUS_SUCCESS, setEx(cleared, FILE_DISPOSITION_ON_CLOSE));
    io.closeHandle(cleared);
    assertTrue(fs.exists("\\y"), "ON_CLOSE without DELETE cleared FILE_DELETE_ON_CLOSE");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void dispositions_readOnlyFile_cannotDeleteUnlessIgnoringTheAttribute(String name, Supplier<ModelFileSystem> model) {
    mount(model.get());
    FileObject f = open("\\ro");
    io.setInformation(f, FileInformation.Basic.attributes(IoConstants.FILE_ATTRIBUTE_READONLY));
    assertEquals(IoConstants.FILE_ATTRIBUTE_READONLY, io.queryInformationFile(f, FileInformationClass.FILE_BASIC_INFORMATION, 40)
        .output(FileInformation.Basic.class).fileAttributes());
    assertEquals(NtStatus.STATUS_CANNOT_DELETE, io.setInformation(f, new FileInformation.Disposition(true)).status());
    assertEquals(NtStatus.STATUS_CANNOT_DELETE, setEx(f, FILE_DISPOSITION_DELETE));
    assertEquals(NtStatus.STATUS_SUCCESS, setEx(f, FILE_DISPOSITION_DELETE | FILE_DISPOSITION_IGNORE_READONLY_ATTRIBUTE));
    io.closeHandle(f);
    assertFalse(fs.exists("\\ro"));
  }

  @Test
  void dispositionEx_posix_ntfs_nameGoesAtThisHandlesCleanupAndOtherHandlesKeepWorking() {
    FileObject posix = open("\\p.txt");
    FileObject other = open("\\p.txt");
    assertEquals(NtStatus.STATUS_SUCCESS, setEx(posix, FILE_DISPOSITION_DELETE | FILE_DISPOSITION_POSIX_SEMANTICS));
    io.closeHandle(posix);
    assertFalse(fs.exists("\\p.txt"), "the name went although another handle is open");
    FileInformation.Standard s = standard(other);
    assertEquals(0, s.numberOfLinks());
    assertTrue(s.deletePending());
    assertEquals(NtStatus.STATUS_SUCCESS, io.write(other, 0, 10).status());
    assertTrue(io.createFile(volume, "\\p.txt", CreateParameters.create()).isOpened(), "the name is free");
    io.closeHandle(other);
  }

  @Test
  void dispositionEx_posix_fat_notSupported_andUnknownFlagsInvalid() {
    mount(new FatLikeFileSystem());
    FileObject f = open("\\p.txt");
    assertEquals(NtStatus.STATUS_NOT_SUPPORTED, setEx(f, FILE_DISPOSITION_DELETE | FILE_DISPOSITION_POSIX_SEMANTICS));
    assertFalse(standard(f).deletePending());
    assertEquals(NtStatus.STATUS_INVALID_PARAMETER, setEx(f, 0x100));
    io.closeHandle(f);
    assertTrue(fs.exists("\\p.txt"));
  }

  // ---- Volume queries and read-only storage ---------------------------------------------------

  @Test
  void volumeQueries_attributesAndSizes_perModel() {
    FileObject n = open("\\v");
    FsInformation.Attribute ntfs = io.queryVolumeInformation(n, FsInformationClass.FILE_FS_ATTRIBUTE_INFORMATION, 100)
        .output(FsInformation.Attribute.class);
    assertEquals("NTFS", ntfs.fileSystemName());
    assertTrue(ntfs.has(FsInformation.FILE_NAMED_STREAMS | FsInformation.FILE_SUPPORTS_TRANSACTIONS
        | FsInformation.FILE_SUPPORTS_OBJECT_IDS | FsInformation.FILE_SUPPORTS_OPEN_BY_FILE_ID));
    assertEquals(volume.storage().volumeGuid(), io.queryVolumeInformation(n, FsInformationClass.FILE_FS_OBJECT_ID_INFORMATION, 64)
        .output(FsInformation.ObjectId.class).objectId());
    assertEquals(512, io.queryVolumeInformation(n, FsInformationClass.FILE_FS_SIZE_INFORMATION, 24)
        .output(FsInformation.Size.class).bytesPerSector());
    assertEquals(NtStatus.STATUS_INFO_LENGTH_MISMATCH,
        io.queryVolumeInformation(n, FsInformationClass.FILE_FS_SIZE_INFORMATION, 23).status());
    assertEquals(NtStatus.STATUS_INVALID_INFO_CLASS,
        io.queryVolumeInformation(n, FsInformationClass.FILE_FS_LABEL_INFORMATION, 100).status());
    IoResult cut = io.queryVolumeInformation(n, FsInformationClass.FILE_FS_ATTRIBUTE_INFORMATION, 16);
    assertEquals(NtStatus.STATUS_BUFFER_OVERFLOW, cut.status());
    assertEquals("NT", cut.output(FsInformation.Attribute.class).fileSystemName());
    io.closeHandle(n);

    mount(new FatLikeFileSystem());
    FileObject f = open("\\v");
    FsInformation.Attribute fat = io.queryVolumeInformation(f, FsInformationClass.FILE_FS_ATTRIBUTE_INFORMATION, 100)
        .output(FsInformation.Attribute.class);
    assertEquals("FAT", fat.fileSystemName());
    assertFalse(fat.has(FsInformation.FILE_NAMED_STREAMS));
    assertEquals(NtStatus.STATUS_INVALID_PARAMETER,
        io.queryVolumeInformation(f, FsInformationClass.FILE_FS_OBJECT_ID_INFORMATION, 64).status());
    io.closeHandle(f);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void readOnlyStorage_refusesChangesAndSaysSo(String name, Supplier<ModelFileSystem> model) {
    fs = model.get();
    volume = io.mount("\\Device\\HarddiskVolume9", null, fs, StorageDevice.disk("ro").readOnly());
    assertEquals(NtStatus.STATUS_MEDIA_WRITE_PROTECTED, io.createFile(volume, "\\new", CreateParameters.create()).status());
    assertEquals(NtStatus.STATUS_MEDIA_WRITE_PROTECTED, io.createFile(volume, "\\new", CreateParameters.openIf()).status());
    FileObject root = open("\\", CreateParameters.open().withOptions(IoConstants.FILE_DIRECTORY_FILE));
    assertTrue(io.queryVolumeInformation(root, FsInformationClass.FILE_FS_ATTRIBUTE_INFORMATION, 100)
        .output(FsInformation.Attribute.class).has(FsInformation.FILE_READ_ONLY_VOLUME));
    assertEquals(NtStatus.STATUS_MEDIA_WRITE_PROTECTED,
        io.setInformation(root, FileInformation.Basic.attributes(IoConstants.FILE_ATTRIBUTE_HIDDEN)).status());
    io.closeHandle(root);
    FileObject volumeOpen = open("", CreateParameters.open());
    assertEquals(NtStatus.STATUS_MEDIA_WRITE_PROTECTED, io.write(volumeOpen, 0, 512).status());
    io.closeHandle(volumeOpen);
  }
}
