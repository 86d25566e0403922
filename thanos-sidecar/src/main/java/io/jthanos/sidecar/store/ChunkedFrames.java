package io.jthanos.sidecar.store;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32C;

/**
 * Reads the frames of a {@code STREAMED_XOR_CHUNKS} remote read answer (spec: prometheus-formats
 * 9): {@code uvarint length | CRC32C(message), 4 bytes big-endian | message}. Each frame gets its
 * own array (chunk data handed on is a view of it). Frames longer than the limit and checksum
 * mismatches fail with the frame's position in the stream.
 */
final class ChunkedFrames implements Closeable {
  /** Prometheus' {@code remote.DefaultChunkedReadLimit}: 50 MiB. */
  static final int DEFAULT_MAX_FRAME_BYTES = 50 * 1024 * 1024;

  private final InputStream in;
  private final int maxFrameBytes;
  private final CRC32C crc = new CRC32C();
  private long offset;
  private int frames;

  ChunkedFrames(InputStream in, int maxFrameBytes) {
    // The HTTP body stream is read a byte at a time for lengths: buffer it.
    this.in = in instanceof BufferedInputStream ? in : new BufferedInputStream(in, 64 * 1024);
    this.maxFrameBytes = maxFrameBytes;
  }

  /** Frames read so far. */
  int frames() {
    return frames;
  }

  /** The next frame's message, or null at the end of the stream. */
  byte[] next() throws IOException {
    long frameStart = offset;
    long len = 0;
    int shift = 0;
    int i = 0;
    while (true) {
      int b = in.read();
      if (b < 0) {
        if (i == 0) {
          return null;
        }
        throw new EOFException(
            "chunked remote read: stream ends inside a frame length at offset " + frameStart);
      }
      offset++;
      if (i == 9 && b > 1) {
        throw new IOException(
            "chunked remote read: frame length overflows a uvarint at offset " + frameStart);
      }
      len |= (long) (b & 0x7f) << shift;
      i++;
      if (b < 0x80) {
        break;
      }
      shift += 7;
    }
    if (len > maxFrameBytes) {
      throw new IOException(
          "chunked remote read: frame at offset "
              + frameStart
              + " is "
              + len
              + " bytes, over the limit of "
              + maxFrameBytes);
    }
    byte[] sum = in.readNBytes(4);
    if (sum.length < 4) {
      throw new EOFException(
          "chunked remote read: stream ends inside the checksum of the frame at offset "
              + frameStart);
    }
    byte[] msg = in.readNBytes((int) len);
    if (msg.length < len) {
      throw new EOFException(
          "chunked remote read: frame at offset "
              + frameStart
              + " is cut short: expected "
              + len
              + " bytes, got "
              + msg.length);
    }
    offset += 4 + len;
    long expected =
        ((sum[0] & 0xffL) << 24)
            | ((sum[1] & 0xffL) << 16)
            | ((sum[2] & 0xffL) << 8)
            | (sum[3] & 0xffL);
    crc.reset();
    crc.update(msg, 0, msg.length);
    if (crc.getValue() != expected) {
      throw new IOException(
          String.format(
              "chunked remote read: checksum mismatch in the frame at offset %d: expected %08x,"
                  + " actual %08x",
              frameStart, expected, crc.getValue()));
    }
    frames++;
    return msg;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
