package io.jthanos.ui.blocks;

import com.fasterxml.jackson.core.JsonGenerator;
import io.jthanos.block.Blocks;
import io.jthanos.block.metadata.Meta;
import io.jthanos.block.metadata.NoCompactMark;
import io.jthanos.objstore.Bucket;
import io.jthanos.server.api.Api;
import io.jthanos.server.api.ApiException;
import io.jthanos.server.api.ApiResult;
import io.jthanos.server.api.ErrorType;
import io.jthanos.server.http.Router;
import io.jthanos.tsdb.block.Ulid;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Thanos' blocks API for the block viewer (compactor, store gateway, {@code tools bucket web}):
 *
 * <ul>
 *   <li>{@code GET /api/v1/blocks[?view=loaded]}: {@code {label, blocks: [meta.json...],
 *       refreshedAt, err}}; the global view is every block of the bucket, the loaded view what the
 *       component works on.
 *   <li>{@code POST /api/v1/blocks/mark} with form {@code id=<ULID>&action=DELETION|NO_COMPACTION
 *       &detail=...}: writes a deletion or no-compact mark (reason {@code manual}); refused with
 *       {@code bad_data} when admin operations are disabled.
 * </ul>
 */
public final class BlocksApi {
  private static final Logger LOG = LoggerFactory.getLogger(BlocksApi.class);

  /** One view: the blocks and when (and how) it was last refreshed. */
  private record Info(List<Meta> blocks, Instant refreshedAt, String err) {}

  private final String label;
  private final Bucket bkt;
  private final boolean disableAdminOperations;
  private final Clock clock;
  private volatile Info global = new Info(List.of(), null, null);
  private volatile Info loaded = new Info(List.of(), null, null);

  /**
   * @param label {@code --bucket-web-label}: the external label used as timeline title ("" = all
   *     labels)
   * @param bkt the bucket marks are written to
   */
  public BlocksApi(String label, Bucket bkt, boolean disableAdminOperations, Clock clock) {
    this.label = label == null ? "" : label;
    this.bkt = bkt;
    this.disableAdminOperations = disableAdminOperations;
    this.clock = clock;
  }

  /** Replaces the global view; on error the previous blocks stay and the error is shown. */
  public void setGlobal(Collection<Meta> blocks, Throwable err) {
    global = next(global, blocks, err);
  }

  /** Replaces the loaded view; on error the previous blocks stay and the error is shown. */
  public void setLoaded(Collection<Meta> blocks, Throwable err) {
    loaded = next(loaded, blocks, err);
  }

  private Info next(Info prev, Collection<Meta> blocks, Throwable err) {
    if (err != null) {
      return new Info(prev.blocks(), clock.instant(), String.valueOf(err.getMessage()));
    }
    List<Meta> sorted = new ArrayList<>(blocks);
    sorted.sort(Comparator.comparing(Meta::ulid));
    return new Info(List.copyOf(sorted), clock.instant(), null);
  }

  /** Registers the endpoints under {@code prefix} ("" = root). */
  public void register(Router r, Api api, String prefix) {
    r.get(
        prefix + "/api/v1/blocks",
        "blocks",
        api.wrap(
            req -> {
              Info i = "loaded".equals(req.param("view")) ? loaded : global;
              return ApiResult.of((ApiResult.JsonWriter) g -> write(g, i));
            }));
    r.post(
        prefix + "/api/v1/blocks/mark",
        "blocks_mark",
        api.wrap(
            req -> {
              mark(req.param("id"), req.param("action"), req.param("detail"));
              return ApiResult.of(null);
            }));
  }

  private void write(JsonGenerator g, Info i) throws IOException {
    g.writeStartObject();
    g.writeStringField("label", label);
    g.writeFieldName("blocks");
    g.writeStartArray();
    for (Meta m : i.blocks()) {
      Api.JSON.writeTree(g, m.toBlockMeta().toJsonTree());
    }
    g.writeEndArray();
    g.writeStringField(
        "refreshedAt",
        i.refreshedAt() == null ? "0001-01-01T00:00:00Z" : i.refreshedAt().toString());
    if (i.err() == null) {
      g.writeNullField("err");
    } else {
      g.writeStringField("err", i.err());
    }
    g.writeEndObject();
  }

  private void mark(String id, String action, String detail) throws ApiException, IOException {
    if (disableAdminOperations) {
      throw new ApiException(ErrorType.BAD_DATA, "Admin operations are disabled");
    }
    if (id == null || id.isEmpty()) {
      throw new ApiException(ErrorType.BAD_DATA, "ID cannot be empty");
    }
    if (action == null || action.isEmpty()) {
      throw new ApiException(ErrorType.BAD_DATA, "Action cannot be empty");
    }
    Ulid ulid;
    try {
      ulid = Ulid.parse(id);
    } catch (IllegalArgumentException e) {
      throw new ApiException(
          ErrorType.BAD_DATA, "ULID \"" + id + "\" is not valid: " + e.getMessage());
    }
    String d = detail == null ? "" : detail;
    switch (action) {
      case "DELETION" -> Blocks.markForDeletion(bkt, ulid, d, clock);
      case "NO_COMPACTION" ->
          Blocks.markForNoCompact(bkt, ulid, NoCompactMark.REASON_MANUAL, d, clock);
      default -> throw new ApiException(ErrorType.BAD_DATA, "not supported marker " + action);
    }
    LOG.atInfo().addKeyValue("block", ulid).addKeyValue("action", action).log("block marked");
  }
}
