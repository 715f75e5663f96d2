package io.firstspike.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firstspike.core.layer.LayerInference;
import io.firstspike.core.layer.SeededNoise;
import io.firstspike.core.optim.RangeRunner;
import io.firstspike.data.Dataset;
import io.firstspike.data.YinYang;
import io.firstspike.runs.DelgradModel;
import io.firstspike.runs.TrainedModel;
import io.firstspike.testsupport.Shared;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The one evaluator on DelGrad networks: {@code eval}'s evaluation and {@code inference}'s test
 * inference are the same {@link LayerInference} with the same seeded noise, and the repetitions
 * draw the noise streams {@link TestInference#noiseSeed} promises.
 */
class DelgradEvaluatorTest {
  private static final String RUNS = "reference/delgrad/pretrained/";

  private static TrainedModel open(String run) {
    return TrainedModel.open(Shared.file(RUNS + run));
  }

  @Test
  @DisplayName("HEAD run folders open as DelGrad models of their newest snapshot; only the hardware-aware ones draw noise")
  void openAndNoise() {
    for (String run : new String[] {"yin_yang_H30_W", "yin_yang_H30_WA", "yin_yang_H30_WS",
        "yin_yang_H5_WS"}) {
      DelgradModel m = (DelgradModel) open(run);
      assertThat(m.epoch()).isEqualTo(300);
      assertThat(m.folder().getFileName().toString()).isEqualTo("epoch_300");
      assertThat(m.network().drawsNoise()).as(run).isFalse();
    }
    for (String run : new String[] {"yin_yang_hwAware_W", "yin_yang_hwAware_WA"}) {
      assertThat(((DelgradModel) open(run)).network().drawsNoise()).as(run).isTrue();
    }
  }

  @Test
  @DisplayName("eval's test split is inference's, bit for bit, with and without noise, on 1 or 2 threads")
  void evaluationIsInference() {
    for (String run : new String[] {"yin_yang_H30_WS", "yin_yang_hwAware_W"}) {
      TrainedModel model = open(run);
      Evaluation e = new Evaluator(2).evaluate(model, Evaluator.Progress.NONE);
      TestInference one = new Evaluator(1).infer(model, 1, null);
      assertThat(e.bundle().test().outputTimes()).as(run)
          .isDeepEqualTo(one.first().outputTimes());
      assertThat(e.testAccuracy()).isEqualTo(one.first().accuracy());
      assertThat(e.bundle().test().hasHiddenTimes()).isTrue();
      assertThat(e.bundle().test().nHidden()).isEqualTo(30);
      assertThat(e.bundle().train().nSamples()).isEqualTo(5000);
      assertThat(e.bundle().trained().layerNumbers()).containsExactly(
          run.contains("hwAware") ? new Integer[] {2, 4} : new Integer[] {1, 3});
    }
  }

  @Test
  @DisplayName("repetition r of a noisy network is the layer inference with SeededNoise(noiseSeed(seed, r)); a noise-free network runs once")
  void repetitionsFollowTheirSeeds() {
    DelgradModel model = (DelgradModel) open("yin_yang_hwAware_W");
    TestInference rep = new Evaluator(2).infer(model, 3, 7L);
    assertThat(rep.noisy()).isTrue();
    assertThat(rep.seed()).isEqualTo(7);
    assertThat(rep.repetitions()).hasSize(3);
    Dataset test = YinYang.encoded(40, 1000);
    for (int r = 0; r < 3; r++) {
      LayerInference.Result direct = LayerInference.run(model.network(), test.inputTimes(),
          test.labels(), model.config().loss(), 200,
          new SeededNoise(TestInference.noiseSeed(7, r)), RangeRunner.SERIAL);
      assertThat(rep.repetitions().get(r).outputTimes()).as("repetition " + r)
          .isDeepEqualTo(direct.labelTimes());
    }
    assertThat(rep.repetitions().get(1).outputTimes())
        .isNotEqualTo(rep.repetitions().get(0).outputTimes());

    TestInference quiet = new Evaluator(2).infer(open("yin_yang_H5_WS"), 5, 7L);
    assertThat(quiet.noisy()).isFalse();
    assertThat(quiet.repetitions()).hasSize(1);
    assertThat(quiet.accuracyStd()).isZero();
    assertThat(quiet.meanAccuracy()).isEqualTo(0.954);
    assertThatThrownBy(() -> new Evaluator(1).infer(model, 0, null))
        .hasMessageContaining("repetitions must be >= 1");
  }
}
