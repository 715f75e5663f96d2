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
 *
 * <p>Hashing: dict keys and set items ({@code SETITEM}, {@code SETITEMS}, {@code DICT},
 * {@code ADDITEMS}, {@code FROZENSET}, {@code set(...)}, {@code OrderedDict(...)}) must be
 * hashable in Python's sense: never a list, dict or set, which Java would hash by content (see
 * {@link #requireHashable}).
 */
final class TorchUnpickler extends Unpickler {

  /**
   * The module classes a network file holds; they become {@link ClassDict}s. The 2021 release
   * saves {@code training.Net} with {@code utils.EqualtimeLayer}s; DelGrad (the original's HEAD)
   * saves {@code networks.Net} with a list of broadcast, delay, bias, multiplex and neuron layers.
   */
  private static final List<String> MODULE_CLASSES = List.of("training.Net", "utils.EqualtimeLayer",
      "torch.nn.modules.container.ModuleList", "networks.Net", "utils.NeuronLayer",
      "utils.DelayLayer", "utils.BroadcastLayer", "utils.MultiplexLayer", "utils.BiasesLayer");

  /**
   * Module-level functions that a DelGrad delay layer stores (not calls) as its rectification:
   * {@code clip} and {@code shift} positivity. They become {@link PyFunction} markers.
   */
  private static final List<String> FUNCTIONS = List.of("utils.clip_negatives",
      "utils.shift_to_positive");

  /** The one bound method a network file holds: a sigmoid delay layer's {@code _fn_on_delay}. */
  static final String SIGMOID_METHOD = "scaled_shift_sigmoid";

  /** Classes of the original's hardware networks, refused with a message saying why. */
  private static final List<String> HARDWARE_CLASSES = List.of("networks.NetOnHX",
      "networks.NetOnHX_PYNN");

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
    for (String f : FUNCTIONS) {
      int dot = f.lastIndexOf('.');
      m.put(f, new PyFunction(f.substring(0, dot), f.substring(dot + 1)));
    }
    // A sigmoid delay layer pickles its _fn_on_delay as getattr(<the layer>, 'scaled_shift_sigmoid').
    m.put("builtins.getattr", TorchUnpickler::getattr);
    m.put("__builtin__.getattr", TorchUnpickler::getattr);
    return Map.copyOf(m);
  }

  /** A PyTorch module class: instances are created empty and filled by BUILD (a dict of state). */
  record ModuleClass(String module, String name) implements IObjectConstructor {
    @Override
    public Object construct(Object[] args) {
      return new ClassDict(module, name);
    }
  }

  /**
   * A module-level Python function stored as a value (never called): {@code utils.clip_negatives}
   * or {@code utils.shift_to_positive}.
   */
  record PyFunction(String module, String name) implements IObjectConstructor {
    @Override
    public Object construct(Object[] args) {
      throw new PickleException(module + "." + name + " was called; a network file only stores"
          + " it as a delay layer's rectification function");
    }

    @Override
    public String toString() {
      return module + "." + name;
    }
  }

  /**
   * The result of {@code getattr(obj, name)}: only a delay layer's {@code scaled_shift_sigmoid}
   * (its sigmoid positivity) is accepted. It keeps the class name, not the object, so the layer
   * that refers to its own method does not become a cycle.
   */
  record BoundMethod(String className, String name) {
    @Override
    public String toString() {
      return className + "." + name;
    }
  }

  private static Object getattr(Object[] args) {
    if (args.length == 2 && args[0] instanceof ClassDict obj
        && obj.getClassName().equals("utils.DelayLayer") && SIGMOID_METHOD.equals(args[1])) {
      return new BoundMethod(obj.getClassName(), SIGMOID_METHOD);
    }
    String what = args.length == 2
        ? "getattr(<" + PyValues.typeName(args[0]) + ">, " + (args[1] instanceof String n
            ? "'" + (n.length() > 40 ? n.substring(0, 37) + "..." : n) + "'"
            : "<" + PyValues.typeName(args[1]) + ">") + ")"
        : "getattr with " + args.length + " arguments";
    throw new PickleException("refused " + what + ": a network file uses getattr only as"
        + " getattr(<utils.DelayLayer>, '" + SIGMOID_METHOD + "')");
  }

  private static Object orderedDict(Object[] args) {
    Map<Object, Object> m = new LinkedHashMap<>();
    if (args.length > 0) {
      for (Object pair : PyValues.items(args[0], "OrderedDict items")) {
        List<?> kv = PyValues.items(pair, "OrderedDict item");
        if (kv.size() != 2) {
          throw new PickleException("an OrderedDict item must be a (key, value) pair, got "
              + kv.size() + " values");
        }
        requireHashable(kv.get(0), "dict key");
        m.put(kv.get(0), kv.get(1));
      }
    }
    return m;
  }

  private static Object set(Object[] args) {
    if (args.length == 0) {
      return new HashSet<>();
    }
    List<?> items = PyValues.items(args[0], "set items");
    items.forEach(i -> requireHashable(i, "set item"));
    return new HashSet<>(items);
  }

  /**
   * Refuses a dict key or set item that Python could not hash either: a list, dict or set (a
   * {@link ClassDict} is a map too). Java hashes those by content, recursively, and a few bytes of
   * pickle can share one list so that hashing it visits 2^60 values (or recurses deeper than the
   * stack); network files only use strings and numbers as keys. Tuples are arrays here, hashed by
   * identity.
   */
  private static void requireHashable(Object o, String what) {
    if (o instanceof java.util.Collection<?> || o instanceof Map<?, ?>) {
      throw new PickleException("a " + what + " is a " + PyValues.typeName(o) + ", which Python"
          + " cannot hash; network files use strings and numbers as keys");
    }
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
      case Opcodes.SETITEM -> {
        Object value = stack.pop();
        Object k = stack.pop();
        requireHashable(k, "dict key");
        stack.add(k);
        stack.add(value);
        return super.dispatch(key);
      }
      case Opcodes.SETITEMS, Opcodes.DICT, Opcodes.ADDITEMS, Opcodes.FROZENSET -> {
        List<Object> items = stack.pop_all_since_marker();
        boolean pairs = key == Opcodes.SETITEMS || key == Opcodes.DICT;
        for (int i = 0; i < items.size(); i += pairs ? 2 : 1) {
          requireHashable(items.get(i), pairs ? "dict key" : "set item");
        }
        stack.add_mark();
        items.forEach(stack::add);
        return super.dispatch(key);
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
    if (c == null && HARDWARE_CLASSES.contains(module + "." + name)) {
      throw new PickleException("'" + module + "." + name + "' is a network of the BrainScaleS-2"
          + " chip (substrate hx or hx_pynn), which FirstSpike cannot run; only simulated networks"
          + " (substrate: sim) import");
    }
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
