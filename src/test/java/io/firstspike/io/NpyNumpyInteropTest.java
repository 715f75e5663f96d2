package io.firstspike.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firstspike.testsupport.Shared;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cross-checks the codec against NumPy itself, the independent implementation of the format. Needs
 * {@code python3} with {@code numpy}; without it the tests are skipped with a message (and fail in
 * strict CI mode, see {@link Shared#skipOrFail}). Doubles cross the process boundary as exact hex
 * literals ({@code float.hex} / {@link Double#parseDouble}).
 */
class NpyNumpyInteropTest {
  private static final long SEED = 77L;
  private static final long PYTHON_TIMEOUT_SECONDS = 60;

  @TempDir Path dir;

  @BeforeAll
  static void needsNumpy() throws InterruptedException {
    String why = null;
    try {
      Process p = new ProcessBuilder("python3", "-c", "import numpy").redirectErrorStream(true).start();
      if (!p.waitFor(PYTHON_TIMEOUT_SECONDS, TimeUnit.SECONDS) || p.exitValue() != 0) {
        why = "python3 is present but cannot import numpy";
      }
    } catch (IOException e) {
      why = "python3 is not installed";
    }
    if (why != null) {
      Shared.skipOrFail(why + "; the NumPy interoperability tests need python3 with numpy");
    }
  }

  @Test
  @DisplayName("numpy.load reads what we write: float64 matrix, int64 vector, bool 3-d array")
  void numpyReadsOurFiles() throws Exception {
    Random rnd = new Random(SEED);
    double[] d = new double[12];
    for (int i = 0; i < d.length; i++) {
      d[i] = rnd.nextGaussian() * 1e3;
    }
    long[] l = {Long.MIN_VALUE, -5, 0, 1L << 40, Long.MAX_VALUE};
    boolean[] b = {true, false, true, true, false, false, true, false};
    Npy.write(dir.resolve("d.npy"), d, 3, 4);
    Npy.writeLongs(dir.resolve("l.npy"), l);
    Npy.writeBools(dir.resolve("b.npy"), b, 2, 2, 2);

    List<String> out = python(
        "import numpy as np, sys",
        "d = np.load(sys.argv[1] + '/d.npy'); l = np.load(sys.argv[1] + '/l.npy')",
        "b = np.load(sys.argv[1] + '/b.npy')",
        "print(d.dtype, d.shape, d.flags['C_CONTIGUOUS'])",
        "print(' '.join(float(x).hex() for x in d.ravel()))",
        "print(l.dtype, l.shape)",
        "print(' '.join(str(int(x)) for x in l))",
        "print(b.dtype, b.shape)",
        "print(' '.join('1' if x else '0' for x in b.ravel()))");
    assertThat(out.get(0)).isEqualTo("float64 (3, 4) True");
    String[] hex = out.get(1).split(" ");
    assertThat(hex).hasSize(d.length);
    for (int i = 0; i < d.length; i++) {
      assertThat(Double.parseDouble(hex[i])).as("element %d", i).isEqualTo(d[i]);
    }
    assertThat(out.get(2)).isEqualTo("int64 (5,)");
    assertThat(out.get(3)).isEqualTo(Long.MIN_VALUE + " -5 0 " + (1L << 40) + " " + Long.MAX_VALUE);
    assertThat(out.get(4)).isEqualTo("bool (2, 2, 2)");
    assertThat(out.get(5)).isEqualTo("1 0 1 1 0 0 1 0");
  }

  @Test
  @DisplayName("we read what numpy writes: f4, big-endian i8, u1, bool, and header versions 2.0 and 3.0")
  void weReadNumpyFiles() throws Exception {
    List<String> out = python(
        "import numpy as np, sys",
        "from numpy.lib import format as fmt",
        "rng = np.random.default_rng(5)",
        "d = rng.normal(size=(4, 3))",
        "np.save(sys.argv[1] + '/f4.npy', d.astype('<f4'))",
        "np.save(sys.argv[1] + '/i8be.npy', np.array([[-7, 2**40], [3, -2**62]], dtype='>i8'))",
        "np.save(sys.argv[1] + '/u1.npy', np.arange(250, 256, dtype=np.uint8))",
        "np.save(sys.argv[1] + '/b1.npy', np.array([True, False, True]))",
        "for v in (2, 3):",
        "    with open(sys.argv[1] + '/v%d.npy' % v, 'wb') as f:",
        "        fmt.write_array(f, d, version=(v, 0))",
        "np.save(sys.argv[1] + '/fortran.npy', np.asfortranarray(d))",
        "print(' '.join(float(x).hex() for x in d.ravel()))",
        "print(' '.join(float(x).hex() for x in d.astype('<f4').ravel()))");
    double[] d = parseHex(out.get(0));
    double[] d32 = parseHex(out.get(1));

    NpyArray f4 = Npy.read(dir.resolve("f4.npy"));
    assertThat(f4.dtype()).isEqualTo("<f4");
    assertThat(f4.shape()).containsExactly(4, 3);
    assertThat(f4.asDoubles()).containsExactly(d32);

    NpyArray i8 = Npy.read(dir.resolve("i8be.npy"));
    assertThat(i8.dtype()).isEqualTo(">i8");
    assertThat(i8.asLongs()).containsExactly(-7, 1L << 40, 3, -(1L << 62));

    assertThat(Npy.read(dir.resolve("u1.npy")).asInts()).containsExactly(250, 251, 252, 253, 254, 255);
    assertThat(Npy.read(dir.resolve("b1.npy")).asBooleans()).containsExactly(true, false, true);
    for (String v : new String[] {"v2.npy", "v3.npy"}) {
      NpyArray a = Npy.read(dir.resolve(v));
      assertThat(a.shape()).as(v).containsExactly(4, 3);
      assertThat(a.asDoubles()).as(v).containsExactly(d);
    }
    assertThatThrownBy(() -> Npy.read(dir.resolve("fortran.npy")))
        .hasMessageContaining("fortran_order is True");
  }

  private static double[] parseHex(String line) {
    String[] parts = line.split(" ");
    double[] v = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      v[i] = Double.parseDouble(parts[i]);
    }
    return v;
  }

  /** Runs a python3 script with the temp folder as argv[1]; returns stdout lines, fails on error. */
  private List<String> python(String... lines) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("python3", "-c", String.join("\n", lines), dir.toString())
        .redirectErrorStream(true).start();
    p.getOutputStream().close();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(PYTHON_TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("python3 finished").isTrue();
    assertThat(p.exitValue()).as("python3 exit code; output:%n%s", text).isZero();
    return text.lines().toList();
  }
}
