package io.firstspike.cli;

import io.firstspike.testsupport.TestConfigs;

/** Small configs for CLI tests. */
final class TrainerYaml {
  private TrainerYaml() {}

  /** A 4-10-3 Yin-Yang experiment with snapshots at epoch 1 and the last. */
  static String yinYang(int epochs) {
    return TestConfigs.yinYang(10, epochs, 0.005, "[1]", 20, 0.95, "false");
  }
}
