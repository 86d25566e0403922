package io.jthanos.sidecar.store;

import io.grpc.Context;
import io.jthanos.proto.prometheus.LabelMatcher;
import io.jthanos.proto.prometheus.Query;
import io.jthanos.proto.prometheus.ReadHints;
import io.jthanos.proto.prometheus.ReadRequest;
import io.jthanos.proto.prometheus.ReadResponse;
import io.jthanos.proto.prometheus.Sample;
import io.jthanos.proto.prometheus.TimeSeries;
import io.jthanos.sidecar.promclient.PrometheusClient;
import io.jthanos.tsdb.chunkenc.XorEncoder;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.Matcher;
import io.jthanos.tsdb.storage.ChunkMeta;
import io.jthanos.tsdb.storage.ChunkQuerier;
import io.jthanos.tsdb.storage.ChunkQueryable;
import io.jthanos.tsdb.storage.ChunkSeries;
import io.jthanos.tsdb.storage.ChunkSeriesSet;
import io.jthanos.tsdb.storage.LabelHints;
import io.jthanos.tsdb.storage.LabelResult;
import io.jthanos.tsdb.storage.SelectHints;
import io.jthanos.tsdb.storage.StorageException;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xerial.snappy.Snappy;

/**
 * Prometheus' data as chunk storage for {@link io.jthanos.storeapi.StoreServer}, as Thanos' {@code
 * PrometheusStore}: selections go to remote read asking for {@code STREAMED_XOR_CHUNKS} first
 * (chunks passed through as Prometheus encoded them) and {@code SAMPLES} second (samples re-encoded
 * into XOR chunks of at most 120 samples); the answer type is chosen by the response's content
 * type. A selection with the {@code series} hint (StoreAPI {@code skip_chunks}) is answered from
 * {@code /api/v1/series}. Label names and values come from the HTTP API, with matchers passed only
 * when Prometheus is 2.24 or newer (older versions are asked for the matching series instead).
 *
 * <p>Prometheus appends its external labels to remote read series; they are removed here (the
 * StoreAPI layer merges the sidecar's external labels back in), so that the series are the TSDB's
 * own, in the TSDB's order.
 */
public final class PrometheusStore implements ChunkQueryable {
  private static final Logger LOG = LoggerFactory.getLogger(PrometheusStore.class);

  /** Thanos' {@code MaxSamplesPerChunk} for re-encoded samples. */
  static final int MAX_SAMPLES_PER_CHUNK = 120;

  private static final int[] LABEL_API_MATCHERS_SINCE = {2, 24, 0};

  private final PrometheusClient client;
  private final Supplier<Labels> externalLabels;
  private final Supplier<String> version;
  private final DistributionSummary framesRead;
  private final int maxFrameBytes;
  private final List<ReadRequest.ResponseType> accepted;

  public PrometheusStore(
      PrometheusClient client,
      Supplier<Labels> externalLabels,
      Supplier<String> version,
      MeterRegistry registry) {
    this(
        client,
        externalLabels,
        version,
        registry,
        ChunkedFrames.DEFAULT_MAX_FRAME_BYTES,
        List.of(ReadRequest.ResponseType.STREAMED_XOR_CHUNKS, ReadRequest.ResponseType.SAMPLES));
  }

  /** With explicit frame limit and accepted response types (in preference order). */
  PrometheusStore(
      PrometheusClient client,
      Supplier<Labels> externalLabels,
      Supplier<String> version,
      MeterRegistry registry,
      int maxFrameBytes,
      List<ReadRequest.ResponseType> accepted) {
    this.accepted = List.copyOf(accepted);
    this.client = client;
    this.externalLabels = externalLabels;
    this.version = version;
    this.maxFrameBytes = maxFrameBytes;
    this.framesRead =
        registry == null
            ? null
            : DistributionSummary.builder("prometheus_store_received_frames")
                .description("Number of frames received per streamed response.")
                .serviceLevelObjectives(10, 100, 1000, 10000, 100000)
                .register(registry);
  }

