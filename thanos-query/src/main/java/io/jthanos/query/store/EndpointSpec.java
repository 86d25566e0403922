package io.jthanos.query.store;

import io.jthanos.storeapi.StoreClientConfig;

/**
 * One configured endpoint: an address ({@code host:port} or a DNS name with a {@code dns+}-style
 * prefix), whether it is strict (always queried, even when its Info fails) or a group (one logical
 * endpoint whose resolved addresses are used round-robin), and how to talk to it.
 */
public record EndpointSpec(
    String address, boolean strict, boolean group, StoreClientConfig clientConfig) {
  public EndpointSpec {
    if (address == null || address.isBlank()) {
      throw new IllegalArgumentException("endpoint address must not be empty");
    }
  }

  public EndpointSpec withAddress(String a) {
    return new EndpointSpec(a, strict, group, clientConfig);
  }
}
