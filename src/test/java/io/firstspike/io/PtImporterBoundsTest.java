package io.firstspike.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.io.CraftedPt.View;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crafted {@code .pt} files whose sizes lie (a 2 GB string in a 100-byte file, a storage of 2^40
 * elements, a tensor view far larger than its storage, a zip entry claiming gigabytes), or
 * whose values nest deeper or expand further than a recursive walk survives, must be refused with
 * a {@link FileFormatException} naming the file, before anything of that size is allocated. They are imported in a child JVM with a 64 MB heap, where allocating what the file
 * claims would end in an OutOfMemoryError.
 */
class PtImporterBoundsTest {
  /** Heap of the child JVM: the crafted sizes need 2 GB or more, the real work a few MB. */
  private static final String CHILD_HEAP = "-Xmx64m";
  private static final long CHILD_TIMEOUT_S = 120;
  /** Nesting depth of the deep-list cases (a 400 KB pickle). */
  private static final int DEEP = 200_000;

  @TempDir Path dir;

  /** One crafted file and a phrase its error message must contain. */
  private record Case(Path file, String phrase) {}

  private final List<Case> cases = new ArrayList<>();

  private void legacy(String name, byte[] objectPickle, String phrase) throws IOException {
    Path f = CraftedPt.legacy(dir.resolve(name + ".pt"), objectPickle, Map.of());
    cases.add(new Case(f, phrase));
  }

  private void zip(String name, byte[] dataPkl, Map<String, double[]> storages, String phrase)
      throws IOException {
    cases.add(new Case(CraftedPt.zip(dir.resolve(name + ".pt"), dataPkl, storages), phrase));
  }

  /** A pickle holding one opcode with the given argument bytes, then 16 filler bytes. */
  private static byte[] lying(int opcode, byte[] argument) {
    return new PickleBuilder().opcode(opcode, argument)
        .opcode('N', "0123456789abcdef".getBytes(StandardCharsets.US_ASCII)).stop();
  }

  /** {@code ('storage', torch.DoubleStorage, key, 'cpu', count)} as a persistent id. */
  private static PickleBuilder storage(PickleBuilder p, String key, long count) {
    return p.mark().str("storage").global("torch", "DoubleStorage").str(key).str("cpu")
        .bigInt(BigInteger.valueOf(count)).tuple().binPersId();
  }

  private static Map<String, double[]> smallStorages() {
    Map<String, double[]> s = new LinkedHashMap<>();
    s.put("w0", new double[] {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9});
    s.put("w1", new double[] {1, 2, 3, 4, 5, 6, 7});
    s.put("b0", new double[] {0.5});
    return s;
  }

  /** The network of PtImporterCraftedTest with the given bias view and storage counts. */
  private static byte[] network(View bias, Map<String, Integer> counts) {
    View[] weights = {
      new View("w0", 0, new int[] {3, 3}, new int[] {3, 1}),
      new View("w1", 1, new int[] {3, 2}, new int[] {1, 3}),
    };
    return CraftedPt.network(2, new int[] {3, 2}, new int[] {1, 0}, new double[][] {{0.5}, {}},
        weights, new View[] {bias}, counts);
  }

