package io.firstspike.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.core.network.Network;
import io.firstspike.testsupport.Shared;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Cross-checks every weight of the shipped networks against a second, independent decoder: Python's
 * own {@code pickle} module (standard library only, no torch), with a restricted class lookup that
 * maps the allowlisted names to inert stand-ins. Needs {@code python3}; skipped with a message
 * without it (a failure in strict CI mode).
 */
class PtImporterPythonCrossCheckTest {
  private static final long PYTHON_TIMEOUT_SECONDS = 120;

  /** Decodes a legacy file and prints, per layer, "rows cols" then every weight as float.hex(). */
  private static final String DECODER = String.join("\n",
      "import pickle, struct, sys, collections",
      "class Module:",
      "    def __setstate__(self, state): self.__dict__.update(state)",
      "class Storage:",
      "    def __init__(self, key, count): self.key, self.count, self.data = key, count, None",
      "def rebuild_tensor(storage, offset, size, stride, *rest): return (storage, offset, size, stride)",
      "names = {('collections', 'OrderedDict'): collections.OrderedDict,",
      "         ('torch', 'DoubleStorage'): 'double', ('torch', 'device'): lambda *a: a,",
      "         ('torch._utils', '_rebuild_tensor_v2'): rebuild_tensor,",
      "         ('torch._utils', '_rebuild_parameter'): lambda t, *a: t}",
      "for m, n in [('training', 'Net'), ('utils', 'EqualtimeLayer'),",
      "             ('torch.nn.modules.container', 'ModuleList')]:",
      "    names[(m, n)] = type(n, (Module,), {})",
      "storages = {}",
      "class Reader(pickle.Unpickler):",
      "    def find_class(self, module, name): return names[(module, name)]",
      "    def persistent_load(self, pid):",
      "        if pid[0] == 'module': return pid[1]",
      "        return storages.setdefault(pid[2], Storage(pid[2], pid[4]))",
      "f = open(sys.argv[1], 'rb')",
      "for _ in range(3): Reader(f).load()",
      "net = Reader(f).load()",
      "for key in Reader(f).load():",
      "    (n,) = struct.unpack('<q', f.read(8))",
      "    storages[key].data = struct.unpack('<%dd' % n, f.read(8 * n))",
      "for name, layer in net._modules['layers']._modules.items():",
      "    s, off, size, stride = layer._parameters['weights']",
      "    print(size[0], size[1])",
      "    for i in range(size[0]):",
      "        print(' '.join(s.data[off + i * stride[0] + j * stride[1]].hex() for j in range(size[1])))");

  @BeforeAll
  static void needsPython() throws InterruptedException {
    try {
      Process p = new ProcessBuilder("python3", "-c", "import pickle").start();
      if (p.waitFor(PYTHON_TIMEOUT_SECONDS, TimeUnit.SECONDS) && p.exitValue() == 0) {
        return;
      }
    } catch (IOException e) {
      // fall through
    }
    Shared.skipOrFail("python3 is not available; the cross-check against Python's pickle needs it");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
    "yinyang_et_300epochs/yin_yang_network.pt",
    "yinyang_et_300epochs/yin_yang_untrained_network.pt",
    "16x16mnist_et_200epochs/16x16_mnist_network.pt",
    "fullmnist_et_150epochs/mnist_network.pt"})
  @DisplayName("every weight equals what Python's pickle module decodes from the same file")
  void sameAsPython(String relative) throws Exception {
    Path file = Shared.file("reference/fastanddeep/" + relative);
    Network net = PtImporter.read(file).network();
    Path out = Files.createTempFile("pt-crosscheck", ".txt");
    try {
      Process p = new ProcessBuilder("python3", "-c", DECODER, file.toString())
          .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.PIPE).start();
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(PYTHON_TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as("python3 failed: %s", err).isZero();
      List<String> lines = Files.readAllLines(out);
      int at = 0;
      for (int l = 0; l < net.nLayers(); l++) {
        String[] shape = lines.get(at++).split(" ");
        assertThat(Integer.parseInt(shape[0])).isEqualTo(net.rowsOf(l));
        assertThat(Integer.parseInt(shape[1])).isEqualTo(net.layerSize(l));
        double[] w = net.weights(l);
        for (int i = 0; i < net.rowsOf(l); i++) {
          String[] row = lines.get(at++).split(" ");
          for (int j = 0; j < row.length; j++) {
            double expected = Double.parseDouble(row[j]);
            if (w[i * net.layerSize(l) + j] != expected) {
              assertThat(w[i * net.layerSize(l) + j]).as("layer %d (%d, %d)", l, i, j).isEqualTo(expected);
            }
          }
        }
      }
      assertThat(at).isEqualTo(lines.size());
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
