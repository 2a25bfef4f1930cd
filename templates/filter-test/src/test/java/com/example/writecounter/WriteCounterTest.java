package com.example.writecounter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.fltmgr.FilterManager;
import io.fsctx.fltmgr.UnloadReport;
import io.fsctx.fltmgr.testing.FilterHarness;
import io.fsctx.fltmgr.testing.FilterVerifierExtension;
import io.fsctx.io.FileObject;
import io.fsctx.modelfs.NtfsLikeFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(FilterVerifierExtension.class) // fails the test on any leak, bug check or idle filter
class WriteCounterTest {

  @Test
  void writes_areCountedPerStream_andNothingLeaks(FilterManager fm) {
    // A volume C: of the NTFS-like model file system, mounted and followed by fm.
    FilterHarness h = FilterHarness.on(fm, new NtfsLikeFileSystem());
    // FltRegisterFilter, FltStartFiltering, and the instance on C:.
    h.start(WriteCounter.NAME, WriteCounter.ALTITUDE, WriteCounter.registration());

    FileObject first = h.open("\\report.txt");
    h.write(first, 0, 100);
    h.write(first, 100, 100);
    FileObject second = h.open("\\report.txt");
    h.write(second, 0, 10);
    assertEquals(3, WriteCounter.writesOf(h.instance(), first), "both handles share the stream");
    h.close(second);
    h.close(first);

    // FltUnregisterFilter and the dismount: the report lists every reference still held.
    UnloadReport report = h.unload();
    assertTrue(report.clean(), report::format);
  }
}
