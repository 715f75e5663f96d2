package io.firstspike.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * PIL-style resizing beyond the golden MNIST images: a case worked by hand and invariants.
 * (The bit-exact comparison with PIL itself is {@link MnistTest}.)
 */
class PilResizeTest {

  @Test
  @DisplayName("3 -> 2 pixels matches the fixed-point result worked out by hand")
  void handWorkedCase() {
    // scale 1.5: output 0 weighs pixels 0,1 by 0.625,0.375 -> k = 2621440, 1572864;
    // (2^21 + 1572864*100) >> 22 = 38; output 1: (2^21 + 1572864*100 + 2621440*200) >> 22 = 163
    assertThat(PilResize.bilinear(new int[] {0, 100, 200}, 3, 1, 2, 1)).containsExactly(38, 163);
    // the same along the other axis (vertical pass only)
    assertThat(PilResize.bilinear(new int[] {0, 100, 200}, 1, 3, 1, 2)).containsExactly(38, 163);
  }

  @Test
  @DisplayName("same size returns the image; a constant image stays constant at every size")
  void invariants() {
    SplittableRandom random = new SplittableRandom(5);
    int[] img = random.ints(24 * 24, 0, 256).toArray();
    assertThat(PilResize.bilinear(img, 24, 24, 24, 24)).containsExactly(img);
    for (int v : new int[] {0, 1, 128, 254, 255}) {
      int[] flat = new int[24 * 24];
      java.util.Arrays.fill(flat, v);
      for (int out : new int[] {7, 10, 16, 23, 40}) {
        assertThat(PilResize.bilinear(flat, 24, 24, out, out)).as("value %d size %d", v, out)
            .containsOnly(v);
      }
    }
  }

  @Test
  @DisplayName("a horizontal ramp stays an increasing ramp with identical rows")
  void rampStaysRamp() {
    int[] img = new int[24 * 24];
    for (int r = 0; r < 24; r++) {
      for (int c = 0; c < 24; c++) {
        img[r * 24 + c] = 10 * c;
      }
    }
    int[] out = PilResize.bilinear(img, 24, 24, 16, 16);
    for (int r = 0; r < 16; r++) {
      for (int c = 0; c < 16; c++) {
        assertThat(out[r * 16 + c]).isEqualTo(out[c]);
        if (c > 0) {
          assertThat(out[r * 16 + c]).isGreaterThan(out[r * 16 + c - 1]);
        }
      }
    }
    assertThat(out[0]).isBetween(0, 10);
    assertThat(out[15]).isBetween(220, 230);
  }
}
