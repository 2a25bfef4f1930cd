package io.fsctx.modelfs.toolkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.fsctx.io.CreateParameters;
import io.fsctx.io.IoConstants;
import io.fsctx.nt.NtStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which names a create accepts, component by component (the scan that replaced a split of the
 * path, issue 14), and that a create finds its parent by the folded name however the name folds.
 */
class NamespaceNamesTest {
  private final Namespace disk = new Namespace(StreamNaming.NTFS);

  private NtStatus create(String path, boolean directory) {
    CreateParameters p = CreateParameters.openIf();
    if (directory) {
      p = p.withOptions(IoConstants.FILE_DIRECTORY_FILE);
    }
    return disk.resolveCreate(path, p).status();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "\\d\\.", "\\d\\..", "\\d\\.\\x", "\\d\\..\\x", "\\.", "\\..", "\\d\\\\x", "\\d\\a*b", "\\d\\a?b",
      "\\d\\a<b", "\\d\\a>b", "\\d\\a|b", "\\d\\a\"b", "\\d\\a/b", "\\d\\a\u0001b", "\\d\\a\u001fb",
      "\\d\\..\\d\\x"})
  void invalidComponent_refusedAsNameInvalid(String path) {
    assertEquals(NtStatus.STATUS_SUCCESS, create("\\d", true));
    assertEquals(NtStatus.STATUS_OBJECT_NAME_INVALID, create(path, false), path);
  }

  @ParameterizedTest
  @ValueSource(strings = {"\\d\\a.b", "\\d\\.a", "\\d\\..a", "\\d\\a..", "\\d\\...", "\\d\\a b", "\\d\\x\\",
      "\\d\\x\\\\", "\\d\\\u00e9t\u00e9", "\\d\\x:s"})
  void validComponents_created(String path) {
    assertEquals(NtStatus.STATUS_SUCCESS, create("\\d", true));
    assertEquals(NtStatus.STATUS_SUCCESS, create(path, false), path);
  }

  @Test
  void parentFoundCaseInsensitively_andWhenFoldingChangesTheLength() {
    assertEquals(NtStatus.STATUS_SUCCESS, create("\\Dir", true));
    assertEquals(NtStatus.STATUS_SUCCESS, create("\\dIR\\a.txt", false));
    // Upper-casing ß gives two characters, so the parent's key cannot be cut from the path's.
    assertEquals(NtStatus.STATUS_SUCCESS, create("\\Ma\u00dfe", true));
    assertEquals(NtStatus.STATUS_SUCCESS, create("\\ma\u00dfe\\\u00dfub", true));
    Namespace.Resolution r = disk.resolveCreate("\\MA\u00dfE\\\u00dfUB\\f.txt", CreateParameters.openIf());
    assertEquals(NtStatus.STATUS_SUCCESS, r.status());
    assertEquals(IoConstants.FILE_CREATED, r.information());
    Namespace.Resolution again = disk.resolveCreate("\\ma\u00dfe\\\u00dfub\\F.TXT", CreateParameters.openIf());
    assertEquals(IoConstants.FILE_OPENED, again.information());
    assertSame(r.openedLink().file(), again.openedLink().file());
    assertEquals(NtStatus.STATUS_OBJECT_PATH_NOT_FOUND, create("\\nowhere\\f.txt", false));
  }
}
