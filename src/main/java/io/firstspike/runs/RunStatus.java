package io.firstspike.runs;

import io.firstspike.train.RunState;

/**
 * The lifecycle record of a run, kept in {@code status.json} of its folder.
 *
 * @param state current state
 * @param reason why it failed, stopped or was interrupted; empty otherwise
 * @param createdAt ISO-8601 creation instant
 * @param updatedAt ISO-8601 instant of this status
 * @param epochsDone epochs finished so far
 * @param epochs epochs planned
 * @param lastSnapshot epoch of the newest complete snapshot, -1 if none
 * @param node the node (host) that owns the run
 */
public record RunStatus(
    RunState state,
    String reason,
    String createdAt,
    String updatedAt,
    int epochsDone,
    int epochs,
    int lastSnapshot,
    String node) {}
