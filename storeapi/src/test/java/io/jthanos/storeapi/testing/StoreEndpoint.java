package io.jthanos.storeapi.testing;

import io.jthanos.storeapi.StoreClient;
import io.jthanos.storeapi.StoreClientConfig;

/** A running StoreAPI (+ Info) endpoint under test. Closing it stops it and its clients. */
public interface StoreEndpoint extends AutoCloseable {

  /** A client with the given configuration (closed with the endpoint). */
  StoreClient client(StoreClientConfig config);

  default StoreClient client() {
    return client(StoreClientConfig.DEFAULT);
  }

  @Override
  void close();
}
