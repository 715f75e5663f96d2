/**
 * Networks as ordered lists of layers, with trainable delays (DelGrad, DELGRAD-MODEL.md), and the
 * reference layer pass that every faster pass must agree with.
 *
 * <ul>
 *   <li>{@link io.firstspike.core.layer.ReferenceNeuronPass}: forward and backward of one layer
 *       of LIF neurons on per-synapse input times t_bij, et and dt, either {@link
 *       io.firstspike.core.layer.EpsRule}, threshold noise, output jitter, clipping.
 *   <li>{@link io.firstspike.core.layer.BatchTensor}: {@code [B][N][M]} times or gradients, or
 *       {@code [B][N]} ones broadcast to every neuron without copies.
 *   <li>{@link io.firstspike.core.layer.LayerSpec} (a config's layer list) ->
 *       {@link io.firstspike.core.layer.LayerNetwork} (shapes fixed, parameters given or drawn) of
 *       {@link io.firstspike.core.layer.Layer}s: Broadcast, Delay (axonal, synaptic, dendritic;
 *       sharing; {@link io.firstspike.core.layer.Positivity}), Biases, Multiplex, Neuron.
 *   <li>Noise from a {@link io.firstspike.core.layer.NoiseSource}: one
 *       {@link io.firstspike.core.layer.SeededNoise} stream per run, or recorded draws.
 * </ul>
 *
 * <p>A training step: {@code pass = net.forward(inputs, noise, threads)}; the loss turns
 * {@code pass.labelTimes()} into dL/dT; {@code grads = net.backward(pass, dLdT, threads)};
 * the optimizer updates each trainable {@link io.firstspike.core.layer.Parameter} of
 * {@code net.parameters()} in place with {@code grads.get(name)}; then
 * {@code net.rectifyDelays()}. A caller that passes batch after batch hands each forward pass
 * its {@link io.firstspike.core.layer.PassBuffers}, which reuse the per-batch tensors; a pass made
 * with them is valid until their next forward pass.
 */
package io.firstspike.core.layer;
