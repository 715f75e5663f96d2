package io.firstspike.core.layer;

/**
 * The three delay layers (DELGRAD-MODEL.md section 2.1). With N inputs, M neurons of the next
 * neuron layer and sharing factors pre and post, the trainable raw tensor has the shape
 *
 * <pre>
 *   AXONAL     [N / pre][1]          one delay per presynaptic neuron, for all its synapses
 *   SYNAPTIC   [N / pre][M / post]   one delay per synapse
 *   DENDRITIC  [1][M / post]         one delay per postsynaptic neuron, for all its inputs
 * </pre>
 *
 * and synapse (i, j) uses raw entry [i mod rows][j mod cols] (sharing tiles, it does not
 * interleave).
 */
public enum DelayType {
  AXONAL("DelayAxonal"),
  SYNAPTIC("DelaySynaptic"),
  DENDRITIC("DelayDendritic");

  private final String configName;

  DelayType(String configName) {
    this.configName = configName;
  }

  /** The layer's {@code name} in a config ({@code DelayAxonal} etc.). */
  public String configName() {
    return configName;
  }

  /** Rows of the raw tensor for n inputs shared by pre. */
  public int rawRows(int n, int pre) {
    return this == DENDRITIC ? 1 : n / pre;
  }

  /** Columns of the raw tensor for m neurons shared by post. */
  public int rawCols(int m, int post) {
    return this == AXONAL ? 1 : m / post;
  }

  /** Rows of the tiled effective tensor E'' (DELGRAD-MODEL.md section 2.3). */
  public int tiledRows(int n) {
    return this == DENDRITIC ? 1 : n;
  }

  /** Columns of the tiled effective tensor E''. */
  public int tiledCols(int m) {
    return this == AXONAL ? 1 : m;
  }
}
