package io.firstspike.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.firstspike.testsupport.Shared;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MNIST loading and encodings against {@code golden/mnist16-preprocess.json}, which the original
 * (torchvision 0.14, PIL 9.4) computed from the first 20 images of the shared MNIST subset.
 */
class MnistTest {
  private static final int GOLDEN_IMAGES = 20;
  private static JsonNode golden;
  private static Idx.Images images;

  @BeforeAll
  static void readGolden() throws IOException {
    JsonMapper mapper = JsonMapper.builder()
        .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
    try (InputStream in = MnistTest.class.getResourceAsStream("/golden/mnist16-preprocess.json")) {
      golden = mapper.readTree(in);
    }
  }

  private static Idx.Images subsetImages() {
    if (images == null) {
      images = Idx.readImages(Shared.file("data/mnist-subset/train-images-idx3-ubyte.gz"));
    }
    return images;
  }

  @Test
  @DisplayName("the IDX reader returns the golden file's raw pixels and labels")
  void idxMatchesGoldenPixels() {
    Idx.Images img = subsetImages();
    assertThat(img.count()).isEqualTo(8000);
    assertThat(img.rows()).isEqualTo(28);
    assertThat(img.cols()).isEqualTo(28);
    int[] labels = Idx.readLabels(Shared.file("data/mnist-subset/train-labels-idx1-ubyte.gz"));
    for (int i = 0; i < GOLDEN_IMAGES; i++) {
      assertThat(labels[i]).isEqualTo(golden.get("labels").get(i).asInt());
      for (int p = 0; p < 784; p++) {
        assertThat(img.pixel(i, p / 28, p % 28))
            .isEqualTo(golden.get("images_uint8").get(i).get(p).asInt());
      }
    }
  }

  @Test
  @DisplayName("crop 24 + PIL bilinear resize to 16 gives the golden pixels16 bit for bit")
  void resizeMatchesGolden() {
    for (int i = 0; i < GOLDEN_IMAGES; i++) {
      int[] k = MnistEncoding.cropAndResize(subsetImages(), i, 16);
      for (int p = 0; p < 256; p++) {
        assertThat(k[p] / 255.0).as("image %d pixel %d", i, p)
            .isEqualTo(golden.get("pixels16").get(i).get(p).asDouble());
      }
    }
  }

  @Test
  @DisplayName("16x16 and 784 encodings equal the golden input times bit for bit")
  void encodingsMatchGolden() {
    for (int i = 0; i < GOLDEN_IMAGES; i++) {
      double[] t16 = MnistEncoding.reduced(subsetImages(), i, 16);
      double[] t784 = MnistEncoding.full(subsetImages(), i);
      for (int p = 0; p < 256; p++) {
        assertThat(t16[p]).as("image %d input %d", i, p)
            .isEqualTo(golden.get("input_times16").get(i).get(p).asDouble());
      }
      for (int p = 0; p < 784; p++) {
        assertThat(t784[p]).as("image %d input %d", i, p)
            .isEqualTo(golden.get("input_times784").get(i).get(p).asDouble());
      }
    }
    assertThat(MnistEncoding.reduced(subsetImages(), 0, 16)).contains(Double.POSITIVE_INFINITY);
  }

  @Test
  @DisplayName("the subset's 8000 training images split 6667 / 1333, test = t10k")
  void splitsOfTheSubset() {
    DataSplits s = Mnist.loadReduced("16x16_mnist", Shared.file("data/mnist-subset"), 16,
        Mnist.DIGITS, false);
    assertThat(s.train().size()).isEqualTo(6667);
    assertThat(s.validation().size()).isEqualTo(1333);
    assertThat(s.test().size()).isEqualTo(2000);
    assertThat(s.nInputs()).isEqualTo(256);
    assertThat(s.train().inputTimes()[5])
        .containsExactly(MnistEncoding.reduced(subsetImages(), 5, 16));
    assertThat(s.validation().inputTimes()[0])
        .containsExactly(MnistEncoding.reduced(subsetImages(), 6667, 16));
    assertThat(s.train().labels()[0]).isEqualTo(golden.get("labels").get(0).asInt());
  }

  @Test
  @DisplayName("with the test set as validation set, all 8000 training images are trained on")
  void testAsValidation() {
    DataSplits s = DatasetFactory.load(new DataSpec("16x16_mnist", Shared.file("data/mnist-subset"),
        16, null, null, null, true));
    assertThat(s.train().size()).isEqualTo(8000);
    assertThat(s.train().inputTimes()[6667])
        .containsExactly(MnistEncoding.reduced(subsetImages(), 6667, 16));
    assertThat(s.validation().size()).isEqualTo(2000);
    assertThat(s.validation().inputTimes()).isDeepEqualTo(s.test().inputTimes());
    assertThat(s.validation().labels()).containsExactly(s.test().labels());
    assertThatThrownBy(() -> DatasetFactory.load(new DataSpec("yin_yang", null, 0, null, null,
        null, true))).isInstanceOf(DataException.class)
        .hasMessageContaining("yin_yang: the test set as validation set is for the MNIST-style");
  }

  @Test
  @DisplayName("uncompressed IDX files load the same as gzip ones")
  void rawFilesLoad(@TempDir Path dir) throws IOException {
    for (String f : Mnist.FILES) {
      try (InputStream in = new GZIPInputStream(
          Files.newInputStream(Shared.file("data/mnist-subset/" + f + ".gz")))) {
        Files.write(dir.resolve(f), in.readAllBytes());
      }
    }
    DataSplits raw = Mnist.loadFull("mnist", dir, Mnist.DIGITS, false);
    assertThat(raw.nInputs()).isEqualTo(784);
    assertThat(raw.test().inputTimes()[3]).containsExactly(
        MnistEncoding.full(Idx.readImages(Shared.file("data/mnist-subset/t10k-images-idx3-ubyte.gz")), 3));
  }

  @Test
  @DisplayName("a folder without the files gives an error naming the folder and all four files")
  void missingFilesAreNamed(@TempDir Path dir) {
    assertThatThrownBy(() -> Mnist.loadFull("mnist", dir, Mnist.DIGITS, false))
        .isInstanceOf(DataException.class)
        .hasMessageContaining(dir.toAbsolutePath().toString())
        .hasMessageContaining("train-images-idx3-ubyte[.gz]")
        .hasMessageContaining("train-labels-idx1-ubyte[.gz]")
        .hasMessageContaining("t10k-images-idx3-ubyte[.gz]")
        .hasMessageContaining("t10k-labels-idx1-ubyte[.gz]");
  }

  @Test
  @DisplayName("a file with the wrong magic number is refused naming the expected one, not the bytes found")
  void wrongMagic(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("train-images-idx3-ubyte");
    Files.write(f, new byte[] {0, 0, 8, 1, 0, 0, 0, 0});
    assertThatThrownBy(() -> Idx.readImages(f))
        .hasMessageContaining(f.toString())
        .hasMessageContaining("0x00000803")
        .hasMessageNotContaining("0x00000801");
    Path g = dir.resolve("labels");
    Files.write(g, new byte[] {0, 0, 8, 1, 0, 0, 0, 5, 1, 2});
    assertThatThrownBy(() -> Idx.readLabels(g)).hasMessageContaining("truncated");
  }
}
