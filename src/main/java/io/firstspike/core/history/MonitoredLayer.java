package io.firstspike.core.history;

/**
 * A layer with {@code monitor: true} and the shape of what is recorded for it (DELGRAD-MODEL.md
 * section 7.4): the tiled effective delays E'' of a Delay layer ({@code [N][1]} axonal, {@code
 * [N][M]} synaptic, {@code [1][M]} dendritic) or the weights {@code [N][M]} of a NeuronLayer.
 *
 * @param layerIndex its index in {@code network_layout.layers}
 * @param kind what it is
 * @param rows first dimension of a record
 * @param cols second dimension of a record
 */
public record MonitoredLayer(int layerIndex, Kind kind, int rows, int cols) {

  /** The two kinds of monitored layers, with the name the original stores. */
  public enum Kind {
    DELAY_LAYER("DelayLayer"),
    NEURON_LAYER("NeuronLayer");

    private final String originalName;

    Kind(String originalName) {
      this.originalName = originalName;
    }

    /** {@code name} in the original's {@code _parameters_training.npy}. */
    public String originalName() {
      return originalName;
    }
  }

  public MonitoredLayer {
    if (layerIndex < 0 || rows <= 0 || cols <= 0 || kind == null) {
      throw new IllegalArgumentException("monitored layer " + layerIndex + ": need an index >= 0,"
          + " a kind and a shape >= 1 x 1, got " + kind + " " + rows + " x " + cols);
    }
  }

  /** Values per record. */
  public int size() {
    return rows * cols;
  }
}
