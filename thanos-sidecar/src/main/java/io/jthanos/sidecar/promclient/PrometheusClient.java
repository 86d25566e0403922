package io.jthanos.sidecar.promclient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jthanos.config.ConfigException;
import io.jthanos.config.ConfigMapper;
import io.jthanos.server.tls.PemFiles;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.LabelsBuilder;
import io.jthanos.tsdb.labels.Matcher;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Talks to one Prometheus over its HTTP API, as Thanos' {@code promclient}: configuration (external
 * labels), flags, build info, the lowest stored timestamp (from {@code /metrics}), series, label
 * names and values, rules, targets, metadata, exemplars, remote read and reload. Requests carry the
 * configured authentication and Thanos' User-Agent; API errors come back as {@link
 * PrometheusException} with the status and Prometheus' {@code errorType}.
 */
public final class PrometheusClient {
  /** Prometheus' API time bounds (ms): parameters outside them are left out (= unbounded). */
  static final long MIN_API_TIME = (Long.MIN_VALUE / 1000 + 62135596801L) * 1000;

  static final long MAX_API_TIME = (Long.MAX_VALUE / 1000 - 62135596801L) * 1000 + 999;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String base;
  private final HttpClientConfig config;
  private final HttpClient http;
  private final String userAgent;
  private final Duration requestTimeout;

  /**
   * @param baseUrl {@code --prometheus.url} (a path prefix is kept)
   * @param config {@code --prometheus.http-client}
   * @param userAgent e.g. {@code Thanos/0.43.0}
   */
  public PrometheusClient(URI baseUrl, HttpClientConfig config, String userAgent) {
    String b = baseUrl.toString();
    while (b.endsWith("/")) {
      b = b.substring(0, b.length() - 1);
    }
    this.base = b;
    this.config = Objects.requireNonNull(config, "config");
    this.userAgent = userAgent;
    HttpClientConfig.Transport t = config.transportConfig();
    this.requestTimeout = t.responseHeaderTimeout().isZero() ? null : t.responseHeaderTimeout();
    HttpClient.Builder hb =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(
                t.tlsHandshakeTimeout().isZero()
                    ? Duration.ofSeconds(30)
                    : t.tlsHandshakeTimeout());
    if (!config.proxyUrl().isEmpty()) {
      URI p = URI.create(config.proxyUrl());
      if (p.getHost() == null) {
        throw new ConfigException(
            "prometheus http client config: invalid proxy_url " + config.proxyUrl(), "proxy_url");
      }
      int port = p.getPort() > 0 ? p.getPort() : ("https".equals(p.getScheme()) ? 443 : 80);
      hb.proxy(ProxySelector.of(new InetSocketAddress(p.getHost(), port)));
    }
    HttpClientConfig.Tls tls = config.tlsConfig();
    if (!tls.isDefault()) {
      hb.sslContext(sslContext(tls));
      if (!tls.serverName().isEmpty()) {
        SSLParameters params = new SSLParameters();
        params.setServerNames(List.of(new SNIHostName(tls.serverName())));
        hb.sslParameters(params);
      }
    }
    this.http = hb.build();
  }

  public String baseUrl() {
    return base;
  }

  // --- API ------------------------------------------------------------------------------------

