package io.jthanos.query.store;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.jthanos.proto.info.StoreInfo;
import io.jthanos.proto.store.LabelNamesRequest;
import io.jthanos.proto.store.LabelNamesResponse;
import io.jthanos.proto.store.LabelValuesRequest;
import io.jthanos.proto.store.LabelValuesResponse;
import io.jthanos.proto.store.SeriesRequest;
import io.jthanos.proto.store.SeriesResponse;
import io.jthanos.proto.store.StoreGrpc;
import io.jthanos.storeapi.SeriesStream;
import io.jthanos.storeapi.StoreApiException;
import io.jthanos.storeapi.StoreProtos;
import io.jthanos.storeapi.Tenancy;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.storage.LabelResult;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The querier's own StoreAPI, so queriers can be stacked: Series, LabelNames and LabelValues are
 * proxied to the endpoints through the {@link ProxyStore} (merged, identical chunks dropped,
 * failures per the request's partial response strategy, the caller's tenant forwarded). Its Info
 * announces the union of the endpoints' label sets (plus {@code --selector-label}) and time range.
 */
public final class ProxyStoreService extends StoreGrpc.StoreImplBase {
  private final ProxyStore proxy;
  private final EndpointSet endpoints;
  private final Labels selectorLabels;

  public ProxyStoreService(ProxyStore proxy, EndpointSet endpoints, Labels selectorLabels) {
    this.proxy = proxy;
    this.endpoints = endpoints;
    this.selectorLabels = selectorLabels;
  }

  private static StoreRequestContext context() {
    return new StoreRequestContext(true, List.of(), Tenancy.current(), null);
  }

  @Override
  public void series(SeriesRequest req, StreamObserver<SeriesResponse> out) {
    ServerCallStreamObserver<SeriesResponse> obs = (ServerCallStreamObserver<SeriesResponse>) out;
    Thread.ofVirtual()
        .name("proxy-series")
        .start(
            io.grpc.Context.current()
                .wrap(
                    () -> {
                      try (SeriesStream s = proxy.series(req, context())) {
                        while (s.next()) {
                          if (obs.isCancelled()) {
                            return;
                          }
                          obs.onNext(
                              SeriesResponse.newBuilder()
                                  .setSeries(StoreProtos.toProto(s.at()))
                                  .build());
                        }
                        for (String w : s.warnings()) {
                          obs.onNext(SeriesResponse.newBuilder().setWarning(w).build());
                        }
                        obs.onCompleted();
                      } catch (StoreApiException e) {
                        obs.onError(e.toStatus());
                      } catch (RuntimeException e) {
                        obs.onError(
                            Status.INTERNAL
                                .withDescription(String.valueOf(e.getMessage()))
                                .asRuntimeException());
                      }
                    }));
  }

  @Override
  public void labelNames(LabelNamesRequest req, StreamObserver<LabelNamesResponse> out) {
    try {
      LabelResult r = proxy.labelNames(req, context());
      out.onNext(
          LabelNamesResponse.newBuilder()
              .addAllNames(r.values())
              .addAllWarnings(r.warnings())
              .build());
      out.onCompleted();
    } catch (StoreApiException e) {
      out.onError(e.toStatus());
    }
  }

  @Override
  public void labelValues(LabelValuesRequest req, StreamObserver<LabelValuesResponse> out) {
    try {
      LabelResult r = proxy.labelValues(req, context());
      out.onNext(
          LabelValuesResponse.newBuilder()
              .addAllValues(r.values())
              .addAllWarnings(r.warnings())
              .build());
      out.onCompleted();
    } catch (StoreApiException e) {
      out.onError(e.toStatus());
    }
  }

  /** The union of the endpoints' label sets, each extended with the selector labels. */
  public List<Labels> labelSets() {
    LinkedHashSet<Labels> sets = new LinkedHashSet<>();
    for (Endpoint e : endpoints.queryable()) {
      for (Labels l : e.labelSets()) {
        sets.add(selectorLabels.isEmpty() ? l : merge(l, selectorLabels));
      }
    }
    if (sets.isEmpty() && !selectorLabels.isEmpty()) {
      sets.add(selectorLabels);
    }
    return new ArrayList<>(sets);
  }

  private static Labels merge(Labels a, Labels b) {
    io.jthanos.tsdb.labels.LabelsBuilder lb = a.toBuilder();
    b.forEach(lb::set);
    return lb.build();
  }

  /** Time range over the endpoints serving StoreAPI. */
  public StoreInfo storeInfo() {
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (Endpoint e : endpoints.queryable()) {
      if (!e.hasStoreApi()) {
        continue;
      }
      min = Math.min(min, e.minTime());
      max = Math.max(max, e.maxTime());
    }
    if (min == Long.MAX_VALUE) {
      min = Long.MAX_VALUE;
      max = Long.MIN_VALUE;
    }
    return StoreInfo.newBuilder()
        .setMinTime(min)
        .setMaxTime(max)
        .setSupportsWithoutReplicaLabels(true)
        .build();
  }
}
