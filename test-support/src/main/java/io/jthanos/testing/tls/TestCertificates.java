package io.jthanos.testing.tls;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throw-away PKI for TLS tests, written as PEM files: a CA, a server certificate for {@code
 * 127.0.0.1}/{@code localhost} and a client certificate, all issued by the CA.
 */
public record TestCertificates(
    Path caCert,
    Path serverCert,
    Path serverKey,
    Path clientCert,
    Path clientKey,
    X509Bundle ca,
    X509Bundle server,
    X509Bundle client) {

  /** Creates the PKI under {@code dir} (use a {@code @TempDir}). */
  public static TestCertificates create(Path dir) {
    try {
      Instant now = Instant.now();
      CertificateBuilder base =
          new CertificateBuilder()
              .notBefore(now.minus(1, ChronoUnit.DAYS))
              .notAfter(now.plus(30, ChronoUnit.DAYS))
              .ecp256();
      X509Bundle ca =
          base.copy()
              .subject("CN=jthanos test CA")
              .setIsCertificateAuthority(true)
              .buildSelfSigned();
      X509Bundle server =
          base.copy()
              .subject("CN=127.0.0.1")
              .addSanIpAddress("127.0.0.1")
              .addSanDnsName("localhost")
              .addExtendedKeyUsageServerAuth()
              .buildIssuedBy(ca);
      X509Bundle client =
          base.copy()
              .subject("CN=jthanos test client")
              .addExtendedKeyUsageClientAuth()
              .buildIssuedBy(ca);
      Path caCert = write(dir.resolve("ca.crt"), ca.getCertificatePEM());
      Path serverCert = write(dir.resolve("server.crt"), server.getCertificatePEM());
      Path serverKey = write(dir.resolve("server.key"), server.getPrivateKeyPEM());
      Path clientCert = write(dir.resolve("client.crt"), client.getCertificatePEM());
      Path clientKey = write(dir.resolve("client.key"), client.getPrivateKeyPEM());
      return new TestCertificates(
          caCert, serverCert, serverKey, clientCert, clientKey, ca, server, client);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException("creating test certificates", e);
    }
  }

  private static Path write(Path p, String pem) throws IOException {
    Files.writeString(p, pem);
    return p;
  }

  /** A client context trusting the test CA (no client certificate). */
  public SSLContext clientContext() {
    return context(false);
  }

  /** A client context trusting the test CA and presenting the client certificate. */
  public SSLContext clientContextWithCertificate() {
    return context(true);
  }

  private SSLContext context(boolean withClientCert) {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", ca.getCertificate());
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      KeyManagerFactory kmf = null;
      if (withClientCert) {
        char[] pw = "test".toCharArray();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry(
            "client",
            client.getKeyPair().getPrivate(),
            pw,
            new X509Certificate[] {client.getCertificate(), ca.getCertificate()});
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, pw);
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      return ctx;
    } catch (Exception e) {
      throw new IllegalStateException("building client TLS context", e);
    }
  }
}
