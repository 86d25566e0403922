package io.jthanos.proto;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;

/** Decodes golden bytes and checks that re-encoding gives the same bytes. */
final class Golden {
  private Golden() {}

  static <T extends Message> T decode(byte[] golden, Parser<T> parser) {
    T m;
    try {
      m = parser.parseFrom(golden);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("golden bytes do not decode", e);
    }
    assertThat(m.getUnknownFields().asMap()).as("fields unknown to the schema").isEmpty();
    assertThat(m.toByteArray()).as("re-encoded bytes").isEqualTo(golden);
    return m;
  }
}
