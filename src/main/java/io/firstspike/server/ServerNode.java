package io.firstspike.server;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** The name of this machine, recorded as a run's owner node. */
final class ServerNode {
  private ServerNode() {}

  static String name() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}
