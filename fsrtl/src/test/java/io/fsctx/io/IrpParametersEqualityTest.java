package io.fsctx.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The request parameters whose equals and hashCode are written out (to spare the record bootstrap
 * at start-up) keep a record's meaning: equal exactly when every component is equal, and equal
 * values hash alike.
 */
class IrpParametersEqualityTest {

  @Test
  @DisplayName("Create: equal by options, name and extra create parameters, each component telling them apart")
  void create_componentWise() {
    IrpParameters.Create a = new IrpParameters.Create(CreateParameters.open(), "\\a.txt");
    IrpParameters.Create same =
        new IrpParameters.Create(CreateParameters.open(), new String("\\a.txt"), ExtraCreateParameters.NONE);
    assertEquals(a, same);
    assertEquals(a.hashCode(), same.hashCode());
    assertNotEquals(a, new IrpParameters.Create(CreateParameters.create(), "\\a.txt"));
    assertNotEquals(a, new IrpParameters.Create(CreateParameters.open(), "\\b.txt"));
    assertNotEquals(a, new IrpParameters.Create(CreateParameters.open(), "\\a.txt", ExtraCreateParameters.of("ecp")));
    assertNotEquals(a, new IrpParameters.Read(0, 1));
    assertNotEquals(a, null);
  }

  @Test
  @DisplayName("SetInformation: equal by class and buffer")
  void setInformation_componentWise() {
    IrpParameters.SetInformation a = new IrpParameters.SetInformation(
        FileInformationClass.FILE_RENAME_INFORMATION, new FileInformation.Rename("\\b.txt", true));
    IrpParameters.SetInformation same = new IrpParameters.SetInformation(
        FileInformationClass.FILE_RENAME_INFORMATION, new FileInformation.Rename("\\b.txt", true));
    assertEquals(a, same);
    assertEquals(a.hashCode(), same.hashCode());
    assertNotEquals(a, new IrpParameters.SetInformation(
        FileInformationClass.FILE_RENAME_INFORMATION_EX, new FileInformation.Rename("\\b.txt", true)));
    assertNotEquals(a, new IrpParameters.SetInformation(
        FileInformationClass.FILE_RENAME_INFORMATION, new FileInformation.Rename("\\b.txt", false)));
    assertNotEquals(a, null);
  }
}
