package io.jthanos.server;

import io.jthanos.config.ConfigException;
import io.jthanos.server.flags.LoggingOptions;
import io.jthanos.server.flags.TracingOptions;
import io.jthanos.server.logging.Logging;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Base of every component's command. Subclasses are picocli {@code @Command}s that declare their
 * flags (mixins for HTTP, gRPC, objstore...) and implement {@link #compose}: turn flags into config
 * records (throwing {@link ConfigException} on bad input, which exits 1 naming the key), then add
 * servers and services to the {@link Component}. Logging and tracing flags, {@code --version} and
 * {@code --help} come from here. Run it with {@link ComponentMain#main}.
 */
public abstract class ComponentCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ComponentCommand.class);

  @Spec protected CommandSpec spec;

  @Mixin public LoggingOptions logging;

  @Mixin public TracingOptions tracing;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show context-sensitive help.")
  boolean help;

  @Option(names = "--version", versionHelp = true, description = "Show application version.")
  boolean version;

  /** The component type: {@code sidecar}, {@code store}, {@code query}, ... */
  protected abstract String component();

  /** Whether API responses carry CORS headers ({@code --web.disable-cors} turns them off). */
  protected boolean cors() {
    return true;
  }

  /** Validates flags into configs and adds servers and services to {@code c}. */
  protected abstract void compose(Component c) throws Exception;

  @Override
  public final Integer call() {
    Logging.configure(logging.level, logging.format);
    try (Component c = new Component(component(), flagValues(), cors())) {
      try {
        tracing.apply();
        compose(c);
      } catch (ConfigException e) {
        LOG.atError()
            .addKeyValue("err", e.getMessage())
            .addKeyValue("key", e.key() == null ? "" : e.key())
            .log("invalid configuration");
        return 1;
      }
      LOG.atInfo()
          .addKeyValue("component", component())
          .addKeyValue("version", c.buildInfo().version())
          .log("starting component");
      c.run();
      LOG.atInfo().log("exiting");
      return 0;
    } catch (ConfigException e) {
      LOG.atError()
          .addKeyValue("err", e.getMessage())
          .addKeyValue("key", e.key() == null ? "" : e.key())
          .log("invalid configuration");
      return 1;
    } catch (Exception e) {
      LOG.atError().setCause(e).log("running command failed");
      return 1;
    }
  }

  /** Every flag (without dashes) and its effective value, as Thanos' /api/v1/status/flags. */
  public Map<String, String> flagValues() {
    Map<String, String> m = new TreeMap<>();
    if (spec == null) {
      return m;
    }
    for (OptionSpec o : spec.options()) {
      if (o.usageHelp() || o.versionHelp()) {
        continue;
      }
      String name = o.longestName().replaceFirst("^-+", "");
      String value;
      if (!o.stringValues().isEmpty()) {
        value = String.join(",", o.stringValues());
      } else if (o.defaultValue() != null) {
        value = o.defaultValue();
      } else {
        Object v = o.getValue();
        value = v == null ? "" : String.valueOf(v);
      }
      m.put(name, value);
    }
    return m;
  }
}
