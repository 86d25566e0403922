package io.jthanos.testing.dns;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A name server on 127.0.0.1 (UDP, free port) for service discovery tests: answers A and SRV
 * questions from the records put into it, NXDOMAIN for unknown names. Point a resolver at {@link
 * #address()}.
 */
public final class LoopbackDns implements AutoCloseable {
  /** One SRV record: {@code port} on {@code target}. */
  public record Srv(int port, String target) {}

  private static final int TYPE_A = 1;
  private static final int TYPE_SRV = 33;

  private final Map<String, List<String>> a = new ConcurrentHashMap<>();
  private final Map<String, List<Srv>> srv = new ConcurrentHashMap<>();
  private final DatagramSocket socket;
  private final Thread thread;

  public LoopbackDns() throws IOException {
    socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    thread = Thread.ofPlatform().daemon().name("loopback-dns").start(this::serve);
  }

  /** {@code 127.0.0.1:port}. */
  public String address() {
    return "127.0.0.1:" + socket.getLocalPort();
  }

  /** Sets the A records (IPv4 literals) of {@code name}. */
  public LoopbackDns a(String name, String... ips) {
    a.put(name.toLowerCase(Locale.ROOT), List.of(ips));
    return this;
  }

  /** Sets the SRV records of {@code name}. */
  public LoopbackDns srv(String name, Srv... records) {
    srv.put(name.toLowerCase(Locale.ROOT), List.of(records));
    return this;
  }

  private void serve() {
    byte[] buf = new byte[512];
    while (!socket.isClosed()) {
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      try {
        socket.receive(p);
        byte[] resp = respond(ByteBuffer.wrap(p.getData(), 0, p.getLength()));
        socket.send(new DatagramPacket(resp, resp.length, p.getSocketAddress()));
      } catch (IOException | RuntimeException e) {
        if (socket.isClosed()) {
          return;
        }
      }
    }
  }

  private byte[] respond(ByteBuffer q) throws IOException {
    int id = q.getShort(0) & 0xffff;
    // The question starts after the 12-byte header: labels, then type and class.
    q.position(12);
    StringBuilder name = new StringBuilder();
    for (int len = q.get() & 0xff; len != 0; len = q.get() & 0xff) {
      byte[] label = new byte[len];
      q.get(label);
      name.append(name.isEmpty() ? "" : ".").append(new String(label, StandardCharsets.US_ASCII));
    }
    int qtype = q.getShort() & 0xffff;
    q.getShort();
    int questionEnd = q.position();
    String n = name.toString().toLowerCase(Locale.ROOT);
    ByteArrayOutputStream answers = new ByteArrayOutputStream();
    int count = 0;
    if (qtype == TYPE_A) {
      for (String ip : a.getOrDefault(n, List.of())) {
        record(answers, TYPE_A, InetAddress.getByName(ip).getAddress());
        count++;
      }
    } else if (qtype == TYPE_SRV) {
      for (Srv s : srv.getOrDefault(n, List.of())) {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        // priority 1, weight 1, port, target
        data.write(new byte[] {0, 1, 0, 1, (byte) (s.port() >> 8), (byte) s.port()});
        data.write(encode(s.target()));
        record(answers, TYPE_SRV, data.toByteArray());
        count++;
      }
    }
    boolean known = a.containsKey(n) || srv.containsKey(n);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(new byte[] {(byte) (id >> 8), (byte) id});
    int flags = 0x8180 | (known ? 0 : 3); // response, recursion desired and available; NXDOMAIN
    out.write(new byte[] {(byte) (flags >> 8), (byte) flags});
    out.write(new byte[] {0, 1, (byte) (count >> 8), (byte) count, 0, 0, 0, 0});
    out.write(q.array(), q.arrayOffset() + 12, questionEnd - 12);
    out.write(answers.toByteArray());
    return out.toByteArray();
  }

  private static void record(ByteArrayOutputStream out, int type, byte[] data) throws IOException {
    out.write(new byte[] {(byte) 0xc0, 12}); // name: pointer to the question's
    out.write(new byte[] {(byte) (type >> 8), (byte) type, 0, 1, 0, 0, 0, 30}); // class IN, TTL 30
    out.write(new byte[] {(byte) (data.length >> 8), (byte) data.length});
    out.write(data);
  }

  private static byte[] encode(String name) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String label : name.split("\\.")) {
      byte[] b = label.getBytes(StandardCharsets.US_ASCII);
      out.write(b.length);
      out.write(b);
    }
    out.write(0);
    return out.toByteArray();
  }

  @Override
  public void close() {
    socket.close();
    thread.interrupt();
  }
}
