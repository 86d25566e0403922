package io.jthanos.server.grpc;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.jthanos.server.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The go-grpc-middleware server metrics Thanos exposes: {@code grpc_server_started_total}, {@code
 * grpc_server_handled_total}, {@code grpc_server_handling_seconds}, {@code
 * grpc_server_msg_received_total} and {@code grpc_server_msg_sent_total}, labelled by {@code
 * grpc_type}, {@code grpc_service}, {@code grpc_method} (and {@code grpc_code} when handled).
 */
public final class GrpcMetricsInterceptor implements ServerInterceptor {
  private final Meter.MeterProvider<Counter> started;
  private final Meter.MeterProvider<Counter> handled;
  private final Meter.MeterProvider<Timer> handling;
  private final Meter.MeterProvider<Counter> received;
  private final Meter.MeterProvider<Counter> sent;

  public GrpcMetricsInterceptor(MeterRegistry registry) {
    started =
        Counter.builder("grpc_server_started")
            .description("Total number of RPCs started on the server.")
            .withRegistry(registry);
    handled =
        Counter.builder("grpc_server_handled")
            .description(
                "Total number of RPCs completed on the server, regardless of success or failure.")
            .withRegistry(registry);
    handling =
        Timer.builder("grpc_server_handling")
            .description(
                "Histogram of response latency (seconds) of gRPC that had been application-level"
                    + " handled by the server.")
            .serviceLevelObjectives(Metrics.LATENCY_BUCKETS)
            .withRegistry(registry);
    received =
        Counter.builder("grpc_server_msg_received")
            .description("Total number of RPC stream messages received on the server.")
            .withRegistry(registry);
    sent =
        Counter.builder("grpc_server_msg_sent")
            .description("Total number of gRPC stream messages sent by the server.")
            .withRegistry(registry);
  }

  static String type(MethodDescriptor.MethodType t) {
    return switch (t) {
      case UNARY -> "unary";
      case CLIENT_STREAMING -> "client_stream";
      case SERVER_STREAMING -> "server_stream";
      case BIDI_STREAMING -> "bidi_stream";
      default -> "unknown";
    };
  }

  /** Go's codes.Code.String(): {@code OK}, {@code InvalidArgument}, {@code ResourceExhausted}... */
  static String code(Status.Code c) {
    StringBuilder sb = new StringBuilder();
    for (String part : c.name().split("_")) {
      sb.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
    }
    String s = sb.toString();
    return s.equals("Ok") ? "OK" : s;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    MethodDescriptor<Q, R> md = call.getMethodDescriptor();
    String service = MethodDescriptor.extractFullServiceName(md.getFullMethodName());
    String method = md.getBareMethodName();
    Tags tags =
        Tags.of("grpc_method", method, "grpc_service", service, "grpc_type", type(md.getType()));
    long start = System.nanoTime();
    started.withTags(tags).increment();
    ServerCall<Q, R> wrapped =
        new SimpleForwardingServerCall<>(call) {
          @Override
          public void sendMessage(R message) {
            sent.withTags(tags).increment();
            super.sendMessage(message);
          }

          @Override
          public void close(Status status, Metadata trailers) {
            handled.withTags(tags.and("grpc_code", code(status.getCode()))).increment();
            handling.withTags(tags).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            super.close(status, trailers);
          }
        };
    return new SimpleForwardingServerCallListener<>(next.startCall(wrapped, headers)) {
      @Override
      public void onMessage(Q message) {
        received.withTags(tags).increment();
        super.onMessage(message);
      }
    };
  }
}
