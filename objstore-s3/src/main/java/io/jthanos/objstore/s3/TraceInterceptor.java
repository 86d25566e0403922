package io.jthanos.objstore.s3;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;

/** {@code trace.enable: true}: logs every S3 request and response at debug level. */
final class TraceInterceptor implements ExecutionInterceptor {
  private static final Logger LOG = LoggerFactory.getLogger("io.jthanos.objstore.s3.trace");

  @Override
  public void beforeTransmission(Context.BeforeTransmission ctx, ExecutionAttributes attrs) {
    SdkHttpRequest r = ctx.httpRequest();
    LOG.atDebug()
        .addKeyValue("method", r.method())
        .addKeyValue("url", r.getUri())
        .addKeyValue("headers", r.headers().keySet())
        .log("s3 request");
  }

  @Override
  public void afterTransmission(Context.AfterTransmission ctx, ExecutionAttributes attrs) {
    LOG.atDebug()
        .addKeyValue("status", ctx.httpResponse().statusCode())
        .addKeyValue("headers", ctx.httpResponse().headers())
        .log("s3 response");
  }
}
