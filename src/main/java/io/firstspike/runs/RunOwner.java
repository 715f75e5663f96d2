package io.firstspike.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Which process is training a run: {@code owner.json} in the run folder (host, process id and
 * the process's start instant) while {@link RunExecutor} trains it, deleted when it ends. A
 * server starting over a runs folder marks runs left "running" as interrupted, except those a
 * live process on this host still owns (a CLI {@code train} writing into the same folder); the
 * start instant tells a reused process id from the owner.
 */
public final class RunOwner {
  /** File name in the run folder. */
  public static final String FILE = "owner.json";

  private RunOwner() {}

  /** Records this process as the run's owner. */
  public static void claim(RunFolder run) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    ProcessHandle self = ProcessHandle.current();
    n.put("host", RunExecutor.node());
    n.put("pid", self.pid());
    n.put("started", self.info().startInstant().map(Instant::toString).orElse(""));
    RunFolder.writeAtomically(run.dir().resolve(FILE), n.toString() + "\n");
  }

  /** Deletes the owner file if this process wrote it. */
  public static void release(RunFolder run) {
    Optional<JsonNode> o = read(run);
    if (o.isPresent() && o.get().path("pid").asLong(-1) == ProcessHandle.current().pid()) {
      try {
        Files.deleteIfExists(run.dir().resolve(FILE));
      } catch (IOException e) {
        // a stale owner file of a dead process counts as no owner
      }
    }
  }

  /**
   * The process id of another live process on this host that owns the run, if any (not this
   * process: a server's own trainings are its own to mark).
   */
  public static Optional<Long> otherLiveOwner(RunFolder run) {
    Optional<JsonNode> o = read(run);
    if (o.isEmpty() || !RunExecutor.node().equals(o.get().path("host").asText())) {
      return Optional.empty();
    }
    long pid = o.get().path("pid").asLong(-1);
    String started = o.get().path("started").asText("");
    if (pid <= 0 || pid == ProcessHandle.current().pid()) {
      return Optional.empty();
    }
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(h -> started.equals(h.info().startInstant().map(Instant::toString).orElse("")))
        .map(ProcessHandle::pid);
  }

  private static Optional<JsonNode> read(RunFolder run) {
    Path f = run.dir().resolve(FILE);
    if (!Files.isRegularFile(f)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Json.MAPPER.readTree(f.toFile()));
    } catch (IOException e) {
      return Optional.empty(); // unreadable: treated as no owner
    }
  }
}