  @Override
  public ChunkQuerier chunkQuerier(long mint, long maxt) {
    return new Querier(mint, maxt);
  }

  /** Whether Prometheus takes {@code match[]} on its label APIs (2.24.0 and newer). */
  boolean labelApisTakeMatchers() {
    return versionAtLeast(version.get(), LABEL_API_MATCHERS_SINCE);
  }

  static boolean versionAtLeast(String v, int[] min) {
    if (v == null || v.isEmpty()) {
      return false;
    }
    String core = v.startsWith("v") ? v.substring(1) : v;
    int dash = core.indexOf('-');
    if (dash >= 0) {
      core = core.substring(0, dash);
    }
    int plus = core.indexOf('+');
    if (plus >= 0) {
      core = core.substring(0, plus);
    }
    String[] parts = core.split("\\.");
    for (int i = 0; i < min.length; i++) {
      int p;
      try {
        p = i < parts.length ? Integer.parseInt(parts[i]) : 0;
      } catch (NumberFormatException e) {
        return false;
      }
      if (p != min[i]) {
        return p > min[i];
      }
    }
    return true;
  }

  private Set<String> externalNames() {
    Labels ext = externalLabels.get();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < ext.size(); i++) {
      names.add(ext.name(i));
    }
    return names;
  }

  private final class Querier implements ChunkQuerier {
    private final long mint;
    private final long maxt;
    private final List<AutoCloseable> open = new ArrayList<>();

    Querier(long mint, long maxt) {
      this.mint = mint;
      this.maxt = maxt;
    }

    @Override
    public ChunkSeriesSet select(boolean sortSeries, SelectHints hints, List<Matcher> matchers) {
      try {
        if (hints != null && "series".equals(hints.func())) {
          return labelsOnly(client.series(matchers, mint, maxt, null));
        }
        ChunkSeriesSet set = remoteRead(hints, matchers);
        open.add(set);
        return set;
      } catch (IOException e) {
        throw new StorageException("query Prometheus: " + e.getMessage(), e);
      }
    }

    private ChunkSeriesSet remoteRead(SelectHints hints, List<Matcher> matchers)
        throws IOException {
      Query.Builder q = Query.newBuilder().setStartTimestampMs(mint).setEndTimestampMs(maxt);
      for (Matcher m : matchers) {
        LabelMatcher.Type t =
            switch (m.type()) {
              case EQUAL -> LabelMatcher.Type.EQ;
              case NOT_EQUAL -> LabelMatcher.Type.NEQ;
              case REGEX -> LabelMatcher.Type.RE;
              case NOT_REGEX -> LabelMatcher.Type.NRE;
            };
        q.addMatchers(LabelMatcher.newBuilder().setType(t).setName(m.name()).setValue(m.value()));
      }
      if (hints != null) {
        q.setHints(
            ReadHints.newBuilder()
                .setStartMs(mint)
                .setEndMs(maxt)
                .setStepMs(hints.step())
                .setFunc(hints.func())
                .addAllGrouping(hints.grouping())
                .setBy(hints.by())
                .setRangeMs(hints.range()));
      }
      byte[] body =
          ReadRequest.newBuilder()
              .addQueries(q)
              .addAllAcceptedResponseTypes(accepted)
              .build()
              .toByteArray();
      HttpResponse<InputStream> resp = client.remoteRead(Snappy.compress(body), null);
      String type = resp.headers().firstValue("Content-Type").orElse("");
      if (type.startsWith("application/x-protobuf")) {
        try (InputStream in = resp.body()) {
          return sampled(in.readAllBytes());
        }
      }
      if (!type.startsWith(
          "application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse")) {
        resp.body().close();
        throw new IOException("not supported remote read content type: " + type);
      }
      return new Streamed(new ChunkedFrames(resp.body(), maxFrameBytes), externalNames());
    }

    @Override
    public LabelResult labelValues(String name, LabelHints hints, List<Matcher> matchers) {
      try {
        if (matchers.isEmpty() || labelApisTakeMatchers()) {
          return LabelResult.of(client.labelValues(name, matchers, mint, maxt, null));
        }
        TreeSet<String> values = new TreeSet<>(Labels::compareStrings);
        for (Labels l : client.series(matchers, mint, maxt, null)) {
          String v = l.get(name);
          if (!v.isEmpty()) {
            values.add(v);
          }
        }
        return LabelResult.of(new ArrayList<>(values));
      } catch (IOException e) {
        throw new StorageException("label values from Prometheus: " + e.getMessage(), e);
      }
    }

    @Override
    public LabelResult labelNames(LabelHints hints, List<Matcher> matchers) {
      try {
        if (matchers.isEmpty() || labelApisTakeMatchers()) {
          List<String> names = new ArrayList<>(client.labelNames(matchers, mint, maxt, null));
          names.sort(Labels::compareStrings);
          return LabelResult.of(names);
        }
        TreeSet<String> names = new TreeSet<>(Labels::compareStrings);
        for (Labels l : client.series(matchers, mint, maxt, null)) {
          for (int i = 0; i < l.size(); i++) {
            names.add(l.name(i));
          }
        }
        return LabelResult.of(new ArrayList<>(names));
      } catch (IOException e) {
        throw new StorageException("label names from Prometheus: " + e.getMessage(), e);
      }
    }

    @Override
    public void close() {
      for (AutoCloseable c : open) {
        try {
          c.close();
        } catch (Exception e) {
          LOG.atDebug().setCause(e).log("closing remote read response failed");
        }
      }
      open.clear();
    }
  }

  /** Label sets only (skip_chunks). */
  private static ChunkSeriesSet labelsOnly(List<Labels> series) {
    List<ChunkSeries> out = new ArrayList<>(series.size());
    for (Labels l : series) {
      out.add(new Series(l, List.of()));
    }
    return new ListSet(out);
  }

  /** A SAMPLES answer: samples re-encoded into XOR chunks of at most 120 samples. */
  private ChunkSeriesSet sampled(byte[] compressed) throws IOException {
    int n = Snappy.uncompressedLength(compressed);
    if (n < 0 || n > Integer.MAX_VALUE - 16) {
      throw new IOException("remote read: invalid snappy length " + n);
    }
    ReadResponse resp = ReadResponse.parseFrom(Snappy.uncompress(compressed));
    if (resp.getResultsCount() != 1) {
      throw new IOException("unexpected result size " + resp.getResultsCount());
    }
    Set<String> strip = externalNames();
    List<ChunkSeries> out = new ArrayList<>();
    for (TimeSeries ts : resp.getResults(0).getTimeseriesList()) {
      List<String> nv = new ArrayList<>(ts.getLabelsCount() * 2);
      ts.getLabelsList()
          .forEach(
              l -> {
                nv.add(l.getName());
                nv.add(l.getValue());
              });
      Labels lset = RemoteReadCodec.labels(nv, strip);
      if (ts.getSamplesCount() == 0) {
        LOG.atWarn()
            .addKeyValue("lset", lset)
            .log(
                "found timeseries without any chunk. See https://github.com/thanos-io/thanos/issues/381"
                    + " for details");
        continue;
      }
      out.add(new Series(lset, encode(ts.getSamplesList())));
    }
    out.sort((a, b) -> Labels.compare(a.labels(), b.labels()));
    return new ListSet(out);
  }

  /** XOR chunks of at most {@value #MAX_SAMPLES_PER_CHUNK} samples each. */
  static List<ChunkMeta> encode(List<Sample> samples) {
    List<ChunkMeta> chunks = new ArrayList<>(samples.size() / MAX_SAMPLES_PER_CHUNK + 1);
    XorEncoder enc = new XorEncoder();
    for (int i = 0; i < samples.size(); i += MAX_SAMPLES_PER_CHUNK) {
      enc.reset();
      int end = Math.min(samples.size(), i + MAX_SAMPLES_PER_CHUNK);
      for (int j = i; j < end; j++) {
        enc.appendBits(
            samples.get(j).getTimestamp(), Double.doubleToRawLongBits(samples.get(j).getValue()));
      }
      chunks.add(
          new ChunkMeta(
              samples.get(i).getTimestamp(), samples.get(end - 1).getTimestamp(), enc.toChunk()));
    }
    return chunks;
  }

  private record Series(Labels labels, List<ChunkMeta> chunkList) implements ChunkSeries {
    @Override
    public Iterator<ChunkMeta> chunks() {
      return chunkList.iterator();
    }
  }

  private static final class ListSet implements ChunkSeriesSet {
    private final Iterator<ChunkSeries> it;
    private ChunkSeries cur;

    ListSet(List<ChunkSeries> list) {
      this.it = list.iterator();
    }

    @Override
    public boolean next() {
      if (!it.hasNext()) {
        cur = null;
        return false;
      }
      cur = it.next();
      return true;
    }

    @Override
    public ChunkSeries at() {
      return cur;
    }

    @Override
    public List<String> warnings() {
      return List.of();
    }

    @Override
    public void close() {}
  }

  /**
   * A streamed answer, read frame by frame; consecutive frames of one series (Prometheus splits big
   * series) are joined. Cancelling the gRPC call closes the HTTP response.
   */
  private final class Streamed implements ChunkSeriesSet {
    private final ChunkedFrames frames;
    private final Set<String> strip;
    private final Deque<RemoteReadCodec.Part> pending = new ArrayDeque<>();
    private final Context.CancellationListener onCancel;
    private final Context ctx = Context.current();
    private ChunkSeries cur;
    private boolean eof;
    private boolean closed;

    Streamed(ChunkedFrames frames, Set<String> strip) {
      this.frames = frames;
      this.strip = strip;
      this.onCancel = c -> closeQuietly();
      ctx.addListener(onCancel, Runnable::run);
    }

    private RemoteReadCodec.Part nextPart() throws IOException {
      while (pending.isEmpty() && !eof) {
        byte[] f = frames.next();
        if (f == null) {
          eof = true;
          break;
        }
        List<RemoteReadCodec.Part> parts = RemoteReadCodec.decodeFrame(f, strip);
        if (parts.size() != 1) {
          LOG.atWarn()
              .addKeyValue("series", parts.size())
              .log("Prometheus ReadRequest_STREAMED_XOR_CHUNKS returned non 1 series in frame");
        }
        pending.addAll(parts);
      }
      return pending.poll();
    }

    @Override
    public boolean next() {
      if (closed) {
        cur = null;
        return false;
      }
      try {
        RemoteReadCodec.Part p = nextPart();
        if (p == null) {
          cur = null;
          return false;
        }
        List<ChunkMeta> chunks = p.chunks();
        while (true) {
          RemoteReadCodec.Part q = nextPart();
          if (q == null) {
            break;
          }
          if (!q.labels().equals(p.labels())) {
            pending.addFirst(q);
            break;
          }
          if (chunks == p.chunks()) {
            chunks = new ArrayList<>(chunks);
          }
          chunks.addAll(q.chunks());
        }
        cur = new Series(p.labels(), chunks);
        return true;
      } catch (IOException e) {
        if (closed && ctx.isCancelled()) {
          cur = null;
          return false;
        }
        throw new StorageException("read streamed remote read response: " + e.getMessage(), e);
      }
    }

    @Override
    public ChunkSeries at() {
      return cur;
    }

    @Override
    public List<String> warnings() {
      return List.of();
    }

    private void closeQuietly() {
      try {
        close();
      } catch (RuntimeException e) {
        LOG.atDebug().setCause(e).log("closing remote read response failed");
      }
    }

    @Override
    public synchronized void close() {
      if (closed) {
        return;
      }
      closed = true;
      ctx.removeListener(onCancel);
      if (framesRead != null) {
        framesRead.record(frames.frames());
      }
      try {
        frames.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
