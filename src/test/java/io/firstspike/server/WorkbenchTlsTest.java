package io.firstspike.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code --tls-cert/--tls-key}: HTTPS, and the login cookie is Secure. */
@ExtendWith(VertxExtension.class)
class WorkbenchTlsTest {
  private static final String TOKEN = "tls-test-token-0123456789";

  /** A self-signed certificate for localhost and 127.0.0.1 from the JDK's keytool, as PEM files. */
  static Path[] selfSigned(Path dir) throws Exception {
    Path store = dir.resolve("wb.p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "wb", "-keyalg", "RSA", "-keysize", "2048",
        "-validity", "2", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
        "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = new FileInputStream(store.toFile())) {
      ks.load(in, "changeit".toCharArray());
    }
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    Files.writeString(cert, pem("CERTIFICATE", ks.getCertificate("wb").getEncoded()));
    Files.writeString(key, pem("PRIVATE KEY", ks.getKey("wb", "changeit".toCharArray()).getEncoded()));
    return new Path[] {cert, key};
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  @Test
  @DisplayName("With a certificate the workbench speaks HTTPS only, and the login cookie is Secure")
  void https(Vertx vertx, @TempDir Path tmp) throws Exception {
    Path[] pem = selfSigned(tmp);
    try (ServerTestSupport s = new ServerTestSupport(vertx, tmp, o -> o.withToken(TOKEN)
        .withAccess(new WorkbenchOptions.Access(List.of(), List.of(), pem[0], pem[1])))) {
      int port = s.workbench.port();
      assertThat(s.workbench.url()).isEqualTo("https://127.0.0.1:" + port + "/");
      WebClient tls = WebClient.create(vertx, new WebClientOptions().setSsl(true).setDefaultHost("127.0.0.1")
          .setDefaultPort(port).setTrustOptions(new PemTrustOptions().addCertPath(pem[0].toString())));
      try {
        HttpResponse<Buffer> health = ServerTestSupport.await(tls.get("/api/health").send());
        assertThat(health.statusCode()).isEqualTo(200);
        HttpResponse<Buffer> login = ServerTestSupport.await(tls.post("/api/login")
            .sendJsonObject(new JsonObject().put("token", TOKEN)));
        assertThat(login.statusCode()).isEqualTo(204);
        assertThat(login.cookies().get(0)).contains(ApiSecurity.COOKIE + "=").containsIgnoringCase("; Secure")
            .containsIgnoringCase("HttpOnly");
        HttpResponse<Buffer> runs = ServerTestSupport.await(tls.get("/api/runs").bearerTokenAuthentication(TOKEN).send());
        assertThat(runs.statusCode()).isEqualTo(200);
        HttpResponse<Buffer> sameOrigin = ServerTestSupport.await(tls.post("/api/runs").bearerTokenAuthentication(TOKEN)
            .putHeader("Origin", "https://127.0.0.1:" + port).sendJsonObject(new JsonObject().put("config", "fast")));
        assertThat(sameOrigin.statusCode()).as("https origin of the page").isEqualTo(201);
        HttpResponse<Buffer> httpOrigin = ServerTestSupport.await(tls.post("/api/runs").bearerTokenAuthentication(TOKEN)
            .putHeader("Origin", "http://127.0.0.1:" + port).sendJsonObject(new JsonObject().put("config", "fast")));
        assertThat(httpOrigin.statusCode()).as("an http page is another origin").isEqualTo(403);
      } finally {
        tls.close();
      }
      assertThatThrownBy(() -> RawHttp.status(port, "GET /api/health HTTP/1.1", List.of("Host: 127.0.0.1"), null))
          .as("plain HTTP gets no answer").isInstanceOf(IOException.class);
    }
  }

  @Test
  @DisplayName("Without TLS the cookie is not Secure (a browser would drop it on http://)")
  void plainCookie(Vertx vertx, @TempDir Path tmp) throws Exception {
    try (ServerTestSupport s = new ServerTestSupport(vertx, tmp, o -> o.withToken(TOKEN))) {
      HttpResponse<Buffer> login = s.post("/api/login", new JsonObject().put("token", TOKEN));
      assertThat(login.cookies().get(0)).doesNotContainIgnoringCase("secure");
      assertThat(s.workbench.url()).startsWith("http://");
    }
  }
}
