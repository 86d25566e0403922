package io.jthanos.server.example;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.jthanos.config.ConfigMapper;
import io.jthanos.server.Component;
import io.jthanos.server.ComponentCommand;
import io.jthanos.server.ComponentMain;
import io.jthanos.server.api.ApiResult;
import io.jthanos.server.flags.GrpcServerOptions;
import io.jthanos.server.flags.HttpServerOptions;
import io.jthanos.server.flags.ObjstoreOptions;
import io.jthanos.server.run.RunGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A component built only from common-server, used by the process tests (and as the smallest example
 * of a component): HTTP and gRPC servers from the shared flags, a strictly bound {@code
 * --objstore.config}, and readiness once {@code --example.ready-file} exists.
 */
@Command(
    name = "example",
    description = "Example component exercising the shared process runtime (test only).")
public final class ExampleCommand extends ComponentCommand {

  /** The part of a bucket config this example understands. */
  public record BucketConfig(
      @JsonProperty("type") String type, @JsonProperty("config") FsConfig config) {}

  public record FsConfig(@JsonProperty("directory") String directory) {}

  @Mixin HttpServerOptions http;
  @Mixin GrpcServerOptions grpc;
  @Mixin ObjstoreOptions objstore;

  @Option(
      names = "--example.ready-file",
      defaultValue = "",
      showDefaultValue = Visibility.NEVER,
      paramLabel = "<file>",
      description = "Become ready once this file exists (ready at once when empty).")
  String readyFile;

  public static void main(String[] args) {
    ComponentMain.main(new ExampleCommand(), args);
  }

  @Override
  protected String component() {
    return "example";
  }

  @Override
  protected void compose(Component c) {
    BucketConfig bucket =
        objstore
            .config()
            .read()
            .map(yaml -> ConfigMapper.bindYaml(yaml, BucketConfig.class, "objstore config"))
            .orElse(new BucketConfig("", new FsConfig("")));
    c.router()
        .get(
            "/api/v1/example/bucket",
            "example_bucket",
            c.api()
                .wrap(
                    req ->
                        ApiResult.of(
                            Map.of(
                                "type",
                                bucket.type(),
                                "directory",
                                bucket.config() == null ? "" : bucket.config().directory()))));
    c.http(http);
    c.grpc(grpc, List.of());
    c.add("readiness", new ReadyWhenFileExists(c, readyFile));
  }

  /** Marks the component ready when the file appears; runs until interrupted. */
  private static final class ReadyWhenFileExists implements RunGroup.Actor {
    private final Component c;
    private final String file;
    private final CountDownLatch stop = new CountDownLatch(1);

    ReadyWhenFileExists(Component c, String file) {
      this.c = c;
      this.file = file;
    }

    @Override
    public void run() throws InterruptedException {
      while (!file.isEmpty() && !Files.exists(Path.of(file))) {
        if (stop.await(20, TimeUnit.MILLISECONDS)) {
          return;
        }
      }
      c.probes().ready();
      stop.await();
    }

    @Override
    public void interrupt(Throwable cause) {
      stop.countDown();
    }
  }
}
