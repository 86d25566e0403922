package io.jthanos.store;

import io.jthanos.block.indexheader.IndexHeaderReader;
import io.jthanos.tsdb.encoding.CorruptBlockException;
import io.jthanos.tsdb.encoding.Decbuf;
import io.jthanos.tsdb.index.IndexSeries;
import io.jthanos.tsdb.labels.Labels;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Decodes series entries of a block's index fetched with range reads (index format 2): label symbol
 * references resolved through the index-header, chunk metas delta-decoded. Bounds are checked
 * against the entry size; problems raise {@link CorruptBlockException} naming the block's index and
 * the series offset.
 */
final class SeriesDecoder {
  private SeriesDecoder() {}

  /**
   * Decodes an entry body (without its length prefix and checksum).
   *
   * @param withChunks false to skip the chunk metas
   */
  static IndexSeries decode(
      Path index, long ref, ByteBuffer body, IndexHeaderReader symbols, boolean withChunks) {
    return decode(index, ref, body, symbols, withChunks, null);
  }

  /**
   * Decodes an entry body, passing label strings through {@code canon} (one instance per distinct
   * string within a request, so merging per-block streams compares labels mostly by reference).
   */
  static IndexSeries decode(
      Path index,
      long ref,
      ByteBuffer body,
      IndexHeaderReader symbols,
      boolean withChunks,
      Canonicalizer canon) {
    long base = ref * 16;
    Decbuf d = Decbuf.of(index, body);
    long len = body.remaining();
    int nl = d.uvarint32();
    if (nl > len / 2) {
      throw new CorruptBlockException(
          index, base, "series label count exceeds entry size", "<= " + len / 2, nl);
    }
    String[] nv = new String[2 * nl];
    for (int i = 0; i < 2 * nl; i++) {
      long sym = d.uvarint();
      try {
        nv[i] = symbols.lookupSymbol(sym);
      } catch (CorruptBlockException e) {
        throw new CorruptBlockException(
            index, base, "series label symbol reference out of range", "a known symbol", sym, e);
      }
      if (canon != null) {
        nv[i] = canon.canonical(nv[i]);
      }
    }
    Labels labels = Labels.fromSortedUnchecked(nv);
    if (!withChunks) {
      return new IndexSeries(ref, labels, new long[0]);
    }
    int nc = d.uvarint32();
    if (nc > d.remaining() / 3) {
      throw new CorruptBlockException(
          index, base, "series chunk count exceeds entry size", "<= " + d.remaining() / 3, nc);
    }
    long[] chunks = new long[3 * nc];
    if (nc > 0) {
      long mint = d.varint();
      long maxt = mint + d.uvarint();
      long cref = d.uvarint();
      check(index, base, mint, maxt);
      chunks[0] = mint;
      chunks[1] = maxt;
      chunks[2] = cref;
      for (int i = 1; i < nc; i++) {
        mint = maxt + d.uvarint();
        maxt = mint + d.uvarint();
        cref += d.varint();
        check(index, base, mint, maxt);
        chunks[3 * i] = mint;
        chunks[3 * i + 1] = maxt;
        chunks[3 * i + 2] = cref;
      }
    }
    return new IndexSeries(ref, labels, chunks);
  }

  private static void check(Path index, long base, long mint, long maxt) {
    if (maxt < mint) {
      throw new CorruptBlockException(
          index, base, "chunk meta time range reversed", "maxTime >= " + mint, maxt);
    }
  }
}
