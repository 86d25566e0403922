package io.jthanos.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * What this build is, as Thanos reports it in {@code --version}, {@code /api/v1/status/buildinfo}
 * and {@code thanos_build_info}. The Go-specific fields carry the Java equivalents ({@code
 * goVersion} is the Java runtime, e.g. {@code java21.0.5}).
 */
public record BuildInfo(
    String version,
    String revision,
    String branch,
    String buildUser,
    String buildDate,
    String javaVersion,
    String thanosCompat) {

  private static final BuildInfo CURRENT = load();

  public static BuildInfo current() {
    return CURRENT;
  }

  private static BuildInfo load() {
    Properties p = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new BuildInfo(
        p.getProperty("version", "unknown"),
        p.getProperty("revision", "unknown"),
        p.getProperty("branch", "unknown"),
        p.getProperty("buildUser", "unknown"),
        p.getProperty("buildDate", "unknown"),
        "java" + Runtime.version(),
        p.getProperty("thanosCompat", "unknown"));
  }

  /** {@code linux/amd64}, as Go's GOOS/GOARCH. */
  public static String platform() {
    String os = System.getProperty("os.name", "unknown").toLowerCase(Locale.ROOT);
    if (os.startsWith("mac")) {
      os = "darwin";
    } else if (os.startsWith("windows")) {
      os = "windows";
    }
    String arch = System.getProperty("os.arch", "unknown");
    arch =
        switch (arch) {
          case "x86_64", "amd64" -> "amd64";
          case "aarch64" -> "arm64";
          default -> arch;
        };
    return os + "/" + arch;
  }

  /** The {@code --version} text, in Prometheus' {@code version.Print} layout. */
  public String versionText(String program) {
    return program
        + ", version "
        + version
        + " (branch: "
        + branch
        + ", revision: "
        + revision
        + ")\n"
        + "  build user:       "
        + buildUser
        + "\n"
        + "  build date:       "
        + buildDate
        + "\n"
        + "  go version:       "
        + javaVersion
        + "\n"
        + "  platform:         "
        + platform()
        + "\n"
        + "  tags:             thanos-compat-"
        + thanosCompat;
  }

  /** The {@code data} of {@code /api/v1/status/buildinfo} (no {@code features} key, as Thanos). */
  public Map<String, String> apiData() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("version", version);
    m.put("revision", revision);
    m.put("branch", branch);
    m.put("buildUser", buildUser);
    m.put("buildDate", buildDate);
    m.put("goVersion", javaVersion);
    return m;
  }
}
