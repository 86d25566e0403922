package io.jthanos.testing.browser;

import io.jthanos.testing.Peers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through its chromium-driver with Selenium, for UI tests: no
 * downloads (Selenium Manager is bypassed), a private profile directory, sandbox off (containers),
 * a fixed window size. Skips the test (or fails under {@code JTHANOS_REQUIRE_PEERS=1}) when the
 * browser or driver is missing. Modules using it declare {@code selenium-java} in test scope.
 *
 * <pre>{@code
 * try (HeadlessChromium b = HeadlessChromium.start()) {
 *   b.driver().get("http://127.0.0.1:" + port + "/graph");
 *   b.waitFor(Duration.ofSeconds(30)).until(d -> d.findElements(By.cssSelector("canvas")).size() > 0);
 * }
 * }</pre>
 */
public final class HeadlessChromium implements AutoCloseable {
  private final ChromeDriver driver;
  private final Path profile;

  private HeadlessChromium(ChromeDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  public static HeadlessChromium start() {
    Path chromium = Peers.require("chromium", "apt-get install chromium");
    Path chromedriver = Peers.require("chromedriver", "apt-get install chromium-driver");
    Path profile;
    try {
      profile = Files.createTempDirectory("jthanos-chromium-");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    ChromeOptions o = new ChromeOptions();
    o.setBinary(chromium.toString());
    o.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--window-size=1280,900",
        "--user-data-dir=" + profile);
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile()).build();
    return new HeadlessChromium(new ChromeDriver(service, o), profile);
  }

  public ChromeDriver driver() {
    return driver;
  }

  public WebDriverWait waitFor(Duration timeout) {
    return new WebDriverWait(driver, timeout);
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      try (Stream<Path> s = Files.walk(profile)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // best effort
      }
    }
  }
}
