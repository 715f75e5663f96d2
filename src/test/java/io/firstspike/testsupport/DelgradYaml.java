package io.firstspike.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shipped new-schema config {@code configs/yin_yang_H30_WS.yaml} (DelGrad's H30_WS: synaptic
 * delays, 4-30-3, Adam with StepLR) with a few keys replaced, for training tests.
 */
public final class DelgradYaml {
  private DelgradYaml() {}

  /** The shipped text. */
  public static String h30Ws() {
    try {
      return Files.readString(Path.of("configs/yin_yang_H30_WS.yaml"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** H30_WS for {@code epochs} epochs with snapshots after the listed epochs ("[2]"). */
  public static String h30Ws(int epochs, String snapshots) {
    return replace(replace(h30Ws(), "epoch_number: 300", "epoch_number: " + epochs),
        "epoch_snapshots: []", "epoch_snapshots: " + snapshots);
  }

  /** {@code text} with the one occurrence of {@code what} replaced (fails if it is not there). */
  public static String replace(String text, String what, String with) {
    int at = text.indexOf(what);
    if (at < 0 || text.indexOf(what, at + 1) >= 0) {
      throw new IllegalArgumentException("'" + what + "' is not in the config exactly once");
    }
    return text.substring(0, at) + with + text.substring(at + what.length());
  }
}
