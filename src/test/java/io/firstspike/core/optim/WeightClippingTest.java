package io.firstspike.core.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firstspike.core.optim.WeightClipping.Plan;
import io.firstspike.core.optim.WeightClipping.Setting;
import io.firstspike.core.optim.WeightClipping.Setting.Bound;
import io.firstspike.core.optim.WeightClipping.Setting.Flag;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Bound resolution and clamping of DELGRAD-MODEL.md section 7.3. */
class WeightClippingTest {
  private static final double NO_CLIP = Double.POSITIVE_INFINITY;
  private static final Setting ABSENT = Setting.ABSENT;

  @Test
  @DisplayName("global bound only: every NeuronLayer is clipped to it")
  void globalOnly() {
    Plan p = WeightClipping.resolve(new Bound(2.1), List.of(ABSENT, ABSENT));
    assertThat(p.enabled()).isTrue();
    assertThat(p.bounds()).containsExactly(2.1, 2.1);
  }

  @Test
  @DisplayName("off when the global value is absent, false or 0 and no layer has its own")
  void off() {
    for (Setting g : List.of(ABSENT, new Flag(false), new Bound(0))) {
      Plan p = WeightClipping.resolve(g, List.of(ABSENT, ABSENT));
      assertThat(p.enabled()).as("%s", g).isFalse();
      double[] w = {5, -5};
      p.apply(0, w);
      assertThat(w).containsExactly(5, -5);
    }
  }

  @Test
  @DisplayName("a layer's own bound turns clipping on; the others get the global true, i.e. no clip")
  void perLayerOnly() {
    Plan p = WeightClipping.resolve(new Flag(false), List.of(ABSENT, new Bound(1.5)));
    assertThat(p.enabled()).isTrue();
    assertThat(p.bounds()).containsExactly(NO_CLIP, 1.5);
    double[] hidden = {3, -3};
    double[] label = {3, -3, 0.5};
    p.apply(0, hidden);
    p.apply(1, label);
    assertThat(hidden).containsExactly(3, -3);
    assertThat(label).containsExactly(1.5, -1.5, 0.5);
  }

  @Test
  @DisplayName("own bounds override a global number; a boolean bound means do not clip")
  void mixed() {
    Plan p = WeightClipping.resolve(new Bound(2.0),
        List.of(new Bound(0.5), ABSENT, new Flag(true), new Flag(false), new Bound(0)));
    assertThat(p.bounds()).containsExactly(0.5, 2.0, NO_CLIP, NO_CLIP, 0.0);
    // A global true with no numbers anywhere clips nothing.
    assertThat(WeightClipping.resolve(new Flag(true), List.of(ABSENT)).bounds()).containsExactly(NO_CLIP);
  }

  @Test
  @DisplayName("clamp is [-c, c] element-wise, in place; NaN stays NaN; bad bounds are named")
  void clamp() {
    double[] w = {-3, -1, 0, 1, 3, Double.NaN, Double.POSITIVE_INFINITY};
    WeightClipping.clamp(w, 2);
    assertThat(w).containsExactly(-2, -1, 0, 1, 2, Double.NaN, 2);
    assertThatThrownBy(() -> new Bound(-1)).hasMessageContaining("clip_weights_max");
    assertThatThrownBy(() -> WeightClipping.clamp(w, Double.NaN)).hasMessageContaining("bound");
  }
}
