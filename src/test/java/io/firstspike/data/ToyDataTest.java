package io.firstspike.data;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** XOR and bars: shapes, labels and times as TTFS-MODEL.md section 7 states them. */
class ToyDataTest {
  private static final double EARLY = 0.15;
  private static final double LATE = 2.0;

  @Test
  @DisplayName("xor has the four patterns (a, b, 0, 1) encoded in [0.15, 2.0], label a XOR b")
  void xor() {
    DataSplits s = Xor.splits();
    Dataset d = s.train();
    assertThat(d.size()).isEqualTo(4);
    assertThat(d.nInputs()).isEqualTo(4);
    assertThat(s.validation()).isEqualTo(d);
    assertThat(s.test()).isEqualTo(d);
    for (int i = 0; i < 4; i++) {
      double[] t = d.inputTimes()[i];
      boolean a = t[0] == LATE;
      boolean b = t[1] == LATE;
      assertThat(t[0]).isIn(EARLY, LATE);
      assertThat(t[1]).isIn(EARLY, LATE);
      assertThat(t[2]).isEqualTo(EARLY);
      assertThat(t[3]).isEqualTo(LATE);
      assertThat(d.labels()[i]).isEqualTo(a ^ b ? 1 : 0);
    }
    assertThat(d.labels()).containsExactly(0, 1, 1, 0);
  }

  @Test
  @DisplayName("bars has 10 samples per class, each with exactly one bar of 3 early pixels")
  void bars() {
    DataSplits s = Bars.splits();
    Dataset d = s.train();
    assertThat(d.size()).isEqualTo(30);
    assertThat(d.nInputs()).isEqualTo(9);
    assertThat(s.test()).isEqualTo(d);
    assertThat(d.classNames()).containsExactly("horizontal", "vertical", "diagonal");
    int[] perClass = new int[3];
    for (int i = 0; i < d.size(); i++) {
      double[] t = d.inputTimes()[i];
      int label = d.labels()[i];
      perClass[label]++;
      int onBar = 0;
      boolean[] bar = new boolean[9];
      for (int p = 0; p < 9; p++) {
        assertThat(t[p]).isIn(0.5, 0.05);
        bar[p] = t[p] == 0.5;
        onBar += bar[p] ? 1 : 0;
      }
      assertThat(onBar).isEqualTo(3);
      assertThat(kindOf(bar)).as("sample %d", i).isEqualTo(label);
    }
    assertThat(perClass).containsExactly(10, 10, 10);
    // the patterns cycle: all 3 rows, 3 columns and both diagonals occur
    for (int c = 0; c < 3; c++) {
      int first = 10 * c;
      assertThat(d.inputTimes()[first]).isNotEqualTo(d.inputTimes()[first + 1]);
      assertThat(d.inputTimes()[first + (c == 2 ? 2 : 3)]).isEqualTo(d.inputTimes()[first]);
    }
    assertThat(d.inputTimes()[1]).isNotEqualTo(d.inputTimes()[2]);
    assertThat(d.inputTimes()[11]).isNotEqualTo(d.inputTimes()[12]);
  }

  /** Independent classification of a 3x3 bar: 0 row, 1 column, 2 diagonal, -1 none. */
  private static int kindOf(boolean[] bar) {
    for (int r = 0; r < 3; r++) {
      if (bar[3 * r] && bar[3 * r + 1] && bar[3 * r + 2]) {
        return 0;
      }
    }
    for (int c = 0; c < 3; c++) {
      if (bar[c] && bar[3 + c] && bar[6 + c]) {
        return 1;
      }
    }
    if ((bar[0] && bar[4] && bar[8]) || (bar[2] && bar[4] && bar[6])) {
      return 2;
    }
    return -1;
  }
}
