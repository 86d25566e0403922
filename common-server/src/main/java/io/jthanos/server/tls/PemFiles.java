package io.jthanos.server.tls;

import io.jthanos.config.ConfigException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads PEM certificates and private keys the way Go's {@code tls.LoadX509KeyPair} accepts them:
 * PKCS#8 ({@code PRIVATE KEY}), PKCS#1 RSA ({@code RSA PRIVATE KEY}) and SEC1 EC ({@code EC PRIVATE
 * KEY}), the last two re-wrapped as PKCS#8 for the JDK.
 */
public final class PemFiles {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");
  private static final byte[] RSA_OID = {
    0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01
  };
  private static final byte[] EC_OID = {
    0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 2, 1
  };

  private PemFiles() {}

  private record Block(String type, byte[] der) {}

  private static List<Block> blocks(Path file, String what) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new ConfigException("reading " + what + " " + file + ": " + e.getMessage(), null, e);
    }
    List<Block> out = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      byte[] der = Base64.getMimeDecoder().decode(m.group(2).replaceAll("\\s+", ""));
      out.add(new Block(m.group(1), der));
    }
    return out;
  }

  /** All certificates in a PEM file (a chain or a CA bundle). */
  public static List<X509Certificate> certificates(Path file) {
    List<X509Certificate> certs = new ArrayList<>();
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      for (Block b : blocks(file, "certificate")) {
        if (b.type().equals("CERTIFICATE")) {
          certs.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(b.der())));
        }
      }
    } catch (GeneralSecurityException e) {
      throw new ConfigException("invalid certificate in " + file + ": " + e.getMessage(), null, e);
    }
    if (certs.isEmpty()) {
      throw new ConfigException("no PEM certificate found in " + file);
    }
    return certs;
  }

  /** The first private key in a PEM file. */
  public static PrivateKey privateKey(Path file) {
    for (Block b : blocks(file, "private key")) {
      try {
        switch (b.type()) {
          case "PRIVATE KEY" -> {
            return pkcs8(b.der(), file);
          }
          case "RSA PRIVATE KEY" -> {
            return KeyFactory.getInstance("RSA")
                .generatePrivate(new PKCS8EncodedKeySpec(wrap(RSA_OID, null, b.der())));
          }
          case "EC PRIVATE KEY" -> {
            return KeyFactory.getInstance("EC")
                .generatePrivate(new PKCS8EncodedKeySpec(wrap(EC_OID, curveOid(b.der()), b.der())));
          }
          default -> {}
        }
      } catch (GeneralSecurityException | RuntimeException e) {
        throw new ConfigException(
            "invalid private key in " + file + ": " + e.getMessage(), null, e);
      }
    }
    throw new ConfigException("no PEM private key found in " + file);
  }

  private static PrivateKey pkcs8(byte[] der, Path file) throws GeneralSecurityException {
    GeneralSecurityException last = null;
    for (String alg : new String[] {"RSA", "EC", "Ed25519", "Ed448"}) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        last = e;
      }
    }
    throw new GeneralSecurityException("unsupported PKCS#8 key in " + file, last);
  }

  /** PrivateKeyInfo ::= SEQUENCE { 0, AlgorithmIdentifier { oid, params }, OCTET STRING key }. */
  private static byte[] wrap(byte[] algOid, byte[] params, byte[] key) {
    ByteArrayOutputStream alg = new ByteArrayOutputStream();
    alg.writeBytes(algOid);
    alg.writeBytes(params != null ? params : new byte[] {0x05, 0x00});
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(new byte[] {0x02, 0x01, 0x00});
    body.writeBytes(tlv(0x30, alg.toByteArray()));
    body.writeBytes(tlv(0x04, key));
    return tlv(0x30, body.toByteArray());
  }

  private static byte[] tlv(int tag, byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + 6);
    out.write(tag);
    int n = value.length;
    if (n < 0x80) {
      out.write(n);
    } else if (n < 0x100) {
      out.write(0x81);
      out.write(n);
    } else if (n < 0x10000) {
      out.write(0x82);
      out.write(n >> 8);
      out.write(n);
    } else {
      out.write(0x83);
      out.write(n >> 16);
      out.write(n >> 8);
      out.write(n);
    }
    out.writeBytes(value);
    return out.toByteArray();
  }

  /** The named-curve OID ([0] parameters) of a SEC1 ECPrivateKey, as a full OID TLV. */
  private static byte[] curveOid(byte[] sec1) {
    int[] pos = {0};
    expectTag(sec1, pos, 0x30);
    readLength(sec1, pos);
    int end = sec1.length;
    while (pos[0] < end) {
      int tag = sec1[pos[0]++] & 0xff;
      int len = readLength(sec1, pos);
      if (tag == 0xa0) {
        int start = pos[0];
        if ((sec1[start] & 0xff) != 0x06) {
          throw new IllegalArgumentException("EC key parameters are not a named curve");
        }
        byte[] oid = new byte[len];
        System.arraycopy(sec1, start, oid, 0, len);
        return oid;
      }
      pos[0] += len;
    }
    throw new IllegalArgumentException("EC key without curve parameters");
  }

  private static void expectTag(byte[] b, int[] pos, int tag) {
    if ((b[pos[0]++] & 0xff) != tag) {
      throw new IllegalArgumentException("malformed DER");
    }
  }

  private static int readLength(byte[] b, int[] pos) {
    int first = b[pos[0]++] & 0xff;
    if (first < 0x80) {
      return first;
    }
    int n = first & 0x7f;
    if (n > 3) {
      throw new IllegalArgumentException("DER length too long");
    }
    int len = 0;
    for (int i = 0; i < n; i++) {
      len = (len << 8) | (b[pos[0]++] & 0xff);
    }
    return len;
  }
}
