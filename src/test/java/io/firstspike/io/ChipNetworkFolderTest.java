package io.firstspike.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.firstspike.runs.TrainedModel;
import io.firstspike.testsupport.Shared;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A folder whose {@code *_network.pt} is a network of the BrainScaleS-2 chip ({@code
 * networks.NetOnHX_PYNN}, built by hand as DELGRAD-MODEL.md section 13 describes it) is refused
 * in one line naming the file and the chip, even beside a valid simulation config.
 */
class ChipNetworkFolderTest {
  @TempDir Path dir;

  @Test
  @DisplayName("a chip network in a run folder is refused in one line naming the file and the chip")
  void chipNetwork() throws Exception {
    CraftedLayerNet net = CraftedLayerNet.mixed(new Random(3), new HashMap<>());
    net.netModule = "networks";
    net.netClass = "NetOnHX_PYNN";
    Path run = Files.createDirectories(dir.resolve("run/epoch_300"));
    Files.copy(Shared.file("reference/delgrad/pretrained/yin_yang_H30_WS/config.yaml"),
        dir.resolve("run/config.yaml"));
    Path pt = net.write(run.resolve("yin_yang_network.pt"));
    Throwable t = catchThrowable(() -> TrainedModel.open(dir.resolve("run")));
    assertThat(t).isInstanceOf(UncheckedIOException.class);
    assertThat(t.getMessage()).startsWith("cannot import " + pt).contains("BrainScaleS-2")
        .doesNotContain("\n");
  }
}
