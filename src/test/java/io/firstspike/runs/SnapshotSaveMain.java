package io.firstspike.runs;

import java.nio.file.Path;

/**
 * Run in a child JVM by {@link SnapshotKillTest}: saves {@link SnapshotFixtures#state} of the
 * given epoch and marker into a run folder, pausing where the system property {@link
 * SnapshotStore#PAUSE_PROPERTY} says, and prints "saved" when done.
 *
 * <p>Arguments: run folder, epoch, marker.
 */
public final class SnapshotSaveMain {
  private SnapshotSaveMain() {}

  public static void main(String[] args) {
    RunFolder run = new RunFolder(Path.of(args[0]));
    new SnapshotStore(run, "yin_yang")
        .save(SnapshotFixtures.state(Integer.parseInt(args[1]), Long.parseLong(args[2])), null);
    System.out.println("saved");
  }
}
