package io.firstspike.eval;

import java.util.Arrays;

/**
 * A DelGrad run's weight-bump codes ({@code <dataset>_weight_bumping_steps.npy}, DELGRAD-MODEL.md
 * section 7.4), one per training batch: -2 no bump, -1 the label layer, i >= 0 the index in
 * {@code network_layout.layers} of the bumped hidden NeuronLayer. The loss/accuracy plot draws
 * them as a raster: which layer was bumped at which batch.
 *
 * @param codes one code per training batch, in training order
 * @param batchesPerEpoch training batches of one epoch
 * @param labelLayer the label layer's index in {@code network_layout.layers} (where code -1 goes)
 */
public record BumpCodes(long[] codes, int batchesPerEpoch, int labelLayer) {

  /** A raster point: training batch (1-based over the run) and the bumped layer's index. */
  public record Point(int batch, int layer) {}

  public BumpCodes {
    if (batchesPerEpoch < 1 || codes.length % batchesPerEpoch != 0) {
      throw new IllegalArgumentException(codes.length + " weight-bump codes are not whole epochs"
          + " of " + batchesPerEpoch + " batches");
    }
    for (long c : codes) {
      if (c < -2 || c >= labelLayer) {
        throw new IllegalArgumentException("weight-bump code " + c + ": expected -2 (no bump),"
            + " -1 (label layer) or a hidden layer index below " + labelLayer);
      }
    }
    codes = codes.clone();
  }

  /** Training epochs the codes cover. */
  public int epochs() {
    return codes.length / batchesPerEpoch;
  }

  /** The bumped batches in order, code -1 placed at the label layer's index. */
  public java.util.List<Point> points() {
    java.util.List<Point> out = new java.util.ArrayList<>();
    for (int b = 0; b < codes.length; b++) {
      if (codes[b] != -2) {
        out.add(new Point(b + 1, codes[b] == -1 ? labelLayer : (int) codes[b]));
      }
    }
    return out;
  }

  @Override
  public long[] codes() {
    return codes.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BumpCodes b && Arrays.equals(codes, b.codes)
        && batchesPerEpoch == b.batchesPerEpoch && labelLayer == b.labelLayer;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(codes) * 31 + batchesPerEpoch;
  }

  @Override
  public String toString() {
    return "BumpCodes[" + codes.length + " batches, " + points().size() + " bumped]";
  }
}
