package io.fsctx.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link Irp#site()}: a request pended to a worker may be served by two threads at once, and the
 * records made on either must hold the same site, or a verifier comparing "where" would see two
 * requests.
 */
class IrpSiteTest {

  @Test
  @DisplayName("Two threads asking a fresh IRP for its site at once get the same object, 2,000 times")
  void site_racingFirstCalls_oneSite() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      CyclicBarrier start = new CyclicBarrier(2);
      for (int i = 0; i < 2_000; i++) {
        Irp irp = new Irp("Irp#" + i, IrpMajorFunction.READ, 0, null, IrpParameters.NONE, 0);
        Future<Irp.Site> a = pool.submit(() -> {
          start.await();
          return irp.site();
        });
        Future<Irp.Site> b = pool.submit(() -> {
          start.await();
          return irp.site();
        });
        Irp.Site first = a.get(10, TimeUnit.SECONDS);
        assertSame(first, b.get(10, TimeUnit.SECONDS), "IRP " + i);
        assertSame(first, irp.site());
        assertEquals("Irp#" + i + "[IRP_MJ_READ]", first.toString());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  @DisplayName("A site keeps its request's identity: a number within an int, one beyond it, and a given name")
  void site_identity_withinAndBeyondAnInt() {
    assertEquals("Irp#7", new Irp(7, IrpMajorFunction.READ, 0, null, IrpParameters.NONE, 0).site().id());
    assertEquals("Irp#2147483647",
        new Irp(Integer.MAX_VALUE, IrpMajorFunction.READ, 0, null, IrpParameters.NONE, 0).site().id());
    assertEquals("Irp#4294967301",
        new Irp((1L << 32) + 5, IrpMajorFunction.READ, 0, null, IrpParameters.NONE, 0).site().id(), "no wrap");
    assertEquals("Irp#Mine", new Irp("Irp#Mine", IrpMajorFunction.READ, 0, null, IrpParameters.NONE, 0).site().id());
  }

  @Test
  @DisplayName("A site keeps major function and file object with its number, packed up to 2^26 - 1 and wide beyond")
  void site_majorAndFileObject_packedAndWide() {
    FileObject fo = new FileObject("FileObject#3", "\\a.txt");
    for (long n : new long[] {0, 1, (1L << 26) - 1, 1L << 26, Integer.MAX_VALUE, (1L << 32) + 5}) {
      for (IrpMajorFunction m : IrpMajorFunction.values()) {
        Irp irp = new Irp(n, m, 0, fo, IrpParameters.NONE, 0);
        Irp.Site s = irp.site();
        assertEquals("Irp#" + n, s.id(), m + " " + n);
        assertEquals(m, s.majorFunction(), m + " " + n);
        assertSame(fo, s.fileObject(), m + " " + n);
        assertEquals(irp.toString(), s.toString());
      }
    }
    Irp.Site none = new Irp(9, IrpMajorFunction.CLEANUP, 0, null, IrpParameters.NONE, 0).site();
    assertNull(none.fileObject());
    assertEquals("Irp#9[IRP_MJ_CLEANUP]", none.toString());
  }
}
