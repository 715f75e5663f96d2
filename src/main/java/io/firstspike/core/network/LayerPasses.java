package io.firstspike.core.network;

import java.util.List;

/**
 * Every layer pass there is, in one list: the contract test runs each of them against the
 * reference pass on every layer it supports, and asserts the length of this list, so that no
 * pass escapes it. {@link PassPolicy} chooses among these (the Euler pass on the grid of the
 * engine's options: one registered instance stands for them all).
 */
public final class LayerPasses {
  private LayerPasses() {}

  /** The Euler grid of the registered Euler pass: the configs' sim_time 3.0, resolution 0.01. */
  static final LayerComputation.EulerGrid REGISTERED_GRID = new LayerComputation.EulerGrid(3.0, 0.01);

  /** The forward passes: the reference first. */
  public static List<LayerPass.Forward> forward() {
    return List.of(ReferencePass.INSTANCE, ClosedFormForward.UNSCREENED, ClosedFormForward.PREFIX,
        ClosedFormForward.BLOCKED, ClosedFormForward.NARROW, new EulerForward(REGISTERED_GRID));
  }

  /** The backward passes: the reference first. */
  public static List<LayerPass.Backward> backward() {
    return List.of(ReferencePass.INSTANCE, ExactBackward.COLUMNS, ExactBackward.ROWS,
        ExactBackward.DEFERRED_ROWS);
  }
}
