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
 * @param host bind address; anything but a loopback literal (127.0.0.1, ::1, localhost) requires
 *     a token
 * @param runsDir the folder of run folders
 * @param maxConcurrent trainings running at once; further runs wait in a queue
 * @param token API token of at least {@value #MIN_TOKEN_LENGTH} characters, null for none on
 *     loopback (generated and printed once otherwise)
 * @param configsDir ready configs offered by {@code GET /api/configs}
 * @param threads worker threads per training (results do not depend on it)
 * @param batchMessagesPerSecond upper bound of batch messages per run sent to the bridge
 * @param allowedOrigins extra browser origins (scheme://host:port) allowed besides the server's own
 * @param maxClients live-stream WebSockets open at once; further ones are refused with 503
 * @param engine executes runs; the real executor in production, a double in some tests
 * @param preparer validates configs and creates run folders
 * @param access allowed Host names, data folders and TLS ({@link Access})
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
    RunPreparer preparer,
    Access access) {

  /** Shortest token accepted: shorter ones are guessed too easily. */
  public static final int MIN_TOKEN_LENGTH = 16;

  /**
   * Who may reach the workbench and what a config sent to it may read, besides the token and
   * the origins.
   *
   * @param allowedHosts names accepted in the Host header besides the loopback addresses and the
   *     bind address ({@code --allowed-host}); see {@link HostRule}
   * @param dataDirs folders the data of a config sent over the network may come from
   *     ({@code --data-dir}); without any, only the built-in data sets in their default folders
   * @param tlsCert PEM certificate (chain) to serve HTTPS, null for plain HTTP
   * @param tlsKey PEM private key of {@code tlsCert}, null for plain HTTP
   */
  public record Access(List<String> allowedHosts, List<Path> dataDirs, Path tlsCert, Path tlsKey) {
    public Access {
      allowedHosts = List.copyOf(allowedHosts);
      dataDirs = List.copyOf(dataDirs);
      for (String h : allowedHosts) {
        try {
          HostRule.canonicalName(h);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("--allowed-host: " + e.getMessage(), e);
        }
      }
      if ((tlsCert == null) != (tlsKey == null)) {
        throw new IllegalArgumentException("--tls-cert and --tls-key go together: give both PEM files or neither");
      }
    }

    /** No extra hosts, no data folders, plain HTTP. */
    public static Access none() {
      return new Access(List.of(), List.of(), null, null);
    }

    public boolean tls() {
      return tlsCert != null;
    }
  }

  public WorkbenchOptions {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(runsDir, "runsDir");
    Objects.requireNonNull(configsDir, "configsDir");
    allowedOrigins = List.copyOf(allowedOrigins);
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535 (0 = any free port), got " + port);
    }
    if (maxConcurrent < 0) {
      // 0: a cluster head that only schedules (its runs train on worker nodes)
      throw new IllegalArgumentException("maxConcurrent must be at least 0, got " + maxConcurrent);
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
    Objects.requireNonNull(access, "access");
    if (token != null && token.strip().length() < MIN_TOKEN_LENGTH) {
      throw new IllegalArgumentException("--token must have at least " + MIN_TOKEN_LENGTH
          + " characters (got " + token.strip().length() + "); omit it to have a random one generated and printed");
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
        DefaultEngine.preparer(),
        Access.none());
  }

  public WorkbenchOptions withPort(int p) {
    return new WorkbenchOptions(p, host, runsDir, maxConcurrent, token, configsDir, threads,
        batchMessagesPerSecond, allowedOrigins, maxClients, engine, preparer, access);
  }

  public WorkbenchOptions withHost(String h) {
    return new WorkbenchOptions(port, h, runsDir, maxConcurrent, token, configsDir, threads,
        batchMessagesPerSecond, allowedOrigins, maxClients, engine, preparer, access);
  }

  public WorkbenchOptions withRunsDir(Path d) {
    return new WorkbenchOptions(port, host, d, maxConcurrent, token, configsDir, threads,
        batchMessagesPerSecond, allowedOrigins, maxClients, engine, preparer, access);
  }

  public WorkbenchOptions withMaxConcurrent(int n) {
    return new WorkbenchOptions(port, host, runsDir, n, token, configsDir, threads,
        batchMessagesPerSecond, allowedOrigins, maxClients, engine, preparer, access);
  }

  public WorkbenchOptions withToken(String t) {
    return new WorkbenchOptions(port, host, runsDir, maxConcurrent, t, configsDir, threads,
        batchMessagesPerSecond, allowedOrigins, maxClients, engine, preparer, access);
  }

  public WorkbenchOptions withConfigsDir(Path d) {
    return new WorkbenchOptions(port, host, runsDir, maxConcurrent, token, d, threads,
        batchMessagesPerSecond, allowedOrigins, maxClients, engine, preparer, access);
  }

  public WorkbenchOptions withThreads(int n) {
    return new WorkbenchOptions(port, host, runsDir, maxConcurrent, token, configsDir, n,
        batchMessagesPerSecond, allowedOrigins, maxClients, engine, preparer, access);
  }

  public WorkbenchOptions withBatchMessagesPerSecond(int n) {
    return new WorkbenchOptions(port, host, runsDir, maxConcurrent, token, configsDir, threads,
        n, allowedOrigins, maxClients, engine, preparer, access);
  }

  public WorkbenchOptions withAllowedOrigins(List<String> origins) {
    return new WorkbenchOptions(port, host, runsDir, maxConcurrent, token, configsDir, threads,
        batchMessagesPerSecond, origins, maxClients, engine, preparer, access);
  }

  public WorkbenchOptions withMaxClients(int n) {
    return new WorkbenchOptions(port, host, runsDir, maxConcurrent, token, configsDir, threads,
        batchMessagesPerSecond, allowedOrigins, n, engine, preparer, access);
  }

  public WorkbenchOptions withEngine(RunEngine e, RunPreparer p) {
    return new WorkbenchOptions(port, host, runsDir, maxConcurrent, token, configsDir, threads,
        batchMessagesPerSecond, allowedOrigins, maxClients, e, p, access);
  }

  public WorkbenchOptions withAccess(Access a) {
    return new WorkbenchOptions(port, host, runsDir, maxConcurrent, token, configsDir, threads,
        batchMessagesPerSecond, allowedOrigins, maxClients, engine, preparer, a);
  }
}
