package io.firstspike.cli;

import io.firstspike.server.Workbench;
import io.firstspike.server.WorkbenchOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code serve}: the browser workbench. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Start the browser workbench (open the printed URL). Binds 127.0.0.1 by"
        + " default; any other address requires a token.")
final class ServeCommand implements Callable<Integer> {
  @Option(names = "--port", defaultValue = "8080", description = "HTTP port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--host", defaultValue = "127.0.0.1",
      description = "Address to bind (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--runs-dir", defaultValue = "experiment_results",
      description = "Folder of run folders (default: ${DEFAULT-VALUE}).")
  Path runsDir;

  @Option(names = "--configs-dir", defaultValue = "configs",
      description = "Folder of more experiment configs, offered beside the ready ones the jar carries;"
          + " its file wins over a carried one of the same name; absent: only the carried ones"
          + " (default: ${DEFAULT-VALUE}).")
  Path configsDir;

  @Option(names = "--max-concurrent", defaultValue = "1",
      description = "Runs trained at the same time (default: ${DEFAULT-VALUE}).")
  int maxConcurrent;

  @Option(names = "--max-clients", defaultValue = "100",
      description = "Live-stream connections (browser tabs) served at once; more get 503"
          + " (default: ${DEFAULT-VALUE}).")
  int maxClients;

  @Option(names = "--threads", description = "Worker threads per run (default: all cores).")
  Integer threads;

  @Option(names = "--token", description = "Access token for the API and the page, at least 16"
      + " characters (required, or generated and printed once, when binding anything but"
      + " 127.0.0.1, ::1 or localhost).")
  String token;

  @Option(names = "--allowed-host", paramLabel = "NAME", description = "Also accept this name in"
      + " the Host header (repeatable); by default only localhost, 127.x.y.z, [::1] and the"
      + " --host address are accepted (DNS-rebinding guard).")
  List<String> allowedHosts = new ArrayList<>();

  @Option(names = "--data-dir", paramLabel = "DIR", description = "A folder whose data files"
      + " (csv, npy, MNIST IDX) configs sent to the server may name (repeatable); by default"
      + " only the built-in data sets.")
  List<Path> dataDirs = new ArrayList<>();

  @Option(names = "--tls-cert", paramLabel = "FILE", description = "PEM certificate: serve HTTPS"
      + " (with --tls-key); the login cookie is then Secure.")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM private key of --tls-cert.")
  Path tlsKey;

  @Option(names = "--cluster", description = "Start as the head of a cluster: runs also train on"
      + " the worker nodes that join it (see docs/CLUSTER.md; cluster ports on a trusted network only).")
  boolean cluster;

  @Option(names = "--cluster-host", defaultValue = "127.0.0.1", description = "Address the cluster"
      + " (Hazelcast and the event bus) binds and announces (default: ${DEFAULT-VALUE}).")
  String clusterHost;

  @Option(names = "--cluster-port", defaultValue = "5701",
      description = "Hazelcast port (default: ${DEFAULT-VALUE}).")
  int clusterPort;

  @Option(names = "--join", paramLabel = "H:P,...", description = "Other members to join (host:port,"
      + " comma-separated); none: this head starts the cluster.")
  String join;

  @Override
  public Integer call() throws InterruptedException {
    if (maxConcurrent < (cluster ? 0 : 1)) {
      throw new UserError("--max-concurrent must be >= " + (cluster ? 0 : 1) + ", got " + maxConcurrent
          + (cluster ? "" : " (0, a head that only schedules, needs --cluster)"));
    }
    if (!cluster && (join != null)) {
      throw new UserError("--join needs --cluster");
    }
    if (maxClients < 1) {
      throw new UserError("--max-clients must be >= 1, got " + maxClients);
    }
    WorkbenchOptions o =
        WorkbenchOptions.defaults()
            .withPort(port)
            .withHost(host)
            .withRunsDir(runsDir)
            .withConfigsDir(configsDir)
            .withMaxConcurrent(maxConcurrent)
            .withMaxClients(maxClients)
            .withThreads(TrainCommand.threadCount(threads))
            .withAccess(new WorkbenchOptions.Access(allowedHosts, dataDirs, tlsCert, tlsKey));
    if (token != null) {
      o = o.withToken(token);
    }
    io.firstspike.server.ClusterNode node = null;
    if (cluster) {
      try {
        node = new io.firstspike.server.ClusterNode(clusterHost, clusterPort,
            io.firstspike.server.ClusterNode.parseJoin(join));
      } catch (IllegalArgumentException e) {
        throw new UserError(e.getMessage());
      }
    }
    Workbench.runServe(o, node);
    return 0;
  }
}
