package io.jthanos.tsdb.storage;

/** Opens queriers over a time range [mint, maxt] (ms, inclusive). PromQL evaluates over this. */
@FunctionalInterface
public interface Queryable {
  Querier querier(long mint, long maxt);
}
