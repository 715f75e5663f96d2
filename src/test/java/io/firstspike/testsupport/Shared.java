package io.firstspike.testsupport;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Locates {@code ../shared} (reference fixtures, MNIST subset) for tests.
 *
 * <p>Order: system property {@code firstspike.shared} (set by the POM to {@code ../shared}), then
 * the environment variable {@code FIRSTSPIKE_SHARED}, then {@code ../shared}. When it is absent a
 * test that needs it is skipped with a message, except in strict mode ({@code FIRSTSPIKE_STRICT=1},
 * set by {@code .ci/run}), where a missing fixture fails the test: CI must never count a skip.
 */
public final class Shared {
  private Shared() {}

  /** True when skips are forbidden (CI). */
  public static boolean strict() {
    String s = System.getenv("FIRSTSPIKE_STRICT");
    return s != null && !s.isBlank() && !s.equals("0") && !s.equalsIgnoreCase("false");
  }

  /** The shared folder, or aborts (skips) the calling test, or fails it in strict mode. */
  public static Path root() {
    Path p = locate();
    if (p == null) {
      skipOrFail("../shared is not beside this clone (set -Dfirstspike.shared or FIRSTSPIKE_SHARED)");
    }
    return p;
  }

  /** A file or folder under the shared folder; skips (or fails in strict mode) if it is missing. */
  public static Path file(String relative) {
    Path p = root().resolve(relative);
    if (!Files.exists(p)) {
      skipOrFail("shared fixture missing: " + p);
    }
    return p;
  }

  /** Skip with a message, or fail in strict mode. */
  public static void skipOrFail(String message) {
    skipOrFail(message, strict());
  }

  /** Skip with a message, or fail when {@code strict} (normally {@link #strict()}). */
  public static void skipOrFail(String message, boolean strict) {
    if (strict) {
      fail("FIRSTSPIKE_STRICT is set, so this test may not skip: " + message);
    }
    Assumptions.abort(message);
  }

  private static Path locate() {
    String prop = System.getProperty("firstspike.shared");
    String env = System.getenv("FIRSTSPIKE_SHARED");
    for (String candidate : new String[] {prop, env, "../shared"}) {
      if (candidate != null && !candidate.isBlank()) {
        Path p = Path.of(candidate).toAbsolutePath().normalize();
        if (Files.isDirectory(p.resolve("reference"))) {
          return p;
        }
      }
    }
    return null;
  }
}
