package io.jthanos.server.discovery;

import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Thanos' DNS service discovery of addresses: {@code dns+host:port} (A and AAAA, port required),
 * {@code dnssrv+_svc._tcp.name} (SRV, then A/AAAA of each target, port from SRV), {@code
 * dnssrvnoa+_svc._tcp.name} (SRV targets used as they are), {@code dnsdualstack+host:port} (A and
 * AAAA both). Anything else is passed through. When a lookup fails the addresses of the last
 * successful lookup of that name are kept, as Thanos does.
 */
public final class DnsProvider {
  private static final Logger LOG = LoggerFactory.getLogger(DnsProvider.class);

  private final DnsResolver resolver;
  private final Map<String, List<String>> lastGood = new LinkedHashMap<>();

  public DnsProvider(DnsResolver resolver) {
    this.resolver = resolver;
  }

  /** Whether {@code address} names a DNS lookup (has one of the prefixes). */
  public static boolean isDns(String address) {
    return address.startsWith("dns+")
        || address.startsWith("dnssrv+")
        || address.startsWith("dnssrvnoa+")
        || address.startsWith("dnsdualstack+");
  }

  /** Resolves every address; the result is de-duplicated, in input order. */
  public synchronized List<String> resolve(List<String> addresses) {
    LinkedHashSet<String> out = new LinkedHashSet<>();
    for (String a : addresses) {
      if (!isDns(a)) {
        out.add(a);
        continue;
      }
      try {
        List<String> r = resolveOne(a);
        lastGood.put(a, r);
        out.addAll(r);
      } catch (UnknownHostException | IllegalArgumentException e) {
        LOG.atError()
            .addKeyValue("addr", a)
            .addKeyValue("err", e.getMessage())
            .log("dns resolution failed");
        out.addAll(lastGood.getOrDefault(a, List.of()));
      }
    }
    return new ArrayList<>(out);
  }

  List<String> resolveOne(String address) throws UnknownHostException {
    int plus = address.indexOf('+');
    String qtype = address.substring(0, plus);
    String name = address.substring(plus + 1);
    List<String> out = new ArrayList<>();
    switch (qtype) {
      case "dns", "dnsdualstack" -> {
        int colon = name.lastIndexOf(':');
        if (colon < 0 || name.endsWith("]")) {
          throw new IllegalArgumentException(
              "missing port in address given for dns lookup: " + name);
        }
        String host = name.substring(0, colon);
        String port = name.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) {
          host = host.substring(1, host.length() - 1);
        }
        for (String ip : resolver.lookupIps(host, true, true)) {
          out.add(hostPort(ip, port));
        }
      }
      case "dnssrv" -> {
        for (DnsResolver.Srv srv : resolver.lookupSrv(name)) {
          for (String ip : resolver.lookupIps(srv.target(), true, true)) {
            out.add(hostPort(ip, String.valueOf(srv.port())));
          }
        }
      }
      case "dnssrvnoa" -> {
        for (DnsResolver.Srv srv : resolver.lookupSrv(name)) {
          out.add(hostPort(srv.target(), String.valueOf(srv.port())));
        }
      }
      default -> throw new IllegalArgumentException("invalid lookup scheme " + qtype);
    }
    return out;
  }

  static String hostPort(String host, String port) {
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
  }
}
