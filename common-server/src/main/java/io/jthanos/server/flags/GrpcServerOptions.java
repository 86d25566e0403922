package io.jthanos.server.flags;

import io.jthanos.config.ConfigException;
import io.jthanos.server.HostPort;
import io.jthanos.server.grpc.GrpcServerConfig;
import io.jthanos.server.tls.TlsServerSettings;
import io.netty.handler.ssl.ClientAuth;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Option;

/** Thanos' gRPC server flags. */
public final class GrpcServerOptions {
  @Option(
      names = "--grpc-address",
      defaultValue = "0.0.0.0:10901",
      paramLabel = "<address>",
      description =
          "Listen ip:port address for gRPC endpoints (StoreAPI). Make sure this address is"
              + " routable from other components.")
  public String address;

  @Option(
      names = "--grpc-grace-period",
      defaultValue = "2m",
      paramLabel = "<duration>",
      converter = DurationConverter.class,
      description = "Time to wait after an interrupt received for GRPC Server.")
  public Duration gracePeriod;

  @Option(
      names = "--grpc-server-tls-cert",
      defaultValue = "",
      showDefaultValue = Visibility.NEVER,
      paramLabel = "<file>",
      description = "TLS Certificate for gRPC server, leave blank to disable TLS")
  public String tlsCert;

  @Option(
      names = "--grpc-server-tls-key",
      defaultValue = "",
      showDefaultValue = Visibility.NEVER,
      paramLabel = "<file>",
      description = "TLS Key for the gRPC server, leave blank to disable TLS")
  public String tlsKey;

  @Option(
      names = "--grpc-server-tls-client-ca",
      defaultValue = "",
      showDefaultValue = Visibility.NEVER,
      paramLabel = "<file>",
      description =
          "TLS CA to verify clients against. If no client CA is specified, there is no client"
              + " verification on server side. (tls.NoClientCert)")
  public String tlsClientCa;

  @Option(
      names = "--grpc-server-tls-min-version",
      defaultValue = "1.3",
      paramLabel = "<version>",
      description =
          "TLS supported minimum version for gRPC server. If no version is specified, it'll"
              + " default to 1.3. Allowed values: [\"1.0\", \"1.1\", \"1.2\", \"1.3\"]")
  public String tlsMinVersion;

  @Option(
      names = "--grpc-server-max-connection-age",
      defaultValue = "60m",
      paramLabel = "<duration>",
      converter = DurationConverter.class,
      description =
          "The grpc server max connection age. This controls how often to re-establish"
              + " connections and redo TLS handshakes.")
  public Duration maxConnectionAge;

  /** Validates the flags; TLS files are read here so mistakes fail at start-up. */
  public GrpcServerConfig toConfig() {
    TlsServerSettings tls = null;
    boolean hasCert = !tlsCert.isEmpty();
    boolean hasKey = !tlsKey.isEmpty();
    if (hasCert != hasKey) {
      throw new ConfigException(
          "both --grpc-server-tls-cert and --grpc-server-tls-key must be set to enable TLS",
          hasCert ? "grpc-server-tls-key" : "grpc-server-tls-cert");
    }
    if (!hasCert && !tlsClientCa.isEmpty()) {
      throw new ConfigException(
          "--grpc-server-tls-client-ca needs --grpc-server-tls-cert and --grpc-server-tls-key",
          "grpc-server-tls-client-ca");
    }
    if (hasCert) {
      boolean ca = !tlsClientCa.isEmpty();
      tls =
          new TlsServerSettings(
              Path.of(tlsCert),
              Path.of(tlsKey),
              ca ? Path.of(tlsClientCa) : null,
              ca ? ClientAuth.REQUIRE : ClientAuth.NONE,
              true,
              TlsServerSettings.jdkVersion(tlsMinVersion, "grpc-server-tls-min-version"),
              null,
              null);
      tls.grpcContext(); // fail now on unreadable files
    } else {
      TlsServerSettings.jdkVersion(tlsMinVersion, "grpc-server-tls-min-version");
    }
    return new GrpcServerConfig(
        HostPort.parse(address, "grpc-address"),
        gracePeriod,
        tls,
        maxConnectionAge,
        Integer.MAX_VALUE);
  }
}