  /**
   * The external labels of Prometheus' loaded configuration ({@code GET /api/v1/status/config},
   * {@code global.external_labels} of its YAML).
   */
  public Labels externalLabels(Duration timeout) throws IOException {
    JsonNode data = getData("/api/v1/status/config", timeout);
    String yaml = data.path("yaml").asText("");
    JsonNode cfg;
    try {
      cfg = ConfigMapper.yaml().readTree(yaml);
    } catch (IOException e) {
      throw new PrometheusException("parse Prometheus config: " + e.getMessage(), e);
    }
    JsonNode ext = cfg == null ? null : cfg.path("global").path("external_labels");
    LabelsBuilder b = new LabelsBuilder();
    if (ext != null && ext.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = ext.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        b.set(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asText());
      }
    }
    return b.build();
  }

  /** Every command line flag of Prometheus ({@code GET /api/v1/status/flags}). */
  public Map<String, String> flags(Duration timeout) throws IOException {
    JsonNode data = getData("/api/v1/status/flags", timeout);
    Map<String, String> out = new TreeMap<>();
    data.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  /** Prometheus' version ({@code GET /api/v1/status/buildinfo}), e.g. {@code 2.42.0}. */
  public String version(Duration timeout) throws IOException {
    return getData("/api/v1/status/buildinfo", timeout).path("version").asText("");
  }

  /**
   * The lowest timestamp Prometheus holds, in ms, from its {@code
   * prometheus_tsdb_lowest_timestamp_seconds} gauge; {@link Long#MIN_VALUE} when the TSDB is empty
   * (the gauge then holds the maximum int64).
   */
  public long lowestTimestamp(Duration timeout) throws IOException {
    HttpRequest req =
        request("/metrics", timeout).header("Accept", "text/plain;version=0.0.4").GET().build();
    HttpResponse<InputStream> resp = send(req);
    try (InputStream in = resp.body()) {
      check(resp.statusCode(), in, "/metrics");
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String prefix = "prometheus_tsdb_lowest_timestamp_seconds ";
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith(prefix)) {
          String v = line.substring(prefix.length()).trim();
          int sp = v.indexOf(' ');
          if (sp > 0) {
            v = v.substring(0, sp);
          }
          double seconds;
          try {
            seconds = Double.parseDouble(v);
          } catch (NumberFormatException e) {
            throw new PrometheusException("parse " + line + ": " + e.getMessage(), e);
          }
          double ms = seconds * 1000;
          if (Double.isNaN(ms) || ms >= 9.2e18) {
            return Long.MIN_VALUE;
          }
          return (long) ms;
        }
      }
    }
    throw new PrometheusException(
        "metric prometheus_tsdb_lowest_timestamp_seconds not found in /metrics", 0, "");
  }

  /** Label sets of the series matching {@code matchers} ({@code /api/v1/series}), sorted. */
  public List<Labels> series(List<Matcher> matchers, long mint, long maxt, Duration timeout)
      throws IOException {
    List<String> form = new ArrayList<>();
    form.add("match[]");
    form.add(selector(matchers));
    addTimes(form, mint, maxt);
    JsonNode data = postData("/api/v1/series", form, timeout);
    List<Labels> out = new ArrayList<>(data.size());
    for (JsonNode s : data) {
      LabelsBuilder b = new LabelsBuilder();
      s.fields().forEachRemaining(e -> b.set(e.getKey(), e.getValue().asText()));
      out.add(b.build());
    }
    out.sort(Labels::compare);
    return out;
  }

  /** Label names ({@code /api/v1/labels}), matchers passed only when non-empty. */
  public List<String> labelNames(List<Matcher> matchers, long mint, long maxt, Duration timeout)
      throws IOException {
    List<String> form = new ArrayList<>();
    if (!matchers.isEmpty()) {
      form.add("match[]");
      form.add(selector(matchers));
    }
    addTimes(form, mint, maxt);
    return strings(postData("/api/v1/labels", form, timeout));
  }

  /** Values of a label ({@code /api/v1/label/<name>/values}), matchers passed when non-empty. */
  public List<String> labelValues(
      String name, List<Matcher> matchers, long mint, long maxt, Duration timeout)
      throws IOException {
    List<String> q = new ArrayList<>();
    if (!matchers.isEmpty()) {
      q.add("match[]");
      q.add(selector(matchers));
    }
    addTimes(q, mint, maxt);
    String path =
        "/api/v1/label/" + URLEncoder.encode(name, StandardCharsets.UTF_8) + "/values" + query(q);
    return strings(getData(path, timeout));
  }

  /** {@code GET /api/v1/rules}, {@code type} {@code alert}, {@code record} or empty. */
  public JsonNode rules(String type, Duration timeout) throws IOException {
    List<String> q = new ArrayList<>();
    if (!type.isEmpty()) {
      q.add("type");
      q.add(type);
    }
    return getData("/api/v1/rules" + query(q), timeout);
  }

  /** {@code GET /api/v1/targets}, {@code state} {@code active}, {@code dropped} or {@code any}. */
  public JsonNode targets(String state, Duration timeout) throws IOException {
    List<String> q = new ArrayList<>();
    if (!state.isEmpty()) {
      q.add("state");
      q.add(state);
    }
    return getData("/api/v1/targets" + query(q), timeout);
  }

  /** {@code GET /api/v1/metadata}; {@code limit} is sent when &gt;= 0. */
  public JsonNode metadata(String metric, int limit, Duration timeout) throws IOException {
    List<String> q = new ArrayList<>();
    if (!metric.isEmpty()) {
      q.add("metric");
      q.add(metric);
    }
    if (limit >= 0) {
      q.add("limit");
      q.add(Integer.toString(limit));
    }
    return getData("/api/v1/metadata" + query(q), timeout);
  }

  /** {@code GET /api/v1/query_exemplars} over [start, end] ms. */
  public JsonNode exemplars(String promql, long start, long end, Duration timeout)
      throws IOException {
    List<String> q = new ArrayList<>(List.of("query", promql));
    addTimes(q, start, end);
    return getData("/api/v1/query_exemplars" + query(q), timeout);
  }

  /** {@code POST /-/reload} (needs Prometheus' {@code --web.enable-lifecycle}). */
  public void reload(Duration timeout) throws IOException {
    HttpRequest req =
        request("/-/reload", timeout).POST(HttpRequest.BodyPublishers.noBody()).build();
    HttpResponse<InputStream> resp = send(req);
    try (InputStream in = resp.body()) {
      if (resp.statusCode() != 200) {
        String body = new String(in.readNBytes(4096), StandardCharsets.UTF_8).strip();
        throw new PrometheusException(
            "received non-200 response: "
                + resp.statusCode()
                + (body.isEmpty() ? "" : " (" + body + ")")
                + "; have you set `--web.enable-lifecycle` Prometheus flag?",
            resp.statusCode(),
            "");
      }
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
  }

  /**
   * {@code POST /api/v1/read} with a snappy-compressed {@code ReadRequest}; returns the open
   * response (the caller closes its body). Non-2xx answers are turned into exceptions here.
   */
  public HttpResponse<InputStream> remoteRead(byte[] snappyBody, Duration timeout)
      throws IOException {
    HttpRequest req =
        request("/api/v1/read", timeout)
            .header("Content-Encoding", "snappy")
            .header("Content-Type", "application/x-stream-protobuf")
            .header("X-Prometheus-Remote-Read-Version", "0.1.0")
            .POST(HttpRequest.BodyPublishers.ofByteArray(snappyBody))
            .build();
    HttpResponse<InputStream> resp = send(req);
    if (resp.statusCode() / 100 != 2) {
      try (InputStream in = resp.body()) {
        String msg = new String(in.readNBytes(8192), StandardCharsets.UTF_8).strip();
        throw new PrometheusException(
            "request failed with code " + resp.statusCode() + "; msg " + msg,
            resp.statusCode(),
            "");
      }
    }
    return resp;
  }

  // --- plumbing -------------------------------------------------------------------------------

  /** A PromQL selector for matchers: {@code {a="b",c=~"d"}}. */
  static String selector(List<Matcher> matchers) {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < matchers.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(matchers.get(i));
    }
    return sb.append('}').toString();
  }

  /** ms as the decimal seconds Prometheus' API takes ({@code 1700000000.123}). */
  static String seconds(long ms) {
    long s = Math.floorDiv(ms, 1000);
    long frac = Math.floorMod(ms, 1000);
    return frac == 0 ? Long.toString(s) : s + "." + String.format("%03d", frac);
  }

  private static void addTimes(List<String> params, long mint, long maxt) {
    if (mint > MIN_API_TIME) {
      params.add("start");
      params.add(seconds(mint));
    }
    if (maxt < MAX_API_TIME) {
      params.add("end");
      params.add(seconds(maxt));
    }
  }

  private static String query(List<String> params) {
    String f = form(params);
    return f.isEmpty() ? "" : "?" + f;
  }

  private static String form(List<String> params) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < params.size(); i += 2) {
      if (i > 0) {
        sb.append('&');
      }
      sb.append(URLEncoder.encode(params.get(i), StandardCharsets.UTF_8))
          .append('=')
          .append(URLEncoder.encode(params.get(i + 1), StandardCharsets.UTF_8));
    }
    return sb.toString();
  }

  private static List<String> strings(JsonNode data) {
    List<String> out = new ArrayList<>(data.size());
    for (JsonNode n : data) {
      out.add(n.asText());
    }
    return out;
  }

  private HttpRequest.Builder request(String pathAndQuery, Duration timeout) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + pathAndQuery));
    Duration t = timeout;
    if (requestTimeout != null && (t == null || requestTimeout.compareTo(t) < 0)) {
      t = requestTimeout;
    }
    if (t != null && !t.isZero() && !t.isNegative()) {
      b.timeout(t);
    }
    if (userAgent != null) {
      b.header("User-Agent", userAgent);
    }
    String auth = authorization();
    if (auth != null) {
      b.header("Authorization", auth);
    }
    return b;
  }

  /** The Authorization header; secret files are read at each request (rotation). */
  private String authorization() {
    HttpClientConfig.BasicAuth ba = config.basicAuth();
    try {
      if (ba.isSet()) {
        String pw =
            ba.passwordFile().isEmpty()
                ? ba.password()
                : Files.readString(Path.of(ba.passwordFile())).strip();
        return "Basic "
            + Base64.getEncoder()
                .encodeToString((ba.username() + ":" + pw).getBytes(StandardCharsets.UTF_8));
      }
      if (!config.bearerToken().isEmpty()) {
        return "Bearer " + config.bearerToken();
      }
      if (!config.bearerTokenFile().isEmpty()) {
        return "Bearer " + Files.readString(Path.of(config.bearerTokenFile())).strip();
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("read credentials: " + e.getMessage(), e);
    }
    return null;
  }

  private HttpResponse<InputStream> send(HttpRequest req) throws IOException {
    try {
      return http.send(req, HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("request to Prometheus interrupted");
    } catch (java.io.UncheckedIOException e) {
      throw new PrometheusException(e.getMessage(), e.getCause());
    } catch (IOException e) {
      String what = req.method() + " " + req.uri();
      throw new PrometheusException(
          what + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()), e);
    }
  }

  private JsonNode getData(String pathAndQuery, Duration timeout) throws IOException {
    return data(send(request(pathAndQuery, timeout).GET().build()), pathAndQuery);
  }

  private JsonNode postData(String path, List<String> form, Duration timeout) throws IOException {
    HttpRequest req =
        request(path, timeout)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form(form)))
            .build();
    return data(send(req), path);
  }

  /** The {@code data} of a successful API answer; the envelope's error otherwise. */
  private static JsonNode data(HttpResponse<InputStream> resp, String what) throws IOException {
    JsonNode root;
    try (InputStream in = resp.body()) {
      byte[] body = in.readAllBytes();
      try {
        root = JSON.readTree(body);
      } catch (IOException e) {
        if (resp.statusCode() / 100 != 2) {
          throw new PrometheusException(
              what
                  + ": "
                  + resp.statusCode()
                  + " "
                  + new String(body, 0, Math.min(body.length, 512), StandardCharsets.UTF_8).strip(),
              resp.statusCode(),
              "");
        }
        throw new PrometheusException(what + ": invalid JSON answer: " + e.getMessage(), e);
      }
    }
    if (root == null || !"success".equals(root.path("status").asText())) {
      String type = root == null ? "" : root.path("errorType").asText("");
      String err = root == null ? "" : root.path("error").asText("");
      throw new PrometheusException(
          what + ": " + resp.statusCode() + (type.isEmpty() ? "" : " " + type) + ": " + err,
          resp.statusCode(),
          type);
    }
    return root.path("data");
  }

  private static void check(int status, InputStream in, String what) throws IOException {
    if (status / 100 != 2) {
      String body = new String(in.readNBytes(512), StandardCharsets.UTF_8).strip();
      throw new PrometheusException(what + ": " + status + " " + body, status, "");
    }
  }

  private static SSLContext sslContext(HttpClientConfig.Tls tls) {
    try {
      TrustManager[] trust = null;
      if (tls.insecureSkipVerify()) {
        trust = new TrustManager[] {TRUST_ALL};
      } else if (!tls.caFile().isEmpty()) {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        int i = 0;
        for (X509Certificate c : PemFiles.certificates(Path.of(tls.caFile()))) {
          ks.setCertificateEntry("ca" + i++, c);
        }
        TrustManagerFactory tmf =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        trust = tmf.getTrustManagers();
      }
      javax.net.ssl.KeyManager[] keys = null;
      if (!tls.certFile().isEmpty()) {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        char[] pw = new char[0];
        ks.setKeyEntry(
            "client",
            PemFiles.privateKey(Path.of(tls.keyFile())),
            pw,
            PemFiles.certificates(Path.of(tls.certFile())).toArray(new X509Certificate[0]));
        KeyManagerFactory kmf =
            KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, pw);
        keys = kmf.getKeyManagers();
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(keys, trust, new SecureRandom());
      return ctx;
    } catch (IOException | GeneralSecurityException e) {
      throw new ConfigException(
          "prometheus http client config: tls_config: " + e.getMessage(), "tls_config", e);
    }
  }

  /** Trusts every certificate and skips host name checks ({@code insecure_skip_verify}). */
  private static final X509ExtendedTrustManager TRUST_ALL =
      new X509ExtendedTrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket s) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket s) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine e) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine e) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
          return new X509Certificate[0];
        }
      };
}
