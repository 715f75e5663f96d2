package io.firstspike.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firstspike.io.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** User-supplied CSV and .npy data sets. */
class UserDataTest {
  @TempDir Path dir;

  private Path write(String name, String content) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, content);
    return p;
  }

  @Test
  @DisplayName("CSV rows give times (inf spellings allowed) and labels; header and comments skip")
  void readsCsv() throws IOException {
    Path train = write("train.csv", "t0,t1,label\n# a comment\n0.1,inf,0\n\n0.2,+inf,2\n"
        + "0.3,Infinity,1\n1,2,0\n0.5,0.6,1\n0.7,0.8,2\n");
    Path test = write("test.csv", "0.1, 0.2 ,1\n");
    DataSplits s = DatasetFactory.load(DataSpec.files("csv", train, null, test));
    assertThat(s.train().size() + s.validation().size()).isEqualTo(6);
    assertThat(s.validation().size()).isEqualTo(1); // floor(6/6)
    assertThat(s.train().inputTimes()[0]).containsExactly(0.1, Double.POSITIVE_INFINITY);
    assertThat(s.train().inputTimes()[1][1]).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(s.train().labels()).containsExactly(0, 2, 1, 0, 1);
    assertThat(s.validation().inputTimes()[0]).containsExactly(0.7, 0.8);
    assertThat(s.test().inputTimes()[0]).containsExactly(0.1, 0.2);
    assertThat(s.classNames()).containsExactly("0", "1", "2");
  }

  @Test
  @DisplayName("a given validation file is used as is")
  void explicitValidation() throws IOException {
    Path train = write("a.csv", "0.1,0\n0.2,1\n");
    Path val = write("b.csv", "0.3,1\n");
    Path test = write("c.csv", "0.4,0\n");
    DataSplits s = DatasetFactory.load(DataSpec.files("csv", train, val, test));
    assertThat(s.train().size()).isEqualTo(2);
    assertThat(s.validation().inputTimes()[0]).containsExactly(0.3);
  }

  @Test
  @DisplayName("bad CSV rows are rejected with file and line number, never quoting the bad text")
  void badCsvRows() throws IOException {
    Path test = write("test.csv", "0.1,0\n");
    Path badTime = write("bad1.csv", "0.1,0\n0.2,1\nzero,1\n");
    assertThatThrownBy(() -> DatasetFactory.load(DataSpec.files("csv", badTime, null, test)))
        .isInstanceOf(DataException.class)
        .hasMessageContaining(badTime + " line 3").hasMessageContaining("not a spike time")
        .hasMessageNotContaining("zero");
    Path badLabel = write("bad2.csv", "0.1,0\n0.2,1.5\n");
    assertThatThrownBy(() -> DatasetFactory.load(DataSpec.files("csv", badLabel, null, test)))
        .hasMessageContaining(badLabel + " line 2").hasMessageContaining("label is not a whole number")
        .hasMessageNotContaining("1.5");
    Path ragged = write("bad3.csv", "0.1,0.2,0\n0.2,1\n");
    assertThatThrownBy(() -> DatasetFactory.load(DataSpec.files("csv", ragged, null, test)))
        .hasMessageContaining(ragged + " line 2").hasMessageContaining("2 columns");
    Path nan = write("bad4.csv", "nan,0\n");
    assertThatThrownBy(() -> DatasetFactory.load(DataSpec.files("csv", nan, null, test)))
        .hasMessageContaining(nan + " line 1, column 1");
    Path wide = write("wide.csv", "0.1,0.2,0\n");
    assertThatThrownBy(() -> DatasetFactory.load(DataSpec.files("csv", wide, null, test)))
        .hasMessageContaining(test.toString()).hasMessageContaining("columns");
  }

  @Test
  @DisplayName("npy data: last column is the label, bad rows are named by index")
  void readsNpy() throws IOException {
    Path train = dir.resolve("train.npy");
    Npy.writeMatrix(train, new double[][] {
        {0.1, Double.POSITIVE_INFINITY, 1}, {0.2, 0.3, 0}, {0.4, 0.5, 1}, {0.6, 0.7, 0},
        {0.8, 0.9, 1}, {1.0, 1.1, 0}, {1.2, 1.3, 1}});
    Path test = dir.resolve("test.npy");
    Npy.writeMatrix(test, new double[][] {{0.1, 0.2, 1}});
    DataSplits s = DatasetFactory.load(DataSpec.files("npy", train, null, test));
    assertThat(s.train().size()).isEqualTo(6);
    assertThat(s.validation().size()).isEqualTo(1);
    assertThat(s.train().inputTimes()[0]).containsExactly(0.1, Double.POSITIVE_INFINITY);
    assertThat(s.validation().labels()).containsExactly(1);
    assertThat(s.name()).isEqualTo("npy");

    Path bad = dir.resolve("bad.npy");
    Npy.writeMatrix(bad, new double[][] {{0.1, 0}, {0.2, -1}});
    assertThatThrownBy(() -> DatasetFactory.load(DataSpec.files("npy", bad, null, test)))
        .hasMessageContaining(bad + " row 1").hasMessageContaining("label is negative");
    Path flat = dir.resolve("flat.npy");
    Npy.write(flat, new double[] {1, 2, 3}, 3);
    assertThatThrownBy(() -> DatasetFactory.load(DataSpec.files("npy", flat, null, test)))
        .hasMessageContaining(flat.toString()).hasMessageContaining("2-d");
  }

  @Test
  @DisplayName("an npy stem reads <stem>_samples.npy and <stem>_labels.npy, relative to data_dir")
  void readsNpyStemPairs() throws IOException {
    Path sub = Files.createDirectories(dir.resolve("sets"));
    Npy.writeMatrix(sub.resolve("tr_samples.npy"), new double[][] {{0.1, 0.2}, {0.3, 0.4}});
    Npy.writeLongs(sub.resolve("tr_labels.npy"), new long[] {1, 0}, 2);
    Npy.writeMatrix(sub.resolve("te_samples.npy"), new double[][] {{0.5, 0.6}});
    Npy.writeLongs(sub.resolve("te_labels.npy"), new long[] {2}, 1);
    DataSplits s = DatasetFactory.load(
        new DataSpec("npy", sub, 0, Path.of("tr"), Path.of("tr"), Path.of("te")));
    assertThat(s.train().inputTimes()).isDeepEqualTo(new double[][] {{0.1, 0.2}, {0.3, 0.4}});
    assertThat(s.train().labels()).containsExactly(1, 0);
    assertThat(s.test().labels()).containsExactly(2);
    assertThat(s.classNames()).containsExactly("0", "1", "2");

    Npy.writeLongs(sub.resolve("bad_labels.npy"), new long[] {1}, 1);
    Npy.writeMatrix(sub.resolve("bad_samples.npy"), new double[][] {{0.1, 0.2}, {0.3, 0.4}});
    assertThatThrownBy(() -> DatasetFactory.load(
        new DataSpec("npy", sub, 0, Path.of("bad"), null, Path.of("te"))))
        .hasMessageContaining("bad_labels.npy").hasMessageContaining("2 labels");
    assertThatThrownBy(() -> DatasetFactory.load(
        new DataSpec("npy", sub, 0, Path.of("nothing"), null, Path.of("te"))))
        .hasMessageContaining("nothing_samples.npy + nothing_labels.npy");
  }

  @Test
  @DisplayName("missing user files are named")
  void missingFiles() {
    Path none = dir.resolve("none.csv");
    assertThatThrownBy(() -> DatasetFactory.load(DataSpec.files("csv", none, null, none)))
        .hasMessageContaining(none.toAbsolutePath().toString()).hasMessageContaining("not found");
    assertThatThrownBy(() -> DatasetFactory.load(DataSpec.files("csv", none, null, null)))
        .hasMessageContaining("train and test");
  }
}
