package io.firstspike.train;

/**
 * The per-epoch record of a run, one line of {@code metrics.jsonl}.
 *
 * @param epoch 0 for the initial validation, then 1..epochs
 * @param epochs the total planned
 * @param step global batch counter at the end of the epoch
 * @param trainLoss mean of the non-bumped batch losses (NaN if none, or for epoch 0)
 * @param trainAccuracy training accuracy over the epoch (NaN for epoch 0)
 * @param valLoss validation loss
 * @param valAccuracy validation accuracy
 * @param learningRate learning rate used during the epoch
 * @param bumps number of weight-bumped batches
 * @param meanValOutputs per true class (row), per label neuron (column): mean validation output
 *     time over finite values, NaN if none
 * @param stdValOutputs the matching standard deviations
 * @param samplesPerSecond training throughput of the epoch (training + validation samples per
 *     wall-clock second)
 * @param elapsedSeconds wall-clock seconds since the run (or resume) started
 * @param etaSeconds estimated seconds to the last epoch
 * @param integratorSkips with {@code use_forward_integrator}: spikes of the epoch's training
 *     batches whose causal set has no closed-form crossing, so they got no gradient (see
 *     {@link io.firstspike.core.network.LayerScratch#integratorSkips}); 0 with the exact forward
 *     pass, and in files written before this field existed
 */
public record EpochMetrics(
    int epoch,
    int epochs,
    long step,
    double trainLoss,
    double trainAccuracy,
    double valLoss,
    double valAccuracy,
    double learningRate,
    int bumps,
    double[][] meanValOutputs,
    double[][] stdValOutputs,
    double samplesPerSecond,
    double elapsedSeconds,
    double etaSeconds,
    long integratorSkips) {}
