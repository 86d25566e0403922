package io.jthanos.tools.bucket;

import io.jthanos.block.fetcher.DeduplicateFilter;
import io.jthanos.block.fetcher.FetchResult;
import io.jthanos.block.fetcher.LabelShardedFilter;
import io.jthanos.block.fetcher.MetaFetcher;
import io.jthanos.block.fetcher.TimePartitionFilter;
import io.jthanos.config.ConfigException;
import io.jthanos.config.TimeOrDuration;
import io.jthanos.objstore.Bucket;
import io.jthanos.server.Component;
import io.jthanos.server.api.ApiResult;
import io.jthanos.server.flags.DurationConverter;
import io.jthanos.server.flags.HttpServerOptions;
import io.jthanos.server.flags.ObjstoreOptions;
import io.jthanos.server.http.Router;
import io.jthanos.server.run.RunGroup;
import io.jthanos.ui.blocks.BlocksApi;
import io.jthanos.ui.blocks.BlocksUi;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code thanos tools bucket web}: the block viewer over a bucket (blocks on a timeline per stream
 * and resolution, details and marking on click), refreshed every {@code --refresh}.
 */
@Command(name = "web", description = "Web interface for remote storage bucket.")
public final class WebCommand extends ToolCommand {
  private static final Logger LOG = LoggerFactory.getLogger(WebCommand.class);

  @Mixin HttpServerOptions http;
  @Mixin ObjstoreOptions objstore;

  @Option(
      names = "--web.route-prefix",
      defaultValue = "",
      paramLabel = "<prefix>",
      description =
          "Prefix for API and UI endpoints. This allows thanos UI to be served on a sub-path."
              + " Defaults to the value of --web.external-prefix. This option is analogous to"
              + " --web.route-prefix of Prometheus.")
  String routePrefix;

  @Option(
      names = "--web.external-prefix",
      defaultValue = "",
      paramLabel = "<prefix>",
      description =
          "Static prefix for all HTML links and redirect URLs in the bucket web UI interface."
              + " Actual endpoints are still served on / or the web.route-prefix. This allows"
              + " thanos bucket web UI to be served behind a reverse proxy that strips a URL"
              + " sub-path.")
  String externalPrefix;

  @Option(
      names = "--web.prefix-header",
      defaultValue = "",
      paramLabel = "<header>",
      description =
          "Name of HTTP request header used for dynamic prefixing of UI links and redirects. This"
              + " option is ignored if web.external-prefix argument is set. Security risk: enable"
              + " this option only if a reverse proxy in front of thanos is resetting the header.")
  String prefixHeader;

  @Option(
      names = "--web.disable-cors",
      negatable = true,
      defaultValue = "false",
      fallbackValue = "true",
      description =
          "Whether to disable CORS headers to be set by Thanos. By default Thanos sets CORS"
              + " headers to be allowed by all.")
  boolean disableCors;

  @Option(
      names = "--refresh",
      defaultValue = "30m",
      converter = DurationConverter.class,
      paramLabel = "<duration>",
      description = "Refresh interval to download metadata from remote storage")
  Duration refresh;

  @Option(
      names = "--timeout",
      defaultValue = "5m",
      converter = DurationConverter.class,
      paramLabel = "<duration>",
      description = "Timeout to download metadata from remote storage")
  Duration timeout;

  @Option(
      names = "--label",
      defaultValue = "",
      paramLabel = "<label>",
      description = "External block label to use as group title")
  String label;

  @Option(
      names = "--disable-admin-operations",
      negatable = true,
      defaultValue = "false",
      fallbackValue = "true",
      description =
          "Disable UI/API admin operations like marking blocks for deletion and no compaction.")
  boolean disableAdminOperations;

