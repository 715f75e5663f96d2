package io.firstspike.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * A bit-exact port of NumPy's legacy {@code numpy.random.RandomState}: the Mersenne Twister
 * MT19937 plus the legacy algorithms NumPy builds on it.
 *
 * <p>Why a port and not {@link java.util.Random}: the original draws its data sets (Yin-Yang),
 * shuffles and noise from {@code RandomState(seed)}. Reproducing those draws word for word is what
 * lets our Yin-Yang data equal the published files bit for bit, and lets a run be continued from a
 * saved {@link State} exactly as if it had never stopped.
 *
 * <p>Algorithms (all as in NumPy's legacy code path):
 *
 * <ul>
 *   <li>Seeding: {@code init_genrand(s)}: {@code mt[0] = s}, {@code mt[i] = 1812433253 * (mt[i-1]
 *       ^ (mt[i-1] >>> 30)) + i} (mod 2^32); position 624, so the first draw regenerates the block.
 *       Seeds in 0..2^32-1 match {@code RandomState(seed)}. A larger seed is split into 32-bit
 *       words, low word first, and fed to {@code init_by_array}: it matches
 *       {@code RandomState([seed & 0xffffffff, seed >> 32])} (NumPy itself refuses integer seeds
 *       of 2^32 and more). Negative seeds are refused, as NumPy does.
 *   <li>{@link #rand()}: {@code ((w1 >>> 5) * 2^26 + (w2 >>> 6)) / 2^53}, a 53-bit double.
 *   <li>{@link #randint(long)}: masked rejection: draw words, keep {@code word & mask} if it is at
 *       most {@code n - 1}, where mask is the smallest {@code 2^k - 1 >= n - 1}. Ranges beyond 32
 *       bits use 64-bit words {@code (w1 << 32) | w2}.
 *   <li>{@link #standardNormal()}: the polar Box-Muller method; each accepted pair (x1, x2) yields
 *       {@code f * x2} now and caches {@code f * x1} for the next call, with {@code f =
 *       sqrt(-2 ln r2 / r2)}. The log is correctly rounded ({@link RoundedLog}); NumPy uses glibc's,
 *       which misrounds rarely, so about 2 normal values in 10000 differ from NumPy's in the last
 *       bit (uniforms, integers and permutations are always identical).
 *   <li>{@link #shuffle(int[])}: Fisher-Yates from the end: for i = n-1 down to 1 swap element i
 *       with element {@code interval(i)}, a masked-rejection draw in 0..i.
 * </ul>
 *
 * <p>Not thread safe: one generator per use (data, shuffling, noise, initialisation).
 */
public final class NumpyRandom {
  /** Words in the MT19937 state (the length of {@link State#key}). */
  public static final int N = 624;
  private static final int M = 397;
  private static final int MATRIX_A = 0x9908b0df;
  private static final int UPPER_MASK = 0x80000000;
  private static final int LOWER_MASK = 0x7fffffff;
  private static final double TWO_POW_26 = 67108864.0;
  private static final double TWO_POW_53 = 9007199254740992.0;

  private final int[] mt = new int[N];
  /**
   * The tempered words of the current block, tempered all at once after each twist (a loop the
   * JIT vectorises): a draw is then a load, where tempering word by word was half the cost of
   * {@link #rand}, and the training noise draws 12,800 normals per 16x16 MNIST batch.
   */
  private final int[] tempered = new int[N];

  private int pos;
  private boolean hasGauss;
  private double gauss;

  /**
   * Seeds like {@code numpy.random.RandomState(seed)}.
   *
   * @param seed 0 .. 2^63-1; values of 2^32 and more use {@code init_by_array} (see class doc)
   */
  public NumpyRandom(long seed) {
    if (seed < 0) {
      throw new IllegalArgumentException(
          "random seed must be >= 0 (NumPy refuses negative seeds), got " + seed);
    }
    if (seed <= 0xffffffffL) {
      initGenrand((int) seed);
    } else {
      initByArray(new int[] {(int) seed, (int) (seed >>> 32)});
    }
  }

  /** Seeds like {@code RandomState(np.array(key, dtype=np.uint32))} ({@code init_by_array}). */
  public static NumpyRandom fromKey(int... key) {
    if (key.length == 0) {
      throw new IllegalArgumentException("random seed key must have at least one word");
    }
    NumpyRandom r = new NumpyRandom(0);
    r.initByArray(key);
    return r;
  }

  /** A generator continuing exactly from a saved state. */
  public static NumpyRandom fromState(State state) {
    NumpyRandom r = new NumpyRandom(0);
    r.setState(state);
    return r;
  }

  private void initGenrand(int s) {
    mt[0] = s;
    for (int i = 1; i < N; i++) {
      mt[i] = 1812433253 * (mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
    }
    pos = N;
    hasGauss = false;
    gauss = 0.0;
  }

  /** Matsumoto and Nishimura's {@code init_by_array}, as NumPy uses it for array seeds. */
  private void initByArray(int[] key) {
    initGenrand(19650218);
    int i = 1;
    int j = 0;
    for (int k = Math.max(N, key.length); k > 0; k--) {
      mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1664525)) + key[j] + j;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
      if (j >= key.length) {
        j = 0;
      }
    }
    for (int k = N - 1; k > 0; k--) {
      mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1566083941)) - i;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
    }
    mt[0] = UPPER_MASK;
    pos = N;
    hasGauss = false;
    gauss = 0.0;
  }

  /** Regenerates the whole block of 624 words (the "twist"). */
  private void twist() {
    int kk;
    for (kk = 0; kk < N - M; kk++) {
      int y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
      mt[kk] = mt[kk + M] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    }
    for (; kk < N - 1; kk++) {
      int y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
      mt[kk] = mt[kk + (M - N)] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    }
    int y = (mt[N - 1] & UPPER_MASK) | (mt[0] & LOWER_MASK);
    mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    temperAll();
    pos = 0;
  }

  /** tempered[i] = MT19937's tempering of mt[i], for the whole block. */
  private void temperAll() {
    for (int i = 0; i < N; i++) {
      int y = mt[i];
      y ^= y >>> 11;
      y ^= (y << 7) & 0x9d2c5680;
      y ^= (y << 15) & 0xefc60000;
      y ^= y >>> 18;
      tempered[i] = y;
    }
  }

  /** The next raw 32-bit word (unsigned in NumPy; compare with {@link Integer#toUnsignedLong}). */
  public int nextInt32() {
    if (pos == N) {
      twist();
    }
    return tempered[pos++];
  }

  /** Two words as one 64-bit word, high word first (NumPy's {@code next_uint64} for MT19937). */
  public long nextInt64() {
    long hi = Integer.toUnsignedLong(nextInt32());
    long lo = Integer.toUnsignedLong(nextInt32());
    return (hi << 32) | lo;
  }

  /** Uniform in [0, 1): {@code RandomState.rand()} / {@code random_sample()}. */
  public double rand() {
    int a = nextInt32() >>> 5;
    int b = nextInt32() >>> 6;
    return (a * TWO_POW_26 + b) / TWO_POW_53;
  }

  /** {@code RandomState.rand(n)}: n uniform draws in order. */
  public double[] rand(int n) {
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = rand();
    }
    return out;
  }

  /** {@code RandomState.uniform(low, high)}: {@code low + (high - low) * rand()}. */
  public double uniform(double low, double high) {
    return low + (high - low) * rand();
  }

  /**
   * {@code RandomState.randint(n)}: uniform integer in 0..n-1 by masked rejection.
   *
   * @param n exclusive upper bound, >= 1
   */
  public long randint(long n) {
    if (n < 1) {
      throw new IllegalArgumentException("randint: high must be >= 1 (low is 0), got " + n);
    }
    return boundedMasked(n - 1);
  }

  /** {@code RandomState.randint(low, high)}: uniform integer in low..high-1. */
  public long randint(long low, long high) {
    if (high <= low) {
      throw new IllegalArgumentException("randint: need low < high, got low=" + low + " high=" + high);
    }
    return low + boundedMasked(high - 1 - low);
  }

  /** A value in 0..max (inclusive, max read as unsigned) by masked rejection. */
  private long boundedMasked(long max) {
    if (max == 0) {
      return 0;
    }
    long mask = smallestMask(max);
    if (Long.compareUnsigned(max, 0xffffffffL) < 0) {
      long v;
      do {
        v = Integer.toUnsignedLong(nextInt32()) & mask;
      } while (v > max);
      return v;
    }
    if (max == 0xffffffffL) {
      return Integer.toUnsignedLong(nextInt32());
    }
    long v;
    do {
      v = nextInt64() & mask;
    } while (Long.compareUnsigned(v, max) > 0);
    return v;
  }

  /**
   * NumPy's {@code random_interval(max)}, used by the legacy shuffle: like {@link #randint} with
   * the same mask rule, except that a max of exactly 2^32-1 also goes through the masked loop.
   */
  long interval(long max) {
    if (max == 0) {
      return 0;
    }
    long mask = smallestMask(max);
    long v;
    if (Long.compareUnsigned(max, 0xffffffffL) <= 0) {
      do {
        v = Integer.toUnsignedLong(nextInt32()) & mask;
      } while (v > max);
    } else {
      do {
        v = nextInt64() & mask;
      } while (Long.compareUnsigned(v, max) > 0);
    }
    return v;
  }

  private static long smallestMask(long max) {
    long mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask |= mask >>> 32;
    return mask;
  }

  /** {@code RandomState.standard_normal()}: legacy polar Box-Muller with one cached value. */
  public double standardNormal() {
    return polar();
  }

  private double polar() {
    if (hasGauss) {
      double g = gauss;
      hasGauss = false;
      gauss = 0.0;
      return g;
    }
    double x1;
    double x2;
    double r2;
    do {
      x1 = 2.0 * rand() - 1.0;
      x2 = 2.0 * rand() - 1.0;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1.0 || r2 == 0.0);
    double log = RoundedLog.log(r2);
    double f = Math.sqrt(-2.0 * log / r2);
    gauss = f * x1;
    hasGauss = true;
    return f * x2;
  }

  /** {@code RandomState.normal(mean, sd)}: {@code mean + sd * standardNormal()}. */
  public double normal(double mean, double sd) {
    return mean + sd * standardNormal();
  }

  /** {@code RandomState.normal(mean, sd, n)}: n draws in order. */
  public double[] normal(double mean, double sd, int n) {
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = normal(mean, sd);
    }
    return out;
  }

  /** {@code RandomState.shuffle(x)} for a 1-d integer array, in place. */
  public void shuffle(int[] x) {
    for (int i = x.length - 1; i > 0; i--) {
      int j = (int) interval(i);
      int t = x[i];
      x[i] = x[j];
      x[j] = t;
    }
  }

  /** {@code RandomState.permutation(n)}: a shuffled {@code arange(n)}. */
  public int[] permutation(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("permutation: n must be >= 0, got " + n);
    }
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    shuffle(p);
    return p;
  }

  /** The full state, as {@code RandomState.get_state()} reports it. */
  public State getState() {
    return new State(mt.clone(), pos, hasGauss, hasGauss ? gauss : 0.0);
  }

  /** Restores a state from {@link #getState()} or NumPy's {@code get_state()}. */
  public void setState(State state) {
    System.arraycopy(state.key(), 0, mt, 0, N);
    temperAll(); // the words of positions pos.. of this block are drawn from it
    pos = state.pos();
    hasGauss = state.hasGauss();
    gauss = state.gauss();
  }

  /**
   * The generator state: the 624 key words (NumPy shows them as unsigned: use {@link
   * Integer#toUnsignedLong}), the position 0..624 of the next word, and the cached second normal
   * value of the polar method. Equal states continue with identical draws.
   */
  public record State(int[] key, int pos, boolean hasGauss, double gauss) {
    /** Checks the shape and copies the key. */
    public State {
      Objects.requireNonNull(key, "key");
      if (key.length != N) {
        throw new IllegalArgumentException(
            "random state key must have " + N + " words, got " + key.length);
      }
      if (pos < 0 || pos > N) {
        throw new IllegalArgumentException(
            "random state position must be in 0.." + N + ", got " + pos);
      }
      key = key.clone();
    }

    /** A copy of the key words. */
    @Override
    public int[] key() {
      return key.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof State s
          && pos == s.pos
          && hasGauss == s.hasGauss
          && Double.compare(gauss, s.gauss) == 0
          && Arrays.equals(key, s.key);
    }

    @Override
    public int hashCode() {
      return Objects.hash(Arrays.hashCode(key), pos, hasGauss, gauss);
    }

    @Override
    public String toString() {
      return "State[key=" + N + " words starting " + Integer.toUnsignedLong(key[0]) + ", pos=" + pos
          + ", hasGauss=" + hasGauss + ", gauss=" + gauss + "]";
    }
  }
}
