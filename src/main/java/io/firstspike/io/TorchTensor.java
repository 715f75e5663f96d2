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

  /**
   * The elements in row-major (C) order, gathered through the strides. Sizes come from the file,
   * so everything is checked before the array is allocated: no negative size, an element count
   * that neither overflows nor exceeds the storage's (network files hold no broadcast views, whose
   * zero strides would let one stored element fill gigabytes), and a view that stays inside the
   * storage.
   *
   * @throws IllegalStateException if the storage has no data yet or the view is not as above
   */
  double[] values() {
    double[] data = storage.values();
    if (data == null) {
      throw new IllegalStateException("storage '" + storage.key() + "' has no data");
    }
    long n = 1;
    long lowest = offset;
    long highest = offset;
    try {
      for (int d = 0; d < size.length; d++) {
        if (size[d] < 0) {
          throw new IllegalStateException(describe() + " has a negative size");
        }
        n = Math.multiplyExact(n, size[d]);
        if (size[d] > 0) {
          long span = Math.multiplyExact(size[d] - 1, stride[d]);
          lowest = Math.addExact(lowest, Math.min(span, 0));
          highest = Math.addExact(highest, Math.max(span, 0));
        }
      }
    } catch (ArithmeticException e) {
      throw new IllegalStateException(describe() + " overflows: its element count or extent is"
          + " beyond 2^63");
    }
    if (n > data.length) {
      throw new IllegalStateException(describe() + " has " + n + " elements but its storage '"
          + storage.key() + "' has only " + data.length + "; network files hold no broadcast"
          + " views");
    }
    if (n == 0) {
      return new double[0];
    }
    if (lowest < 0 || highest >= data.length) {
      throw new IllegalStateException(describe() + " reaches elements " + lowest + ".." + highest
          + " of storage '" + storage.key() + "', which has " + data.length);
    }
    double[] out = new double[(int) n];
    long[] index = new long[size.length];
    for (int k = 0; k < out.length; k++) {
      long at = offset;
      for (int d = 0; d < size.length; d++) {
        at += index[d] * stride[d];
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

  private String describe() {
    return "tensor of size " + Arrays.toString(size) + ", stride " + Arrays.toString(stride)
        + ", offset " + offset;
  }
}
