package io.firstspike.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;
import net.razorvine.pickle.objects.ClassDict;

/**
 * An unpickler for PyTorch network files that only knows the handful of Python globals such a file
 * needs, each mapped to a plain Java value; nothing from the file is ever executed.
 *
 * <p>Why it overrides {@link #dispatch}: razorvine resolves globals through a static, JVM-wide
 * registry and turns unknown ones into generic dict builders. Here every {@code GLOBAL} and
 * {@code STACK_GLOBAL} opcode is checked against the per-instance allowlist below and anything else
 * is refused with its name; the protocol-0 class opcodes {@code INST} and {@code OBJ} and the
 * extension-registry opcodes are refused outright. The static registry is never touched.
 *
 * <p>Persistent ids ({@code BINPERSID}) are {@code ('module', class, file, source)}, resolved to the
 * class (the source text is dropped unread), and {@code ('storage', type, key, location, count[,
 * view])}, resolved to a {@link TorchStorage} registered under its key (data filled in later).
 *
 * <p>Sizes: razorvine allocates whatever length an opcode announces before reading it, so a
 * 100-byte file announcing a 2 GB string would exhaust the heap. Every opcode followed by a byte
 * count ({@code BINSTRING}, {@code BINUNICODE}, {@code BINBYTES}, {@code LONG4} with 4 bytes;
 * {@code BINUNICODE8}, {@code BINBYTES8}, {@code BYTEARRAY8} and the protocol-4 {@code FRAME}
 * with 8) is checked here first: the count must not be negative nor exceed the bytes left in the
 * pickle. That is why {@link #load} needs a stream whose {@code available()} is exact (a
 * {@link java.io.ByteArrayInputStream}). Other opcodes carry at most 4 fixed bytes or a line that
 * ends within the data.
 */
final class TorchUnpickler extends Unpickler {

  /** The module classes a network file holds; they become {@link ClassDict}s. */
  private static final List<String> MODULE_CLASSES =
      List.of("training.Net", "utils.EqualtimeLayer", "torch.nn.modules.container.ModuleList");

  private static final Map<String, IObjectConstructor> ALLOWED = allowed();

  private final Map<String, TorchStorage> storages;

  /** @param storages where storages found in the pickle are registered by key (shared per file) */
  TorchUnpickler(Map<String, TorchStorage> storages) {
    this.storages = storages;
  }

  /** The fully qualified names of every global this unpickler accepts (for docs and errors). */
  static List<String> allowedGlobals() {
    return ALLOWED.keySet().stream().sorted().toList();
  }

  private static Map<String, IObjectConstructor> allowed() {
    Map<String, IObjectConstructor> m = new LinkedHashMap<>();
    m.put("collections.OrderedDict", TorchUnpickler::orderedDict);
    // Module objects of PyTorch >= 1.6 carry an empty set (_non_persistent_buffers_set).
    m.put("builtins.set", TorchUnpickler::set);
    m.put("__builtin__.set", TorchUnpickler::set);
    for (TorchStorageType t : TorchStorageType.values()) {
      m.put("torch." + t.pythonName(), t);
    }
    m.put("torch.device", args -> String.join(":", PyValues.items(args, "torch.device args")
        .stream().map(String::valueOf).toList()));
    m.put("torch._utils._rebuild_tensor_v2", TorchTensor::rebuild);
    m.put("torch._utils._rebuild_parameter", args -> {
      if (args.length < 1 || !(args[0] instanceof TorchTensor t)) {
        throw new PickleException("torch._utils._rebuild_parameter needs a tensor first, got "
            + PyValues.describe(args));
      }
      return t;
    });
    for (String c : MODULE_CLASSES) {
      int dot = c.lastIndexOf('.');
      m.put(c, new ModuleClass(c.substring(0, dot), c.substring(dot + 1)));
    }
    return Map.copyOf(m);
  }

  /** A PyTorch module class: instances are created empty and filled by BUILD (a dict of state). */
  record ModuleClass(String module, String name) implements IObjectConstructor {
    @Override
    public Object construct(Object[] args) {
      return new ClassDict(module, name);
    }
  }

  private static Object orderedDict(Object[] args) {
    Map<Object, Object> m = new LinkedHashMap<>();
    if (args.length > 0) {
      for (Object pair : PyValues.items(args[0], "OrderedDict items")) {
        List<?> kv = PyValues.items(pair, "OrderedDict item");
        m.put(kv.get(0), kv.get(1));
      }
    }
    return m;
  }

  private static Object set(Object[] args) {
    return args.length == 0 ? new HashSet<>() : new HashSet<>(PyValues.items(args[0], "set items"));
  }

  /**
   * Reads one pickle from {@code in}, which must report its remaining bytes exactly in {@code
   * available()} (see the class comment).
   */
  @Override
  public Object load(InputStream in) throws IOException {
    return super.load(new PushbackInputStream(in, Long.BYTES));
  }

