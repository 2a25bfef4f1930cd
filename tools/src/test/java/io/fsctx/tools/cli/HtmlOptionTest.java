package io.fsctx.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --html FILE}: the report is output under the command line's checked-output rules (a
 * report that cannot be written is status 4 with one line on standard error and nothing on
 * standard output), and a written report is complete and keeps the command's own status.
 */
class HtmlOptionTest {
  private static final String DATA_START = "<script type=\"application/json\" id=\"fsctx-data\">";

  @TempDir Path dir;

  /** The report's embedded data (shared with the other {@code --html} tests). */
  static JsonNode data(Path html) throws IOException {
    String page = Files.readString(html);
    int start = page.indexOf(DATA_START) + DATA_START.length();
    return new ObjectMapper().readTree(page.substring(start, page.indexOf("</script>", start)));
  }

  @Test
  @DisplayName("A full disk (--html /dev/full) gives status 4, one line on stderr and no stdout")
  void html_fullDisk_outputErrorAndNoStdout() {
    assumeTrue(Files.exists(Path.of("/dev/full")), "/dev/full is a Linux device");
    Cli.Result r = Cli.run("walkthrough", "--html", "/dev/full").assertRefused(ExitStatus.OUTPUT);
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().startsWith("fsctx walkthrough: cannot write the HTML report /dev/full: "), r.err());
  }

  @Test
  @DisplayName("A report in a missing directory is refused with status 4 before the run")
  void html_missingDirectory_refusedBeforeTheRun() {
    Path html = dir.resolve("missing").resolve("r.html");
    Cli.Result r = Cli.run("run", "--steps", "--html", html.toString()).assertRefused(ExitStatus.OUTPUT);
    assertTrue(r.err().contains("no such directory"), r.err());
    assertFalse(r.err().contains("workload:"), "the workload did not run");
    assertFalse(Files.exists(html));
  }

  @Test
  @DisplayName("A directory as the report is refused with status 4")
  void html_directory_refused() {
    Cli.Result r = Cli.run("check-fs", "ntfs", "--html", dir.toString()).assertRefused(ExitStatus.OUTPUT);
    assertTrue(r.err().contains("is a directory"), r.err());
  }

  @Test
  @DisplayName("With --html the command keeps its status and output, and the report is complete")
  void html_leakyRun_keepsStatusAndWritesACompleteReport() throws IOException {
    Path html = dir.resolve("l.html");
    Cli.Result plain = Cli.run("run", "--filter", "leaky");
    Cli.Result r = Cli.run("run", "--filter", "leaky", "--html", html.toString());
    assertEquals(ExitStatus.FOUND, r.exit(), r::toString);
    assertEquals(plain.out(), r.out(), "the same standard output");
    String page = Files.readString(html);
    assertTrue(page.startsWith("<!DOCTYPE html>") && page.endsWith("</html>\n"), "a whole page");
    JsonNode d = data(html);
    assertEquals("run", d.get("kind").asText());
    assertEquals("fsctx run --filter leaky --html " + html, d.get("title").asText());
    assertEquals(2, d.get("leaks").size(), "the two leaked contexts, with the verifier's details");
    d.get("leaks").forEach(l -> assertTrue(l.get("allocatedAt").asText().contains("LeakyFilter"), l.toString()));
  }

  @Test
  @DisplayName("Without --html the observer asks for no context event, so a replay builds none")
  void noHtml_observerWantsNoEvents() {
    assertTrue(new HtmlOption().observer().kinds().isEmpty());
  }
}
