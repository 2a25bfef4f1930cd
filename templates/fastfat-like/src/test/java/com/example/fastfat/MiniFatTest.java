package com.example.fastfat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.fsctx.tools.checkfs.CheckReport;
import io.fsctx.tools.checkfs.FsChecker;
import io.fsctx.tools.checkfs.Verdict;
import org.junit.jupiter.api.Test;

class MiniFatTest {
  @Test
  void checkFs_miniFat_noFailNoWarn() {
    // What ./fsctx check-fs --strict --class com.example.fastfat.MiniFat prints, as a test.
    CheckReport report = new FsChecker(MiniFat::new, true).check();

    assertFalse(report.hasFailures(), report::format);
    assertEquals(0, report.count(Verdict.WARN), report::format);
  }
}
