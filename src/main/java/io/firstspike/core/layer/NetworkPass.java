package io.firstspike.core.layer;

/**
 * The result of {@link LayerNetwork#forward}: every layer's output (kept for the backward pass)
 * and the views a training loop needs.
 */
public final class NetworkPass {
  private final LayerNetwork network;
  private final BatchTensor input;
  private final BatchTensor[] outputs;

  NetworkPass(LayerNetwork network, BatchTensor input, BatchTensor[] outputs) {
    this.network = network;
    this.input = input;
    this.outputs = outputs;
  }

  LayerNetwork network() {
    return network;
  }

  public int batch() {
    return input.batch();
  }

  /** The input of layer l (the network's input for l = 0). */
  public BatchTensor input(int l) {
    return l == 0 ? input : outputs[l - 1];
  }

  /** The output of layer l. */
  public BatchTensor output(int l) {
    return outputs[l];
  }

  /** The last layer's output times {@code [B][K]} (+Infinity = no spike), a copy. */
  public double[][] labelTimes() {
    return outputs[outputs.length - 1].toMatrix();
  }

  /**
   * HEAD's {@code hidden_times[l]}: the output {@code [B][M]} of layer l when it is a neuron
   * layer other than the last, null for every other layer (HEAD's placeholders). A copy.
   */
  public double[][] hiddenTimes(int l) {
    if (l < 0 || l >= outputs.length - 1) {
      throw new IndexOutOfBoundsException("hidden times exist for layers 0.." + (outputs.length - 2)
          + ", not " + l);
    }
    return network.layer(l) instanceof NeuronLayer ? outputs[l].toMatrix() : null;
  }
}
