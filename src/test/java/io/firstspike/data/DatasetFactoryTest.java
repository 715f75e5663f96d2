package io.firstspike.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firstspike.testsupport.Shared;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The single entry point: every type, defaults and errors. */
class DatasetFactoryTest {

  @Test
  @DisplayName("an unknown type is refused with the list of valid types")
  void unknownType() {
    assertThatThrownBy(() -> DatasetFactory.load(DataSpec.named("cifar10")))
        .isInstanceOf(DataException.class)
        .hasMessageContaining("'cifar10'")
        .hasMessageContaining("yin_yang, xor, bars, mnist, 16x16_mnist, fashion_mnist, csv, npy");
  }

  @Test
  @DisplayName("built-in toy sets load by name with their sizes")
  void toySets() {
    assertThat(DatasetFactory.load(DataSpec.named("yin_yang")).train().size()).isEqualTo(5000);
    assertThat(DatasetFactory.load(DataSpec.named("xor")).nInputs()).isEqualTo(4);
    assertThat(DatasetFactory.load(DataSpec.named("bars")).nInputs()).isEqualTo(9);
  }

  @Test
  @DisplayName("MNIST types read the folder; width_pixel changes the 16x16 input count")
  void mnistTypes() {
    Path subset = Shared.file("data/mnist-subset");
    DataSplits full = DatasetFactory.load(DataSpec.inFolder("mnist", subset));
    assertThat(full.nInputs()).isEqualTo(784);
    assertThat(full.name()).isEqualTo("mnist");
    DataSplits small = DatasetFactory.load(new DataSpec("16x16_mnist", subset, 10, null, null, null));
    assertThat(small.nInputs()).isEqualTo(100);
    assertThat(small.name()).isEqualTo("16x16_mnist");
    DataSplits fashion = DatasetFactory.load(DataSpec.inFolder("fashion_mnist", subset));
    assertThat(fashion.classNames()).startsWith("T-shirt/top", "Trouser");
  }

  @Test
  @DisplayName("without a folder MNIST defaults to data/mnist and fashion to /usr/share/datasets")
  void defaultFolders() {
    assertThatThrownBy(() -> DatasetFactory.load(DataSpec.named("mnist")))
        .hasMessageContaining(Path.of("data/mnist").toAbsolutePath().toString());
    Path debian = Path.of("/usr/share/datasets/fashion-mnist");
    if (java.nio.file.Files.isRegularFile(debian.resolve("t10k-labels-idx1-ubyte.gz"))) {
      // Debian's dataset-fashion-mnist is installed: the default folder is where it was read from
      DataSplits fashion = DatasetFactory.load(DataSpec.named("fashion_mnist"));
      assertThat(fashion.test().size()).isEqualTo(10000);
      assertThat(fashion.train().size() + fashion.validation().size()).isEqualTo(60000);
    } else {
      assertThatThrownBy(() -> DatasetFactory.load(DataSpec.named("fashion_mnist")))
          .hasMessageContaining(debian.toString());
    }
  }

  @Test
  @DisplayName("validation carving keeps the 5:1 ratio: floor(N/6) samples")
  void carving() {
    assertThat(Splits.carvedValidationSize(60000)).isEqualTo(10000);
    assertThat(Splits.carvedValidationSize(8000)).isEqualTo(1333);
    assertThat(Splits.carvedValidationSize(5)).isZero();
    Dataset bars = Bars.samples();
    DataSplits s = Splits.carveValidation(bars, bars);
    assertThat(s.train().size()).isEqualTo(25);
    assertThat(s.validation()).isEqualTo(bars.slice(25, 30));
    assertThat(s.train()).isEqualTo(bars.slice(0, 25));
    assertThat(s.validation().labels()).containsOnly(2);
  }
}
