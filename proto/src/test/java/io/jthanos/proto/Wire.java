package io.jthanos.proto;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes protobuf wire format by hand from field numbers (key = field << 3 | wire type, varints,
 * zig-zag, little-endian fixed64, length-delimited), independently of protobuf-java's encoder, so
 * golden tests check the generated code against the spec's field numbers rather than against
 * itself.
 */
final class Wire {
  private static final int VARINT = 0;
  private static final int I64 = 1;
  private static final int LEN = 2;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  static Wire msg() {
    return new Wire();
  }

  static byte[] hex(String s) {
    String h = s.replaceAll("\\s+", "");
    byte[] b = new byte[h.length() / 2];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
    }
    return b;
  }

  private void key(int field, int wireType) {
    uvarint(((long) field << 3) | wireType);
  }

  private void uvarint(long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  private void le64(long v) {
    for (int i = 0; i < 8; i++) {
      out.write((int) (v >>> (8 * i)) & 0xFF);
    }
  }

  /** int32/int64/uint32/uint64/bool/enum: plain varint (negative int64 takes ten bytes). */
  Wire varint(int field, long v) {
    key(field, VARINT);
    uvarint(v);
    return this;
  }

  /** sint32/sint64: zig-zag varint. */
  Wire sint(int field, long v) {
    return varint(field, (v << 1) ^ (v >> 63));
  }

  Wire dbl(int field, double v) {
    key(field, I64);
    le64(Double.doubleToRawLongBits(v));
    return this;
  }

  Wire bytes(int field, byte[] b) {
    key(field, LEN);
    uvarint(b.length);
    out.writeBytes(b);
    return this;
  }

  Wire str(int field, String s) {
    return bytes(field, s.getBytes(StandardCharsets.UTF_8));
  }

  Wire msg(int field, Wire m) {
    return bytes(field, m.bytes());
  }

  /** Packed repeated varints (proto3's default for repeated scalars). */
  Wire packed(int field, long... vs) {
    Wire inner = new Wire();
    for (long v : vs) {
      inner.uvarint(v);
    }
    return bytes(field, inner.bytes());
  }

  Wire packedSint(int field, long... vs) {
    Wire inner = new Wire();
    for (long v : vs) {
      inner.uvarint((v << 1) ^ (v >> 63));
    }
    return bytes(field, inner.bytes());
  }

  Wire packedDouble(int field, double... vs) {
    Wire inner = new Wire();
    for (double v : vs) {
      inner.le64(Double.doubleToRawLongBits(v));
    }
    return bytes(field, inner.bytes());
  }

  byte[] bytes() {
    return out.toByteArray();
  }
}
