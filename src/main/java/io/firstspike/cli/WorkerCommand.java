package io.firstspike.cli;

import io.firstspike.server.ClusterNode;
import io.firstspike.server.Workbench;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code worker}: a training node of a cluster whose head is {@code serve --cluster}. */
@Command(name = "worker", mixinStandardHelpOptions = true,
    description = "Join a cluster and train the runs its head (serve --cluster) places here;"
        + " the head keeps the run folders. Cluster ports belong on a trusted network only.")
final class WorkerCommand implements Callable<Integer> {
  @Option(names = "--join", required = true, paramLabel = "H:P,...",
      description = "The head (and other members): host:port, comma-separated.")
  String join;

  @Option(names = "--max-concurrent", defaultValue = "1",
      description = "Runs trained here at the same time (default: ${DEFAULT-VALUE}).")
  int maxConcurrent;

  @Option(names = "--threads", description = "Worker threads per run (default: all cores).")
  Integer threads;

  @Option(names = "--cluster-host", defaultValue = "127.0.0.1",
      description = "Address this node binds and announces to the cluster (default: ${DEFAULT-VALUE}).")
  String clusterHost;

  @Option(names = "--cluster-port", defaultValue = "5701",
      description = "Hazelcast port; taken: the next free one (default: ${DEFAULT-VALUE}).")
  int clusterPort;

  @Option(names = "--work-dir", description = "Where runs are trained locally while they train"
      + " here; a run's copy stays until the head holds all of it (default: a new temporary folder).")
  Path workDir;

  @Override
  public Integer call() throws Exception {
    if (maxConcurrent < 1) {
      throw new UserError("--max-concurrent must be >= 1, got " + maxConcurrent);
    }
    List<String> members;
    try {
      members = ClusterNode.parseJoin(join);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
    Path dir = workDir != null ? workDir : Files.createTempDirectory("firstspike-worker-");
    Files.createDirectories(dir);
    // port 0 in ClusterNode means 5701 and up: a second worker on one machine takes the next
    ClusterNode node = new ClusterNode(clusterHost, clusterPort == ClusterNode.DEFAULT_PORT ? 0 : clusterPort, members);
    Workbench.runWorker(node, maxConcurrent, TrainCommand.threadCount(threads), dir);
    return 0;
  }
}
