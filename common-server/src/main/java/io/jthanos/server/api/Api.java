package io.jthanos.server.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.jthanos.server.http.Handler;
import io.jthanos.server.http.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Thanos HTTP API envelope: {@code {"status":"success","data":...,"warnings":[...]}} or {@code
 * {"status":"error","errorType":"...","error":"..."}} with the error type's HTTP status. No {@code
 * infos} key (Thanos does not send it). Responses with warnings and all errors carry {@code
 * Cache-Control: no-store}. CORS headers are added as Thanos does unless disabled.
 */
public final class Api {
  private static final Logger LOG = LoggerFactory.getLogger(Api.class);

  /** Shared JSON mapper for API data. */
  public static final ObjectMapper JSON =
      JsonMapper.builder().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS).build();

  private final boolean cors;

  /**
   * @param cors whether to send CORS headers ({@code --web.disable-cors} turns them off)
   */
  public Api(boolean cors) {
    this.cors = cors;
  }

  /** Wraps an API endpoint into an HTTP handler producing the envelope. */
  public Handler wrap(ApiHandler h) {
    return req -> {
      ApiResult result;
      try {
        result = h.handle(req);
      } catch (ApiException e) {
        return error(e.type(), e.getMessage());
      } catch (TimeoutException e) {
        return error(ErrorType.TIMEOUT, String.valueOf(e.getMessage()));
      } catch (CancellationException e) {
        return error(ErrorType.CANCELED, String.valueOf(e.getMessage()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return error(ErrorType.CANCELED, "request canceled");
      } catch (Exception e) {
        LOG.atWarn().addKeyValue("path", req.path()).setCause(e).log("api request failed");
        return error(ErrorType.INTERNAL, String.valueOf(e.getMessage()));
      }
      return success(result);
    };
  }

  /** The preflight answer for {@code OPTIONS} on API paths. */
  public Handler options() {
    return req -> success(ApiResult.of(null));
  }

  public Response success(ApiResult result) {
    byte[] body =
        write(
            g -> {
              g.writeStringField("status", "success");
              g.writeFieldName("data");
              if (result.data() instanceof ApiResult.JsonWriter w) {
                w.write(g);
              } else {
                JSON.writeValue(g, result.data());
              }
              writeWarnings(g, result.warnings());
            });
    Response r = withCors(Response.json(200, body));
    if (!result.warnings().isEmpty()) {
      r.header("Cache-Control", "no-store");
    }
    return r;
  }

  public Response error(ErrorType type, String message) {
    byte[] body =
        write(
            g -> {
              g.writeStringField("status", "error");
              g.writeStringField("errorType", type.wire());
              g.writeStringField("error", message);
            });
    return withCors(Response.json(type.httpStatus(), body)).header("Cache-Control", "no-store");
  }

  private static void writeWarnings(JsonGenerator g, List<String> warnings) throws IOException {
    if (warnings.isEmpty()) {
      return;
    }
    g.writeArrayFieldStart("warnings");
    for (String w : warnings) {
      g.writeString(w);
    }
    g.writeEndArray();
  }

  private interface Fields {
    void write(JsonGenerator g) throws IOException;
  }

  private static byte[] write(Fields fields) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
      g.setCodec(JSON);
      g.writeStartObject();
      fields.write(g);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private Response withCors(Response r) {
    if (cors) {
      r.header("Access-Control-Allow-Headers", "Accept, Authorization, Content-Type, Origin");
      r.header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
      r.header("Access-Control-Allow-Origin", "*");
      r.header("Access-Control-Expose-Headers", "Date");
    }
    return r;
  }
}
