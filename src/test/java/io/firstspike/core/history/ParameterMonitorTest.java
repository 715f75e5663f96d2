package io.firstspike.core.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firstspike.core.history.MonitoredLayer.Kind;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ParameterMonitorTest {
  /** H30_WA's monitored layers: axonal delays E'' [4][1], weights [4][30], E'' [30][1], weights [30][3]. */
  private static final List<MonitoredLayer> H30_WA = List.of(
      new MonitoredLayer(0, Kind.DELAY_LAYER, 4, 1),
      new MonitoredLayer(1, Kind.NEURON_LAYER, 4, 30),
      new MonitoredLayer(2, Kind.DELAY_LAYER, 30, 1),
      new MonitoredLayer(3, Kind.NEURON_LAYER, 30, 3));

  private static List<double[]> values(double v) {
    return H30_WA.stream().map(l -> {
      double[] a = new double[l.size()];
      java.util.Arrays.fill(a, v);
      return a;
    }).toList();
  }

  @Test
  @DisplayName("an initial record and one per epoch, per monitored layer, copied in and out")
  void records() {
    ParameterMonitor m = new ParameterMonitor(H30_WA);
    List<double[]> initial = values(0.5);
    m.record(initial);
    initial.get(0)[0] = 99; // the monitor keeps its own copy
    for (int e = 1; e <= 3; e++) {
      m.record(values(e));
    }
    List<ParameterTrace> traces = m.traces();
    assertThat(traces).hasSize(4);
    assertThat(traces.get(2).layer().kind().originalName()).isEqualTo("DelayLayer");
    assertThat(traces.get(3).layer().kind().originalName()).isEqualTo("NeuronLayer");
    assertThat(traces.get(0).count()).isEqualTo(4);
    assertThat(traces.get(0).record(0)).containsOnly(0.5);
    assertThat(traces.get(1).record(3)).hasSize(120).containsOnly(3.0);
    traces.get(1).records().get(0)[0] = -1; // a trace is immutable
    assertThat(m.traces().get(1).record(0)[0]).isEqualTo(0.5);
    m.truncate(2);
    assertThat(m.count()).isEqualTo(2);
    assertThat(m.traces().get(3).record(1)).containsOnly(1.0);
  }

  @Test
  @DisplayName("wrong counts, lengths and orders are named")
  void errors() {
    ParameterMonitor m = new ParameterMonitor(H30_WA);
    assertThatThrownBy(() -> m.record(values(1).subList(0, 3))).hasMessageContaining("3 arrays for 4");
    List<double[]> bad = new java.util.ArrayList<>(values(1));
    bad.set(2, new double[29]);
    assertThatThrownBy(() -> m.record(bad)).hasMessageContaining("layer 2 (DelayLayer) got 29 values");
    assertThatThrownBy(() -> new ParameterMonitor(List.of(H30_WA.get(1), H30_WA.get(0))))
        .hasMessageContaining("layer order");
    assertThatThrownBy(() -> new MonitoredLayer(0, Kind.NEURON_LAYER, 0, 3)).hasMessageContaining("shape");
    assertThat(new ParameterMonitor(List.of()).count()).isZero();
  }
}
