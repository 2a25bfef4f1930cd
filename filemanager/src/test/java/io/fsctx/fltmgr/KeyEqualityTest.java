package io.fsctx.fltmgr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.fsctx.io.FileObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The records whose equals and hashCode are written out (to spare the record bootstrap at
 * start-up) keep a record's meaning: equal exactly when every component is equal, and equal values
 * hash alike.
 */
class KeyEqualityTest {

  @Test
  @DisplayName("DriverObject: equal by service, instance name and altitude (null included)")
  void driverObject_componentWise() {
    DriverObject a = new DriverObject("Ctx", "Ctx Instance", "370070");
    assertEquals(a, DriverObject.of("Ctx", "370070"));
    assertEquals(a.hashCode(), DriverObject.of("Ctx", "370070").hashCode());
    assertNotEquals(a, new DriverObject("Ctx2", "Ctx Instance", "370070"));
    assertNotEquals(a, new DriverObject("Ctx", "Other", "370070"));
    assertNotEquals(a, new DriverObject("Ctx", "Ctx Instance", "370071"));
    assertNotEquals(a, new DriverObject("Ctx", "Ctx Instance", null));
    assertEquals(new DriverObject("Ctx", "Ctx Instance", null), DriverObject.of("Ctx", null));
    assertEquals(DriverObject.of("Ctx", null).hashCode(), new DriverObject("Ctx", "Ctx Instance", null).hashCode());
    assertNotEquals(a, null);
  }

  @Test
  @DisplayName("A stream-handle context's key: equal by instance and file object, both by identity")
  void handleKey_componentWise() {
    FilterManager m = new FilterManager();
    FltFilter f = m.registerFilter(DriverObject.of("K", "370000"), FltRegistration.builder().build()).filter();
    FltVolume v = m.mountBareVolume("\\Device\\HarddiskVolume1", "NTFS", true);
    FltVolume w = m.mountBareVolume("\\Device\\HarddiskVolume2", "NTFS", true);
    java.util.Objects.requireNonNull(f).startFiltering();
    FltInstance i = v.instances().get(0);
    FltInstance j = w.instances().get(0);
    FileObject fo = new FileObject("FileObject#1", "\\a");
    FileObject other = new FileObject("FileObject#2", "\\a");
    StreamListCtrl.HandleKey k = new StreamListCtrl.HandleKey(i, fo);
    assertEquals(k, new StreamListCtrl.HandleKey(i, fo));
    assertEquals(k.hashCode(), new StreamListCtrl.HandleKey(i, fo).hashCode());
    assertNotEquals(k, new StreamListCtrl.HandleKey(j, fo));
    assertNotEquals(k, new StreamListCtrl.HandleKey(i, other));
    assertNotEquals(k, null);
  }
}
