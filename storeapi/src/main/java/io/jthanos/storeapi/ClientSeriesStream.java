package io.jthanos.storeapi;

import com.google.protobuf.Any;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import io.jthanos.proto.store.SeriesRequest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The client side of one Series call: frames arrive on gRPC's executor into a queue bounded by the
 * flow-control window ({@code prefetch} frames requested ahead); the consumer converts them to
 * model series, joins consecutive frames of one series, and collects warnings and hints.
 */
final class ClientSeriesStream implements SeriesStream {
  private static final Comparator<StoreChunk> BY_TIME =
      Comparator.comparingLong(StoreChunk::minTime).thenComparingLong(StoreChunk::maxTime);

  private final String target;
  private final ClientCall<SeriesRequest, Object> call;
  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final ArrayDeque<StoreSeries> pendingSeries = new ArrayDeque<>();
  private final List<String> warnings = new ArrayList<>();
  private final List<Any> hints = new ArrayList<>();
  private StoreSeries lookahead;
  private StoreSeries current;
  private boolean finished;
  private boolean closed;

  private record Closed(Status status, Metadata trailers) {}

  ClientSeriesStream(
      String target, ClientCall<SeriesRequest, Object> call, SeriesRequest request, int prefetch) {
    this.target = target;
    this.call = call;
    call.start(
        new ClientCall.Listener<>() {
          @Override
          public void onMessage(Object message) {
            queue.add(message);
          }

          @Override
          public void onClose(Status status, Metadata trailers) {
            queue.add(new Closed(status, trailers));
          }
        },
        new Metadata());
    call.request(prefetch);
    call.sendMessage(request);
    call.halfClose();
  }

  @Override
  public boolean next() {
    if (closed) {
      return false;
    }
    StoreSeries first = lookahead != null ? lookahead : pull();
    lookahead = null;
    if (first == null) {
      current = null;
      return false;
    }
    List<StoreChunk> joined = null;
    while (true) {
      StoreSeries nxt = pull();
      if (nxt == null) {
        break;
      }
      if (!nxt.labels().equals(first.labels())) {
        lookahead = nxt;
        break;
      }
      if (joined == null) {
        joined = new ArrayList<>(first.chunks());
      }
      joined.addAll(nxt.chunks());
    }
    if (joined != null) {
      if (!sorted(joined)) {
        joined.sort(BY_TIME);
      }
      first = new StoreSeries(first.labels(), joined);
    }
    current = first;
    return true;
  }

  private static boolean sorted(List<StoreChunk> chunks) {
    for (int i = 1; i < chunks.size(); i++) {
      if (BY_TIME.compare(chunks.get(i - 1), chunks.get(i)) > 0) {
        return false;
      }
    }
    return true;
  }

  /** The next series frame (or batch member) as a model series; null at the end of the stream. */
  private StoreSeries pull() {
    while (true) {
      StoreSeries s = pendingSeries.poll();
      if (s != null) {
        return s;
      }
      if (finished) {
        return null;
      }
      Object o;
      try {
        o = queue.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close();
        throw new StoreApiException(Status.Code.CANCELLED, "store " + target + ": interrupted", e);
      }
      if (o instanceof Closed c) {
        finished = true;
        if (!c.status().isOk()) {
          throw StoreApiException.from(target, c.status().asRuntimeException(c.trailers()));
        }
        continue;
      }
      call.request(1);
      switch ((FrameDecoder.Frame) o) {
        case FrameDecoder.SeriesPart p -> pendingSeries.addAll(p.series());
        case FrameDecoder.Warning w -> warnings.add(w.text());
        case FrameDecoder.Hints h -> hints.add(h.hints());
        case FrameDecoder.Empty e -> {}
      }
    }
  }

  @Override
  public StoreSeries at() {
    if (current == null) {
      throw new IllegalStateException("next() has not returned true");
    }
    return current;
  }

  @Override
  public List<String> warnings() {
    return List.copyOf(warnings);
  }

  @Override
  public List<Any> hints() {
    return List.copyOf(hints);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (!finished) {
      call.cancel("series stream closed by the client", null);
    }
    queue.clear();
    pendingSeries.clear();
  }
}
