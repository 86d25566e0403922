package io.jthanos.server.tls;

import io.grpc.netty.GrpcSslContexts;
import io.jthanos.config.ConfigException;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * Server-side TLS: certificate and key, optional client CA and client-auth policy, TLS version
 * bounds and cipher suites. Shared by the HTTP server ({@code --http.config}) and the gRPC server
 * ({@code --grpc-server-tls-*}).
 *
 * @param verifyClientCert false for Go's RequestClientCert/RequireAnyClientCert (certificate asked
 *     for but not verified against a CA)
 */
public record TlsServerSettings(
    Path certFile,
    Path keyFile,
    Path clientCaFile,
    ClientAuth clientAuth,
    boolean verifyClientCert,
    String minVersion,
    String maxVersion,
    List<String> cipherSuites) {

  private static final List<String> VERSIONS = List.of("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");

  /** Maps {@code 1.2}, {@code TLS12}, {@code TLSv1.2} to the JDK protocol name. */
  public static String jdkVersion(String v, String what) {
    if (v == null || v.isEmpty()) {
      return null;
    }
    return switch (v) {
      case "1.0", "TLS10", "TLSv1", "TLSv1.0" -> "TLSv1";
      case "1.1", "TLS11", "TLSv1.1" -> "TLSv1.1";
      case "1.2", "TLS12", "TLSv1.2" -> "TLSv1.2";
      case "1.3", "TLS13", "TLSv1.3" -> "TLSv1.3";
      default -> throw new ConfigException("unknown TLS version \"" + v + "\" for " + what, what);
    };
  }

  private String[] protocols() {
    int lo = minVersion == null ? VERSIONS.indexOf("TLSv1.2") : VERSIONS.indexOf(minVersion);
    int hi = maxVersion == null ? VERSIONS.size() - 1 : VERSIONS.indexOf(maxVersion);
    if (hi < lo) {
      throw new ConfigException(
          "TLS max version " + maxVersion + " is below min version " + minVersion);
    }
    return VERSIONS.subList(lo, hi + 1).toArray(String[]::new);
  }

  private SslContextBuilder builder() {
    PrivateKey key = PemFiles.privateKey(keyFile);
    List<X509Certificate> chain = PemFiles.certificates(certFile);
    SslContextBuilder b =
        SslContextBuilder.forServer(key, chain.toArray(X509Certificate[]::new))
            .sslProvider(SslProvider.JDK)
            .protocols(protocols())
            .clientAuth(clientAuth == null ? ClientAuth.NONE : clientAuth);
    if (clientCaFile != null) {
      b.trustManager(PemFiles.certificates(clientCaFile).toArray(X509Certificate[]::new));
    } else if (!verifyClientCert && clientAuth != null && clientAuth != ClientAuth.NONE) {
      b.trustManager(InsecureTrustManagerFactory.INSTANCE);
    }
    if (cipherSuites != null && !cipherSuites.isEmpty()) {
      b.ciphers(new ArrayList<>(cipherSuites));
    }
    return b;
  }

  /** A context for the HTTP server (HTTP/1.1). */
  public SslContext httpContext() {
    try {
      return builder().build();
    } catch (SSLException e) {
      throw new ConfigException("setting up TLS: " + e.getMessage(), null, e);
    }
  }

  /** A context for the gRPC server (ALPN h2). */
  public SslContext grpcContext() {
    try {
      SslContextBuilder b = builder();
      GrpcSslContexts.configure(b, SslProvider.JDK);
      return b.protocols(protocols()).build();
    } catch (SSLException e) {
      throw new ConfigException("setting up gRPC TLS: " + e.getMessage(), null, e);
    }
  }
}
