package io.firstspike.server;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The ready configs offered to the browser: {@code <configsDir>/<name>.yaml}. Names are checked
 * against {@link #NAME} before any path is built, so no name can reach outside the folder.
 * Blocking (file I/O).
 */
final class ConfigLibrary {
  /** A config name: a plain file name without extension. */
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,99}");

  private final Path dir;

  ConfigLibrary(Path dir) {
    this.dir = dir.toAbsolutePath().normalize();
  }

  static boolean isValidName(String name) {
    return name != null && NAME.matcher(name).matches() && !name.contains("..");
  }

  /** Every config: {name, file, description (its first comment line, or empty)}, sorted by name. */
  List<JsonObject> list() {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isRegularFile)
          .map(p -> p.getFileName().toString())
          .filter(f -> f.endsWith(".yaml"))
          .map(f -> f.substring(0, f.length() - ".yaml".length()))
          .filter(ConfigLibrary::isValidName)
          .sorted()
          .map(n -> new JsonObject().put("name", n).put("file", n + ".yaml")
              .put("description", description(read(n).orElse(""))))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list configs in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The text of {@code <name>.yaml}; empty if there is no such config. Invalid names throw. */
  Optional<String> read(String name) {
    if (!isValidName(name)) {
      throw new IllegalArgumentException(
          "invalid config name '" + name + "': use letters, digits, '.', '_', '+', '-' (no path)");
    }
    Path file = dir.resolve(name + ".yaml").normalize();
    if (!file.getParent().equals(dir) || !Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Names of all configs, for error messages. */
  List<String> names() {
    return list().stream().map(o -> o.getString("name")).toList();
  }

  Path dir() {
    return dir;
  }

  private static String description(String yaml) {
    return yaml.lines()
        .map(String::strip)
        .filter(l -> l.startsWith("#"))
        .map(l -> l.replaceFirst("^#+\\s*", ""))
        .filter(l -> !l.isEmpty())
        .findFirst()
        .orElse("");
  }
}
