package io.jthanos.storeapi;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * Thanos tenant propagation over gRPC: metadata key {@code thanos-tenant}. Servers install {@link
 * #serverInterceptor()} so handlers (and {@link RequestHints#tenant()}) see the caller's tenant;
 * clients forward it with {@link #clientInterceptor(String)}.
 */
public final class Tenancy {
  /** The gRPC metadata key (the HTTP header {@code THANOS-TENANT}, lower-cased). */
  public static final Metadata.Key<String> METADATA_KEY =
      Metadata.Key.of("thanos-tenant", Metadata.ASCII_STRING_MARSHALLER);

  /** The tenant of the current call, set by {@link #serverInterceptor()}. */
  public static final Context.Key<String> CONTEXT_KEY = Context.key("thanos-tenant");

  private Tenancy() {}

  /** The tenant of the call running on this thread, or "" when none. */
  public static String current() {
    String t = CONTEXT_KEY.get();
    return t == null ? "" : t;
  }

  public static ServerInterceptor serverInterceptor() {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String tenant = headers.get(METADATA_KEY);
        if (tenant == null) {
          return next.startCall(call, headers);
        }
        return Contexts.interceptCall(
            Context.current().withValue(CONTEXT_KEY, tenant), call, headers, next);
      }
    };
  }

  /** Sends {@code tenant} on every call (nothing when empty). */
  public static ClientInterceptor clientInterceptor(String tenant) {
    return new ClientInterceptor() {
      @Override
      public <Q, R> ClientCall<Q, R> interceptCall(
          MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(
            next.newCall(method, options)) {
          @Override
          public void start(Listener<R> listener, Metadata headers) {
            if (tenant != null && !tenant.isEmpty()) {
              headers.put(METADATA_KEY, tenant);
            }
            super.start(listener, headers);
          }
        };
      }
    };
  }
}
