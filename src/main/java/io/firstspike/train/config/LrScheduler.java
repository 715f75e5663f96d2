package io.firstspike.train.config;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import java.util.List;

/**
 * The {@code training_params.lr_scheduler} section, stepped once per epoch after the training
 * batches (TTFS-MODEL.md section 5; DELGRAD-MODEL.md section 6: the same for every parameter
 * group). With epoch e counted from 0 and initial rate lr0:
 *
 * <ul>
 *   <li>{@code StepLR}: lr = lr0 * gamma^floor(e / step_size)
 *   <li>{@code MultiStepLR}: lr = lr0 * gamma^(number of milestones <= e)
 *   <li>{@code ExponentialLR}: lr = lr0 * gamma^e (the original builds a MultiStepLR here by
 *       mistake; we implement the real exponential decay)
 * </ul>
 *
 * @param type the schedule; null ({@code type: null}, the new schema's "none") only without the
 *     other keys, and then {@link TrainingParams} holds no scheduler
 * @param stepSize {@code step_size}: epochs per decay, only (and required) for StepLR, else null
 * @param milestones {@code milestones}: strictly increasing epochs, only (and required) for
 *     MultiStepLR, else null
 * @param gamma multiplicative decay factor, > 0
 */
public record LrScheduler(Type type, Integer stepSize, List<Integer> milestones, Double gamma) {

  /** The schedules the original knows, with their YAML spelling. */
  @JsonClassDescription("scheduler")
  public enum Type implements ConfigName {
    STEP_LR("StepLR"),
    MULTI_STEP_LR("MultiStepLR"),
    EXPONENTIAL_LR("ExponentialLR");

    private final String yamlName;

    Type(String yamlName) {
      this.yamlName = yamlName;
    }

    @Override
    public String yamlName() {
      return yamlName;
    }
  }

  public LrScheduler {
    if (type == null) {
      if (stepSize != null || milestones != null || gamma != null) {
        throw ConfigException.at("type", "is required but missing (null means no scheduler,"
            + " then give no step_size, milestones or gamma); valid are StepLR, MultiStepLR,"
            + " ExponentialLR");
      }
    } else {
      Checks.positive("gamma", Checks.required("gamma", gamma));
      checkStepSize(type, stepSize);
      milestones = checkMilestones(type, milestones);
    }
  }

  private static void checkStepSize(Type type, Integer stepSize) {
    if (type == Type.STEP_LR) {
      Checks.positive("step_size", Checks.required("step_size", stepSize));
    } else if (stepSize != null) {
      throw ConfigException.at("step_size",
          "is only used by StepLR, not by " + type.yamlName() + "; remove it");
    }
  }

  private static List<Integer> checkMilestones(Type type, List<Integer> milestones) {
    if (type != Type.MULTI_STEP_LR) {
      if (milestones != null) {
        throw ConfigException.at("milestones",
            "is only used by MultiStepLR, not by " + type.yamlName() + "; remove it");
      }
      return null;
    }
    Checks.required("milestones", milestones);
    for (int i = 0; i < milestones.size(); i++) {
      Checks.positive("milestones[" + i + "]", milestones.get(i));
      if (i > 0 && milestones.get(i) <= milestones.get(i - 1)) {
        throw ConfigException.at("milestones",
            "must be strictly increasing epochs, got " + milestones);
      }
    }
    return List.copyOf(milestones);
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
