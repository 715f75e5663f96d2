/**
 * Optimizers, learning-rate schedules, weight bumping and weight clipping.
 *
 * <p>Two schemas, two sets of rules (DELGRAD-MODEL.md section 0). Old-schema (2021) configs use
 * the single-rate {@link io.firstspike.core.optim.Optimizer} ({@link
 * io.firstspike.core.optim.Adam}, {@link io.firstspike.core.optim.Sgd}) and {@link
 * io.firstspike.core.optim.WeightBumper}. New-schema (DelGrad, the original's HEAD) configs use
 * parameter groups ({@link io.firstspike.core.optim.GroupedOptimizer}), {@link
 * io.firstspike.core.optim.DelgradWeightBumper} and {@link io.firstspike.core.optim.WeightClipping};
 * the schedulers drive either through {@link io.firstspike.core.optim.LearningRates}. Both
 * optimizer families share one element-wise update per rule.
 *
 * <p>One batch of a new-schema run, in HEAD's order (section 7.1), with the piece for each step:
 *
 * <ol>
 *   <li>optional input noise ({@code core.network.InputNoise});
 *   <li>forward through the layer network (rounded weights when {@code rounding_precision} is set:
 *       {@code core.math.WeightRounding}); {@code DelgradLoss.selectAll} on the label times;
 *   <li>{@link io.firstspike.core.optim.DelgradWeightBumper#check}; if it bumped, {@link
 *       io.firstspike.core.optim.DelgradWeightBumper#bump} on that NeuronLayer's weights;
 *   <li>if not bumped: {@code DelgradLoss.compute} (with the delay vectors it asks for), the
 *       backward pass with its gradient and delay gradient, {@link
 *       io.firstspike.core.optim.GroupedOptimizer#step}, then every Delay layer's rectification;
 *   <li>always: {@link io.firstspike.core.optim.WeightClipping.Plan#apply} on every NeuronLayer;
 *   <li>record the bump code ({@code core.history.WeightBumpingSteps}); accuracy counts every
 *       batch.
 * </ol>
 *
 * After the batches: the scheduler's {@code step}, validation, and a {@code
 * core.history.ParameterMonitor} record; {@code DelgradWeightBumper.restart} at each snapshot
 * segment.
 */
package io.firstspike.core.optim;
