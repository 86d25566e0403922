package io.jthanos.storeapi;

import java.nio.file.Path;

/**
 * TLS for StoreAPI clients, as Thanos' {@code --grpc-client-tls-*} flags.
 *
 * @param secure use TLS ({@code --grpc-client-tls-secure})
 * @param skipVerify do not verify the server certificate ({@code --grpc-client-tls-skip-verify})
 * @param cert client certificate PEM for mutual TLS, or null ({@code --grpc-client-tls-cert})
 * @param key client key PEM (PKCS#8), or null ({@code --grpc-client-tls-key})
 * @param ca CA bundle PEM to verify the server, or null for the JDK trust store ({@code
 *     --grpc-client-tls-ca})
 * @param serverName name to verify the server certificate against, or null for the target host
 *     ({@code --grpc-client-server-name})
 */
public record ClientTls(
    boolean secure, boolean skipVerify, Path cert, Path key, Path ca, String serverName) {

  public static final ClientTls PLAINTEXT = new ClientTls(false, false, null, null, null, null);

  public ClientTls {
    if ((cert == null) != (key == null)) {
      throw new IllegalArgumentException("client TLS needs both a certificate and a key");
    }
    if (serverName != null && serverName.isEmpty()) {
      serverName = null;
    }
  }

  /** TLS verifying the server against {@code ca} (null = JDK trust store). */
  public static ClientTls secure(Path ca) {
    return new ClientTls(true, false, null, null, ca, null);
  }

  public ClientTls withClientCertificate(Path cert, Path key) {
    return new ClientTls(secure, skipVerify, cert, key, ca, serverName);
  }

  public ClientTls withServerName(String name) {
    return new ClientTls(secure, skipVerify, cert, key, ca, name);
  }

  public ClientTls withSkipVerify(boolean skip) {
    return new ClientTls(secure, skip, cert, key, ca, serverName);
  }
}
