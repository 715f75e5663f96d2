package io.firstspike.server;

import io.firstspike.runs.RunEngine;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Everything the workbench needs to start. Build from {@link #defaults()} and the {@code with...}
 * methods; {@code serve}'s options map one to one.
 *
 * @param port TCP port, 0 for any free port (the actual one is {@link Workbench#port()})
 * @param host bind address; anything but loopback requires a token
 * @param runsDir the folder of run folders
 * @param maxConcurrent trainings running at once; further runs wait in a queue
 * @param token API token, null for none on loopback (generated and printed once otherwise)
 * @param configsDir ready configs offered by {@code GET /api/configs}
 * @param threads worker threads per training (results do not depend on it)
 * @param batchMessagesPerSecond upper bound of batch messages per run sent to the bridge
 * @param allowedOrigins extra browser origins (scheme://host:port) allowed besides the server's own
 * @param maxClients live-stream WebSockets open at once; further ones are refused with 503
 * @param engine executes runs; the real executor in production, a double in some tests
 * @param preparer validates configs and creates run folders
 */
public record WorkbenchOptions(
    int port,
    String host,
    Path runsDir,
    int maxConcurrent,
    String token,
    Path configsDir,
    int threads,
    int batchMessagesPerSecond,
    List<String> allowedOrigins,
    int maxClients,
    RunEngine engine,
    RunPreparer preparer) {

  public WorkbenchOptions {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(runsDir, "runsDir");
    Objects.requireNonNull(configsDir, "configsDir");
    allowedOrigins = List.copyOf(allowedOrigins);
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535 (0 = any free port), got " + port);
    }
    if (maxConcurrent < 1) {
      throw new IllegalArgumentException("maxConcurrent must be at least 1, got " + maxConcurrent);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    if (batchMessagesPerSecond < 1) {
      throw new IllegalArgumentException(
          "batchMessagesPerSecond must be at least 1, got " + batchMessagesPerSecond);
    }
    if (maxClients < 1) {
      throw new IllegalArgumentException("maxClients must be at least 1, got " + maxClients);
    }
    if (token != null && token.isBlank()) {
      throw new IllegalArgumentException("token must not be blank; omit it to have one generated");
    }
  }

  /**
   * Port 8080 on 127.0.0.1, runs in {@code experiment_results}, configs in {@code configs}, one
   * training at a time using every core, no token, 10 batch messages/s, 100 live connections,
   * the real executor.
   */
  public static WorkbenchOptions defaults() {
    return new WorkbenchOptions(
        Addresses.Keys.DEFAULT_PORT,
        Addresses.Keys.DEFAULT_HOST,
        Path.of(Addresses.Keys.DEFAULT_RUNS_DIR),
        Addresses.Keys.DEFAULT_MAX_CONCURRENT,
        null,
        Path.of(Addresses.Keys.DEFAULT_CONFIGS_DIR),
        Runtime.getRuntime().availableProcessors(),
        Addresses.Keys.DEFAULT_BATCH_RATE,
        List.of(),
        Addresses.Keys.DEFAULT_MAX_CLIENTS,
        DefaultEngine.engine(),
        DefaultEngine.preparer());
  }

  public WorkbenchOptions withPort(int p) {
    return new WorkbenchOptions(p, host, runsDir, maxConcurrent, token, configsDir, threads,
        batchMessagesPerSecond, allowedOrigins, maxClients, engine, preparer);
  }

  public WorkbenchOptions withHost(String h) {
    return new WorkbenchOptions(port, h, runsDir, maxConcurrent, token, configsDir, threads,
        batchMessagesPerSecond, allowedOrigins, maxClients, engine, preparer);
  }

  public WorkbenchOptions withRunsDir(Path d) {
    return new WorkbenchOptions(port, host, d, maxConcurrent, token, configsDir, threads,
        batchMessagesPerSecond, allowedOrigins, maxClients, engine, preparer);
  }

  public WorkbenchOptions withMaxConcurrent(int n) {
    return new WorkbenchOptions(port, host, runsDir, n, token, configsDir, threads,
        batchMessagesPerSecond, allowedOrigins, maxClients, engine, preparer);
  }

  public WorkbenchOptions withToken(String t) {
    return new WorkbenchOptions(port, host, runsDir, maxConcurrent, t, configsDir, threads,
        batchMessagesPerSecond, allowedOrigins, maxClients, engine, preparer);
  }

  public WorkbenchOptions withConfigsDir(Path d) {
    return new WorkbenchOptions(port, host, runsDir, maxConcurrent, token, d, threads,
        batchMessagesPerSecond, allowedOrigins, maxClients, engine, preparer);
  }

  public WorkbenchOptions withThreads(int n) {
    return new WorkbenchOptions(port, host, runsDir, maxConcurrent, token, configsDir, n,
        batchMessagesPerSecond, allowedOrigins, maxClients, engine, preparer);
  }

  public WorkbenchOptions withBatchMessagesPerSecond(int n) {
    return new WorkbenchOptions(port, host, runsDir, maxConcurrent, token, configsDir, threads,
        n, allowedOrigins, maxClients, engine, preparer);
  }

  public WorkbenchOptions withAllowedOrigins(List<String> origins) {
    return new WorkbenchOptions(port, host, runsDir, maxConcurrent, token, configsDir, threads,
        batchMessagesPerSecond, origins, maxClients, engine, preparer);
  }

  public WorkbenchOptions withMaxClients(int n) {
    return new WorkbenchOptions(port, host, runsDir, maxConcurrent, token, configsDir, threads,
        batchMessagesPerSecond, allowedOrigins, n, engine, preparer);
  }

  public WorkbenchOptions withEngine(RunEngine e, RunPreparer p) {
    return new WorkbenchOptions(port, host, runsDir, maxConcurrent, token, configsDir, threads,
        batchMessagesPerSecond, allowedOrigins, maxClients, e, p);
  }
}
