package io.jthanos.testing.objstore;

import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;
import java.util.UUID;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * An S3 server in this JVM (S3Proxy over a jclouds blob store) on 127.0.0.1 and a free port, with
 * AWS v2/v4 authentication. Use {@link #startInMemory()} for tests and {@link #startOnDisk(Path)}
 * for large objects (benchmarks). Buckets are path-style.
 *
 * <p>Needs {@code org.gaul:s3proxy} on the test classpath: test-support only declares it {@code
 * provided}, so modules that use this fixture add it in test scope.
 */
public final class S3ProxyServer implements AutoCloseable {
  public static final String ACCESS_KEY = "jthanos-access";
  public static final String SECRET_KEY = "jthanos-secret-key";

  private final BlobStoreContext context;
  private final S3Proxy proxy;

  private S3ProxyServer(String provider, Properties overrides) throws Exception {
    context =
        ContextBuilder.newBuilder(provider)
            .credentials("identity", "credential")
            .overrides(overrides)
            .build(BlobStoreContext.class);
    proxy =
        S3Proxy.builder()
            .blobStore(context.getBlobStore())
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .build();
    proxy.start();
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!"STARTED".equals(proxy.getState())) {
      if (System.nanoTime() > deadline) {
        close();
        throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
      }
      Thread.onSpinWait();
    }
  }

  /** Objects kept in memory. */
  public static S3ProxyServer startInMemory() throws Exception {
    return new S3ProxyServer("transient", new Properties());
  }

  /** Objects kept as files under {@code dir} (jclouds "filesystem" store). */
  public static S3ProxyServer startOnDisk(Path dir) throws Exception {
    Properties p = new Properties();
    p.setProperty("jclouds.filesystem.basedir", dir.toString());
    return new S3ProxyServer("filesystem", p);
  }

  public int port() {
    return proxy.getPort();
  }

  /** {@code 127.0.0.1:<port>}, the form Thanos' {@code endpoint:} key takes. */
  public String hostPort() {
    return "127.0.0.1:" + port();
  }

  public String endpoint() {
    return "http://" + hostPort();
  }

  /** The store behind the server, to create buckets or look at what was written. */
  public BlobStore blobStore() {
    return context.getBlobStore();
  }

  /** Creates a bucket with a fresh name and returns the name. */
  public String createBucket() {
    String name = "b-" + UUID.randomUUID().toString().substring(0, 13);
    blobStore().createContainerInLocation(null, name);
    return name;
  }

  @Override
  public void close() throws Exception {
    try {
      proxy.stop();
    } finally {
      context.close();
    }
  }
}
