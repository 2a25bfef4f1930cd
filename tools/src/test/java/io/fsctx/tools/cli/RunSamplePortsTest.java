package io.fsctx.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code fsctx run --filter change|swapbuffers|scanner|minispy} and {@code --provoke}. */
class RunSamplePortsTest {
  @TempDir Path dir;

  private static JsonNode data(Path html) throws IOException {
    return HtmlOptionTest.data(html);
  }

  @ParameterizedTest(name = "run --filter {0} --fs {1}")
  @CsvSource({
    "change, ntfs, change (NTFS-like) report",
    "change, fat, change (FAT-like) report",
    "swapbuffers, ntfs, swapbuffers (NTFS-like) report",
    "swapbuffers, fat, swapbuffers (FAT-like) report",
    "scanner, ntfs, scanner (NTFS-like) report",
    "scanner, fat, scanner (FAT-like) report",
    "minispy, ntfs, minispy (NTFS-like) report",
    "minispy, fat, minispy (FAT-like) report"
  })
  void run_port_cleanWorkload_exits0WithLogAndReport(String filter, String fs, String title) {
    Cli.Result r = Cli.run("run", "--filter", filter, "--fs", fs).assertNoStackTrace();
    assertEquals(0, r.exit(), r::toString);
    assertTrue(r.out().contains(title), r.out());
    assertTrue(r.out().contains("verifier findings: 0"), r.out());
    assertTrue(r.out().contains("leaked contexts: 0"), r.out());
  }

  @ParameterizedTest(name = "run --filter {0} --fs legacy")
  @CsvSource({"change", "swapbuffers", "scanner", "minispy"})
  void run_port_legacyFileSystem_fileSystemFindingsListedApart_exits0(String filter) {
    Cli.Result r = Cli.run("run", "--filter", filter, "--fs", "legacy").assertNoStackTrace();
    assertEquals(0, r.exit(), r::toString);
    assertTrue(r.out().contains("verifier findings: 0"), r.out());
    assertTrue(r.out().contains("file-system findings (check-fs judges the file system; not counted here): "), r.out());
    assertTrue(r.out().contains("HDR-ADVANCED"), r.out());
    assertTrue(r.out().contains("leaked contexts: 0"), r.out());
  }

  @Test
  void run_change_printsTheDirtyReports() {
    Cli.Result r = Cli.run("run", "--filter", "change");
    assertTrue(r.out().contains("CgPreClose: Non-transacted file ID"), r.out());
    assertTrue(r.out().contains("CgProcessTransactionOutcome: Transacted file ID"), r.out());
  }

  @Test
  void run_scanner_cancelsTheFoulOpen() {
    Cli.Result r = Cli.run("run", "--filter", "scanner", "--steps");
    assertTrue(r.out().contains("!!! scanner.sys -- undoing create"), r.out());
    assertTrue(r.out().contains("workload: open \\report-foul.doc: STATUS_ACCESS_DENIED (0xC0000022)"), r.out());
  }

  @Test
  void run_minispy_logsOperationsAndNotifications() {
    Cli.Result r = Cli.run("run", "--filter", "minispy");
    assertTrue(r.out().contains("IRP_MJ_CREATE"), r.out());
    assertTrue(r.out().contains("TRANSACTION_NOTIFY_COMMIT"), r.out());
    assertTrue(r.out().contains("TRANSACTION_NOTIFY_ROLLBACK"), r.out());
  }

  @Test
  void run_swapbuffers_provokeVolumeQueryFailure_bugCheckReported_exits1() {
    Cli.Result r = Cli.run("run", "--filter", "swapbuffers", "--provoke", "volume-query-failure").assertNoStackTrace();
    assertEquals(1, r.exit(), r::toString);
    assertTrue(r.out().contains("FltGetVolumeProperties failed, status=80000005"), r.out());
    assertTrue(r.out().contains("bug check: "), r.out());
    assertTrue(r.out().contains("BUG_CHECK_IN_CALLBACK"), r.out());
    assertTrue(r.out().contains("ContextCleanup"), r.out());
  }

  @Test
  void run_minispy_provokeEnlistFailure_handledByTheSample_exits0() {
    Cli.Result r = Cli.run("run", "--filter", "minispy", "--provoke", "enlist-failure", "--steps").assertNoStackTrace();
    assertEquals(0, r.exit(), r::toString);
    assertTrue(r.out().contains("whose enlistments by minispy fail"), r.out());
    assertTrue(r.out().contains("leaked contexts: 0"), r.out());
  }

  @ParameterizedTest(name = "run {0}")
  @CsvSource(delimiter = '|', value = {
    "--filter ctx --provoke volume-query-failure|needs --filter swapbuffers",
    "--filter minispy --provoke volume-query-failure|needs --filter swapbuffers",
    "--filter swapbuffers --provoke enlist-failure|needs --filter minispy",
    "--filter swapbuffers --provoke everything|'--provoke'",
    "--filter change --debug-level all|applies to --filter ctx only"
  })
  void run_badCombination_isAUsageError(String args, String message) {
    String[] argv = ("run " + args).split(" ");
    Cli.Result r = Cli.run(argv).assertRefused(2);
    assertTrue(r.err().contains(message), r.err());
    assertFalse(r.err().isEmpty());
  }

  @Test
  void run_minispy_html_sameOutputAndStatus_reportRecordsTheContexts() throws IOException {
    Path html = dir.resolve("m.html");
    Cli.Result plain = Cli.run("run", "--filter", "minispy");
    Cli.Result r = Cli.run("run", "--filter", "minispy", "--html", html.toString()).assertNoStackTrace();
    assertEquals(ExitStatus.OK, r.exit(), r::toString);
    assertEquals(plain.out(), r.out(), "the same standard output");
    JsonNode d = data(html);
    assertEquals("run", d.get("kind").asText());
    assertTrue(d.get("contexts").get("id").size() > 0, "the transaction contexts were recorded");
    assertEquals(0, d.get("findings").size());
  }

  @Test
  void run_swapbuffers_provoke_html_exits1_reportHasTheFinding() throws IOException {
    Path html = dir.resolve("s.html");
    Cli.Result r = Cli.run("run", "--filter", "swapbuffers", "--provoke", "volume-query-failure", "--html",
        html.toString()).assertNoStackTrace();
    assertEquals(ExitStatus.FOUND, r.exit(), r::toString);
    assertTrue(data(html).get("findings").size() > 0, "the verifier's finding is in the report");
  }

  @Test
  void run_port_htmlInAMissingDirectory_exits4BeforeTheRun() {
    Path html = dir.resolve("missing").resolve("c.html");
    Cli.Result r = Cli.run("run", "--filter", "change", "--steps", "--html", html.toString())
        .assertRefused(ExitStatus.OUTPUT);
    assertFalse(r.err().contains("workload:"), "the workload did not run");
    assertFalse(Files.exists(html));
  }
}
