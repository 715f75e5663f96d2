package io.firstspike.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firstspike.runs.Json;
import io.firstspike.runs.RunFolder;
import io.firstspike.runs.RunStore;
import io.firstspike.sweep.KeyPath;
import io.firstspike.sweep.SweepFolder;
import io.firstspike.sweep.SweepPlan;
import io.firstspike.sweep.SweepSetup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The server's sweep folders: one per sweep, {@code <sweepsDir>/<name>_<timestamp>/} holding
 * {@code sweep.json} (the plan: each run's index, setting name, updates and run id),
 * {@code initial_config.yaml} and {@code sweep_config.yaml} (as the CLI's sweep folder). The runs
 * themselves are ordinary runs in the runs folder; a restarted server lists the sweeps from these
 * files. Blocking (file I/O): called on worker threads.
 */
final class SweepStore {
  private static final Logger LOG = Logger.getLogger(SweepStore.class.getName());
  static final String FILE = "sweep.json";

  /**
   * One planned run of a sweep.
   *
   * @param index position in the plan's product order
   * @param setting the run's name in the original's layout ({@code run_0=1000_1=30})
   * @param runId its run in the runs folder, null when it was never created
   * @param updates the values of its swept paths
   */
  record PlannedRun(int index, String setting, String runId, List<SweepPlan.Update> updates) {
    PlannedRun withRunId(String id) {
      return new PlannedRun(index, setting, id, updates);
    }
  }

  /**
   * A sweep's definition.
   *
   * @param config the config's name in the config library, null for a config sent as text
   * @param seeds the seed axis added by {@code seeds}, or null
   * @param error why creating its runs stopped part-way, or null
   */
  record Sweep(String id, String name, String createdAt, String config, List<Long> seeds,
      List<PlannedRun> runs, String error) {
    Sweep {
      runs = List.copyOf(runs);
      seeds = seeds == null ? null : List.copyOf(seeds);
    }

    Sweep with(List<PlannedRun> newRuns, String newError) {
      return new Sweep(id, name, createdAt, config, seeds, newRuns, newError);
    }

    List<String> runIds() {
      return runs.stream().map(PlannedRun::runId).filter(r -> r != null).toList();
    }
  }

  private final Path root;

  SweepStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  Path root() {
    return root;
  }

  /**
   * Creates the sweep's folder (named like a run folder: {@code <name>_<timestamp>}) with its
   * initial config, its sweep file and its plan; no run ids yet.
   */
  Sweep create(String name, SweepSetup setup, String configName, List<Long> seeds) {
    RunFolder folder = new RunStore(root).create(name); // the same naming rule as runs
    Path dir = folder.dir();
    List<PlannedRun> runs = new ArrayList<>();
    for (SweepPlan.Run r : setup.plan().runs()) {
      runs.add(new PlannedRun(r.index(), r.name(), null, r.updates()));
    }
    Sweep s = new Sweep(folder.id(), name, Instant.now().toString(), configName, seeds, runs, null);
    try {
      RunFolder.writeAtomically(dir.resolve(SweepFolder.INITIAL_CONFIG), setup.initialText());
      RunFolder.writeAtomically(dir.resolve(SweepFolder.SWEEP_CONFIG), setup.sweepText());
      save(s);
    } catch (RuntimeException e) {
      delete(s.id());
      throw e;
    }
    return s;
  }

  void save(Sweep s) {
    RunFolder.writeAtomically(root.resolve(s.id()).resolve(FILE), toJson(s).toPrettyString());
  }

  /** Removes a sweep folder whose runs could not be created (none was). */
  void delete(String id) {
    try (Stream<Path> s = Files.walk(root.resolve(id))) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      LOG.log(Level.WARNING, "cannot remove the sweep folder " + id, e);
    }
  }

  /** Every readable sweep, newest first; a folder whose sweep.json cannot be read is logged and left out. */
  List<Sweep> list() {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    List<Sweep> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(root)) {
      for (Path dir : s.filter(d -> Files.isRegularFile(d.resolve(FILE)))
          .sorted(Comparator.comparing((Path d) -> d.getFileName().toString()).reversed()).toList()) {
        try {
          out.add(read(dir));
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, "sweep folder " + dir + " cannot be read: " + e.getMessage());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the sweeps folder " + root + ": " + e, e);
    }
    return out;
  }

  /** The sweep with this id, if its folder exists. */
  Optional<Sweep> get(String id) {
    if (!RunStore.isValidId(id)) {
      return Optional.empty();
    }
    Path dir = root.resolve(id);
    return Files.isRegularFile(dir.resolve(FILE)) ? Optional.of(read(dir)) : Optional.empty();
  }

  private static Sweep read(Path dir) {
    Path file = dir.resolve(FILE);
    JsonNode n;
    try {
      n = Json.MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
    }
    List<PlannedRun> runs = new ArrayList<>();
    for (JsonNode r : n.path("runs")) {
      List<SweepPlan.Update> updates = new ArrayList<>();
      for (JsonNode u : r.path("updates")) {
        updates.add(new SweepPlan.Update(KeyPath.parse(u.path("path").asText()), u.get("value")));
      }
      runs.add(new PlannedRun(r.path("index").asInt(), r.path("setting").asText(),
          r.path("runId").isTextual() ? r.get("runId").asText() : null, updates));
    }
    List<Long> seeds = null;
    if (n.path("seeds").isArray()) {
      seeds = new ArrayList<>();
      for (JsonNode x : n.get("seeds")) {
        seeds.add(x.asLong());
      }
    }
    return new Sweep(dir.getFileName().toString(), n.path("name").asText(), n.path("createdAt").asText(),
        n.path("config").isTextual() ? n.get("config").asText() : null, seeds, runs,
        n.path("error").isTextual() ? n.get("error").asText() : null);
  }

  private static ObjectNode toJson(Sweep s) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("id", s.id());
    n.put("name", s.name());
    n.put("createdAt", s.createdAt());
    n.put("config", s.config());
    if (s.seeds() == null) {
      n.putNull("seeds");
    } else {
      ArrayNode a = n.putArray("seeds");
      s.seeds().forEach(a::add);
    }
    n.put("error", s.error());
    ArrayNode runs = n.putArray("runs");
    for (PlannedRun r : s.runs()) {
      ObjectNode o = runs.addObject();
      o.put("index", r.index());
      o.put("setting", r.setting());
      o.put("runId", r.runId());
      ArrayNode us = o.putArray("updates");
      for (SweepPlan.Update u : r.updates()) {
        us.addObject().put("path", u.path().text()).set("value", u.value());
      }
    }
    return n;
  }
}
