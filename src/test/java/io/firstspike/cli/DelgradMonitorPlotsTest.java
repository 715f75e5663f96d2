package io.firstspike.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.cli.CliTest.Result;
import io.firstspike.core.layer.DelayLayer;
import io.firstspike.core.layer.LayerNetwork;
import io.firstspike.core.layer.NeuronLayer;
import io.firstspike.eval.BumpCodes;
import io.firstspike.eval.Evaluation;
import io.firstspike.eval.Evaluator;
import io.firstspike.eval.MonitorTrace;
import io.firstspike.eval.plot.LossAccuracyPlot;
import io.firstspike.eval.plot.MonitorPlot;
import io.firstspike.eval.plot.WeightPlots;
import io.firstspike.io.LayerNetworkFile;
import io.firstspike.io.Npy;
import io.firstspike.io.NpyArray;
import io.firstspike.runs.RunFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HEAD's extra evaluation outputs for a DelGrad run trained by FirstSpike: one
 * {@code <ds>_monitor<k>_plot.png} per monitored layer and the weight-bump raster below the
 * loss/accuracy curves, drawn from the snapshot's {@code _parameters_training_<k>.npy} and
 * {@code _weight_bumping_steps.npy}.
 */
class DelgradMonitorPlotsTest {
  @TempDir Path tmp;

  @Test
  @DisplayName("train configs/yin_yang_H30_WS.yaml --epochs 3, then eval, writes four monitor"
      + " plots and the loss/accuracy plot with the raster; the traces are the snapshot's records")
  void trainThenEval() throws Exception {
    Path root = tmp.resolve("runs");
    Result t = CliTest.run("train", "configs/yin_yang_H30_WS.yaml", "--epochs", "3", "--out",
        root.toString(), "--threads", "2");
    assertThat(t.code()).as(t.err()).isZero();
    Path runDir;
    try (Stream<Path> s = Files.list(root)) {
      runDir = s.findFirst().orElseThrow();
    }
    Path snap = new RunFolder(runDir).snapshotDir(3);
    Path out = tmp.resolve("plots");
    Result e = CliTest.run("eval", runDir.toString(), "--out", out.toString(), "--threads", "2");
    assertThat(e.code()).as(e.err()).isZero();
    assertThat(e.out()).doesNotContain("monitored layer").doesNotContain("weight-bump raster");

    Map<String, int[]> expected = ExpectedPlots.yinYang(30, 3);
    int[] matrix = expected.remove("yin_yang_weight_matrix_layer_0.png");
    expected.remove("yin_yang_weight_matrix_layer_1.png");
    expected.put("yin_yang_weight_matrix_layer_1.png", matrix);
    expected.put("yin_yang_weight_matrix_layer_3.png", matrix);
    expected.put("yin_yang_delay_hist.png", new int[] {WeightPlots.histWidth(2),
        WeightPlots.HIST_HEIGHT});
    expected.put("yin_yang_loss_accuracy.png", new int[] {LossAccuracyPlot.WIDTH,
        LossAccuracyPlot.HEIGHT + LossAccuracyPlot.RASTER_HEIGHT});
    for (int k = 0; k < 4; k++) {
      expected.put("yin_yang_monitor" + k + "_plot.png", new int[] {MonitorPlot.WIDTH,
          MonitorPlot.HEIGHT});
    }
    assertThat(expected).hasSize(24);
    ExpectedPlots.check(out, expected);

    // The series the plots are drawn from, against the files and the networks themselves.
    Evaluation ev = new Evaluator(2).evaluate(runDir, Evaluator.Progress.NONE);
    List<MonitorTrace> traces = ev.bundle().monitored();
    assertThat(traces).extracting(MonitorTrace::layerIndex).containsExactly(0, 1, 2, 3);
    assertThat(traces).extracting(MonitorTrace::layerName)
        .containsExactly("DelaySynaptic", "NeuronLayer", "DelaySynaptic", "NeuronLayer");
    LayerNetwork untrained = LayerNetworkFile.read(runDir.resolve(RunFolder.UNTRAINED)).network();
    LayerNetwork trained = LayerNetworkFile.read(snap.resolve("network")).network();
    for (MonitorTrace m : traces) {
      int k = m.monitor();
      NpyArray rec = Npy.read(snap.resolve("yin_yang_parameters_training_" + k + ".npy"));
      assertThat(rec.shape()).containsExactly(4, m.parameters());
      double[] all = rec.asDoubles();
      assertThat(m.epochs()).containsExactly(0, 1, 2, 3);
      for (int p = 0; p < m.parameters(); p += 7) {
        double[] fromFile = new double[4];
        for (int v = 0; v < 4; v++) {
          fromFile[v] = all[v * m.parameters() + p];
        }
        assertThat(m.trace(p)).as("layer %d parameter %d", k, p).containsExactly(fromFile);
        assertThat(m.trace(p)[0]).isEqualTo(parameters(untrained, m.layerIndex())[p]);
        assertThat(m.trace(p)[3]).isEqualTo(parameters(trained, m.layerIndex())[p]);
      }
    }
    long[] codes = Npy.read(snap.resolve("yin_yang_weight_bumping_steps.npy")).asLongs();
    BumpCodes bumps = ev.bundle().bumps();
    assertThat(bumps.batchesPerEpoch()).isEqualTo(34); // 5000 samples in batches of 150
    assertThat(bumps.codes()).containsExactly(codes);
    long bumped = Arrays.stream(codes).filter(c -> c != -2).count();
    assertThat(bumps.points()).hasSize((int) bumped);
    assertThat(bumped).isEqualTo(new RunFolder(runDir).metrics().stream()
        .mapToLong(m -> m.bumps()).sum());
  }

  /** Layer i's monitored values: tiled effective delays or weights, row-major. */
  private static double[] parameters(LayerNetwork net, int i) {
    if (net.layer(i) instanceof DelayLayer d) {
      return Arrays.stream(d.effectiveDelays()).flatMapToDouble(Arrays::stream).toArray();
    }
    return ((NeuronLayer) net.layer(i)).weights();
  }
}
