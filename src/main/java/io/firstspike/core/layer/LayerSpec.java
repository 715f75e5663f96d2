package io.firstspike.core.layer;

import java.util.Arrays;

/**
 * One entry of a network's layer list ({@code network_layout.layers}, DELGRAD-MODEL.md section 1)
 * before the shapes are known. {@link LayerNetwork} turns a list of them into layers.
 */
public sealed interface LayerSpec {

  /** Initial values Normal(mean, std). */
  record Normal(double mean, double std) {
    public static final Normal ZERO = new Normal(0, 0);
  }

  /** {@code BroadcastLayer}: one time per input becomes one per synapse of the next neurons. */
  record Broadcast() implements LayerSpec {}

  /**
   * {@code DelayAxonal}, {@code DelaySynaptic}, {@code DelayDendritic}.
   *
   * @param presynSharing {@code presyn_sharing_factor} (N must be divisible by it)
   * @param postsynSharing {@code postsyn_sharing_factor} (M must be divisible by it)
   * @param jitter std of the noise added to every delayed time per forward call (0 = none)
   * @param trainable false keeps the delays fixed (no gradient)
   * @param init {@code delay_mean}, {@code delay_std} of the raw parameters
   */
  record Delay(DelayType type, Positivity positivity, int presynSharing, int postsynSharing,
      double jitter, boolean trainable, Normal init) implements LayerSpec {
    public Delay {
      if (type == null || positivity == null) {
        throw new IllegalArgumentException("a delay layer needs a type and a positivity "
            + "(\"You have to specify a way to make the delays positive\")");
      }
      if (presynSharing < 1 || postsynSharing < 1) {
        throw new IllegalArgumentException(type.configName() + ": sharing factors must be >= 1, "
            + "got presyn_sharing_factor " + presynSharing + ", postsyn_sharing_factor "
            + postsynSharing);
      }
    }
  }

  /** {@code Biases}: inputs that always spike at these times, appended after the others. */
  record Biases(double[] times) implements LayerSpec {
    public Biases {
      times = times.clone();
    }

    @Override
    public double[] times() {
      return times.clone();
    }

    /** Equal times (bit for bit), not the same array: a layer list read back equals the original. */
    @Override
    public boolean equals(Object o) {
      return o instanceof Biases b && Arrays.equals(times, b.times);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(times);
    }

    @Override
    public String toString() {
      return "Biases[times=" + Arrays.toString(times) + "]";
    }
  }

  /** {@code Multiplex}: each input repeated {@code factor} times, interleaved (x, x, y, y). */
  record Multiplex(int factor) implements LayerSpec {
    public Multiplex {
      if (factor < 1) {
        throw new IllegalArgumentException("Multiplex: factor must be >= 1, got " + factor);
      }
    }
  }

  /**
   * {@code NeuronLayer}.
   *
   * @param size M, its number of neurons
   * @param trainable false keeps the weights fixed (no gradient)
   * @param init {@code weights_mean}, {@code weights_std}
   */
  record Neuron(int size, NeuronSettings neuron, boolean trainable, Normal init)
      implements LayerSpec {
    public Neuron {
      if (size < 1) {
        throw new IllegalArgumentException("NeuronLayer: size must be >= 1, got " + size);
      }
    }
  }
}
