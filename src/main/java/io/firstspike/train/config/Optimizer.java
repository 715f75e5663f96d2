package io.firstspike.train.config;

import com.fasterxml.jackson.annotation.JsonClassDescription;

/** The {@code training_params.optimizer} values (TTFS-MODEL.md section 5). */
@JsonClassDescription("optimizer")
public enum Optimizer implements ConfigName {
  /** Adam with PyTorch's defaults (beta1 0.9, beta2 0.999, eps 1e-8). */
  ADAM("adam"),
  /** Stochastic gradient descent with {@code momentum} (PyTorch's form). */
  SGD("sgd");

  private final String yamlName;

  Optimizer(String yamlName) {
    this.yamlName = yamlName;
  }

  @Override
  public String yamlName() {
    return yamlName;
  }
}
