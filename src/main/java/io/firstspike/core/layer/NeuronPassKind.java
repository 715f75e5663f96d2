package io.firstspike.core.layer;

/**
 * Which {@link NeuronLayerPass} the neuron layers of a {@link LayerNetwork} use, named where the
 * network is built. Both give the same bits ({@code NeuronPassContractTest}).
 */
public enum NeuronPassKind {
  /** {@link ReferenceNeuronPass} sample by sample: the definition, written to be read. */
  REFERENCE,
  /** {@link FastNeuronPass}: reused scratch, per-neuron insertion sort, exps computed once. */
  FAST;

  /** The pass for a layer of {@code m} neurons with these settings. */
  public NeuronLayerPass create(NeuronSettings settings, int m) {
    return switch (this) {
      case REFERENCE -> new ChunkedReferencePass(new ReferenceNeuronPass(settings.params(),
          settings.variant(), settings.eps()), m, settings.maxDwNorm());
      case FAST -> new FastNeuronPass(settings, m);
    };
  }
}
