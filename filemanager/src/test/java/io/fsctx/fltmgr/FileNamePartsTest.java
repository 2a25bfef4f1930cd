package io.fsctx.fltmgr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.nt.UnicodeString;
import org.junit.jupiter.api.Test;

/**
 * A name object keeps its full name as the volume's device name and the name below the volume;
 * its {@code Name} and parsed components read as if it kept the concatenation.
 */
class FileNamePartsTest {

  private static final String DEVICE = "\\Device\\HarddiskVolume1";

  private static FltFileNameInformation parsed(FltVolume volume, String relative) {
    FltFileNameInformation n = new FltFileNameInformation(
        1, FltFileNameInformation.FLT_FILE_NAME_NORMALIZED, relative, volume, volume.nameGeneration());
    n.parse();
    return n;
  }

  @Test
  void componentsAreCutFromTheNameBelowTheVolume() {
    FltVolume volume = new FilterManager().mountBareVolume(DEVICE, "NTFS", true);
    String[][] cases = {
      // relative, parent dir, final component, extension, stream
      {"\\dir\\sub\\a.b.txt", "\\dir\\sub\\", "a.b.txt", "txt", ""},
      {"\\a.txt:ads", "\\", "a.txt:ads", "txt", ":ads"},
      {"\\a.txt::$DATA", "\\", "a.txt::$DATA", "txt", "::$DATA"},
      {"\\noext", "\\", "noext", "", ""},
      {"\\dir.d\\noext", "\\dir.d\\", "noext", "", ""},
      {"\\", "\\", "", "", ""},
      {"", "", "", "", ""},
    };
    for (String[] c : cases) {
      FltFileNameInformation n = parsed(volume, c[0]);
      assertEquals(DEVICE + c[0], n.name(), c[0]);
      assertEquals(DEVICE + c[0], n.nameString().toString(), c[0]);
      assertEquals(2 * (DEVICE + c[0]).length(), n.nameString().length(), c[0]);
      assertEquals(c[1], n.parentDir(), "parent of " + c[0]);
      assertEquals(c[2], n.finalComponent(), "final component of " + c[0]);
      assertEquals(c[3], n.extension(), "extension of " + c[0]);
      assertEquals(c[4], n.stream(), "stream of " + c[0]);
      assertEquals(DEVICE, n.volume());
    }
  }

  @Test
  void aCopyOfTheNameIntoAFreshBuffer_readsTheName_andKeepsItAfterTheStructureIsFreed() {
    FltVolume volume = new FilterManager().mountBareVolume(DEVICE, "NTFS", true);
    String relative = "\\dir\\a.txt";
    FltFileNameInformation n = parsed(volume, relative);
    UnicodeString name = n.nameString();
    UnicodeString kept = UnicodeString.allocate(name.length());
    kept.copyFrom(name);
    name.free();
    assertEquals(DEVICE + relative, kept.toString());
    assertEquals(DEVICE + relative, n.name(), "freeing a caller's structure leaves the object's name");
  }

  @Test
  void theObjectIsItsNamesText_itsPartsTheVolumesAndTheFileSystemsStrings() {
    FltVolume volume = new FilterManager().mountBareVolume(DEVICE, "NTFS", true);
    String relative = new String("\\dir\\a.txt"); // a string of its own, to test identity
    FltFileNameInformation n = parsed(volume, relative);
    CharSequence text = n;
    assertEquals(DEVICE + relative, text.toString());
    assertEquals((DEVICE + relative).length(), text.length());
    assertEquals('a', text.charAt(DEVICE.length() + 5));
    assertSame(volume.deviceName(), n.prefix());
    assertSame(relative, n.tail(), "no copy of the file system's string");
    assertEquals("Name#1(" + DEVICE + relative + ")", n.describe());
    UnicodeString copy = UnicodeString.allocate(n.nameString().length());
    copy.copyFrom(n.nameString());
    assertEquals(DEVICE + relative, copy.toString());
  }

  @Test
  void idsPrintTheirNumberUnsigned_upToTwoToTheThirtyTwo() {
    FltVolume volume = new FilterManager().mountBareVolume(DEVICE, "NTFS", true);
    for (long number : new long[] {1, 0x7FFF_FFFFL, 0x8000_0000L, 0xFFFF_FFFFL}) {
      FltFileNameInformation n = new FltFileNameInformation(
          number, FltFileNameInformation.FLT_FILE_NAME_NORMALIZED, "\\a", volume, volume.nameGeneration());
      assertEquals("Name#" + number, n.id());
    }
  }

  @Test
  void theCacheServesTheObjectAgainOnlyForTheSameNameBelowTheVolume() {
    FltVolume volume = new FilterManager().mountBareVolume(DEVICE, "NTFS", true);
    String relative = "\\dir\\a.txt";
    FltFileNameInformation n = parsed(volume, relative);
    assertTrue(n.hasRelative(relative));
    assertTrue(n.hasRelative(new String(relative.toCharArray())), "compared by characters");
    assertFalse(n.hasRelative("\\dir\\A.txt"));
    assertFalse(n.hasRelative("\\dir\\a.txt:s"));
    assertSame(DEVICE, n.volume());
  }
}
