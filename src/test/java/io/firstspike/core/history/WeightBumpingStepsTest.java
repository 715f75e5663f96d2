package io.firstspike.core.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firstspike.io.Npy;
import io.firstspike.testsupport.Shared;
import java.io.IOException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class WeightBumpingStepsTest {

  @Test
  @DisplayName("one code per batch, in order; bumps count everything but -2; truncate keeps a prefix")
  void appendAndTruncate() {
    WeightBumpingSteps s = new WeightBumpingSteps();
    int[] codes = new int[200];
    for (int i = 0; i < codes.length; i++) {
      codes[i] = i % 7 == 0 ? 1 : i % 11 == 0 ? -1 : -2;
      s.add(codes[i]);
    }
    assertThat(s.size()).isEqualTo(200);
    for (int i = 0; i < codes.length; i++) {
      assertThat(s.code(i)).isEqualTo(codes[i]);
    }
    assertThat(s.bumps()).isEqualTo(29 + 16);
    s.truncate(34);
    assertThat(s.codes()).hasSize(34);
    assertThat(s.bumps()).isEqualTo(5 + 3); // 0, 7, .., 28 and 11, 22, 33
    long[] copy = s.codes();
    copy[0] = 99;
    assertThat(s.code(0)).isEqualTo(1);
  }

  @Test
  @DisplayName("codes below -2, indices outside the record and bad truncations are named")
  void errors() {
    WeightBumpingSteps s = new WeightBumpingSteps();
    assertThatThrownBy(() -> s.add(-3)).hasMessageContaining("got -3");
    s.add(-2);
    assertThatThrownBy(() -> s.code(1)).hasMessageContaining("batch 1 of 1");
    assertThatThrownBy(() -> s.truncate(2)).hasMessageContaining("keep 2 of 1");
  }

  @Test
  @DisplayName("a pretrained HEAD run's weight_bumping_steps.npy (300 epochs x 34 batches, codes -2"
      + " and 1) goes through unchanged")
  void pretrainedRun() throws IOException {
    long[] saved = Npy.read(Shared.file(
        "reference/delgrad/pretrained/yin_yang_H30_W/epoch_300/yin_yang_weight_bumping_steps.npy"))
        .asLongs();
    WeightBumpingSteps s = new WeightBumpingSteps();
    for (long c : saved) {
      s.add((int) c);
    }
    assertThat(s.codes()).containsExactly(saved);
    assertThat(s.size()).isEqualTo(300 * 34);
    assertThat(s.bumps()).isEqualTo(428);
  }
}
