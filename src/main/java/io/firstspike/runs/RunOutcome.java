package io.firstspike.runs;

import io.firstspike.train.RunState;

/**
 * How an execution of a run ended.
 *
 * @param state {@code FINISHED}, {@code STOPPED}, {@code FAILED} or {@code INTERRUPTED}
 * @param reason human-readable cause for anything but FINISHED
 * @param epochsDone epochs finished in total
 * @param lastSnapshot newest complete snapshot epoch
 */
public record RunOutcome(RunState state, String reason, int epochsDone, int lastSnapshot) {}
