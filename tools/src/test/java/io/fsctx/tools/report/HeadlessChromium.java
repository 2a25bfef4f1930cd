package io.fsctx.tools.report;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import org.jspecify.annotations.Nullable;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's Chromium, headless, driven by its chromedriver through Selenium, for the report tests:
 * opens a report from disk, waits until its script says it is ready, and reports every console
 * message of level SEVERE (script errors, and fetches the report's Content-Security-Policy
 * refused). No network is used: the page is a local file and chromedriver listens on loopback.
 *
 * <p>The browser and driver are {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver}, or
 * the paths in the system properties {@code fsctx.chromium} and {@code fsctx.chromedriver}.
 *
 * <p>Thread safety: confined to the test's thread.
 */
public final class HeadlessChromium implements AutoCloseable {
  /** What to do when Chromium is missing; the skipped tests say it. */
  public static final String INSTALL_HINT =
      "Chromium and its driver are needed for the report's browser tests: install them with"
          + " 'apt-get install -y chromium chromium-driver' (Debian), or set -Dfsctx.chromium and"
          + " -Dfsctx.chromedriver";

  private static final int WIDTH = 1600;
  private static final int HEIGHT = 1000;
  private static final long READY_WAIT_MILLIS = 60_000;

  private final ChromeDriver driver;
  private final Path profile;

  private HeadlessChromium(ChromeDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  private static Path browser() {
    return Path.of(System.getProperty("fsctx.chromium", "/usr/bin/chromium"));
  }

  private static Path chromedriver() {
    return Path.of(System.getProperty("fsctx.chromedriver", "/usr/bin/chromedriver"));
  }

  /** Whether Chromium and chromedriver are installed. */
  public static boolean available() {
    return Files.isExecutable(browser()) && Files.isExecutable(chromedriver());
  }

  /**
   * Starts a headless browser with a new, empty profile.
   *
   * @return the browser; close it
   */
  public static HeadlessChromium start() {
    Path profile;
    try {
      profile = Files.createTempDirectory("fsctx-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(browser().toFile());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--user-data-dir=" + profile,
        "--window-size=" + WIDTH + "," + HEIGHT);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
    File driverFile = chromedriver().toFile();
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(driverFile).usingAnyFreePort().build();
    return new HeadlessChromium(new ChromeDriver(service, options), profile);
  }

  /**
   * Opens a report and waits until its script has rendered it ({@code body[data-ready]}).
   *
   * @param html the report
   * @param fragment a URL fragment such as {@code select=Ctx#3}, or null
   */
  public void open(Path html, @Nullable String fragment) {
    consoleErrors(); // forget the previous page's messages
    driver.manage().window().setSize(new Dimension(WIDTH, HEIGHT));
    String url = html.toAbsolutePath().toUri().toString();
    driver.get(fragment == null ? url : url + "#" + fragment.replace("#", "%23"));
    long deadline = System.currentTimeMillis() + READY_WAIT_MILLIS;
    while (!"true".equals(script("return document.body && document.body.getAttribute('data-ready')"))) {
      if (System.currentTimeMillis() > deadline) {
        fail("the report " + html + " never became ready; console errors: " + consoleErrors());
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /** The console messages of level SEVERE since the last call (script errors, refused fetches). */
  public List<String> consoleErrors() {
    List<String> errors = new ArrayList<>();
    for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
      if (e.getLevel().intValue() >= Level.SEVERE.intValue()) {
        errors.add(e.getMessage());
      }
    }
    return errors;
  }

  /** Runs a script in the page and returns its result. */
  public @Nullable Object script(String js, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(js, args);
  }

  /** The element with an id. */
  public WebElement byId(String id) {
    return driver.findElement(By.id(id));
  }

  /** The elements a CSS selector matches. */
  public List<WebElement> all(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  /** The element a CSS selector matches first. */
  public WebElement one(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  /**
   * Saves a screenshot of the whole page (up to 3,000 pixels high) as PNG.
   *
   * @param file where to
   */
  public void screenshot(Path file) {
    Object h = script("return Math.min(3000, document.documentElement.scrollHeight)");
    int height = h instanceof Number n ? Math.max(HEIGHT, n.intValue()) : HEIGHT;
    driver.manage().window().setSize(new Dimension(WIDTH, height));
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      driver.manage().window().setSize(new Dimension(WIDTH, HEIGHT));
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      deleteTree(profile);
    }
  }

  private static void deleteTree(Path dir) {
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A profile left in the temporary directory is harmless.
    }
  }
}
