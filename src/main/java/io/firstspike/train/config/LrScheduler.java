package io.firstspike.train.config;

import java.util.List;

/**
 * The {@code training_params.lr_scheduler} section, stepped once per epoch after the training
 * batches (TTFS-MODEL.md section 5). With epoch e counted from 0 and initial rate lr0:
 *
 * <ul>
 *   <li>{@code StepLR}: lr = lr0 * gamma^floor(e / step_size)
 *   <li>{@code MultiStepLR}: lr = lr0 * gamma^(number of milestones <= e)
 *   <li>{@code ExponentialLR}: lr = lr0 * gamma^e (the original builds a MultiStepLR here by
 *       mistake; we implement the real exponential decay)
 * </ul>
 *
 * @param type the schedule
 * @param stepSize {@code step_size}: epochs per decay, only (and required) for StepLR, else null
 * @param milestones {@code milestones}: strictly increasing epochs, only (and required) for
 *     MultiStepLR, else null
 * @param gamma multiplicative decay factor, > 0
 */
public record LrScheduler(Type type, Integer stepSize, List<Integer> milestones, double gamma) {

  private static final String P = "training_params.lr_scheduler.";

  /** The schedules the original knows, with their YAML spelling. */
  public enum Type {
    STEP_LR("StepLR"),
    MULTI_STEP_LR("MultiStepLR"),
    EXPONENTIAL_LR("ExponentialLR");

    private final String yamlName;

    Type(String yamlName) {
      this.yamlName = yamlName;
    }

    /** The spelling in config files. */
    public String yamlName() {
      return yamlName;
    }
  }

  public LrScheduler {
    Checks.required(P + "type", type);
    Checks.positive(P + "gamma", gamma);
    if (type == Type.STEP_LR) {
      Checks.positive(P + "step_size", Checks.required(P + "step_size", stepSize));
    } else if (stepSize != null) {
      throw ConfigException.at(P + "step_size",
          "is only used by StepLR, not by " + type.yamlName() + "; remove it");
    }
    if (type == Type.MULTI_STEP_LR) {
      Checks.required(P + "milestones", milestones);
      for (int i = 0; i < milestones.size(); i++) {
        Checks.positive(P + "milestones[" + i + "]", milestones.get(i));
        if (i > 0 && milestones.get(i) <= milestones.get(i - 1)) {
          throw ConfigException.at(P + "milestones",
              "must be strictly increasing epochs, got " + milestones);
        }
      }
      milestones = List.copyOf(milestones);
    } else if (milestones != null) {
      throw ConfigException.at(P + "milestones",
          "is only used by MultiStepLR, not by " + type.yamlName() + "; remove it");
    }
  }

  public static LrScheduler stepLr(int stepSize, double gamma) {
    return new LrScheduler(Type.STEP_LR, stepSize, null, gamma);
  }

  public static LrScheduler multiStepLr(List<Integer> milestones, double gamma) {
    return new LrScheduler(Type.MULTI_STEP_LR, null, milestones, gamma);
  }

  public static LrScheduler exponentialLr(double gamma) {
    return new LrScheduler(Type.EXPONENTIAL_LR, null, null, gamma);
  }
}
