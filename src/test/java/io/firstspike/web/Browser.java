package io.firstspike.web;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven by Selenium with explicit paths, so Selenium Manager never
 * downloads a browser or driver, and the helpers the browser tests share (waits, scripts,
 * screenshots, console). Started and quit by {@link BrowserExtension}.
 */
final class Browser implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Path SCREENSHOTS = Path.of("target", "screenshots");

  final ChromeDriver driver;
  private final ChromeDriverService service;

  private Browser(ChromeDriver driver, ChromeDriverService service) {
    this.driver = driver;
    this.service = service;
  }

  /**
   * A fresh headless Chromium (own profile under {@code profileDir}) at 1280x800. Tests get one
   * from {@link BrowserExtension}, which checks that Chromium is installed first.
   */
  static Browser start(Path profileDir) throws IOException {
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    Files.createDirectories(profileDir);
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-dev-shm-usage", "--window-size=1280,800",
        "--user-data-dir=" + profileDir.toAbsolutePath());
    options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
        .usingAnyFreePort()
        .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
    return new Browser(driver, service);
  }

  WebDriverWait waiting(Duration d) {
    WebDriverWait w = new WebDriverWait(driver, d, Duration.ofMillis(100));
    w.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    return w;
  }

  Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /** Saves a screenshot of the viewport, or of the whole page when {@code fullPage}. */
  Path screenshot(String name, boolean fullPage) throws IOException {
    Files.createDirectories(SCREENSHOTS);
    Path file = SCREENSHOTS.resolve(name + ".png");
    Dimension before = driver.manage().window().getSize();
    if (fullPage) {
      long height = ((Number) js("return document.documentElement.scrollHeight")).longValue();
      driver.manage().window().setSize(new Dimension(before.width, (int) Math.min(6000, height + 140)));
      sleep(400); // charts resize on the next frame
    }
    Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    if (fullPage) {
      driver.manage().window().setSize(before);
    }
    return file;
  }

  /** A full-page screenshot through DevTools (keeps the window size). */
  Path fullPageCdp(String name) throws IOException {
    Files.createDirectories(SCREENSHOTS);
    Path file = SCREENSHOTS.resolve(name + ".png");
    Map<String, Object> r = driver.executeCdpCommand("Page.captureScreenshot",
        Map.of("format", "png", "captureBeyondViewport", true));
    Files.write(file, Base64.getDecoder().decode((String) r.get("data")));
    return file;
  }

  /** Chromium's performance counters (JSHeapUsedSize in bytes, TaskDuration in s, ...). */
  @SuppressWarnings("unchecked")
  Map<String, Double> metrics() {
    driver.executeCdpCommand("Performance.enable", Map.of());
    Map<String, Object> r = driver.executeCdpCommand("Performance.getMetrics", Map.of());
    Map<String, Double> out = new LinkedHashMap<>();
    for (Map<String, Object> m : (List<Map<String, Object>>) r.get("metrics")) {
      out.put((String) m.get("name"), ((Number) m.get("value")).doubleValue());
    }
    return out;
  }

  /** The page's console messages since the last call (errors explain most failures). */
  List<String> console() {
    return driver.manage().logs().get("browser").getAll().stream()
        .map(e -> e.getLevel() + " " + e.getMessage()).toList();
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      service.stop();
    }
  }
}
