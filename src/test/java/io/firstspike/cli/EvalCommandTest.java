package io.firstspike.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.cli.CliTest.Result;
import io.firstspike.testsupport.Shared;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code eval} on the original's Yin-Yang folder (read-only, so always with --out) and on bad input. */
class EvalCommandTest {
  private static final String YY = "reference/fastanddeep/yinyang_et_300epochs";

  @TempDir Path tmp;

  @Test
  @DisplayName("eval of the original's Yin-Yang folder writes all 19 plots into --out and says what it skipped")
  void originalFolder() throws Exception {
    Path folder = Shared.file(YY);
    Path out = tmp.resolve("plots");
    Result r = CliTest.run("eval", folder.toString(), "--out", out.toString(), "--threads", "2");
    assertThat(r.code()).as(r.err()).isEqualTo(0);
    Map<String, int[]> expected = ExpectedPlots.yinYang(120, 0);
    assertThat(expected).hasSize(19);
    ExpectedPlots.check(out, expected);
    for (String name : expected.keySet()) {
      assertThat(r.out()).contains("wrote " + out.resolve(name));
    }
    assertThat(r.out())
        .contains("test accuracy 96.00%")
        .contains("note: no yin_yang_mean_val_outputs_sorted.npy")
        .containsPattern("wrote 19 plots to .* in \\d+\\.\\d s");
    assertThat(ExpectedPlots.pngs(folder)).as("nothing written into the original's folder")
        .isEmpty();
  }

  @Test
  @DisplayName("a read-only folder without --out gives exit code 2, suggests --out, writes nothing")
  void readOnlyFolder() throws Exception {
    Path copy = Files.createDirectory(tmp.resolve("original-copy"));
    for (String f : new String[] {"config.yaml", "yin_yang_network.pt"}) {
      Files.copy(Shared.file(YY + "/" + f), copy.resolve(f));
    }
    Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      Result r = CliTest.run("eval", copy.toString());
      assertThat(r.code()).isEqualTo(Main.BAD_INPUT);
      assertThat(r.err()).contains(copy.toString()).contains("not writable").contains("--out");
      assertThat(r.out()).doesNotContain("evaluating");
      assertThat(ExpectedPlots.pngs(copy)).isEmpty();
    } finally {
      Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  @Test
  @DisplayName("a missing folder or one without a network gives exit code 2 naming it")
  void badFolders() throws Exception {
    Result missing = CliTest.run("eval", tmp.resolve("nope").toString());
    assertThat(missing.code()).isEqualTo(Main.BAD_INPUT);
    assertThat(missing.err()).contains("no such folder").contains("nope");
    Path empty = Files.createDirectory(tmp.resolve("empty"));
    Result noNet = CliTest.run("eval", empty.toString());
    assertThat(noNet.code()).isEqualTo(Main.BAD_INPUT);
    assertThat(noNet.err()).contains(empty.toString()).contains("config.yaml");
    Result file = CliTest.run("eval", Files.writeString(tmp.resolve("a.txt"), "x").toString());
    assertThat(file.code()).isEqualTo(Main.BAD_INPUT);
    assertThat(file.err()).contains("not a folder").contains("a.txt");
    Path notDir = Files.writeString(tmp.resolve("file.txt"), "x");
    Result badOut = CliTest.run("eval", Shared.file(YY).toString(), "--out",
        notDir.resolve("p").toString());
    assertThat(badOut.code()).isEqualTo(Main.BAD_INPUT);
    assertThat(badOut.err()).contains("is not a folder").doesNotContain("use --out");
  }
}
