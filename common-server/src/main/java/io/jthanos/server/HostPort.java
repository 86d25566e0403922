package io.jthanos.server;

import io.jthanos.config.ConfigException;
import java.net.InetSocketAddress;

/**
 * A listen address as Thanos flags write it: {@code host:port}, {@code :port}, {@code [::1]:port}.
 */
public record HostPort(String host, int port) {

  public static HostPort parse(String s, String flag) {
    int colon = s.lastIndexOf(':');
    if (colon < 0) {
      throw new ConfigException(
          "invalid address \"" + s + "\" for --" + flag + ": missing port", flag);
    }
    String host = s.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(s.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new ConfigException("invalid port in address \"" + s + "\" for --" + flag, flag, e);
    }
    if (port < 0 || port > 65535) {
      throw new ConfigException("port out of range in address \"" + s + "\" for --" + flag, flag);
    }
    return new HostPort(host.isEmpty() ? "0.0.0.0" : host, port);
  }

  public InetSocketAddress toSocketAddress() {
    return new InetSocketAddress(host, port);
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
