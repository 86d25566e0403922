package io.jthanos.block.metadata;

/** Values of meta.json's {@code thanos.source}: which program uploaded or produced the block. */
public final class Sources {
  public static final String UNKNOWN = "";
  public static final String SIDECAR = "sidecar";
  public static final String RECEIVE = "receive";
  public static final String COMPACTOR = "compactor";
  public static final String COMPACTOR_REPAIR = "compactor.repair";
  public static final String RULER = "ruler";
  public static final String BUCKET_REPAIR = "bucket.repair";
  public static final String BUCKET_REWRITE = "bucket.rewrite";
  public static final String BUCKET_UPLOAD = "bucket.upload";
  public static final String TEST = "test";

  private Sources() {}
}
