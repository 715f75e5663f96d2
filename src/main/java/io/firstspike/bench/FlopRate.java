package io.firstspike.bench;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A tiny measured kernel for the machine's practical float64 rate: the running-sum update at the
 * heart of the forward pass, {@code s1[j] += w[j] * e; s2[j] += w[j] * f} (4 flops per element,
 * in L1, a loop the JIT vectorises), repeated for about {@code seconds}, on 1 thread and on
 * {@code threads} threads at once. It is what the core's best loop can reach, not the CPU's
 * nominal peak (which would need fused multiply-adds the JIT does not emit here).
 */
public final class FlopRate {
  private static final int N = 256;

  private FlopRate() {}

  /** Flops per second of one thread running the kernel for about {@code seconds}. */
  public static double perThread(double seconds) {
    double[] w = new double[N];
    double[] s1 = new double[N];
    double[] s2 = new double[N];
    for (int j = 0; j < N; j++) {
      w[j] = 1e-3 * (j % 17);
    }
    long reps = 0;
    long t0 = System.nanoTime();
    long deadline = t0 + (long) (seconds * 1e9);
    double e = 1.0000001;
    double f = 0.9999999;
    while (System.nanoTime() < deadline) {
      for (int r = 0; r < 1000; r++) {
        for (int j = 0; j < N; j++) {
          double wv = w[j];
          s1[j] += wv * e;
          s2[j] += wv * f;
        }
      }
      reps += 1000;
    }
    double elapsed = (System.nanoTime() - t0) / 1e9;
    if (s1[N - 1] + s2[N - 1] == 42.0) { // keep the result alive
      System.err.print("");
    }
    return 4.0 * N * reps / elapsed;
  }

  /** Total flops per second of {@code threads} threads running the kernel concurrently. */
  public static double total(int threads, double seconds) {
    perThread(0.3); // warm-up: compile the loop
    if (threads == 1) {
      return perThread(seconds);
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      Future<?>[] fs = new Future<?>[threads];
      double[] rates = new double[threads];
      for (int t = 0; t < threads; t++) {
        int id = t;
        fs[t] = pool.submit(() -> {
          rates[id] = perThread(seconds);
        });
      }
      double sum = 0;
      for (int t = 0; t < threads; t++) {
        fs[t].get();
        sum += rates[t];
      }
      return sum;
    } catch (Exception ex) {
      throw new IllegalStateException("FLOP-rate kernel failed: " + ex, ex);
    } finally {
      pool.shutdownNow();
    }
  }
}
