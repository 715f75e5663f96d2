package io.firstspike.web;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The workbench of one browser test: {@link #start} serves a runs folder with the repository's
 * configs (one training thread, a free port), and the server is closed after the test. Register
 * it after the {@link BrowserExtension}, so that the server closes before the browser quits, as
 * an {@code @AfterEach} method of the test would.
 */
final class WebServerExtension implements AfterEachCallback {
  private WebTestServer server;

  /** Starts the workbench on {@code runsDir}; closed after the test. */
  WebTestServer start(Path runsDir) {
    server = new WebTestServer(runsDir, Path.of("configs").toAbsolutePath(), 0, 1).start();
    return server;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (server != null) {
      server.close();
      server = null;
    }
  }
}
