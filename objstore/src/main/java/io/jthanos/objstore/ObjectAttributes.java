package io.jthanos.objstore;

import java.time.Instant;

/** What a bucket knows about one object. */
public record ObjectAttributes(long size, Instant lastModified) {}
