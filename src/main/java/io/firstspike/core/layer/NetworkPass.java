package io.firstspike.core.layer;

/**
 * The result of {@link LayerNetwork#forward}: every layer's output (kept for the backward pass)
 * and the views a training loop needs. Its tensors belong to the {@link PassBuffers} it was made
 * with: made with reusing buffers, it is valid until their next forward pass, and every accessor
 * throws after that.
 */
public final class NetworkPass {
  private final LayerNetwork network;
  private final BatchTensor input;
  private final BatchTensor[] outputs;
  private final PassBuffers buffers;
  private final long generation;

  NetworkPass(LayerNetwork network, BatchTensor input, BatchTensor[] outputs, PassBuffers buffers,
      long generation) {
    this.network = network;
    this.input = input;
    this.outputs = outputs;
    this.buffers = buffers;
    this.generation = generation;
  }

  LayerNetwork network() {
    return network;
  }

  /** The buffers this pass's tensors came from (its backward pass takes its own from there). */
  PassBuffers buffers() {
    requireCurrent();
    return buffers;
  }

  /** @throws IllegalStateException once a later forward pass has reused this pass's tensors */
  void requireCurrent() {
    if (!buffers.current(generation)) {
      throw new IllegalStateException("this forward pass's tensors were reused by a later forward"
          + " pass with the same PassBuffers; copy what you need before the next one");
    }
  }

  public int batch() {
    requireCurrent();
    return input.batch();
  }

  /** The input of layer l (the network's input for l = 0). */
  public BatchTensor input(int l) {
    requireCurrent();
    return l == 0 ? input : outputs[l - 1];
  }

  /** The output of layer l. */
  public BatchTensor output(int l) {
    requireCurrent();
    return outputs[l];
  }

  /** The last layer's output times {@code [B][K]} (+Infinity = no spike), a copy. */
  public double[][] labelTimes() {
    requireCurrent();
    return outputs[outputs.length - 1].toMatrix();
  }

  /**
   * HEAD's {@code hidden_times[l]}: the output {@code [B][M]} of layer l when it is a neuron
   * layer other than the last, null for every other layer (HEAD's placeholders). A copy.
   */
  public double[][] hiddenTimes(int l) {
    requireCurrent();
    if (l < 0 || l >= outputs.length - 1) {
      throw new IndexOutOfBoundsException("hidden times exist for layers 0.." + (outputs.length - 2)
          + ", not " + l);
    }
    return network.layer(l) instanceof NeuronLayer ? outputs[l].toMatrix() : null;
  }
}
