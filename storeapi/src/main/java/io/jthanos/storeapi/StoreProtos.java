package io.jthanos.storeapi;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.grpc.Status;
import io.jthanos.proto.labels.Label;
import io.jthanos.proto.labels.ZLabelSet;
import io.jthanos.proto.store.AggrChunk;
import io.jthanos.proto.store.Chunk;
import io.jthanos.proto.store.LabelMatcher;
import io.jthanos.proto.store.Series;
import io.jthanos.tsdb.chunkenc.ChunkEncoding;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.MatchType;
import io.jthanos.tsdb.labels.Matcher;
import java.util.ArrayList;
import java.util.List;

/**
 * Conversions between StoreAPI protobuf messages and the model: labels, matchers, chunk encodings
 * (Thanos' enum is the Prometheus encoding byte minus one), chunks, series and {@code Any} hints.
 */
public final class StoreProtos {
  private StoreProtos() {}

  // --- labels --------------------------------------------------------------------------------

  /** Proto labels to {@link Labels}; sorted input (what stores send) is wrapped without sorting. */
  public static Labels labels(List<Label> proto) {
    int n = proto.size();
    String[] nv = new String[2 * n];
    boolean canonical = true;
    for (int i = 0; i < n; i++) {
      Label l = proto.get(i);
      String name = l.getName();
      String value = l.getValue();
      nv[2 * i] = name;
      nv[2 * i + 1] = value;
      if (value.isEmpty() || (i > 0 && Labels.compareStrings(nv[2 * i - 2], name) >= 0)) {
        canonical = false;
      }
    }
    if (canonical) {
      return Labels.fromSortedUnchecked(nv);
    }
    try {
      return Labels.of(nv);
    } catch (IllegalArgumentException e) {
      throw new StoreApiException(
          Status.Code.INTERNAL, "invalid label set from store: " + e.getMessage(), e);
    }
  }

  /**
   * A flat name/value array (as received) to {@link Labels}; sorted, duplicate-free input is
   * wrapped without copying. Takes ownership of the array.
   */
  static Labels labels(String[] nv) {
    boolean canonical = true;
    for (int i = 0; i < nv.length; i += 2) {
      if (nv[i + 1].isEmpty() || (i > 0 && Labels.compareStrings(nv[i - 2], nv[i]) >= 0)) {
        canonical = false;
        break;
      }
    }
    if (canonical) {
      return Labels.fromSortedUnchecked(nv);
    }
    try {
      return Labels.of(nv);
    } catch (IllegalArgumentException e) {
      throw new StoreApiException(
          Status.Code.INTERNAL, "invalid label set from store: " + e.getMessage(), e);
    }
  }

  public static List<Label> toProto(Labels labels) {
    List<Label> out = new ArrayList<>(labels.size());
    for (int i = 0; i < labels.size(); i++) {
      out.add(Label.newBuilder().setName(labels.name(i)).setValue(labels.value(i)).build());
    }
    return out;
  }

  public static ZLabelSet toLabelSet(Labels labels) {
    return ZLabelSet.newBuilder().addAllLabels(toProto(labels)).build();
  }

  public static Labels labels(ZLabelSet set) {
    return labels(set.getLabelsList());
  }

  // --- matchers ------------------------------------------------------------------------------

  /**
   * Proto matcher to model; an invalid regex throws {@link IllegalArgumentException} with
   * Prometheus' message.
   */
  public static Matcher matcher(LabelMatcher m) {
    MatchType t =
        switch (m.getType()) {
          case EQ -> MatchType.EQUAL;
          case NEQ -> MatchType.NOT_EQUAL;
          case RE -> MatchType.REGEX;
          case NRE -> MatchType.NOT_REGEX;
          case UNRECOGNIZED ->
              throw new IllegalArgumentException("unknown matcher type " + m.getTypeValue());
        };
    return Matcher.of(t, m.getName(), m.getValue());
  }

  public static List<Matcher> matchers(List<LabelMatcher> proto) {
    List<Matcher> out = new ArrayList<>(proto.size());
    for (LabelMatcher m : proto) {
      out.add(matcher(m));
    }
    return out;
  }

  public static LabelMatcher toProto(Matcher m) {
    LabelMatcher.Type t =
        switch (m.type()) {
          case EQUAL -> LabelMatcher.Type.EQ;
          case NOT_EQUAL -> LabelMatcher.Type.NEQ;
          case REGEX -> LabelMatcher.Type.RE;
          case NOT_REGEX -> LabelMatcher.Type.NRE;
        };
    return LabelMatcher.newBuilder().setType(t).setName(m.name()).setValue(m.value()).build();
  }

  public static List<LabelMatcher> toProtoMatchers(List<Matcher> matchers) {
    List<LabelMatcher> out = new ArrayList<>(matchers.size());
    for (Matcher m : matchers) {
      out.add(toProto(m));
    }
    return out;
  }

