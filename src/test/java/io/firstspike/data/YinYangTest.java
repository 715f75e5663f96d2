package io.firstspike.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.io.Npy;
import io.firstspike.io.NpyArray;
import io.firstspike.testsupport.Shared;
import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Compares the generator with the published Yin-Yang files (reference/yin_yang/*.npy). */
class YinYangTest {

  @ParameterizedTest(name = "{0}: {2} samples from seed {1}")
  @CsvSource({"train, 42, 5000", "validation, 41, 1000", "test, 40, 1000"})
  @DisplayName("generated samples and labels equal the published files bit for bit")
  void equalsPublishedFiles(String split, long seed, int n) throws IOException {
    NpyArray samples = Npy.read(Shared.file("reference/yin_yang/" + split + "_samples.npy"));
    NpyArray labels = Npy.read(Shared.file("reference/yin_yang/" + split + "_labels.npy"));
    assertThat(samples.shape()).containsExactly(n, 4);

    YinYang.Raw raw = YinYang.generate(seed, n);
    double[][] expected = samples.asMatrix();
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < 4; k++) {
        assertThat(Double.doubleToRawLongBits(raw.features()[i][k]))
            .as("%s sample %d feature %d", split, i, k)
            .isEqualTo(Double.doubleToRawLongBits(expected[i][k]));
      }
    }
    assertThat(raw.labels()).containsExactly(labels.asInts());
  }

  @Test
  @DisplayName("splits encode t = 0.15 + v * 1.85 with the original's class names")
  void splitsAreEncoded() {
    DataSplits s = YinYang.splits();
    assertThat(s.name()).isEqualTo("yin_yang");
    assertThat(s.train().size()).isEqualTo(5000);
    assertThat(s.validation().size()).isEqualTo(1000);
    assertThat(s.test().size()).isEqualTo(1000);
    assertThat(s.classNames()).containsExactly("yin", "yang", "dot");
    YinYang.Raw raw = YinYang.generate(40, 1000);
    for (int i = 0; i < 1000; i++) {
      for (int k = 0; k < 4; k++) {
        assertThat(s.test().inputTimes()[i][k])
            .isEqualTo(0.15 + raw.features()[i][k] * 1.85)
            .isBetween(0.15, 2.0);
      }
    }
  }

  @Test
  @DisplayName("the class rule puts the dots, the upper right and the lower left where expected")
  void classRule() {
    assertThat(YinYang.classOf(0.75, 0.5)).isEqualTo(2); // right eye centre
    assertThat(YinYang.classOf(0.25, 0.5)).isEqualTo(2); // left eye centre
    assertThat(YinYang.classOf(0.5, 0.95)).isEqualTo(1); // top, away from the right eye
    assertThat(YinYang.classOf(0.5, 0.05)).isEqualTo(0); // bottom
    assertThat(YinYang.classOf(0.25, 0.62)).isEqualTo(1); // ring around the left eye
    assertThat(YinYang.classOf(0.75, 0.62)).isEqualTo(0); // ring around the right eye
  }
}