  @Test
  @DisplayName("lying sizes in .pt files give a clean error naming the file, never an OutOfMemoryError or StackOverflowError")
  void lyingSizesAreRefused() throws Exception {
    int nearMax = Integer.MAX_VALUE - 255; // below the VM's array limit: a plain heap allocation
    legacy("binunicode-max", lying('X', PickleBuilder.le4(Integer.MAX_VALUE)), "2147483647");
    legacy("binunicode", lying('X', PickleBuilder.le4(nearMax)), String.valueOf(nearMax));
    legacy("binbytes", lying('B', PickleBuilder.le4(nearMax)), String.valueOf(nearMax));
    legacy("binbytes8", lying(0x8e, PickleBuilder.le8(nearMax)), String.valueOf(nearMax));
    legacy("binunicode8", lying(0x8d, PickleBuilder.le8(1L << 40)), "1099511627776");
    legacy("bytearray8", lying(0x96, PickleBuilder.le8(nearMax)), String.valueOf(nearMax));
    legacy("long4", lying(0x8b, PickleBuilder.le4(nearMax)), String.valueOf(nearMax));
    legacy("binstring-negative", lying('T', PickleBuilder.le4(-5)), "-5");
    zip("frame", new PickleBuilder().opcode(0x95, PickleBuilder.le8(1L << 40)).emptyDict().stop(),
        Map.of(), "frame");
    zip("binunicode-zip", lying('X', PickleBuilder.le4(nearMax)), Map.of(),
        String.valueOf(nearMax));
    legacy("storage-2^40", storage(new PickleBuilder(), "k", 1L << 40).stop(), "1099511627776");

    // Three storages of 2 GB each, named in the key list, and no data at all.
    PickleBuilder three = new PickleBuilder().emptyList().mark();
    for (String k : new String[] {"a", "b", "c"}) {
      storage(three, k, 1L << 28);
    }
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    file.writeBytes(CraftedPt.legacyHeader());
    file.writeBytes(three.appends().stop());
    file.writeBytes(new PickleBuilder().emptyList().mark().str("a").str("b").str("c").appends().stop());
    Path storages = dir.resolve("storages-exceed-file.pt");
    Files.write(storages, file.toByteArray());
    cases.add(new Case(storages, "6442450944"));

    // A bias tensor viewing one element as 46340 x 46340 (stride 0): 16 GB as doubles.
    Map<String, double[]> small = smallStorages();
    zip("broadcast-view", network(new View("b0", 0, new int[] {46340, 46340}, new int[] {0, 0}),
        CraftedPt.counts(small)), small, "46340");
    // 65536 x 32768 = 2^31 elements: more than a Java array holds.
    zip("view-overflow", network(new View("b0", 0, new int[] {65536, 32768}, new int[] {0, 0}),
        CraftedPt.counts(small)), small, "65536");
    // The pickle says storage w0 has 2^28 doubles (2 GB); its record holds 72 bytes.
    Map<String, Integer> liar = CraftedPt.counts(small);
    liar.put("w0", 1 << 28);
    zip("record-shorter", network(new View("b0", 0, new int[] {1}, new int[] {1}), liar), small,
        "2147483648");
    // data.pkl's size in the zip directory patched to 4 GB - 16.
    Path claims = CraftedPt.zip(dir.resolve("entry-claims-4gb.pt"),
        network(new View("b0", 0, new int[] {1}, new int[] {1}), CraftedPt.counts(small)), small);
    patchCentralSize(claims, "archive/data.pkl", 0xfffffff0L);
    cases.add(new Case(claims, "4294967280"));

    // Lists nested 200000 deep as the network object: recursion over them would overflow the stack.
    PickleBuilder deep = new PickleBuilder();
    deepList(deep);
    legacy("deep-nesting", deep.stop(), "nested");
    zip("deep-nesting-attribute", deepAttribute(), small, "nested");
    // The same deep list as an item of a set: refused before Java hashes (recurses into) it.
    PickleBuilder set = new PickleBuilder().global("builtins", "set").mark().emptyList();
    deepList(set);
    legacy("deep-set-item", set.opcode('a', new byte[0]).tuple().reduce().stop(), "cannot hash");
    // A dict whose key is a list shared so that hashing it would visit 2^60 values (hours of CPU).
    legacy("expanding-dict-key", expandingKey(), "cannot hash");
    // A list that contains itself, through the memo (BINPUT 0, BINGET 0, APPEND).
    legacy("cycle", new PickleBuilder().emptyList().opcode('q', new byte[] {0})
        .opcode('h', new byte[] {0}).opcode('a', new byte[0]).stop(), "itself");
    // 60 levels, each a list holding the level below twice: 2^60 values when expanded.
    PickleBuilder laughs = new PickleBuilder().emptyList().opcode('q', new byte[] {0});
    for (int i = 1; i <= 60; i++) {
      laughs.mark().opcode('h', new byte[] {(byte) (i - 1)}).opcode('h', new byte[] {(byte) (i - 1)})
          .opcode('l', new byte[0]).opcode('q', new byte[] {(byte) i});
    }
    legacy("shared-references", laughs.stop(), "1000000");

    Map<String, String[]> results = runChild();
    for (Case c : cases) {
      String[] r = results.get(c.file().toString());
      assertThat(r).as("no output for %s", c.file()).isNotNull();
      assertThat(r[1]).as("%s: %s", c.file().getFileName(), r[2])
          .isEqualTo("FileFormatException");
      assertThat(r[2]).as(c.file().getFileName().toString())
          .startsWith(c.file().toString()).contains(c.phrase());
    }
  }

