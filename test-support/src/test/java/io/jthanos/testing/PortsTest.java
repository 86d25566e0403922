package io.jthanos.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class PortsTest {
  @Test
  void freePortIsBindableAndDetectedWhenListening() throws Exception {
    int port = Ports.freePort();
    assertThat(port).isBetween(1, 65535);
    assertThat(Ports.isListening(port)).isFalse();
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      assertThat(Ports.isListening(port)).isTrue();
    }
  }

  @Test
  void findsProgramsOnPath() {
    assertThat(Peers.find("sh")).isPresent();
    assertThat(Peers.find("no-such-program-jthanos")).isEmpty();
  }
}
