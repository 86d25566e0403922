package io.jthanos.objstore.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.jthanos.config.ConfigException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Thanos' {@code tls_config}: {@code ca_file}, {@code cert_file}, {@code key_file}, {@code
 * server_name}, {@code insecure_skip_verify}. Keys may be PKCS#8 ({@code BEGIN PRIVATE KEY}) or
 * PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}).
 */
public final class TlsConfig {
  @JsonProperty("ca_file")
  public String caFile = "";

  @JsonProperty("cert_file")
  public String certFile = "";

  @JsonProperty("key_file")
  public String keyFile = "";

  @JsonProperty("server_name")
  public String serverName = "";

  @JsonProperty("insecure_skip_verify")
  public boolean insecureSkipVerify;

  public boolean isDefault(boolean skipVerify) {
    return caFile.isEmpty() && certFile.isEmpty() && keyFile.isEmpty() && !skipVerify;
  }

  /** The trust managers for {@code ca_file} (or the JDK's defaults), or trust-all if skipping. */
  public TrustManager[] trustManagers(boolean skipVerify, String keyPrefix) {
    if (skipVerify) {
      return new TrustManager[] {TRUST_ALL};
    }
    if (caFile.isEmpty()) {
      return null;
    }
    try {
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      int i = 0;
      for (Certificate c : readCerts(caFile)) {
        ks.setCertificateEntry("ca" + i++, c);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      return tmf.getTrustManagers();
    } catch (IOException | GeneralSecurityException e) {
      throw new ConfigException(
          "objstore config: cannot load "
              + keyPrefix
              + ".ca_file "
              + caFile
              + ": "
              + e.getMessage(),
          keyPrefix + ".ca_file",
          e);
    }
  }

  /** The client certificate's key managers, or null without {@code cert_file}. */
  public KeyManager[] keyManagers(String keyPrefix) {
    if (certFile.isEmpty() && keyFile.isEmpty()) {
      return null;
    }
    if (certFile.isEmpty() || keyFile.isEmpty()) {
      throw new ConfigException(
          "objstore config: "
              + keyPrefix
              + ".cert_file and "
              + keyPrefix
              + ".key_file must be set together",
          keyPrefix + (certFile.isEmpty() ? ".cert_file" : ".key_file"));
    }
    try {
      List<Certificate> chain = readCerts(certFile);
      PrivateKey key = readKey(Path.of(keyFile));
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      char[] pw = new char[0];
      ks.setKeyEntry("client", key, pw, chain.toArray(new Certificate[0]));
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, pw);
      return kmf.getKeyManagers();
    } catch (IOException | GeneralSecurityException e) {
      throw new ConfigException(
          "objstore config: cannot load client certificate "
              + certFile
              + " / "
              + keyFile
              + ": "
              + e.getMessage(),
          keyPrefix + ".cert_file",
          e);
    }
  }

  /** An SSLContext for this config, or null when the JDK defaults apply. */
  public SSLContext sslContext(boolean skipVerify, String keyPrefix) {
    if (isDefault(skipVerify)) {
      return null;
    }
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(keyManagers(keyPrefix), trustManagers(skipVerify, keyPrefix), new SecureRandom());
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new ConfigException("objstore config: TLS setup: " + e.getMessage(), keyPrefix, e);
    }
  }

  private static List<Certificate> readCerts(String file)
      throws IOException, GeneralSecurityException {
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    List<Certificate> out =
        new ArrayList<>(
            cf.generateCertificates(new ByteArrayInputStream(Files.readAllBytes(Path.of(file)))));
    if (out.isEmpty()) {
      throw new GeneralSecurityException("no certificate in " + file);
    }
    return out;
  }

  static PrivateKey readKey(Path file) throws IOException, GeneralSecurityException {
    String pem = Files.readString(file, StandardCharsets.US_ASCII);
    boolean pkcs1 = pem.contains("BEGIN RSA PRIVATE KEY");
    boolean ec = pem.contains("BEGIN EC PRIVATE KEY");
    if (ec) {
      throw new GeneralSecurityException(
          "SEC1 EC keys are not supported; convert with: openssl pkcs8 -topk8 -nocrypt -in "
              + file);
    }
    String b64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    byte[] der = Base64.getDecoder().decode(b64);
    if (pkcs1) {
      der = pkcs1ToPkcs8(der);
      return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    }
    GeneralSecurityException last = null;
    for (String alg : new String[] {"RSA", "EC", "Ed25519"}) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        last = e;
      }
    }
    throw last;
  }

  /** Wraps a PKCS#1 RSAPrivateKey in a PKCS#8 PrivateKeyInfo. */
  private static byte[] pkcs1ToPkcs8(byte[] pkcs1) {
    byte[] algId = {
      0x30,
      0x0d,
      0x06,
      0x09,
      0x2a,
      (byte) 0x86,
      0x48,
      (byte) 0x86,
      (byte) 0xf7,
      0x0d,
      0x01,
      0x01,
      0x01,
      0x05,
      0x00
    };
    byte[] version = {0x02, 0x01, 0x00};
    byte[] octet = derWrap((byte) 0x04, pkcs1);
    byte[] body = new byte[version.length + algId.length + octet.length];
    System.arraycopy(version, 0, body, 0, version.length);
    System.arraycopy(algId, 0, body, version.length, algId.length);
    System.arraycopy(octet, 0, body, version.length + algId.length, octet.length);
    return derWrap((byte) 0x30, body);
  }

  private static byte[] derWrap(byte tag, byte[] content) {
    int len = content.length;
    byte[] lenBytes;
    if (len < 0x80) {
      lenBytes = new byte[] {(byte) len};
    } else if (len < 0x100) {
      lenBytes = new byte[] {(byte) 0x81, (byte) len};
    } else if (len < 0x10000) {
      lenBytes = new byte[] {(byte) 0x82, (byte) (len >> 8), (byte) len};
    } else {
      lenBytes = new byte[] {(byte) 0x83, (byte) (len >> 16), (byte) (len >> 8), (byte) len};
    }
    byte[] out = new byte[1 + lenBytes.length + len];
    out[0] = tag;
    System.arraycopy(lenBytes, 0, out, 1, lenBytes.length);
    System.arraycopy(content, 0, out, 1 + lenBytes.length, len);
    return out;
  }

  /** Accepts any certificate: only for {@code insecure_skip_verify: true}. */
  public static final X509TrustManager TRUST_ALL =
      new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
          return new X509Certificate[0];
        }
      };
}
