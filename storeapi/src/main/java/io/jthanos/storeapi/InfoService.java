package io.jthanos.storeapi;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.jthanos.proto.info.ExemplarsInfo;
import io.jthanos.proto.info.InfoGrpc;
import io.jthanos.proto.info.InfoRequest;
import io.jthanos.proto.info.InfoResponse;
import io.jthanos.proto.info.MetricMetadataInfo;
import io.jthanos.proto.info.QueryAPIInfo;
import io.jthanos.proto.info.RulesInfo;
import io.jthanos.proto.info.StatusInfo;
import io.jthanos.proto.info.StoreInfo;
import io.jthanos.proto.info.TargetsInfo;
import io.jthanos.tsdb.labels.Labels;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Thanos' {@code thanos.info.Info} service (spec 1.6): the component type, its external label sets
 * and, for every API the component serves, the matching sub-message (present = served). Queriers
 * call it every few seconds to discover endpoints; while {@link Builder#ready} says no, it answers
 * {@code UNAVAILABLE} so the querier does not route to a component that cannot answer yet.
 */
public final class InfoService extends InfoGrpc.InfoImplBase {
  private final ComponentType type;
  private final Supplier<List<Labels>> labelSets;
  private final Supplier<StoreInfo> store;
  private final boolean rules;
  private final boolean metadata;
  private final boolean targets;
  private final LongSupplier exemplarsMin;
  private final LongSupplier exemplarsMax;
  private final boolean query;
  private final boolean status;
  private final BooleanSupplier ready;

  private InfoService(Builder b) {
    this.type = b.type;
    this.labelSets = b.labelSets;
    this.store = b.store;
    this.rules = b.rules;
    this.metadata = b.metadata;
    this.targets = b.targets;
    this.exemplarsMin = b.exemplarsMin;
    this.exemplarsMax = b.exemplarsMax;
    this.query = b.query;
    this.status = b.status;
    this.ready = b.ready;
  }

  public static Builder builder(ComponentType type) {
    return new Builder(type);
  }

  /** The answer now. */
  public InfoResponse info() {
    InfoResponse.Builder r = InfoResponse.newBuilder().setComponentType(type.id());
    for (Labels ls : labelSets.get()) {
      r.addLabelSets(StoreProtos.toLabelSet(ls));
    }
    if (store != null) {
      r.setStore(store.get());
    }
    if (rules) {
      r.setRules(RulesInfo.getDefaultInstance());
    }
    if (metadata) {
      r.setMetricMetadata(MetricMetadataInfo.getDefaultInstance());
    }
    if (targets) {
      r.setTargets(TargetsInfo.getDefaultInstance());
    }
    if (exemplarsMin != null) {
      r.setExemplars(
          ExemplarsInfo.newBuilder()
              .setMinTime(exemplarsMin.getAsLong())
              .setMaxTime(exemplarsMax.getAsLong()));
    }
    if (query) {
      r.setQuery(QueryAPIInfo.getDefaultInstance());
    }
    if (status) {
      r.setStatus(StatusInfo.getDefaultInstance());
    }
    return r.build();
  }

  @Override
  public void info(InfoRequest request, StreamObserver<InfoResponse> out) {
    if (!ready.getAsBoolean()) {
      out.onError(Status.UNAVAILABLE.withDescription("not ready").asRuntimeException());
      return;
    }
    InfoResponse r;
    try {
      r = info();
    } catch (RuntimeException e) {
      out.onError(
          Status.INTERNAL.withDescription(String.valueOf(e.getMessage())).asRuntimeException());
      return;
    }
    out.onNext(r);
    out.onCompleted();
  }

  /** Configures an {@link InfoService}. */
  public static final class Builder {
    private final ComponentType type;
    private Supplier<List<Labels>> labelSets = List::of;
    private Supplier<StoreInfo> store;
    private boolean rules;
    private boolean metadata;
    private boolean targets;
    private LongSupplier exemplarsMin;
    private LongSupplier exemplarsMax;
    private boolean query;
    private boolean status;
    private BooleanSupplier ready = () -> true;

    private Builder(ComponentType type) {
      this.type = Objects.requireNonNull(type, "type");
    }

    /** External label sets (read on every call). */
    public Builder labelSets(Supplier<List<Labels>> labelSets) {
      this.labelSets = Objects.requireNonNull(labelSets, "labelSets");
      return this;
    }

    /** Serves StoreAPI as described by {@code store} (read on every call). */
    public Builder store(Supplier<StoreInfo> store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /** Serves StoreAPI through {@code server}: its label sets and store info. */
    public Builder store(StoreServer server) {
      this.labelSets = server::labelSets;
      this.store = server::storeInfo;
      return this;
    }

    public Builder rules() {
      this.rules = true;
      return this;
    }

    public Builder metricMetadata() {
      this.metadata = true;
      return this;
    }

    public Builder targets() {
      this.targets = true;
      return this;
    }

    /** Serves exemplars over [min, max] (read on every call). */
    public Builder exemplars(LongSupplier min, LongSupplier max) {
      this.exemplarsMin = Objects.requireNonNull(min, "min");
      this.exemplarsMax = Objects.requireNonNull(max, "max");
      return this;
    }

    public Builder query() {
      this.query = true;
      return this;
    }

    public Builder status() {
      this.status = true;
      return this;
    }

    /** Until this returns true, Info answers UNAVAILABLE "not ready". */
    public Builder ready(BooleanSupplier ready) {
      this.ready = Objects.requireNonNull(ready, "ready");
      return this;
    }

    public InfoService build() {
      return new InfoService(this);
    }
  }
}