  /** The crafted DelGrad network of {@link CraftedLayerNet#mixed} with one change. */
  private void layerNet(String name, java.util.function.Consumer<CraftedLayerNet> change,
      String phrase) throws IOException {
    CraftedLayerNet net = CraftedLayerNet.mixed(new java.util.Random(1), new LinkedHashMap<>());
    change.accept(net);
    cases.add(new Case(net.write(dir.resolve(name + ".pt")), phrase));
  }

  /** {@code obj.attributes[key]}, a map. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> attr(CraftedLayerNet.LayerObject obj, String key) {
    return (Map<String, Object>) obj.attributes.get(key);
  }

  @Test
  @DisplayName("lying sizes in DelGrad zip files (int64 storages, layer sizes, views, nesting) give a clean error, never an OutOfMemoryError")
  void lyingSizesInLayerNetworksAreRefused() throws Exception {
    // The int64 bias times declare 2^40 elements.
    layerNet("long-storage-2^40", n -> n.layers.get(2).attributes.put("_times",
        new CraftedLayerNet.Tensor("1", true, 1L << 40, 0, new long[] {2}, new long[] {1}, false)),
        "1099511627776");
    // They declare 2^28 int64 elements (2 GB); the record holds 16 bytes.
    layerNet("long-record-shorter", n -> n.layers.get(2).attributes.put("_times",
        new CraftedLayerNet.Tensor("1", true, 1L << 28, 0, new long[] {2}, new long[] {1}, false)),
        "2147483648");
    // Multiplex by 2^30: 2^31 inputs, more than an array holds.
    layerNet("multiplex-2^30", n -> {
      n.layers.get(0).def.put("factor", 1 << 30);
      n.layers.get(0).attributes.put("factor", 1 << 30);
    }, "2147483648");
    // Multiplex by 2^29 (2^30 inputs): the delay tensor [4][3] stands for [2^30][3].
    layerNet("multiplex-2^29", n -> {
      n.layers.get(0).def.put("factor", 1 << 29);
      n.layers.get(0).attributes.put("factor", 1 << 29);
      n.layers.get(1).attributes.remove("_output_features");
      n.layers.get(1).def.remove("feat_in");
      n.layers.get(1).def.remove("feat_out");
    }, "1073741824");
    // A label layer of 2^31 - 1 neurons, consistent everywhere but in its weight tensor.
    layerNet("huge-layer", n -> {
      n.layers.get(5).def.put("size", Integer.MAX_VALUE);
      n.layers.get(5).attributes.put("output_features", Integer.MAX_VALUE);
      n.layers.get(4).attributes.put("_n_postsyn", Integer.MAX_VALUE);
    }, "2147483647");
    // Weights viewed with a row stride of 2^40: far outside their storage.
    layerNet("view-outside", n -> n.layers.get(3).attributes.put("weights",
        new CraftedLayerNet.Tensor("2", false, 18, 0, new long[] {6, 3},
            new long[] {1L << 40, 1}, false)), "reaches");
    // A broadcast view: 6 x 3 weights from one stored element (stride 0) exceed nothing, but
    // 65536 x 32768 fp offsets do.
    layerNet("view-overflow", n -> attr(n.layers.get(5), "neuron_params").put("threshold_noise_fp",
        new CraftedLayerNet.Tensor("6", false, 2, 0, new long[] {65536, 32768},
            new long[] {0, 0}, false)), "65536");
    // layers_def nested 200000 deep, and training_params expanding to 2^60 values.
    layerNet("deep-layers-def", n -> n.layers.get(3).def.put("deep",
        new CraftedLayerNet.Raw(deepListOpcodes())), "nested");
    layerNet("expanding-training-params", n -> n.netAttributes.put("training_params",
        new CraftedLayerNet.Raw(laughOpcodes())), "1000000");
    layerNet("expanding-dict-key", n -> n.layers.get(3).attributes.put("neuron_params",
        new CraftedLayerNet.Raw(opcodesOf(expandingKeyDict()))), "cannot hash");
    // getattr on a deeply nested first argument: refused without walking it.
    layerNet("getattr-deep", n -> n.layers.get(1).attributes.put("_fn_on_delay",
        new CraftedLayerNet.Raw(getattrOnDeepList())), "getattr(<ArrayList>");

    Map<String, String[]> results = runChild();
    for (Case c : cases) {
      String[] r = results.get(c.file().toString());
      assertThat(r).as("no output for %s", c.file()).isNotNull();
      assertThat(r[1]).as("%s: %s", c.file().getFileName(), r[2])
          .isEqualTo("FileFormatException");
      assertThat(r[2]).as(c.file().getFileName().toString())
          .startsWith(c.file().toString()).contains(c.phrase());
    }
    assertThat(cases).hasSize(11);
  }

  /** Opcodes (no PROTO, no STOP) of one list nested {@link #DEEP} deep. */
  private static byte[] deepListOpcodes() {
    PickleBuilder p = new PickleBuilder();
    deepList(p);
    return opcodesOf(p);
  }

