package io.firstspike.train;

/**
 * Label-layer output times of a snapshot's network on the test and training sets (training set
 * in its natural order), as the original saves them next to the network.
 */
public record SnapshotOutputs(
    double[][] testTimes, int[] testLabels, double[][] trainTimes, int[] trainLabels) {}
