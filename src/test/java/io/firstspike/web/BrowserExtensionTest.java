package io.firstspike.web;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** The browser tests' one decision about a missing Chromium: skip locally, fail in CI. */
class BrowserExtensionTest {
  private static final Path MISSING = Path.of("/nonexistent/chromium");
  private static final Path EXECUTABLE = Path.of("/bin/sh");

  @Test
  @DisplayName("without Chromium or its driver a browser test is skipped, naming what to install")
  void missingBrowserSkips() {
    assertThatThrownBy(() -> BrowserExtension.requireInstalled(MISSING, EXECUTABLE, false))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining(MISSING.toString()).hasMessageContaining("apt-get install chromium chromium-driver");
    assertThatThrownBy(() -> BrowserExtension.requireInstalled(EXECUTABLE, MISSING, false))
        .isInstanceOf(TestAbortedException.class);
  }

  @Test
  @DisplayName("in strict mode (FIRSTSPIKE_STRICT=1, as .ci/run sets it) a missing browser fails the test instead")
  void missingBrowserFailsWhenStrict() {
    assertThatThrownBy(() -> BrowserExtension.requireInstalled(MISSING, EXECUTABLE, true))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("FIRSTSPIKE_STRICT").hasMessageContaining(MISSING.toString());
  }

  @Test
  @DisplayName("with both installed nothing is skipped")
  void installedBrowserRuns() {
    assertThatCode(() -> BrowserExtension.requireInstalled(EXECUTABLE, EXECUTABLE, true)).doesNotThrowAnyException();
  }
}
