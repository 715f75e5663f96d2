package io.firstspike.server;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The ready configs offered to the browser: the ones the jar carries (the clone's {@code configs/}
 * at build time, under {@link #BUNDLED}), plus {@code <configsDir>/<name>.yaml}, whose file wins
 * over a carried config of the same name; so {@code serve} offers the ready configs from any
 * working folder, and an absent configs folder only means no extra ones. Names are checked
 * against {@link #NAME} before any path is built, so no name can reach outside the folder.
 * Blocking (file I/O).
 */
final class ConfigLibrary {
  /** A config name: a plain file name without extension. */
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,99}");
  /** Where the jar carries the ready configs (pom.xml copies {@code configs/*.yaml} there). */
  static final String BUNDLED = "/io/firstspike/configs/";

  private final Path dir;
  private final Map<String, String> bundled;

  ConfigLibrary(Path dir) {
    this.dir = dir.toAbsolutePath().normalize();
    this.bundled = bundled();
  }

  /** The carried configs, name to text (read once: they cannot change while the jar runs). */
  private static Map<String, String> bundled() {
    URL index = ConfigLibrary.class.getResource(BUNDLED);
    if (index == null) {
      return Map.of();
    }
    try {
      URI uri = index.toURI();
      if ("jar".equals(uri.getScheme())) {
        FileSystem fs;
        try {
          fs = FileSystems.newFileSystem(uri, Map.of());
        } catch (FileSystemAlreadyExistsException e) {
          fs = FileSystems.getFileSystem(uri);
        }
        return readAll(fs.provider().getPath(uri));
      }
      return readAll(Path.of(uri));
    } catch (IOException | URISyntaxException | RuntimeException e) {
      throw new IllegalStateException("cannot read the configs the jar carries (" + index + "): " + e, e);
    }
  }

  private static Map<String, String> readAll(Path folder) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.list(folder)) {
      for (Path p : s.toList()) {
        String f = p.getFileName().toString();
        String name = f.endsWith(".yaml") ? f.substring(0, f.length() - ".yaml".length()) : "";
        if (isValidName(name)) {
          out.put(name, Files.readString(p, StandardCharsets.UTF_8));
        }
      }
    }
    return Map.copyOf(out);
  }

  static boolean isValidName(String name) {
    return name != null && NAME.matcher(name).matches() && !name.contains("..");
  }

  /** Every config: {name, file, description (its first comment line, or empty)}, sorted by name. */
  List<JsonObject> list() {
    TreeSet<String> names = new TreeSet<>(bundled.keySet());
    if (Files.isDirectory(dir)) {
      try (Stream<Path> s = Files.list(dir)) {
        s.filter(Files::isRegularFile)
            .map(p -> p.getFileName().toString())
            .filter(f -> f.endsWith(".yaml"))
            .map(f -> f.substring(0, f.length() - ".yaml".length()))
            .filter(ConfigLibrary::isValidName)
            .forEach(names::add);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list configs in " + dir + ": " + e.getMessage(), e);
      }
    }
    return names.stream()
        .map(n -> new JsonObject().put("name", n).put("file", n + ".yaml")
            .put("description", description(read(n).orElse(""))))
        .toList();
  }

  /** The text of {@code <name>.yaml}; empty if there is no such config. Invalid names throw. */
  Optional<String> read(String name) {
    if (!isValidName(name)) {
      throw new IllegalArgumentException(
          "invalid config name '" + name + "': use letters, digits, '.', '_', '+', '-' (no path)");
    }
    Path file = dir.resolve(name + ".yaml").normalize();
    if (!file.getParent().equals(dir) || !Files.isRegularFile(file)) {
      return Optional.ofNullable(bundled.get(name));
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
