package io.jthanos.sidecar.apis;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.jthanos.proto.labels.ZLabelSet;
import io.jthanos.sidecar.promclient.PrometheusException;
import io.jthanos.storeapi.ExternalLabels;
import io.jthanos.storeapi.StoreProtos;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.LabelsBuilder;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Set;

/** Conversions from Prometheus' HTTP API JSON to the Thanos gRPC messages, and error mapping. */
final class PromJson {
  private PromJson() {}

  /** A JSON object of label names to values. */
  static Labels labels(JsonNode obj) {
    LabelsBuilder b = new LabelsBuilder();
    if (obj != null && obj.isObject()) {
      obj.fields().forEachRemaining(e -> b.set(e.getKey(), e.getValue().asText()));
    }
    return b.build();
  }

  /** Labels with the external labels added (external wins), as Thanos' ExtendSortedLabels. */
  static ZLabelSet withExternal(JsonNode obj, Labels ext) {
    return StoreProtos.toLabelSet(ExternalLabels.merge(labels(obj), ext, Set.of()));
  }

  static ZLabelSet plain(JsonNode obj) {
    return StoreProtos.toLabelSet(labels(obj));
  }

  /** An RFC 3339 time, or null when absent or unparsable. */
  static Timestamp time(JsonNode n) {
    if (n == null || n.isNull() || n.isMissingNode() || n.asText().isEmpty()) {
      return null;
    }
    try {
      Instant t = Instant.parse(n.asText());
      return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /**
   * The gRPC status for a failed Prometheus call, as Thanos' promclient maps HTTP statuses: 400
   * invalid argument, 404 not found, 503 unavailable, everything else internal.
   */
  static StatusRuntimeException status(IOException e) {
    int code = e instanceof PrometheusException p ? p.status() : 0;
    Status s =
        switch (code) {
          case 400 -> Status.INVALID_ARGUMENT;
          case 404 -> Status.NOT_FOUND;
          case 503 -> Status.UNAVAILABLE;
          default -> Status.INTERNAL;
        };
    return s.withDescription(e.getMessage()).withCause(e).asRuntimeException();
  }
}
