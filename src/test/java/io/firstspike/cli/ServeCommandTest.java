package io.firstspike.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** serve's security options: refused with a one-line message before anything is started. */
class ServeCommandTest {
  @TempDir Path tmp;

  @Test
  @DisplayName("--token shorter than 16 characters: exit 2, the message names the option and the minimum")
  void shortToken() {
    CliTest.Result r = CliTest.run("serve", "--port", "0", "--token", "a");
    assertThat(r.code()).isEqualTo(Main.BAD_INPUT);
    assertThat(r.err()).contains("--token").contains("16").doesNotContain("\tat ");
  }

  @Test
  @DisplayName("--tls-cert without --tls-key, an invalid --allowed-host, a missing --data-dir: exit 2 with the option named")
  void badOptions() {
    CliTest.Result tls = CliTest.run("serve", "--port", "0", "--tls-cert", tmp.resolve("c.pem").toString());
    assertThat(tls.code()).isEqualTo(Main.BAD_INPUT);
    assertThat(tls.err()).contains("--tls-key");
    CliTest.Result host = CliTest.run("serve", "--port", "0", "--allowed-host", "evil.example.");
    assertThat(host.code()).isEqualTo(Main.BAD_INPUT);
    assertThat(host.err()).contains("--allowed-host").contains("evil.example.");
    CliTest.Result data = CliTest.run("serve", "--port", "0", "--runs-dir", tmp.resolve("runs").toString(),
        "--data-dir", tmp.resolve("missing").toString());
    assertThat(data.code()).isEqualTo(Main.BAD_INPUT);
    assertThat(data.err()).contains("--data-dir").contains("missing").doesNotContain("\tat ");
  }

  @Test
  @DisplayName("Cluster options: --max-concurrent 0 needs --cluster, --join needs --cluster, a bad --join member is named")
  void clusterOptions() {
    CliTest.Result zero = CliTest.run("serve", "--port", "0", "--max-concurrent", "0");
    assertThat(zero.code()).isEqualTo(Main.BAD_INPUT);
    assertThat(zero.err()).contains("--max-concurrent").contains("--cluster").doesNotContain("\tat ");
    CliTest.Result join = CliTest.run("serve", "--port", "0", "--join", "127.0.0.1:5701");
    assertThat(join.code()).isEqualTo(Main.BAD_INPUT);
    assertThat(join.err()).contains("--join needs --cluster");
    CliTest.Result bad = CliTest.run("serve", "--port", "0", "--cluster", "--join", "nohost");
    assertThat(bad.code()).isEqualTo(Main.BAD_INPUT);
    assertThat(bad.err()).contains("--join nohost").contains("host:port");
    CliTest.Result worker = CliTest.run("worker", "--join", "10.0.0.1:99999");
    assertThat(worker.code()).isEqualTo(Main.BAD_INPUT);
    assertThat(worker.err()).contains("--join 10.0.0.1:99999").contains("1..65535").doesNotContain("\tat ");
  }
}
