/**
 * What a training run records besides its curves, as plain data for the run-folder writer
 * (DELGRAD-MODEL.md section 7.4): the per-batch weight-bumping codes and the parameter traces of
 * the monitored layers ({@code all_parameters}). Imports only {@code java.*}.
 */
package io.firstspike.core.history;
