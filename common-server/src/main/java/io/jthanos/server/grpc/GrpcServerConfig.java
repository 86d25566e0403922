package io.jthanos.server.grpc;

import io.jthanos.server.HostPort;
import io.jthanos.server.tls.TlsServerSettings;
import java.time.Duration;

/**
 * Settings of the gRPC server.
 *
 * @param tls null for plaintext
 * @param maxConnectionAge connections are closed (gracefully) after this age; zero disables it
 * @param maxRecvMsgBytes largest accepted message (Thanos does not cap at gRPC's 4 MiB default)
 */
public record GrpcServerConfig(
    HostPort address,
    Duration gracePeriod,
    TlsServerSettings tls,
    Duration maxConnectionAge,
    int maxRecvMsgBytes) {}
