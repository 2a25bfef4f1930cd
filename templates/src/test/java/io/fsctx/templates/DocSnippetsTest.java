package io.fsctx.templates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The guides and the README show the templates' code, and the templates are what the invoker
 * builds and tests in this build: a code block preceded by {@code <!-- file: PATH -->} must be
 * that file exactly, one preceded by {@code <!-- excerpt: PATH -->} a run of its lines, so the
 * documented code cannot drift from code that compiles and passes. The file-system guide's tables
 * must also keep up with the rule table and with check-fs's detection tests.
 */
class DocSnippetsTest {
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
  private static final Pattern MARKED_BLOCK =
      Pattern.compile("<!-- (file|excerpt): (\\S+) -->\\R```[a-z]*\\R(.*?)```", Pattern.DOTALL);

  /** A marked code block: whether it is the whole file or an excerpt, the file, and the code. */
  private record Block(String doc, boolean whole, String path, String code) {}

  private static List<Block> blocks(String doc) throws IOException {
    String text = Files.readString(ROOT.resolve(doc), StandardCharsets.UTF_8);
    List<Block> out = new ArrayList<>();
    Matcher m = MARKED_BLOCK.matcher(text);
    while (m.find()) {
      out.add(new Block(doc, m.group(1).equals("file"), m.group(2), m.group(3)));
    }
    return out;
  }

  private static void check(Block b) throws IOException {
    String file = Files.readString(ROOT.resolve(b.path()), StandardCharsets.UTF_8);
    if (b.whole()) {
      assertEquals(file, b.code(), () -> b.doc() + " shows " + b.path() + " other than it is");
    } else {
      assertTrue(file.contains(b.code()), () -> b.doc() + " quotes lines that are not in " + b.path() + ":\n" + b.code());
    }
  }

  @Test
  @DisplayName("The guide shows the template's pom, filter and test exactly as they are built and run")
  void guide_showsTheTemplateFiles() throws IOException {
    List<Block> blocks = blocks("filemanager/TESTING.md");

    assertEquals(
        List.of("templates/filter-test/pom.xml",
            "templates/filter-test/src/main/java/com/example/writecounter/WriteCounter.java",
            "templates/filter-test/src/test/java/com/example/writecounter/WriteCounterTest.java"),
        blocks.stream().filter(Block::whole).map(Block::path).toList());
    for (Block b : blocks) {
      check(b);
    }
  }

  @Test
  @DisplayName("The README's \"Use fsctx from your project\" quotes the template's pom and test")
  void readme_quotesTheTemplate() throws IOException {
    List<Block> blocks = blocks("README.md");

    assertTrue(blocks.size() >= 2, () -> "marked blocks: " + blocks);
    for (Block b : blocks) {
      check(b);
    }
  }

  @Test
  @DisplayName("The template depends on this build's version, which the guide and README name")
  void template_usesThisBuildsVersion() throws IOException {
    String version = Objects.requireNonNull(System.getProperty("fsctx.version"), "set by the pom");
    String pom = Files.readString(ROOT.resolve("templates/filter-test/pom.xml"), StandardCharsets.UTF_8);

    assertTrue(pom.contains("<fsctx.version>" + version + "</fsctx.version>"), pom);
    for (String doc : List.of("README.md", "filemanager/TESTING.md")) {
      String text = Files.readString(ROOT.resolve(doc), StandardCharsets.UTF_8);
      assertTrue(text.contains(version), () -> doc + " does not name version " + version);
    }
  }

  private static final String FILE_SYSTEMS = "modelfs/FILE-SYSTEMS.md";
  private static final String MINIFAT = "templates/fastfat-like/src/main/java/com/example/fastfat/MiniFat.java";

  @Test
  @DisplayName("The file-system guide quotes the fastfat-like template's code, pom and test as they are built and run")
  void fileSystemGuide_quotesTheFastfatLikeTemplate() throws IOException {
    List<Block> blocks = blocks(FILE_SYSTEMS);

    assertEquals(List.of("templates/fastfat-like/src/test/java/com/example/fastfat/MiniFatTest.java"),
        blocks.stream().filter(Block::whole).map(Block::path).toList());
    assertTrue(blocks.stream().filter(b -> b.path().equals(MINIFAT)).count() >= 8, () -> "excerpts: " + blocks);
    for (Block b : blocks) {
      check(b);
    }
    String version = Objects.requireNonNull(System.getProperty("fsctx.version"), "set by the pom");
    String pom = Files.readString(ROOT.resolve("templates/fastfat-like/pom.xml"), StandardCharsets.UTF_8);
    assertTrue(pom.contains("<fsctx.version>" + version + "</fsctx.version>"), pom);
  }

  @Test
  @DisplayName("The fastfat-like example stays small: at most 150 lines besides imports and blank lines")
  void fastfatLikeTemplate_atMost150LinesOfCode() throws IOException {
    long code = Files.readAllLines(ROOT.resolve(MINIFAT), StandardCharsets.UTF_8).stream()
        .filter(l -> !l.isBlank() && !l.startsWith("import ") && !l.startsWith("package "))
        .count();

    assertTrue(code <= 150, () -> MINIFAT + " has " + code + " lines of code");
  }

  @Test
  @DisplayName("The file-system guide's tables name every rule and every bug class check-fs's tests break")
  void fileSystemGuide_coversEveryRuleAndBugClass() throws IOException {
    String guide = Files.readString(ROOT.resolve(FILE_SYSTEMS), StandardCharsets.UTF_8);
    String detection = Files.readString(
        ROOT.resolve("tools/src/test/java/io/fsctx/tools/checkfs/DetectionTest.java"), StandardCharsets.UTF_8);

    for (io.fsctx.verifier.FsRule rule : io.fsctx.verifier.FsRule.values()) {
      assertTrue(guide.contains("| `" + rule.id() + "` |"), () -> "no row for " + rule.id());
    }
    Matcher m = Pattern.compile("bug\\(\"([^\"]+)\"").matcher(detection);
    int classes = 0;
    while (m.find()) {
      classes++;
      String bug = m.group(1);
      assertTrue(guide.contains("| " + bug + " |"), () -> "the detection table has no row for: " + bug);
    }
    assertTrue(classes >= 20, "bug classes found in DetectionTest: " + classes);
  }
}
