package io.firstspike.io;

import java.util.Arrays;
import net.razorvine.pickle.PickleException;

/**
 * A tensor as PyTorch pickles it: a view {@code (offset, size, stride)} into a storage. Element
 * {@code (i_0, ..., i_k)} lives at storage index {@code offset + sum_k i_k * stride_k}.
 */
record TorchTensor(TorchStorage storage, long offset, long[] size, long[] stride) {

  /**
   * The arguments of {@code torch._utils._rebuild_tensor_v2(storage, storage_offset, size, stride,
   * requires_grad, backward_hooks[, metadata])}; gradient flags and hooks are irrelevant here.
   */
  static TorchTensor rebuild(Object[] args) {
    if (args.length < 4 || !(args[0] instanceof TorchStorage s)) {
      throw new PickleException("torch._utils._rebuild_tensor_v2 needs (storage, offset, size,"
          + " stride, ...), got " + Arrays.deepToString(args));
    }
    long[] size = PyValues.longs(args[2], "tensor size");
    long[] stride = PyValues.longs(args[3], "tensor stride");
    if (size.length != stride.length) {
      throw new PickleException("tensor size " + Arrays.toString(size) + " and stride "
          + Arrays.toString(stride) + " differ in length");
    }
    return new TorchTensor(s, PyValues.toLong(args[1], "tensor offset"), size, stride);
  }

  /** Number of elements. */
  long numel() {
    long n = 1;
    for (long d : size) {
      n *= d;
    }
    return n;
  }

  /**
   * The elements in row-major (C) order, gathered through the strides.
   *
   * @throws IllegalStateException if the storage has no data yet or the view exceeds it
   */
  double[] values() {
    double[] data = storage.values();
    if (data == null) {
      throw new IllegalStateException("storage '" + storage.key() + "' has no data");
    }
    int n = Math.toIntExact(numel());
    double[] out = new double[n];
    long[] index = new long[size.length];
    for (int k = 0; k < n; k++) {
      long at = offset;
      for (int d = 0; d < size.length; d++) {
        at += index[d] * stride[d];
      }
      if (at < 0 || at >= data.length) {
        throw new IllegalStateException("tensor of size " + Arrays.toString(size) + ", stride "
            + Arrays.toString(stride) + ", offset " + offset + " reaches element " + at
            + " of storage '" + storage.key() + "', which has " + data.length);
      }
      out[k] = data[(int) at];
      for (int d = size.length - 1; d >= 0; d--) { // odometer increment, last axis fastest
        if (++index[d] < size[d]) {
          break;
        }
        index[d] = 0;
      }
    }
    return out;
  }
}
