package io.jthanos.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.awaitility.Awaitility;

/** Waits for a querier's view of its endpoints (a fresh JVM's first Info calls may time out). */
final class Awaits {
  private Awaits() {}

  static void healthyEndpoints(String base, int n) {
    HttpClient http = HttpClient.newHttpClient();
    ObjectMapper json = new ObjectMapper();
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(
            () -> {
              HttpResponse<String> r =
                  http.send(
                      HttpRequest.newBuilder(URI.create(base + "/api/v1/stores")).build(),
                      HttpResponse.BodyHandlers.ofString());
              JsonNode data = json.readTree(r.body()).get("data");
              int healthy = 0;
              for (JsonNode type : data) {
                for (JsonNode e : type) {
                  if (e.get("lastError").isNull()) {
                    healthy++;
                  }
                }
              }
              return healthy >= n;
            });
  }
}
