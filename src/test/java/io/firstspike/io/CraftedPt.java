package io.firstspike.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Builds small PyTorch network files for tests, from the format description alone: a zip archive
 * as PyTorch >= 1.6 writes it, or the three header pickles of the legacy format.
 */
final class CraftedPt {
  private CraftedPt() {}

  /** A tensor view for {@link #network}: storage key, offset, size and stride. */
  record View(String key, int offset, int[] size, int[] stride) {}

  /** The legacy header: magic number, protocol version 1001, system info (little-endian). */
  static byte[] legacyHeader() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new PickleBuilder().bigInt(PtImporter.MAGIC).stop());
    out.writeBytes(new PickleBuilder().integer(1001).stop());
    out.writeBytes(new PickleBuilder().emptyDict().mark()
        .str("protocol_version").integer(1001)
        .str("little_endian").bool(true)
        .setItems().stop());
    return out.toByteArray();
  }

  /**
   * The pickle of a two-layer {@code training.Net} as PyTorch >= 1.6 writes it (classes as plain
   * GLOBALs). Neuron parameters: g_leak 0.5, leak 0, threshold 1.2, tau_syn 1, tau_mem 2 (dt).
   */
  static byte[] network(int nInputs, int[] sizes, int[] nBiases, double[][] biasTimes,
      View[] weights, View[] biases, Map<String, Integer> storageCounts) {
    PickleBuilder p = new PickleBuilder();
    p.global("training", "Net").emptyTuple().newObj();
    p.emptyDict().mark();
    p.str("training").bool(false);
    p.str("n_inputs").integer(nInputs);
    p.str("n_layers").integer(sizes.length);
    p.str("layer_sizes").ints(sizes);
    p.str("n_biases").ints(nBiases);
    p.str("bias_times").emptyList().mark();
    for (double[] layer : biasTimes) {
      p.emptyList().mark();
      for (double t : layer) {
        p.floating(t);
      }
      p.appends();
    }
    p.appends();
    p.str("biases").emptyList().mark();
    for (View b : biases) {
      tensor(p, b, storageCounts);
    }
    p.appends();
    p.str("sim_params").emptyDict().mark()
        .str("g_leak").floating(0.5).str("leak").floating(0.0).str("threshold").floating(1.2)
        .str("tau_syn").floating(1.0).str("tau_mem").floating(2.0).str("max_dw_norm").none()
        .setItems();
    p.str("weight_means").emptyList().mark().floating(1.5).floating(0.5).appends();
    p.str("_non_persistent_buffers_set").global("builtins", "set").mark().emptyList().tuple().reduce();
    p.str("_modules").orderedDict().mark().str("layers");
    p.global("torch.nn.modules.container", "ModuleList").emptyTuple().newObj();
    p.emptyDict().mark().str("_modules").orderedDict().mark();
    for (int l = 0; l < sizes.length; l++) {
      p.str(Integer.toString(l));
      p.global("utils", "EqualtimeLayer").emptyTuple().newObj();
      p.emptyDict().mark();
      p.str("_parameters").orderedDict().mark().str("weights");
      p.global("torch._utils", "_rebuild_parameter").mark();
      tensor(p, weights[l], storageCounts);
      p.bool(true).orderedDict().tuple().reduce();
      p.setItems();
      p.str("input_features").integer(l == 0 ? nInputs : sizes[l - 1]);
      p.str("output_features").integer(sizes[l]);
      p.str("device").global("torch", "device").mark().str("cuda").tuple().reduce();
      p.setItems().build();
    }
    p.setItems().setItems().build(); // ModuleList
    p.setItems(); // _modules of the net
    p.setItems().build();
    return p.stop();
  }

  /** {@code _rebuild_tensor_v2((persistent storage id), offset, size, stride, False, OrderedDict())}. */
  private static void tensor(PickleBuilder p, View v, Map<String, Integer> counts) {
    p.global("torch._utils", "_rebuild_tensor_v2").mark();
    p.mark().str("storage").global("torch", "DoubleStorage").str(v.key()).str("cpu")
        .integer(counts.get(v.key())).tuple().binPersId();
    p.integer(v.offset()).intTuple(v.size()).intTuple(v.stride()).bool(false).orderedDict();
    p.tuple().reduce();
  }

  /** Writes a zip container: {@code archive/data.pkl}, {@code archive/data/<key>}, version. */
  static Path zip(Path file, byte[] dataPkl, Map<String, double[]> storages) throws IOException {
    try (OutputStream os = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(os)) {
      put(zip, "archive/data.pkl", dataPkl);
      for (Map.Entry<String, double[]> e : storages.entrySet()) {
        put(zip, "archive/data/" + e.getKey(), littleEndian(e.getValue()));
      }
      put(zip, "archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
    }
    return file;
  }

  /** Writes a legacy container: header pickles, the given object pickle, keys, then the data. */
  static Path legacy(Path file, byte[] objectPickle, Map<String, double[]> storages)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(legacyHeader());
    out.writeBytes(objectPickle);
    PickleBuilder keys = new PickleBuilder().emptyList().mark();
    storages.keySet().forEach(keys::str);
    out.writeBytes(keys.appends().stop());
    for (double[] v : storages.values()) {
      out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v.length).array());
      out.writeBytes(littleEndian(v));
    }
    Files.write(file, out.toByteArray());
    return file;
  }

  static Map<String, Integer> counts(Map<String, double[]> storages) {
    Map<String, Integer> m = new LinkedHashMap<>();
    storages.forEach((k, v) -> m.put(k, v.length));
    return m;
  }

  static byte[] littleEndian(double[] v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    b.asDoubleBuffer().put(v);
    return b.array();
  }

  private static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    zip.write(data);
    zip.closeEntry();
  }
}
