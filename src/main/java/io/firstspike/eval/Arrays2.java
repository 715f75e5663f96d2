package io.firstspike.eval;

/** Small array helpers shared by the evaluation records (package private). */
final class Arrays2 {
  private Arrays2() {}

  /** Deep copy of a 2-D array (rows may have different lengths). */
  static double[][] copy(double[][] a) {
    double[][] c = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      c[i] = a[i].clone();
    }
    return c;
  }

  /** Deep copy of a 3-D array, null stays null. */
  static double[][][] copy(double[][][] a) {
    if (a == null) {
      return null;
    }
    double[][][] c = new double[a.length][][];
    for (int i = 0; i < a.length; i++) {
      c[i] = copy(a[i]);
    }
    return c;
  }
}