  // --- chunks --------------------------------------------------------------------------------

  /** Thanos {@code Chunk.Encoding} (XOR=0) to the Prometheus encoding (XOR=1). */
  public static ChunkEncoding encoding(Chunk.Encoding e) {
    return switch (e) {
      case XOR -> ChunkEncoding.XOR;
      case HISTOGRAM -> ChunkEncoding.HISTOGRAM;
      case FLOAT_HISTOGRAM -> ChunkEncoding.FLOAT_HISTOGRAM;
      case UNRECOGNIZED ->
          throw new StoreApiException(Status.Code.INTERNAL, "unknown chunk encoding from store");
    };
  }

  /** The Prometheus encoding to Thanos {@code Chunk.Encoding} (its byte minus one). */
  public static Chunk.Encoding toProto(ChunkEncoding e) {
    return switch (e) {
      case XOR -> Chunk.Encoding.XOR;
      case HISTOGRAM -> Chunk.Encoding.HISTOGRAM;
      case FLOAT_HISTOGRAM -> Chunk.Encoding.FLOAT_HISTOGRAM;
      case AGGREGATE ->
          throw new IllegalArgumentException("aggregate chunks travel as AggrChunk members");
    };
  }

  public static ChunkBytes chunk(Chunk c) {
    return new ChunkBytes(encoding(c.getType()), c.getData(), c.getHash());
  }

  public static Chunk toProto(ChunkBytes c) {
    Chunk.Builder b = Chunk.newBuilder().setType(toProto(c.encoding())).setData(c.data());
    if (c.hash() != 0) {
      b.setHash(c.hash());
    }
    return b.build();
  }

  public static StoreChunk chunk(AggrChunk a) {
    return new StoreChunk(
        a.getMinTime(),
        a.getMaxTime(),
        a.hasRaw() ? chunk(a.getRaw()) : null,
        a.hasCount() ? chunk(a.getCount()) : null,
        a.hasSum() ? chunk(a.getSum()) : null,
        a.hasMin() ? chunk(a.getMin()) : null,
        a.hasMax() ? chunk(a.getMax()) : null,
        a.hasCounter() ? chunk(a.getCounter()) : null);
  }

  public static AggrChunk toProto(StoreChunk c) {
    AggrChunk.Builder b = AggrChunk.newBuilder().setMinTime(c.minTime()).setMaxTime(c.maxTime());
    if (c.raw() != null) {
      b.setRaw(toProto(c.raw()));
    }
    if (c.count() != null) {
      b.setCount(toProto(c.count()));
    }
    if (c.sum() != null) {
      b.setSum(toProto(c.sum()));
    }
    if (c.min() != null) {
      b.setMin(toProto(c.min()));
    }
    if (c.max() != null) {
      b.setMax(toProto(c.max()));
    }
    if (c.counter() != null) {
      b.setCounter(toProto(c.counter()));
    }
    return b.build();
  }

  public static StoreSeries series(Series s) {
    List<AggrChunk> in = s.getChunksList();
    List<StoreChunk> chunks = new ArrayList<>(in.size());
    for (AggrChunk a : in) {
      chunks.add(chunk(a));
    }
    return new StoreSeries(labels(s.getLabelsList()), chunks);
  }

  public static Series toProto(StoreSeries s) {
    Series.Builder b = Series.newBuilder().addAllLabels(toProto(s.labels()));
    for (StoreChunk c : s.chunks()) {
      b.addChunks(toProto(c));
    }
    return b.build();
  }

  // --- hints ---------------------------------------------------------------------------------

  /**
   * Packs hints as Thanos does: type URL {@code type.googleapis.com/<proto full name>}, e.g. {@code
   * type.googleapis.com/hintspb.SeriesRequestHints}.
   */
  public static Any pack(Message hints) {
    return Any.pack(hints);
  }

  /**
   * Unpacks hints of the expected type; a wrong type URL or bad bytes is an {@code
   * INVALID_ARGUMENT}.
   */
  public static <T extends Message> T unpack(Any any, Class<T> type, String what) {
    try {
      return any.unpack(type);
    } catch (InvalidProtocolBufferException e) {
      throw new StoreApiException(
          Status.Code.INVALID_ARGUMENT, "unmarshal " + what + ": " + e.getMessage(), e);
    }
  }

  /**
   * Chunk bytes as a {@link ByteString}: heap buffers are wrapped without a copy (the bytes must
   * not change afterwards); direct and memory-mapped buffers are copied, as protobuf-java 4 no
   * longer wraps them. The server's send path does not use this: {@link SeriesFrame} writes
   * straight from the buffers.
   */
  static ByteString wrap(java.nio.ByteBuffer data) {
    return com.google.protobuf.UnsafeByteOperations.unsafeWrap(data.duplicate());
  }
}