  /** The opcodes of {@link #laughs}. */
  private static byte[] laughOpcodes() {
    return opcodesOf(laughs(new PickleBuilder()));
  }

  /**
   * Pushes one list of 60 levels, each level a list holding the level below twice (memo 10000 +
   * i; every level but the last is popped once memoized): 2^60 values when expanded.
   */
  private static PickleBuilder laughs(PickleBuilder p) {
    p.emptyList().opcode('r', PickleBuilder.le4(10_000)).opcode('0', new byte[0]);
    for (int i = 1; i <= 60; i++) {
      p.mark().opcode('j', PickleBuilder.le4(10_000 + i - 1))
          .opcode('j', PickleBuilder.le4(10_000 + i - 1)).opcode('l', new byte[0])
          .opcode('r', PickleBuilder.le4(10_000 + i));
      if (i < 60) {
        p.opcode('0', new byte[0]); // POP
      }
    }
    return p;
  }

  /** {@code {<the 2^60 list>: 1}}. */
  private static PickleBuilder expandingKeyDict() {
    PickleBuilder p = new PickleBuilder().emptyDict();
    laughs(p);
    return p.integer(1).opcode('s', new byte[0]); // SETITEM
  }

  private static byte[] expandingKey() {
    return expandingKeyDict().stop();
  }

  private static byte[] getattrOnDeepList() {
    PickleBuilder p = new PickleBuilder().global("__builtin__", "getattr").mark();
    deepList(p);
    p.str("scaled_shift_sigmoid").tuple().reduce();
    return opcodesOf(p);
  }

  /** The builder's bytes without its PROTO header and STOP. */
  private static byte[] opcodesOf(PickleBuilder p) {
    byte[] all = p.stop();
    return java.util.Arrays.copyOfRange(all, 2, all.length - 1);
  }

  @Test
  @DisplayName("the crafted network itself imports in the small heap (the child JVM works)")
  void intactFileImportsInChild() throws Exception {
    Map<String, double[]> small = smallStorages();
    zip("intact", network(new View("b0", 0, new int[] {1}, new int[] {1}),
        CraftedPt.counts(small)), small, "");
    Path legacy = CraftedPt.legacy(dir.resolve("intact-legacy.pt"),
        network(new View("b0", 0, new int[] {1}, new int[] {1}), CraftedPt.counts(small)), small);
    cases.add(new Case(legacy, ""));
    layerNet("intact-layer-net", n -> { }, "");
    Map<String, String[]> results = runChild();
    for (Case c : cases) {
      assertThat(results.get(c.file().toString())[1]).as(String.join(" ", results.get(c.file().toString())))
          .isEqualTo("OK");
    }
  }

