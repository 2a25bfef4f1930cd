package io.fsctx.nt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** NTSTATUS values and semantics (fsrtl.md 1, 14.53; DESIGN.md "Rules that hold everywhere"). */
class NtStatusTest {

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource({
    "STATUS_SUCCESS, 0x00000000",
    "STATUS_INVALID_PARAMETER, 0xC000000D",
    "STATUS_INVALID_DEVICE_REQUEST, 0xC0000010",
    "STATUS_INSUFFICIENT_RESOURCES, 0xC000009A",
    "STATUS_NOT_SUPPORTED, 0xC00000BB",
    "STATUS_NOT_FOUND, 0xC0000225",
    "STATUS_FLT_CONTEXT_ALREADY_DEFINED, 0xC01C0002",
    "STATUS_FLT_CONTEXT_ALREADY_LINKED, 0xC01C001C",
    "STATUS_PENDING, 0x00000103",
    "STATUS_REPARSE, 0x00000104",
    "STATUS_FLT_DELETING_OBJECT, 0xC01C000B",
    "STATUS_BUFFER_OVERFLOW, 0x80000005",
    "STATUS_OBJECT_NAME_NOT_FOUND, 0xC0000034",
    "STATUS_ACCESS_DENIED, 0xC0000022",
  })
  @DisplayName("fsrtl.md 14.53: status constants carry the real ntstatus.h values and names")
  void constant_byName_hasRealValue(String name, String hex) {
    int code = Integer.parseUnsignedInt(hex.substring(2), 16);

    NtStatus s = NtStatus.byName(name).orElseThrow();

    assertEquals(code, s.code());
    assertEquals(name, s.name());
    assertSame(s, NtStatus.of(code));
    assertTrue(s.isKnown());
  }

  @Test
  @DisplayName("fsrtl.md 14.53: the spec's constants are the public fields, not just registry entries")
  void constants_fields_haveSpecValues() {
    assertEquals(0x00000000, NtStatus.STATUS_SUCCESS.code());
    assertEquals(0xC000000D, NtStatus.STATUS_INVALID_PARAMETER.code());
    assertEquals(0xC0000010, NtStatus.STATUS_INVALID_DEVICE_REQUEST.code());
    assertEquals(0xC000009A, NtStatus.STATUS_INSUFFICIENT_RESOURCES.code());
    assertEquals(0xC00000BB, NtStatus.STATUS_NOT_SUPPORTED.code());
    assertEquals(0xC0000225, NtStatus.STATUS_NOT_FOUND.code());
    assertEquals(0xC01C0002, NtStatus.STATUS_FLT_CONTEXT_ALREADY_DEFINED.code());
    assertEquals(0xC01C001C, NtStatus.STATUS_FLT_CONTEXT_ALREADY_LINKED.code());
  }

  @Test
  @DisplayName("DESIGN.md: NT_SUCCESS holds for informational codes such as STATUS_REPARSE and STATUS_PENDING")
  void isSuccess_informationalAndSuccessCodes_true() {
    assertTrue(NtStatus.STATUS_SUCCESS.isSuccess());
    assertTrue(NtStatus.STATUS_REPARSE.isSuccess());
    assertTrue(NtStatus.STATUS_PENDING.isSuccess());
    assertTrue(NtStatus.STATUS_FLT_DISALLOW_FAST_IO.isSuccess());
    assertTrue(NtStatus.of(0x40000000).isSuccess(), "severity 01 (informational) is a success");
    assertTrue(NtStatus.of(0x40000000).isInformational());
  }

  @Test
  @DisplayName("DESIGN.md: NT_SUCCESS is false for warnings and errors, and the severity predicates classify them")
  void isSuccess_warningsAndErrors_false() {
    assertFalse(NtStatus.STATUS_BUFFER_OVERFLOW.isSuccess());
    assertTrue(NtStatus.STATUS_BUFFER_OVERFLOW.isWarning());
    assertFalse(NtStatus.STATUS_BUFFER_OVERFLOW.isError());
    assertFalse(NtStatus.STATUS_NOT_FOUND.isSuccess());
    assertTrue(NtStatus.STATUS_NOT_FOUND.isError());
    assertFalse(NtStatus.STATUS_NOT_FOUND.isWarning());
    assertFalse(NtStatus.STATUS_SUCCESS.isInformational());
    assertFalse(NtStatus.STATUS_SUCCESS.isError());
  }

  @Test
  @DisplayName("DESIGN.md: a known status prints as STATUS_NOT_FOUND (0xC0000225)")
  void toString_knownStatus_nameAndHex() {
    assertEquals("STATUS_NOT_FOUND (0xC0000225)", NtStatus.STATUS_NOT_FOUND.toString());
    assertEquals("STATUS_SUCCESS (0x00000000)", NtStatus.STATUS_SUCCESS.toString());
    assertEquals("0xC0000225", NtStatus.STATUS_NOT_FOUND.hex());
  }

  @Test
  @DisplayName("DESIGN.md: an unknown code is representable, unnamed, and prints as bare hex")
  void of_unknownCode_representableAndPrintsHex() {
    NtStatus s = NtStatus.of(0xC0DE0042);

    assertEquals(0xC0DE0042, s.code());
    assertFalse(s.isKnown());
    assertEquals("", s.name());
    assertEquals("0xC0DE0042", s.toString());
    assertTrue(s.isError());
    assertFalse(NtStatus.knownStatuses().containsKey(0xC0DE0042));
  }

  @Test
  @DisplayName("DESIGN.md: statuses are equal by code, for known and unknown codes alike")
  void equals_sameCode_equalAndSameHash() {
    assertEquals(NtStatus.of(0x12345), NtStatus.of(0x12345));
    assertEquals(NtStatus.of(0x12345).hashCode(), NtStatus.of(0x12345).hashCode());
    assertNotEquals(NtStatus.of(0x12345), NtStatus.of(0x12346));
    assertEquals(NtStatus.STATUS_NOT_FOUND, NtStatus.of(0xC0000225));
    assertNotEquals(NtStatus.STATUS_NOT_FOUND, NtStatus.STATUS_NOT_SUPPORTED);
    assertNotEquals(NtStatus.STATUS_PENDING, NtStatus.of(0xC0000103), "same low bits, different severity");
  }

  @Test
  @DisplayName("DESIGN.md: byName finds ntstatus.h names and returns empty for anything else")
  void byName_knownAndUnknown() {
    assertEquals(Optional.of(NtStatus.STATUS_FLT_CONTEXT_ALREADY_DEFINED), NtStatus.byName("STATUS_FLT_CONTEXT_ALREADY_DEFINED"));
    assertEquals(Optional.empty(), NtStatus.byName("STATUS_NO_SUCH_THING"));
    assertEquals(Optional.empty(), NtStatus.byName(""));
    assertEquals(Optional.empty(), NtStatus.byName("status_not_found"), "names are exact");
  }

  @Test
  @DisplayName("DESIGN.md: every named status is registered under its own code with a STATUS_ name")
  void knownStatuses_registry_consistent() {
    Map<Integer, NtStatus> known = NtStatus.knownStatuses();

    assertTrue(known.size() > 50, "all constants are registered: " + known.size());
    known.forEach(
        (code, s) -> {
          assertEquals(code.intValue(), s.code());
          assertTrue(s.name().startsWith("STATUS_"), s.name());
          assertSame(s, NtStatus.byName(s.name()).orElseThrow());
        });
  }
}
