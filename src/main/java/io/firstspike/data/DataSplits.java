package io.firstspike.data;

import java.util.List;
import java.util.Objects;

/**
 * The three splits of a data set. They share the name, the number of inputs and the class names.
 *
 * @param train the training samples (shuffled per epoch by the trainer, not here)
 * @param validation evaluated after every epoch
 * @param test evaluated by inference
 */
public record DataSplits(Dataset train, Dataset validation, Dataset test) {

  /** Checks that the splits agree on name, inputs and classes. */
  public DataSplits {
    Objects.requireNonNull(train, "train");
    Objects.requireNonNull(validation, "validation");
    Objects.requireNonNull(test, "test");
    for (Dataset d : List.of(validation, test)) {
      if (!d.name().equals(train.name()) || !d.classNames().equals(train.classNames())) {
        throw new IllegalArgumentException("data splits disagree: " + train + " vs " + d);
      }
      if (d.size() > 0 && train.size() > 0 && d.nInputs() != train.nInputs()) {
        throw new IllegalArgumentException("data set " + train.name() + ": training samples have "
            + train.nInputs() + " inputs but another split has " + d.nInputs());
      }
    }
  }

  /** The data set's name, e.g. {@code yin_yang}. */
  public String name() {
    return train.name();
  }

  /** Inputs per sample. */
  public int nInputs() {
    return train.nInputs();
  }

  /** Display names by label index. */
  public List<String> classNames() {
    return train.classNames();
  }

  /** A split by its name: {@code train}, {@code validation} (or {@code val}) or {@code test}. */
  public Dataset split(String which) {
    return switch (which) {
      case "train" -> train;
      case "validation", "val" -> validation;
      case "test" -> test;
      default -> throw new IllegalArgumentException(
          "unknown split '" + which + "', valid: train, validation, test");
    };
  }
}
