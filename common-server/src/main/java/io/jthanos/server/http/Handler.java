package io.jthanos.server.http;

/**
 * Handles one request. Runs on its own virtual thread, so it may block (read a bucket, wait on a
 * query); it must not keep references to the request after returning.
 */
@FunctionalInterface
public interface Handler {
  Response handle(Request request) throws Exception;
}