  @Override
  protected Object dispatch(short key) throws IOException {
    switch (key) {
      case Opcodes.BINSTRING -> checkCount("BINSTRING", Integer.BYTES, true);
      case Opcodes.LONG4 -> checkCount("LONG4", Integer.BYTES, true);
      case Opcodes.BINUNICODE -> checkCount("BINUNICODE", Integer.BYTES, false);
      case Opcodes.BINBYTES -> checkCount("BINBYTES", Integer.BYTES, false);
      case Opcodes.BINUNICODE8 -> checkCount("BINUNICODE8", Long.BYTES, false);
      case Opcodes.BINBYTES8 -> checkCount("BINBYTES8", Long.BYTES, false);
      case Opcodes.BYTEARRAY8 -> checkCount("BYTEARRAY8", Long.BYTES, false);
      case Opcodes.FRAME -> checkCount("FRAME", Long.BYTES, false);
      default -> {
        // no byte count to check
      }
    }
    switch (key) {
      case Opcodes.GLOBAL -> {
        String module = PickleUtils.readline(input);
        String name = PickleUtils.readline(input);
        stack.add(resolve(module, name));
        return NO_RETURN_VALUE;
      }
      case Opcodes.STACK_GLOBAL -> {
        Object name = stack.pop();
        Object module = stack.pop();
        stack.add(resolve(String.valueOf(module), String.valueOf(name)));
        return NO_RETURN_VALUE;
      }
      case Opcodes.INST, Opcodes.OBJ, Opcodes.EXT1, Opcodes.EXT2, Opcodes.EXT4 ->
          throw new PickleException("refused pickle opcode " + key + " (INST, OBJ and EXT"
              + " instantiate arbitrary classes); PyTorch network files do not use it");
      default -> {
        return super.dispatch(key);
      }
    }
  }

  /**
   * Peeks at the little-endian byte count after an opcode and refuses it unless that many bytes
   * are left; the count is pushed back for razorvine to read.
   */
  private void checkCount(String opcode, int width, boolean signed) throws IOException {
    byte[] raw = input.readNBytes(width);
    if (raw.length < width) {
      throw new PickleException("truncated: the pickle ends inside the byte count of " + opcode);
    }
    ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
    long count = width == Long.BYTES ? b.getLong()
        : signed ? b.getInt() : Integer.toUnsignedLong(b.getInt());
    long left = input.available();
    if (count < 0 || count > left) {
      String shown = width == Long.BYTES ? Long.toUnsignedString(count) : Long.toString(count);
      throw new PickleException((count < 0 ? "" : "truncated or damaged: ") + opcode
          + " announces " + shown + " bytes but only " + left + " remain in the pickle");
    }
    ((PushbackInputStream) input).unread(raw);
  }

  private static IObjectConstructor resolve(String module, String name) {
    IObjectConstructor c = ALLOWED.get(module + "." + name);
    if (c == null) {
      throw new PickleException("refused the Python global '" + module + "." + name + "': a"
          + " network file may only reference " + String.join(", ", allowedGlobals()));
    }
    return c;
  }

  @Override
  protected Object persistentLoad(Object pid) {
    if (!(pid instanceof Object[] t) || t.length == 0) {
      throw new PickleException("unexpected persistent id " + PyValues.describe(pid)
          + "; expected a ('module', ...) or ('storage', ...) tuple");
    }
    String kind = String.valueOf(t[0]);
    if (kind.equals("module") && t.length >= 2 && t[1] instanceof ModuleClass c) {
      return c; // t[2] (source file) and t[3] (source text) are deliberately ignored
    }
    if (kind.equals("storage") && (t.length == 5 || t.length == 6)) {
      if (!(t[1] instanceof TorchStorageType type)) {
        throw new PickleException("storage persistent id has type " + PyValues.describe(t[1])
            + "; expected one of torch.DoubleStorage, FloatStorage, LongStorage, IntStorage");
      }
      if (t.length == 6 && t[5] != null) {
        throw new PickleException("storage '" + t[2] + "' is a view into another storage,"
            + " which network files do not use");
      }
      String key = String.valueOf(t[2]);
      long count = PyValues.toLong(t[4], "element count of storage '" + key + "'");
      if (count < 0 || count > Integer.MAX_VALUE) {
        throw new PickleException("storage '" + key + "' declares " + count + " elements; a"
            + " network storage holds 0 to " + Integer.MAX_VALUE);
      }
      TorchStorage s = storages.computeIfAbsent(key, k -> new TorchStorage(k, type, count));
      if (s.type() != type || s.count() != count) {
        throw new PickleException("storage '" + key + "' is declared twice with different types"
            + " or sizes");
      }
      return s;
    }
    throw new PickleException("unexpected persistent id " + PyValues.describe(pid)
        + "; expected ('module', <allowed class>, file, source) or ('storage', type, key,"
        + " location, count)");
  }
}
