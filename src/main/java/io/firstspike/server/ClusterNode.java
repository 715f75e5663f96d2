package io.firstspike.server;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;

/**
 * A clustered Vert.x with Hazelcast for the head and the workers: TCP-IP join to the given members
 * only, multicast, auto-detection and phone-home off, Hazelcast and the event bus bound to
 * {@code host}. Vert.x's default cluster config (its {@code __vertx.*} maps) is kept.
 *
 * @param host the address this node binds and announces (127.0.0.1 in tests)
 * @param port Hazelcast's port (0: 5701 and up)
 * @param join members to join, {@code host:port}; empty: this node starts the cluster
 */
public record ClusterNode(String host, int port, List<String> join) {
  public static final int DEFAULT_PORT = 5701;

  /** Hazelcast's config for this node. */
  Config hazelcastConfig() {
    Config c = ConfigUtil.loadConfig();
    c.setClusterName("firstspike");
    c.setProperty("hazelcast.phone.home.enabled", "false");
    c.setProperty("hazelcast.logging.type", "jdk");
    // a killed member is noticed within seconds, not the default minute
    c.setProperty("hazelcast.max.no.heartbeat.seconds", "10");
    c.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    c.setProperty("hazelcast.wait.seconds.before.join", "1");
    // a restarted head and the workers that outlived it (two clusters of one name) merge within
    // seconds, not the default five minutes: the worker, alone, looks for its join members
    c.setProperty("hazelcast.merge.first.run.delay.seconds", "2");
    c.setProperty("hazelcast.merge.next.run.delay.seconds", "2");
    c.getNetworkConfig().setPort(port == 0 ? DEFAULT_PORT : port).setPortAutoIncrement(port == 0);
    c.getNetworkConfig().getInterfaces().setEnabled(true).setInterfaces(List.of(host));
    c.getNetworkConfig().setPublicAddress(null);
    JoinConfig j = c.getNetworkConfig().getJoin();
    j.getMulticastConfig().setEnabled(false);
    j.getAutoDetectionConfig().setEnabled(false);
    j.getTcpIpConfig().setEnabled(true).setMembers(join.isEmpty()
        // only itself: a bare host would make Hazelcast probe 5701-5703 there
        ? List.of(host + ":" + (port == 0 ? DEFAULT_PORT : port)) : join);
    return c;
  }

  /** Starts a clustered Vert.x for this node. */
  public Future<Vertx> start() {
    System.setProperty("hazelcast.phone.home.enabled", "false");
    EventBusOptions bus = new EventBusOptions().setHost(host).setClusterPublicHost(host).setPort(0);
    return Vertx.builder()
        .with(new VertxOptions().setEventBusOptions(bus))
        .withClusterManager(new HazelcastClusterManager(hazelcastConfig()))
        .buildClustered();
  }

  /** Parses {@code --join H:P,H:P}; a bad member is a one-line error naming it. */
  public static List<String> parseJoin(String text) {
    if (text == null || text.isBlank()) {
      return List.of();
    }
    List<String> out = new java.util.ArrayList<>();
    for (String m : text.split(",")) {
      String s = m.trim();
      int colon = s.lastIndexOf(':');
      if (colon <= 0 || colon == s.length() - 1) {
        throw new IllegalArgumentException("--join " + s + ": expected host:port, e.g. 10.0.0.5:5701");
      }
      try {
        int p = Integer.parseInt(s.substring(colon + 1));
        if (p < 1 || p > 65535) {
          throw new NumberFormatException();
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--join " + s + ": the port must be 1..65535");
      }
      out.add(s);
    }
    return List.copyOf(out);
  }
}
