package io.jthanos.objstore;

/**
 * What a provider may know about who uses the bucket.
 *
 * @param component the component name ({@code sidecar}, {@code store}, ...), used in the HTTP user
 *     agent as Thanos does ({@code thanos-<component>})
 */
public record BucketContext(String component) {
  public BucketContext {
    component = component == null || component.isBlank() ? "objstore" : component;
  }

  public String userAgent() {
    return "jthanos-" + component;
  }
}
