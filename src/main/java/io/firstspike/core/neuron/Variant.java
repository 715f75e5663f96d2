package io.firstspike.core.neuron;

/**
 * The two neuron variants with a closed-form first-spike time.
 *
 * <ul>
 *   <li>{@link #ET} "equal time": tau_mem = tau_syn, spike time via the Lambert W function.
 *   <li>{@link #DT} "double time": tau_mem = 2 tau_syn, spike time via a logarithm.
 * </ul>
 */
public enum Variant {
  ET,
  DT
}
