package io.jthanos.query.store;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A name server on 127.0.0.1 (UDP, free port) answering A and SRV questions from maps, for service
 * discovery tests. Unknown names get NXDOMAIN.
 */
final class FakeDns implements AutoCloseable {
  record Srv(int port, String target) {}

  final Map<String, List<String>> a = new ConcurrentHashMap<>();
  final Map<String, List<Srv>> srv = new ConcurrentHashMap<>();
  private final DatagramSocket socket;
  private final Thread thread;

  FakeDns() throws SocketException {
    socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    thread = Thread.ofPlatform().daemon().name("fake-dns").start(this::serve);
  }

  String address() {
    return "127.0.0.1:" + socket.getLocalPort();
  }

  private void serve() {
    byte[] buf = new byte[512];
    while (!socket.isClosed()) {
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      try {
        socket.receive(p);
        byte[] resp = answer(ByteBuffer.wrap(p.getData(), 0, p.getLength()));
        socket.send(new DatagramPacket(resp, resp.length, p.getSocketAddress()));
      } catch (IOException | RuntimeException e) {
        if (socket.isClosed()) {
          return;
        }
      }
    }
  }

  private byte[] answer(ByteBuffer q) throws IOException {
    int id = q.getShort() & 0xffff;
    q.getShort(); // flags
    q.getShort(); // qdcount
    q.position(12);
    StringBuilder name = new StringBuilder();
    int qstart = 12;
    while (true) {
      int len = q.get() & 0xff;
      if (len == 0) {
        break;
      }
      byte[] label = new byte[len];
      q.get(label);
      if (!name.isEmpty()) {
        name.append('.');
      }
      name.append(new String(label, java.nio.charset.StandardCharsets.US_ASCII));
    }
    int qtype = q.getShort() & 0xffff;
    q.getShort(); // class
    int qend = q.position();
    String n = name.toString().toLowerCase(Locale.ROOT);
    ByteArrayOutputStream answers = new ByteArrayOutputStream();
    int count = 0;
    if (qtype == 1) {
      for (String ip : a.getOrDefault(n, List.of())) {
        writeRr(answers, 1, InetAddress.getByName(ip).getAddress());
        count++;
      }
    } else if (qtype == 33) {
      for (Srv s : srv.getOrDefault(n, List.of())) {
        ByteArrayOutputStream rd = new ByteArrayOutputStream();
        rd.write(new byte[] {0, 1, 0, 1, (byte) (s.port() >> 8), (byte) s.port()});
        rd.write(encodeName(s.target()));
        writeRr(answers, 33, rd.toByteArray());
        count++;
      }
    }
    boolean known = a.containsKey(n) || srv.containsKey(n);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(new byte[] {(byte) (id >> 8), (byte) id});
    int flags = 0x8180 | (known ? 0 : 3); // response, RD, RA; NXDOMAIN when unknown
    out.write(new byte[] {(byte) (flags >> 8), (byte) flags});
    out.write(new byte[] {0, 1, (byte) (count >> 8), (byte) count, 0, 0, 0, 0});
    out.write(q.array(), q.arrayOffset() + qstart, qend - qstart);
    out.write(answers.toByteArray());
    return out.toByteArray();
  }

  private static void writeRr(ByteArrayOutputStream out, int type, byte[] rdata)
      throws IOException {
    out.write(new byte[] {(byte) 0xc0, 12}); // pointer to the question name
    out.write(new byte[] {(byte) (type >> 8), (byte) type, 0, 1, 0, 0, 0, 30});
    out.write(new byte[] {(byte) (rdata.length >> 8), (byte) rdata.length});
    out.write(rdata);
  }

  private static byte[] encodeName(String name) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String label : name.split("\\.")) {
      byte[] b = label.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
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
