package io.firstspike.io;

import java.nio.ByteBuffer;

/**
 * One PyTorch storage: a flat block of {@code count} elements that tensors view through offset,
 * size and stride. The pickle names it by key; its bytes come later (after the pickles in the
 * legacy format, in {@code data/<key>} in the zip format), so the data is filled in afterwards.
 */
final class TorchStorage {
  private final String key;
  private final TorchStorageType type;
  private final long count;
  private double[] values;

  TorchStorage(String key, TorchStorageType type, long count) {
    this.key = key;
    this.type = type;
    this.count = count;
  }

  String key() {
    return key;
  }

  TorchStorageType type() {
    return type;
  }

  long count() {
    return count;
  }

  /** Bytes the raw data occupies. */
  long byteSize() {
    return count * type.elementSize();
  }

  boolean filled() {
    return values != null;
  }

  /** Decodes {@code count} elements from {@code raw} (positioned at 0, in the file's byte order). */
  void fill(ByteBuffer raw) {
    double[] v = new double[Math.toIntExact(count)];
    for (int i = 0; i < v.length; i++) {
      v[i] = type.get(raw, i);
    }
    values = v;
  }

  /** The values (live array, callers must not modify), or null before {@link #fill}. */
  double[] values() {
    return values;
  }
}