  /** Pushes one list nested {@link #DEEP} deep: DEEP EMPTY_LISTs, then DEEP - 1 APPENDs. */
  private static void deepList(PickleBuilder p) {
    for (int i = 0; i < DEEP; i++) {
      p.emptyList();
    }
    for (int i = 1; i < DEEP; i++) {
      p.opcode('a', new byte[0]); // APPEND
    }
  }

  /** The crafted network with one extra attribute: lists nested {@link #DEEP} deep. */
  private static byte[] deepAttribute() {
    byte[] net = network(new View("b0", 0, new int[] {1}, new int[] {1}),
        CraftedPt.counts(smallStorages()));
    // Before the final BUILD and STOP: SETITEM(key, deep list) into the state dict on the stack.
    PickleBuilder extra = new PickleBuilder();
    extra.str("deep");
    deepList(extra);
    byte[] tail = extra.opcode('s', new byte[0]).stop(); // SETITEM
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(net, 0, net.length - 2); // without BUILD and STOP
    out.write(tail, 2, tail.length - 3); // without PROTO and STOP
    out.write(net, net.length - 2, 2);
    return out.toByteArray();
  }

  @Test
  @DisplayName("a legacy file above 2 GB is refused naming the file, not with an OutOfMemoryError")
  void hugeLegacyFile() throws IOException {
    Path f = CraftedPt.legacy(dir.resolve("huge.pt"), new PickleBuilder().none().stop(), Map.of());
    try (java.nio.channels.FileChannel c = java.nio.channels.FileChannel.open(f,
        java.nio.file.StandardOpenOption.WRITE)) {
      c.write(ByteBuffer.wrap(new byte[8]), 1L << 31); // sparse: no disk space used
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> PtImporter.read(f))
        .isInstanceOf(FileFormatException.class).hasMessageContaining(f.toString())
        .hasMessageContaining("2147483656 bytes");
  }

  /** Imports every case's file in a child JVM with a small heap; file -> [file, outcome, message]. */
  private Map<String, String[]> runChild() throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), CHILD_HEAP,
        "-cp", System.getProperty("java.class.path"), PtReadMain.class.getName()));
    cases.forEach(c -> cmd.add(c.file().toString()));
    // Output to a file, so that a child that never ends (a file that makes the importer spin)
    // fails the test after the timeout instead of blocking a read forever.
    Path log = Files.createTempFile(dir, "child", ".txt");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
        .start();
    boolean ended = p.waitFor(CHILD_TIMEOUT_S, TimeUnit.SECONDS);
    if (!ended) {
      p.destroyForcibly().waitFor();
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(ended).as("the child ended within %d s; it printed:%n%s", CHILD_TIMEOUT_S, out)
        .isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    Map<String, String[]> results = new LinkedHashMap<>();
    for (String line : out.split("\n")) {
      String[] parts = line.split("\t", 3);
      if (parts.length == 3) {
        results.put(parts[0], parts);
      }
    }
    return results;
  }

  /**
   * Sets the uncompressed size of {@code entry} in the zip's central directory (signature
   * {@code PK\1\2}, size at offset 24, name length at 28, name at 46), as a damaged or hostile
   * archive might claim it.
   */
  private static void patchCentralSize(Path zip, String entry, long size) throws IOException {
    byte[] b = Files.readAllBytes(zip);
    ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    byte[] name = entry.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i + 46 < b.length; i++) {
      if (buf.getInt(i) == 0x02014b50 && buf.getShort(i + 28) == name.length
          && java.util.Arrays.equals(b, i + 46, i + 46 + name.length, name, 0, name.length)) {
        buf.putInt(i + 24, (int) size);
        Files.write(zip, b);
        return;
      }
    }
    throw new IllegalStateException("no central directory entry " + entry + " in " + zip);
  }
}
