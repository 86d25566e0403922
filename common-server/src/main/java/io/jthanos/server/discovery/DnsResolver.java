package io.jthanos.server.discovery;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import javax.naming.Context;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.Attributes;
import javax.naming.directory.InitialDirContext;

/**
 * DNS lookups for service discovery: A/AAAA and SRV records. By default A/AAAA go through the JVM's
 * resolver (which also reads {@code /etc/hosts}, as Go's does) and SRV through JNDI's DNS provider
 * using the system's name servers; {@link #usingServer} sends every lookup to one name server
 * (tests run a fake one on loopback).
 */
public final class DnsResolver {
  /** One SRV answer. */
  public record Srv(String target, int port) {}

  private final String server;

  private DnsResolver(String server) {
    this.server = server;
  }

  /** The system resolver. */
  public static DnsResolver system() {
    return new DnsResolver(null);
  }

  /** Every lookup goes to the name server at {@code host:port}. */
  public static DnsResolver usingServer(String hostPort) {
    return new DnsResolver(hostPort);
  }

  /** IPv4 and IPv6 addresses of {@code host} (IP literals resolve to themselves). */
  public List<String> lookupIps(String host, boolean ipv4, boolean ipv6)
      throws UnknownHostException {
    List<String> out = new ArrayList<>();
    if (server == null || isIpLiteral(host)) {
      for (InetAddress a : InetAddress.getAllByName(host)) {
        boolean v6 = a instanceof java.net.Inet6Address;
        if ((v6 && ipv6) || (!v6 && ipv4)) {
          out.add(a.getHostAddress());
        }
      }
      return out;
    }
    try {
      if (ipv4) {
        out.addAll(records(host, "A"));
      }
      if (ipv6) {
        out.addAll(records(host, "AAAA"));
      }
    } catch (NamingException e) {
      UnknownHostException u = new UnknownHostException(host + ": " + e.getMessage());
      u.initCause(e);
      throw u;
    }
    if (out.isEmpty()) {
      throw new UnknownHostException(host + ": no such host");
    }
    return out;
  }

  /** SRV records of {@code name}. */
  public List<Srv> lookupSrv(String name) throws UnknownHostException {
    List<Srv> out = new ArrayList<>();
    try {
      for (String r : records(name, "SRV")) {
        // priority weight port target
        String[] f = r.trim().split("\\s+");
        if (f.length < 4) {
          continue;
        }
        String target = f[3].endsWith(".") ? f[3].substring(0, f[3].length() - 1) : f[3];
        out.add(new Srv(target, Integer.parseInt(f[2])));
      }
    } catch (NamingException | NumberFormatException e) {
      UnknownHostException u = new UnknownHostException(name + ": " + e.getMessage());
      u.initCause(e);
      throw u;
    }
    return out;
  }

  private List<String> records(String name, String type) throws NamingException {
    Hashtable<String, String> env = new Hashtable<>();
    env.put(Context.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.dns.DnsContextFactory");
    env.put(Context.PROVIDER_URL, server == null ? "dns:" : "dns://" + server);
    env.put("com.sun.jndi.dns.timeout.initial", "1000");
    env.put("com.sun.jndi.dns.timeout.retries", "2");
    InitialDirContext ctx = new InitialDirContext(env);
    try {
      Attributes attrs = ctx.getAttributes(name, new String[] {type});
      Attribute a = attrs.get(type);
      List<String> out = new ArrayList<>();
      if (a != null) {
        NamingEnumeration<?> all = a.getAll();
        while (all.hasMore()) {
          out.add(String.valueOf(all.next()));
        }
      }
      return out;
    } finally {
      ctx.close();
    }
  }

  static boolean isIpLiteral(String host) {
    if (host.indexOf(':') >= 0) {
      return true;
    }
    return host.matches("\\d+\\.\\d+\\.\\d+\\.\\d+");
  }
}
