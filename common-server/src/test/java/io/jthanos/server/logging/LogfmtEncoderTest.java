package io.jthanos.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LogfmtEncoderTest {

  private static ILoggingEvent log(java.util.function.Consumer<Logger> action) {
    LoggerContext ctx = new LoggerContext();
    ListAppender<ILoggingEvent> list =
        new ListAppender<>() {
          @Override
          protected void append(ILoggingEvent e) {
            e.getCallerData(); // computed on the logging thread, as the console appender does
            super.append(e);
          }
        };
    list.setContext(ctx);
    list.start();
    Logger logger = ctx.getLogger("test");
    logger.setLevel(Level.DEBUG);
    logger.addAppender(list);
    action.accept(logger);
    return list.list.get(0);
  }

  @Test
  void thanosKeyOrderAndQuoting() {
    ILoggingEvent e =
        log(
            l ->
                l.atInfo()
                    .addKeyValue("block", "01J")
                    .addKeyValue("path", "/a b")
                    .addKeyValue("q", "x=\"y\"")
                    .addKeyValue("empty", "")
                    .log("upload new block"));
    String line = new String(new LogfmtEncoder().encode(e), StandardCharsets.UTF_8);
    assertThat(line)
        .matches(
            "ts=\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z caller=LogfmtEncoderTest\\.java:\\d+ level=info"
                + " msg=\"upload new block\" block=01J path=\"/a b\" q=\"x=\\\\\"y\\\\\"\" empty=\n");
  }

  @Test
  void errorsBecomeErrKey() {
    ILoggingEvent e =
        log(
            l ->
                l.atWarn()
                    .setCause(new IllegalStateException("outer", new RuntimeException("root")))
                    .log("sync failed"));
    String line = new String(new LogfmtEncoder().encode(e), StandardCharsets.UTF_8);
    assertThat(line).contains(" level=warn msg=\"sync failed\" err=\"outer: root\"\n");
  }

  @Test
  void jsonHasTheSameKeys() {
    ILoggingEvent e = log(l -> l.atDebug().addKeyValue("k", 1).log("m"));
    String json = new String(new JsonLogEncoder().encode(e), StandardCharsets.UTF_8);
    assertThat(json)
        .matches(
            "\\{\"ts\":\"[^\"]+\",\"caller\":\"LogfmtEncoderTest.java:\\d+\",\"level\":\"debug\","
                + "\"msg\":\"m\",\"k\":\"1\"}\n");
  }

  @Test
  void flagValues() {
    assertThat(LogLevel.parse("warn")).isEqualTo(LogLevel.WARN);
    assertThat(LogFormat.parse("json")).isEqualTo(LogFormat.JSON);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> LogLevel.parse("verbose"))
        .hasMessageContaining("verbose");
  }
}
