package io.jthanos.sidecar;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Gives a test class the run's shared {@link TestPrometheus} ({@code @RegisterExtension}). */
public final class Servers implements BeforeAllCallback {
  private TestPrometheus servers;

  @Override
  public void beforeAll(ExtensionContext ctx) {
    servers = TestPrometheus.get(ctx);
  }

  public TestPrometheus get() {
    if (servers == null) {
      throw new IllegalStateException("extension not initialised yet");
    }
    return servers;
  }
}
