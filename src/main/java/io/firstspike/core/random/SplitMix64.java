package io.firstspike.core.random;

import java.util.function.LongSupplier;

/**
 * SplitMix64 (G. L. Steele, D. Lea and C. H. Flood, "Fast Splittable Pseudorandom Number
 * Generators", OOPSLA 2014; the finaliser constants are S. Vigna's): a 64-bit counter advanced by
 * the golden-ratio increment and scrambled. One word costs a handful of integer operations (the
 * Mersenne Twister behind {@code io.firstspike.data.NumpyRandom} costs several nanoseconds per
 * 64-bit word in Java), and it passes BigCrush. The training noise draws one per normal number: a
 * stream per epoch, seeded from the trainer's generator, so a snapshot's generator state still
 * says everything. DelGrad's hardware noise ({@code io.firstspike.core.layer.SeededNoise}) draws
 * from one stream per run.
 */
public final class SplitMix64 implements LongSupplier {
  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

  private long state;

  public SplitMix64(long seed) {
    this.state = seed;
  }

  /** The state: {@code new SplitMix64(state())} continues this stream exactly. */
  public long state() {
    return state;
  }

  /** The next uniform 64-bit word. */
  public long nextLong() {
    long z = (state += GOLDEN_GAMMA);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  @Override
  public long getAsLong() {
    return nextLong();
  }
}
