package io.firstspike.train;

/** How {@link Trainer#train} ended. */
public record TrainingResult(RunState state, String reason, int epochsDone) {}
