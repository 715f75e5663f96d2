package io.firstspike.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firstspike.runs.Overrides;
import io.firstspike.train.config.ConfigException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RunRequestsTest {
  @Test
  @DisplayName("Overrides accept epochs and seed only, as whole numbers")
  void overrides() {
    assertThat(RunRequests.overrides(null)).isEqualTo(Overrides.none());
    Overrides o = RunRequests.overrides(new JsonObject().put("epochs", 20).put("seed", 3));
    assertThat(o.epochs()).isEqualTo(20);
    assertThat(o.seed()).isEqualTo(3L);
    assertThat(o.dataDir()).isNull();
    assertThatThrownBy(() -> RunRequests.overrides(new JsonObject().put("epochs", 2.5)))
        .hasMessageContaining("overrides.epochs").hasMessageContaining("2.5");
    assertThatThrownBy(() -> RunRequests.overrides(new JsonObject().put("seed", -1)))
        .hasMessageContaining("overrides.seed");
    assertThatThrownBy(() -> RunRequests.overrides(new JsonObject().put("epochs", "ten")))
        .hasMessageContaining("ten");
    assertThatThrownBy(() -> RunRequests.overrides(new JsonObject().put("data_dir", "/")))
        .hasMessageContaining("unknown override 'data_dir'").hasMessageContaining("[epochs, seed]");
  }

  @Test
  @DisplayName("Config errors are recognised as client errors, other failures are not")
  void invalidConfigClassification() {
    assertThat(RunRequests.isInvalidConfig(new ConfigException("a.yaml", "x", "bad"))).isTrue();
    assertThat(RunRequests.isInvalidConfig(new IllegalArgumentException("bad"))).isTrue();
    assertThat(RunRequests.isInvalidConfig(new java.io.UncheckedIOException(new java.io.IOException("disk")))).isFalse();
  }
}
