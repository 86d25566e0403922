package io.jthanos.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.jthanos.testing.Peers;
import java.nio.file.Path;
import java.security.PrivateKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys in the PEM flavours Go accepts, written by openssl. */
class PemFilesTest {

  private static void openssl(Path dir, String... args) throws Exception {
    Path bin = Peers.require("openssl", "sudo apt-get install openssl");
    String[] cmd = new String[args.length + 1];
    cmd[0] = bin.toString();
    System.arraycopy(args, 0, cmd, 1, args.length);
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isZero();
  }

  @Test
  void pkcs1RsaSec1EcAndPkcs8(@TempDir Path dir) throws Exception {
    openssl(dir, "genrsa", "-traditional", "-out", "rsa1.pem", "2048");
    openssl(dir, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ec.pem");
    openssl(dir, "genpkey", "-algorithm", "ed25519", "-out", "ed.pem");
    assertThat(java.nio.file.Files.readString(dir.resolve("rsa1.pem")))
        .contains("BEGIN RSA PRIVATE KEY");
    assertThat(java.nio.file.Files.readString(dir.resolve("ec.pem")))
        .contains("BEGIN EC PRIVATE KEY");
    PrivateKey rsa = PemFiles.privateKey(dir.resolve("rsa1.pem"));
    PrivateKey ec = PemFiles.privateKey(dir.resolve("ec.pem"));
    PrivateKey ed = PemFiles.privateKey(dir.resolve("ed.pem"));
    assertThat(rsa.getAlgorithm()).isEqualTo("RSA");
    assertThat(ec.getAlgorithm()).isEqualTo("EC");
    assertThat(ed.getAlgorithm()).isIn("Ed25519", "EdDSA");
  }
}
