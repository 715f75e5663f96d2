package io.firstspike.web;

import io.firstspike.testsupport.Shared;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The one setup of every browser test: a headless Debian Chromium ({@link Browser}, driven through
 * {@code /usr/bin/chromedriver}) started before each test, or once for the class when the field
 * that registers this extension is static; on a failure the page's console is printed (its errors
 * explain most failures); then the driver is quit and its profile folder removed.
 *
 * <pre>{@code
 * @RegisterExtension final BrowserExtension chrome = new BrowserExtension();
 * ... chrome.browser().driver.get(url);
 * }</pre>
 *
 * <p>Without Chromium or its driver the test is skipped with a message saying what to install,
 * except under {@code FIRSTSPIKE_STRICT=1} (set by {@code .ci/run}), where it fails: CI never
 * counts a skipped browser test ({@link Shared#skipOrFail}).
 */
final class BrowserExtension implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {
  private boolean perClass;
  private Browser browser;
  private Path profile;

  /** The running browser (started now if the test asked for it before this extension started it). */
  Browser browser() {
    if (browser == null) {
      start();
    }
    return browser;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    perClass = true; // a static field: one browser for the class
    start();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (!perClass) {
      start();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (context.getExecutionException().isPresent()) {
      printConsole(context.getDisplayName());
    }
    if (!perClass) {
      close();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (perClass) {
      close();
    }
  }

  /** Skips (or fails in strict mode) unless both files are executable; says what to install. */
  static void requireInstalled(Path chromium, Path chromedriver, boolean strict) {
    if (!Files.isExecutable(chromium) || !Files.isExecutable(chromedriver)) {
      Shared.skipOrFail("Chromium is not installed (" + chromium + ", " + chromedriver
          + "): apt-get install chromium chromium-driver", strict);
    }
  }

  private void start() {
    if (browser != null) {
      return;
    }
    requireInstalled(Browser.CHROMIUM, Browser.CHROMEDRIVER, Shared.strict());
    try {
      profile = Files.createTempDirectory("firstspike-chromium-");
      browser = Browser.start(profile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void printConsole(String test) {
    if (browser == null) {
      return;
    }
    List<String> lines;
    try {
      lines = browser.console();
    } catch (RuntimeException e) {
      System.out.println("browser console of '" + test + "' cannot be read: " + e);
      return;
    }
    System.out.println("browser console of the failed test '" + test + "' (" + lines.size() + " messages):");
    lines.forEach(l -> System.out.println("console: " + l));
  }

  private void close() {
    try {
      if (browser != null) {
        browser.close();
      }
    } finally {
      browser = null;
      if (profile != null) {
        deleteQuietly(profile);
        profile = null;
      }
    }
  }

  /** The profile folder is scratch: what cannot be removed (Chromium still exiting) is left. */
  private static void deleteQuietly(Path root) {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      System.out.println("left " + root + ": " + e);
    }
  }
}