  @Option(
      names = "--min-time",
      defaultValue = "0000-01-01T00:00:00Z",
      paramLabel = "<time>",
      description =
          "Start of time range limit to serve. Thanos tool bucket web will serve only blocks, which"
              + " happened later than this value. Option can be a constant time in RFC3339 format"
              + " or time duration relative to current time, such as -1d or 2h45m. Valid duration"
              + " units are ms, s, m, h, d, w, y.")
  String minTime;

  @Option(
      names = "--max-time",
      defaultValue = "9999-12-31T23:59:59Z",
      paramLabel = "<time>",
      description =
          "End of time range limit to serve. Thanos tool bucket web will serve only blocks, which"
              + " happened earlier than this value. Option can be a constant time in RFC3339 format"
              + " or time duration relative to current time, such as -1d or 2h45m. Valid duration"
              + " units are ms, s, m, h, d, w, y.")
  String maxTime;

  @Mixin SelectorOptions selector;

  @Override
  protected String component() {
    return "tools";
  }

  @Override
  protected boolean cors() {
    return !disableCors;
  }

  @Override
  protected void compose(Component c) throws Exception {
    TimeOrDuration min;
    TimeOrDuration max;
    try {
      min = TimeOrDuration.parse(minTime);
      max = TimeOrDuration.parse(maxTime);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage(), "min-time");
    }
    var relabel = selector.configs();
    String route = routePrefix.isEmpty() ? externalPrefix : routePrefix;
    route = "/" + route.replaceAll("^/+|/+$", "");
    if (route.equals("/")) {
      route = "";
    }
    if (refresh.compareTo(Duration.ofMinutes(5)) < 0) {
      LOG.atWarn().log("Refreshing more often than 5m could lead to large data transfers");
    }
    if (timeout.compareTo(Duration.ofMinutes(1)) < 0) {
      LOG.atWarn().log("Timeout less than 1m could lead to frequent failures");
    }
    if (refresh.compareTo(timeout.multipliedBy(2)) < 0) {
      LOG.atWarn().log("Refresh interval should be at least 2 times the timeout");
    }
    Bucket bkt = bucket(c, objstore, "bucket");
    Clock clock = Clock.systemUTC();
    BlocksApi api = new BlocksApi(label, bkt, disableAdminOperations, clock);
    Router r = c.router();
    api.register(r, c.api(), route);
    if (!route.isEmpty()) {
      var flags = flagValues();
      r.get(
          route + "/api/v1/status/flags", "status_flags", c.api().wrap(req -> ApiResult.of(flags)));
      r.get(
          route + "/api/v1/status/buildinfo",
          "status_build_info",
          c.api().wrap(req -> ApiResult.of(c.buildInfo().apiData())));
    }
    new BlocksUi("tools", externalPrefix, prefixHeader).register(r, route);
    MetaFetcher fetcher =
        MetaFetcher.builder(bkt)
            .registry(c.registry())
            .filters(
                List.of(
                    new TimePartitionFilter(min, max, clock),
                    new LabelShardedFilter(relabel),
                    new DeduplicateFilter(32)))
            .build();
    fetcher.onChange((FetchResult res) -> api.setGlobal(res.metas().values(), res.error()));
    c.http(http);
    c.add("refresh", new Refresh(fetcher, api));
    c.probes().ready();
  }

  private final class Refresh implements RunGroup.Actor {
    private final MetaFetcher fetcher;
    private final BlocksApi api;
    private final CountDownLatch stop = new CountDownLatch(1);

    Refresh(MetaFetcher fetcher, BlocksApi api) {
      this.fetcher = fetcher;
      this.api = api;
    }

    @Override
    public void run() throws Exception {
      while (stop.getCount() > 0) {
        Duration wait = refresh;
        try {
          fetcher.fetch();
        } catch (Exception e) {
          api.setGlobal(List.of(), e);
          LOG.atWarn().setCause(e).log("refreshing blocks failed; retrying in 1m");
          wait = Duration.ofMinutes(1);
        }
        if (stop.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
          return;
        }
      }
    }

    @Override
    public void interrupt(Throwable cause) {
      stop.countDown();
    }
  }
}
