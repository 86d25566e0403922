package io.jthanos.server.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback's start-up configuration (found through {@code META-INF/services}): logfmt at info on
 * stderr, so lines logged before the flags are parsed already look like Thanos'. An explicit
 * logback configuration ({@code -Dlogback.configurationFile}, {@code logback-test.xml} or {@code
 * logback.xml} on the classpath) takes precedence, so modules' test logging setups keep working.
 */
public final class DefaultLogConfigurator extends ContextAwareBase implements Configurator {
  @Override
  public ExecutionStatus configure(LoggerContext context) {
    ClassLoader cl = DefaultLogConfigurator.class.getClassLoader();
    if (System.getProperty("logback.configurationFile") != null
        || cl.getResource("logback-test.xml") != null
        || cl.getResource("logback.xml") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    Logging.configure(context, LogLevel.INFO, LogFormat.LOGFMT);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
