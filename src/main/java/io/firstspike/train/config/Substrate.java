package io.firstspike.train.config;

import com.fasterxml.jackson.annotation.JsonClassDescription;

/**
 * The new schema's {@code training_params.substrate}: where the network runs (DELGRAD-MODEL.md
 * section 8). Only the simulation is available; the BrainScaleS-2 substrates are refused before
 * any other check of a config.
 */
@JsonClassDescription("substrate")
public enum Substrate implements ConfigName {
  SIM("sim"),
  /** BrainScaleS-2 through its native interface: needs the chip. */
  HX("hx"),
  /** BrainScaleS-2 through PyNN: needs the chip. */
  HX_PYNN("hx_pynn");

  private final String yamlName;

  Substrate(String yamlName) {
    this.yamlName = yamlName;
  }

  @Override
  public String yamlName() {
    return yamlName;
  }
}
