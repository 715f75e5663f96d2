package io.firstspike;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The package rules of ARCHITECTURE.md ("may import"), checked on the imports and the qualified
 * names written out in the code of every main source file: the numerical core imports only
 * java.*, and no package imports one above it.
 */
class ArchitectureTest {
  private static final Path MAIN = Path.of("src/main/java/io/firstspike");
  private static final Pattern IMPORT = Pattern.compile("^import (?:static )?([\\w.]+)");
  /** A qualified name in code (after strings and comments are cut): a package, then a class. */
  private static final Pattern QUALIFIED =
      Pattern.compile("\\b((?:java|javax|io\\.firstspike)\\.(?:[a-z]\\w*\\.)*[A-Z]\\w*)");

  /**
   * Per package (or package prefix), the io.firstspike packages it may import besides itself.
   * Lower layers first; each entry is a prefix ("core" covers core.math, core.network, ...).
   */
  private static final Map<String, List<String>> MAY_IMPORT = Map.ofEntries(
      Map.entry("core.math", List.of()),
      Map.entry("core.random", List.of()),
      Map.entry("core.neuron", List.of("core.math")),
      Map.entry("core.layer", List.of("core")),
      Map.entry("core.network", List.of("core")),
      Map.entry("core.loss", List.of("core")),
      Map.entry("core.optim", List.of("core")),
      Map.entry("core.history", List.of()),
      // data reads users' .npy files with io's reader (io itself imports no data): the one
      // exception to the table, which has io above data for the network files
      Map.entry("data", List.of("core", "io.Npy", "io.NpyArray")),
      Map.entry("io", List.of("core", "data")),
      Map.entry("train", List.of("core", "data", "train")),
      Map.entry("runs", List.of("core", "data", "io", "train")),
      Map.entry("eval.plot", List.of("core", "data", "io", "train", "runs", "eval")),
      Map.entry("eval", List.of("core", "data", "io", "train", "runs")),
      Map.entry("bench", List.of("core", "data", "io", "train")),
      // the server runs sweeps with the CLI's plan and aggregation (sweep imports no server)
      Map.entry("server", List.of("core", "data", "io", "train", "runs", "eval", "sweep")),
      Map.entry("sweep", List.of("core", "data", "io", "train", "runs", "eval")),
      Map.entry("cli",
          List.of("core", "data", "io", "train", "runs", "eval", "server", "bench", "sweep")));

  @Test
  @DisplayName("the core imports only java.*")
  void coreImportsOnlyJava() {
    List<String> bad = new ArrayList<>();
    for (Path f : sources()) {
      if (packageOf(f).startsWith("core")) {
        for (String imp : imports(f)) {
          if (!imp.startsWith("java.") && !imp.startsWith("io.firstspike.core.")) {
            bad.add(MAIN.relativize(f) + ": " + imp);
          }
        }
      }
    }
    assertThat(bad).as("non-java imports in core").isEmpty();
  }

  @Test
  @DisplayName("no package imports a package above it (ARCHITECTURE.md, 'may import')")
  void layers() {
    List<String> bad = new ArrayList<>();
    int checked = 0;
    for (Path f : sources()) {
      String pkg = packageOf(f);
      List<String> allowed = rulesOf(pkg);
      for (String imp : imports(f)) {
        if (!imp.startsWith("io.firstspike.")) {
          continue;
        }
        checked++;
        String target = imp.substring("io.firstspike.".length());
        boolean ok = target.startsWith(pkg + ".") && Character.isUpperCase(
            target.charAt(pkg.length() + 1)); // a class of its own package
        for (String a : allowed) {
          ok |= target.equals(a) || target.startsWith(a + ".");
        }
        if (!ok) {
          bad.add(MAIN.relativize(f) + " (" + pkg + "): " + imp);
        }
      }
    }
    assertThat(checked).as("imports checked").isGreaterThan(100);
    assertThat(bad).as("imports against the package rules").isEmpty();
  }

  private static List<String> rulesOf(String pkg) {
    // the longest matching key: eval.plot before eval, core.network before core
    String best = null;
    for (String k : MAY_IMPORT.keySet()) {
      if ((pkg.equals(k) || pkg.startsWith(k + ".")) && (best == null || k.length() > best.length())) {
        best = k;
      }
    }
    assertThat(best).as("package %s has no rule in this test", pkg).isNotNull();
    return MAY_IMPORT.get(best);
  }

  private static List<Path> sources() {
    assertThat(MAIN).as("run from the project folder").isDirectory();
    try (Stream<Path> s = Files.walk(MAIN)) {
      return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String packageOf(Path f) {
    return MAIN.relativize(f.getParent()).toString().replace('/', '.');
  }

  private static List<String> imports(Path f) {
    List<String> out = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(f)) {
        Matcher m = IMPORT.matcher(line);
        if (m.find()) {
          out.add(m.group(1));
          continue;
        }
        String code = line.strip();
        if (code.startsWith("*") || code.startsWith("/*") || code.startsWith("package ")) {
          continue; // javadoc and comment lines may name anything
        }
        code = code.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"").replaceAll("//.*", "");
        Matcher q = QUALIFIED.matcher(code);
        while (q.find()) {
          out.add(q.group(1)); // written out in the code instead of imported
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
