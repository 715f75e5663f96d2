package io.firstspike.io;

import java.nio.ByteBuffer;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.PickleException;

/**
 * The PyTorch storage classes a network file may name ({@code torch.DoubleStorage} etc.), with
 * their element size. In a pickle they appear only as the type inside a storage persistent id,
 * never called; values are widened to double on reading.
 */
enum TorchStorageType implements IObjectConstructor {
  DOUBLE("DoubleStorage", 8),
  FLOAT("FloatStorage", 4),
  LONG("LongStorage", 8),
  INT("IntStorage", 4);

  private final String pythonName;
  private final int elementSize;

  TorchStorageType(String pythonName, int elementSize) {
    this.pythonName = pythonName;
    this.elementSize = elementSize;
  }

  /** The class name after {@code torch.}, e.g. {@code DoubleStorage}. */
  String pythonName() {
    return pythonName;
  }

  int elementSize() {
    return elementSize;
  }

  /** Element {@code i} of raw storage bytes (the buffer carries the file's byte order). */
  double get(ByteBuffer raw, int i) {
    return switch (this) {
      case DOUBLE -> raw.getDouble(i * 8);
      case FLOAT -> raw.getFloat(i * 4);
      case LONG -> raw.getLong(i * 8);
      case INT -> raw.getInt(i * 4);
    };
  }

  @Override
  public Object construct(Object[] args) {
    throw new PickleException("torch." + pythonName + " was called; a network file uses storage"
        + " types only inside storage persistent ids");
  }
}
