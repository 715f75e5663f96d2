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
  @DisplayName("A create request names exactly one of config and yaml; its file name reads like the CLI's")
  void createRequest() {
    RunRequests.Create named = RunRequests.create(new JsonObject().put("config", "yin_yang")
        .put("overrides", new JsonObject().put("epochs", 3)));
    assertThat(named.fileName()).isEqualTo("yin_yang.yaml");
    assertThat(named.overrides().epochs()).isEqualTo(3);
    RunRequests.Create text = RunRequests.create(new JsonObject().put("yaml", "dataset: xor\n"));
    assertThat(text.fileName()).isEqualTo("custom.yaml");
    assertThat(text.overrides()).isEqualTo(Overrides.none());
    assertThat(RunRequests.create(new JsonObject().put("yaml", "a").put("name", "mine")).fileName())
        .isEqualTo("mine.yaml");
    assertThatThrownBy(() -> RunRequests.create(null))
        .hasMessageContaining("exactly one of \"config\"");
    assertThatThrownBy(() -> RunRequests.create(new JsonObject().put("config", "a").put("yaml", "b")))
        .hasMessageContaining("exactly one of \"config\"");
    assertThatThrownBy(() -> RunRequests.create(new JsonObject().put("config", "a").put("overrides", 1)))
        .hasMessageContaining("overrides an object");
    assertThatThrownBy(() -> RunRequests.create(new JsonObject().put("config", "a")
        .put("overrides", new JsonObject().put("data_dir", "/")))).hasMessageContaining("data_dir");
  }

  @Test
  @DisplayName("Config errors are recognised as client errors, other failures are not")
  void invalidConfigClassification() {
    assertThat(RunRequests.isInvalidConfig(new ConfigException("a.yaml", "x", "bad"))).isTrue();
    assertThat(RunRequests.isInvalidConfig(new IllegalArgumentException("bad"))).isTrue();
    assertThat(RunRequests.isInvalidConfig(new java.io.UncheckedIOException(new java.io.IOException("disk")))).isFalse();
  }
}
