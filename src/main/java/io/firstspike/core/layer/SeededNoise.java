package io.firstspike.core.layer;

import io.firstspike.core.random.SplitMix64;
import io.firstspike.core.random.ZigguratNormal;

/**
 * The noise of a run from one seeded stream: standard normal numbers by the ziggurat method over
 * SplitMix64 words, each multiplied by the asking layer's std, in the order in which the forward
 * passes ask for them (see {@link NoiseSource}). The same seed and the same sequence of passes
 * give the same draws on every platform, whatever the number of threads (draws happen on the
 * calling thread, before a layer's parallel part). Also the source of initial parameters
 * ({@link LayerNetwork#initialise}).
 *
 * <p>Not thread-safe: one per run.
 */
public final class SeededNoise implements NoiseSource {
  private final SplitMix64 words;
  private final ZigguratNormal normal;

  /** A stream from a seed, or from a {@link #state()} saved earlier (continues it exactly). */
  public SeededNoise(long seed) {
    this.words = new SplitMix64(seed);
    this.normal = new ZigguratNormal(words);
  }

  /** Where the stream stands (the ziggurat keeps no state of its own). */
  public long state() {
    return words.state();
  }

  /** The next standard normal number. */
  public double next() {
    return normal.next();
  }

  @Override
  public void fill(Kind kind, int layer, double std, double[] out) {
    for (int k = 0; k < out.length; k++) {
      out[k] = std * normal.next();
    }
  }
}
