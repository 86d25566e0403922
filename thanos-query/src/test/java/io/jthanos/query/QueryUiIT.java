package io.jthanos.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.jthanos.storeapi.testing.ContractData;
import io.jthanos.storeapi.testing.LoopbackServer;
import io.jthanos.testing.Ports;
import io.jthanos.testing.browser.HeadlessChromium;
import io.jthanos.testing.process.JavaProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/** The querier's UI in headless Chromium: queries, table, graph drawn, endpoints page. */
class QueryUiIT {
  static LoopbackServer a;
  static LoopbackServer b;
  static JavaProcess querier;
  static HeadlessChromium browser;
  static String base;

  @TempDir static Path tmp;

  @BeforeAll
  static void start() {
    browser = HeadlessChromium.start();
    a = QueryHaIT.endpoint("A");
    b = QueryHaIT.endpoint("B");
    int http = Ports.freePort();
    base = "http://127.0.0.1:" + http;
    querier =
        JavaProcess.main("io.jthanos.query.QueryMain")
            .args(
                "--http-address=127.0.0.1:" + http,
                "--grpc-address=127.0.0.1:" + Ports.freePort(),
                "--endpoint=" + a.target(),
                "--endpoint=" + b.target(),
                "--query.replica-label=replica",
                "--endpoint.info-timeout=1s")
            .logTo(tmp.resolve("querier.log"))
            .start();
    querier.awaitHttp(base + "/-/ready", 200, Duration.ofSeconds(60));
    Awaits.healthyEndpoints(base, 2);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    if (querier != null) {
      querier.close();
    }
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
  }

  static ChromeDriver d() {
    return browser.driver();
  }

  static List<WebElement> rows(String css) {
    return d().findElements(By.cssSelector(css));
  }

  @Test
  void graphPageRunsQueriesAndDrawsTheGraph() {
    d().get(base + "/graph?range=1h&end=" + ContractData.T_END / 1000);
    WebElement expr = d().findElement(By.id("expr"));
    // Autocomplete of metric names from the label values API.
    expr.sendKeys("contract_re");
    browser
        .waitFor(Duration.ofSeconds(20))
        .until(
            x -> d().findElement(By.id("suggest")).getText().contains("contract_requests_total"));
    expr.clear();
    expr.sendKeys("contract_up");
    d().findElement(By.id("execute")).click();
    browser.waitFor(Duration.ofSeconds(30)).until(x -> rows("#results table tbody tr").size() == 3);
    String table = d().findElement(By.id("results")).getText();
    assertThat(table).contains("cluster=\"eu1\"").doesNotContain("replica=");

    // Without deduplication both replicas show.
    d().findElement(By.id("dedup")).click();
    d().findElement(By.id("execute")).click();
    browser.waitFor(Duration.ofSeconds(30)).until(x -> rows("#results table tbody tr").size() == 6);
    d().findElement(By.id("dedup")).click();

    d().findElement(By.id("tab-graph")).click();
    browser
        .waitFor(Duration.ofSeconds(30))
        .until(x -> !d().findElements(By.cssSelector("canvas#graph")).isEmpty());
    // Count pixels in the first series' colour (#2563eb): the line must have been drawn.
    Object drawn =
        d().executeScript(
                "const c = document.querySelector('canvas#graph');"
                    + "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                    + "let n = 0;"
                    + "for (let i = 0; i < d.length; i += 4) {"
                    + "  if (Math.abs(d[i] - 37) < 40 && Math.abs(d[i+1] - 99) < 40"
                    + "      && Math.abs(d[i+2] - 235) < 40 && d[i+3] > 100) n++;"
                    + "}"
                    + "return n;");
    assertThat(((Number) drawn).longValue()).isGreaterThan(200);
    assertThat(d().findElement(By.id("results")).getText()).contains("contract_up");

    // Enter in the expression box runs the query; errors are shown.
    expr = d().findElement(By.id("expr"));
    expr.clear();
    expr.sendKeys("sum(", Keys.ENTER);
    browser
        .waitFor(Duration.ofSeconds(30))
        .until(x -> d().findElement(By.id("messages")).getText().contains("Error executing query"));
  }

  @Test
  void storesPageListsBothEndpoints() {
    d().get(base + "/stores");
    browser
        .waitFor(Duration.ofSeconds(30))
        .until(x -> rows("#stores-sidecar tbody tr").size() == 2);
    String text = d().findElement(By.id("stores-sidecar")).getText();
    assertThat(text).contains(a.target(), b.target(), "UP", "cluster=\"eu1\"");
  }

  @Test
  void alertsRulesFlagsAndStatusPages() {
    d().get(base + "/alerts");
    browser.waitFor(Duration.ofSeconds(30)).until(x -> rows("#app table tbody tr").size() == 1);
    assertThat(d().findElement(By.id("app")).getText()).contains("HighErrors", "FIRING");
    d().get(base + "/rules");
    browser.waitFor(Duration.ofSeconds(30)).until(x -> rows("#app table tbody tr").size() == 2);
    assertThat(d().findElement(By.id("app")).getText()).contains("job:errors:rate5m");
    d().get(base + "/flags");
    browser.waitFor(Duration.ofSeconds(30)).until(x -> rows("#app table tbody tr").size() > 20);
    assertThat(d().findElement(By.id("app")).getText()).contains("--query.replica-label");
    d().get(base + "/status");
    browser.waitFor(Duration.ofSeconds(30)).until(x -> rows("#app table tbody tr").size() > 5);
    assertThat(d().findElement(By.id("app")).getText()).contains("version");
  }
}
