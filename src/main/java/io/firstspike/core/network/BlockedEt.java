package io.firstspike.core.network;

import io.firstspike.core.math.LambertW;
import io.firstspike.core.neuron.EqualTime;

/**
 * The blocks of the blocked et forward pass for wide layers ({@link ClosedFormForward#BLOCKED}:
 * {@value #BLOCK} prefixes per pass over the neurons, one bound for the block), on the thread's
 * {@link LayerScratch} {@code k}: the sorted inputs and their exp factors, the running sums and
 * the active list. Functions of the scratch only; the sums and decisions are those of the
 * per-prefix pass, bit for bit ({@code LayerPassContractTest}, {@code LayerKernelBlockTest}).
 */
final class BlockedEt {
  private static final int BLOCK = PassPolicy.BLOCK;
  private static final int BLOCK_SPARSE_BELOW = PassPolicy.BLOCK_SPARSE_BELOW;
  private static final int SCAN_ACTIVE_BELOW = PassPolicy.SCAN_ACTIVE_BELOW;
  private static final double SCREEN_MARGIN = PrefixSteps.SCREEN_MARGIN;

  /** max over d >= 0 of d exp(-d), reached at d = 1: 1/e, rounded up. */
  private static final double MAX_KERNEL = 0.36787944117144245;

  private BlockedEt() {}

  /**
   * The {@value #BLOCK} et prefixes k0 .. k0+BLOCK-1 at once (all inner: the next input exists).
   * One pass per sum over the neurons adds the block's inputs (in input order, so the sums are
   * bit-identical to adding them one by one), and one bound covers the scaled membrane of every
   * prefix of the block over its interval; the union of the intervals is [x_k0, x_k1], k1 = k0 +
   * BLOCK. With A, B the sums before the block, the membrane of prefix p is
   *
   * <pre>
   *   f_p(x) = exp(-x) (A x - B) + sum over i = k0..p of w_i (x - x_i) exp(-(x - x_i)),
   * </pre>
   *
   * the first term is at most max(0, exp(-x_k0) max(A x_k0 - B, A x_k1 - B)) (as in
   * {@link PrefixSteps#sumsAndBoundEt}), and input i's term at most
   * maxpos_i min(x_k1 - x_i, 1/e), since
   * d exp(-d) &lt;= min(d, 1/e) and w_ij &lt;= maxpos_i, the row's largest positive weight. A
   * neuron whose bound reaches c (1 - 2 margin) gets the same bound with its own weights, and if
   * that still reaches it, is walked prefix by prefix from A, B with the exact screen and
   * candidate ({@link #walkFlagged}); all others provably do not cross in the block. The loops
   * are kept simple (one array written each, all at index j) so that the JIT vectorises them.
   *
   * @return the new number of active neurons
   */
  static int blockEt(LayerScratch k, double[] w, double[][] rows, double[] rowMaxPos, int k0, int nAct,
      double[] out, LayerCache cache, int sample, int nOut) {
    int[] order = k.order;
    double[] e1 = k.e1;
    double[] e2 = k.e2;
    double[] xy = k.xy;
    double[] em = k.em;
    int[] act = k.act;
    int[] flagged = k.flagged;
    double[] alive = k.alive;
    double[] bound = k.bound;
    double c = k.c;
    int k1 = k0 + BLOCK;
    int i0 = order[k0];
    int i1 = order[k0 + 1];
    int i2 = order[k0 + 2];
    int i3 = order[k0 + 3];
    double xe = xy[k1];
    double rise = rowMaxPos[i0] * Math.min(xe - xy[k0], MAX_KERNEL)
        + rowMaxPos[i1] * Math.min(xe - xy[k0 + 1], MAX_KERNEL)
        + rowMaxPos[i2] * Math.min(xe - xy[k0 + 2], MAX_KERNEL)
        + rowMaxPos[i3] * Math.min(xe - xy[k0 + 3], MAX_KERNEL);
    // flagged iff max(first, 0) + rise >= level, i.e. first >= level - rise (or rise alone does it)
    double firstLevel = c * (1.0 - 2.0 * SCREEN_MARGIN) - rise;
    double half = 0.5 * em[k0];
    double xs = xy[k0] + xe;
    double dx = xe - xy[k0];
    double[] sa = k.s1;
    double[] sb = k.s2;
    double[] na = k.s1n;
    double[] nb = k.s2n;
    if (PathCounts.ON) {
      PathCounts.hit(nAct * BLOCK_SPARSE_BELOW >= nOut ? PathCounts.Path.BLOCK_DENSE
          : PathCounts.Path.BLOCK_SPARSE);
    }
    if (nAct * BLOCK_SPARSE_BELOW >= nOut) {
      double[] bnd = bound;
      double[] alv = alive;
      double[] q0 = rows[i0];
      double[] q1 = rows[i1];
      double[] q2 = rows[i2];
      double[] q3 = rows[i3];
      addRows(na, sa, q0, q1, q2, q3, e1[k0], e1[k0 + 1], e1[k0 + 2], e1[k0 + 3], nOut);
      addRows(nb, sb, q0, q1, q2, q3, e2[k0], e2[k0 + 1], e2[k0 + 2], e2[k0 + 3], nOut);
      for (int j = 0; j < nOut; j++) {
        double a = sa[j];
        bnd[j] = half * (a * xs + Math.abs(a) * dx - 2.0 * sb[j]) * alv[j];
      }
      int nFlag = 0;
      int[] fl = flagged;
      if (firstLevel > 0 && nAct * SCAN_ACTIVE_BELOW < nOut) {
        // a fired neuron's bound is 0 (alive), below firstLevel: the active ones suffice
        for (int q = 0; q < nAct; q++) {
          int j = act[q];
          if (bnd[j] >= firstLevel) {
            fl[nFlag++] = j;
          }
        }
      } else if (firstLevel > 0) {
        for (int j = 0; j < nOut; j++) {
          // A branch, not a branch-free compaction: few neurons are flagged, so it is well
          // predicted, while a compaction's store chain costs every neuron.
          if (bnd[j] >= firstLevel) {
            fl[nFlag++] = j;
          }
        }
      } else {
        System.arraycopy(act, 0, fl, 0, nAct);
        nFlag = nAct;
      }
      nAct = walkFlagged(k, rows, nFlag, k0, k1, nAct, out, cache, sample, nOut);
    } else {
      double e0 = e1[k0];
      double e1v = e1[k0 + 1];
      double e2v = e1[k0 + 2];
      double e3 = e1[k0 + 3];
      double f0 = e2[k0];
      double f1 = e2[k0 + 1];
      double f2 = e2[k0 + 2];
      double f3 = e2[k0 + 3];
      int r0 = i0 * nOut;
      int r1 = i1 * nOut;
      int r2 = i2 * nOut;
      int r3 = i3 * nOut;
      int nFlag = 0;
      for (int q = 0; q < nAct; q++) {
        int j = act[q];
        double a = sa[j];
        double b = sb[j];
        double first = half * (a * xs + Math.abs(a) * dx - 2.0 * b);
        double w0 = w[r0 + j];
        double w1 = w[r1 + j];
        double w2 = w[r2 + j];
        double w3 = w[r3 + j];
        na[j] = a + w0 * e0 + w1 * e1v + w2 * e2v + w3 * e3;
        nb[j] = b + w0 * f0 + w1 * f1 + w2 * f2 + w3 * f3;
        flagged[nFlag] = j;
        nFlag += firstLevel <= 0 || first >= firstLevel ? 1 : 0;
      }
      nAct = walkFlagged(k, rows, nFlag, k0, k1, nAct, out, cache, sample, nOut);
    }
    k.s1 = na;
    k.s2 = nb;
    k.s1n = sa;
    k.s2n = sb;
    return nAct;
  }

  /** to[j] = from[j] + q0[j] c0 + q1[j] c1 + q2[j] c2 + q3[j] c3, in that order (vectorised). */
  static void addRows(double[] to, double[] from, double[] q0, double[] q1, double[] q2,
      double[] q3, double c0, double c1, double c2, double c3, int n) {
    for (int j = 0; j < n; j++) {
      to[j] = from[j] + q0[j] * c0 + q1[j] * c1 + q2[j] * c2 + q3[j] * c3;
    }
  }

  /**
   * Walks the flagged neurons (flagged[0..nFlag-1]) through the block's prefixes k0 .. k1-1 from
   * their sums before the block (still in s1, s2): first, per neuron, the first prefix that passes
   * the exact screen of {@link PrefixSteps#screenEt} (prefixes inside a group of equal times are
   * not screened, see ClosedFormForward's class comment); then the closed forms of all those candidates
   * in one loop, whose iterations are independent, so the latency of one Lambert W (exp, log,
   * sqrt, divisions) overlaps the next; then the validity tests in order. A neuron whose
   * candidate is not valid (rare: the screen passes on an interior peak below c) walks on alone
   * ({@link #walkFrom}).
   *
   * @return the new number of active neurons
   */
  static int walkFlagged(LayerScratch k, double[][] rows, int nFlag, int k0, int k1, int nAct, double[] out,
      LayerCache cache, int sample, int nOut) {
    int[] order = k.order;
    double[] ts = k.ts;
    double[] e1 = k.e1;
    double[] e2 = k.e2;
    double[] xy = k.xy;
    double[] xm1 = k.xm1;
    double[] em = k.em;
    double[] s1 = k.s1;
    double[] s2 = k.s2;
    int[] flagged = k.flagged;
    int[] candPrefix = k.candPrefix;
    double[] candA = k.candA;
    double[] candB = k.candB;
    double[] candW = k.candW;
    double[] candT = k.candT;
    double screenLevel = k.screenLevel;
    double c = k.c;
    double tauSyn = k.tauSyn;
    double level = screenLevel;
    // The neuron's own bound: as the block's, but with its own positive weights, not the rows'
    // largest (four weights per neuron, much cheaper than the walk it saves).
    double xe = xy[k1];
    double half = 0.5 * em[k0];
    double xs = xy[k0] + xe;
    double dx = xe - xy[k0];
    double boundLevel = c * (1.0 - 2.0 * SCREEN_MARGIN);
    double d0 = Math.min(xe - xy[k0], MAX_KERNEL);
    double d1 = Math.min(xe - xy[k0 + 1], MAX_KERNEL);
    double d2 = Math.min(xe - xy[k0 + 2], MAX_KERNEL);
    double d3 = Math.min(xe - xy[k0 + 3], MAX_KERNEL);
    double[] q0 = rows[order[k0]];
    double[] q1 = rows[order[k0 + 1]];
    double[] q2 = rows[order[k0 + 2]];
    double[] q3 = rows[order[k0 + 3]];
    // The block's per-prefix constants in locals: the walk of a neuron below then depends only on
    // its four weights, loaded once for its bound, not on a chain of loads per prefix (order,
    // row, weight), which made this walk the largest item of a 16x16 forward pass.
    double ea0 = e1[k0];
    double ea1 = e1[k0 + 1];
    double ea2 = e1[k0 + 2];
    double ea3 = e1[k0 + 3];
    double fb0 = e2[k0];
    double fb1 = e2[k0 + 1];
    double fb2 = e2[k0 + 2];
    double fb3 = e2[k0 + 3];
    double m0 = em[k0];
    double m1 = em[k0 + 1];
    double m2 = em[k0 + 2];
    double m3 = em[k0 + 3];
    double m4 = em[k1];
    double x0 = xy[k0];
    double x1 = xy[k0 + 1];
    double x2 = xy[k0 + 2];
    double x3 = xy[k0 + 3];
    double x4 = xe;
    double z0 = xm1[k0];
    double z1 = xm1[k0 + 1];
    double z2 = xm1[k0 + 2];
    double z3 = xm1[k0 + 3];
    double z4 = xm1[k1];
    // a prefix inside a group of equal times is not screened (see ClosedFormForward's class comment)
    boolean g0 = ts[k0 + 1] != ts[k0];
    boolean g1 = ts[k0 + 2] != ts[k0 + 1];
    boolean g2 = ts[k0 + 3] != ts[k0 + 2];
    boolean g3 = ts[k1] != ts[k0 + 3];
    int nCand = 0;
    for (int f = 0; f < nFlag; f++) {
      int j = flagged[f];
      double a = s1[j];
      double b = s2[j];
      double w0 = q0[j];
      double w1 = q1[j];
      double w2 = q2[j];
      double w3 = q3[j];
      double own = Math.max(half * (a * xs + Math.abs(a) * dx - 2.0 * b), 0.0)
          + Math.max(w0, 0.0) * d0 + Math.max(w1, 0.0) * d1
          + Math.max(w2, 0.0) * d2 + Math.max(w3, 0.0) * d3;
      if (own < boundLevel) {
        continue;
      }
      // the sums of the four prefixes, added in input order as everywhere else
      double a0 = a + w0 * ea0;
      double b0 = b + w0 * fb0;
      double a1 = a0 + w1 * ea1;
      double b1 = b0 + w1 * fb1;
      double a2 = a1 + w2 * ea2;
      double b2 = b1 + w2 * fb2;
      double a3 = a2 + w3 * ea3;
      double b3 = b2 + w3 * fb3;
      int p;
      if (g0 && !screened(a0, b0, m0, x0, z0, m1, x1, z1, level)) {
        p = 0;
      } else if (g1 && !screened(a1, b1, m1, x1, z1, m2, x2, z2, level)) {
        p = 1;
        a0 = a1;
        b0 = b1;
      } else if (g2 && !screened(a2, b2, m2, x2, z2, m3, x3, z3, level)) {
        p = 2;
        a0 = a2;
        b0 = b2;
      } else if (g3 && !screened(a3, b3, m3, x3, z3, m4, x4, z4, level)) {
        p = 3;
        a0 = a3;
        b0 = b3;
      } else {
        continue;
      }
      flagged[nCand] = j;
      candPrefix[nCand] = k0 + p;
      candA[nCand] = a0;
      candB[nCand] = b0;
      nCand++;
    }
    for (int q = 0; q < nCand; q++) {
      double a = candA[q];
      double b = candB[q];
      double lw = LambertW.w0(EqualTime.lambertArgument(a, b, c));
      candW[q] = lw;
      candT[q] = EqualTime.time(a, b, lw, tauSyn);
    }
    for (int q = 0; q < nCand; q++) {
      int j = flagged[q];
      int p = candPrefix[q];
      double t = candT[q];
      if (t >= ts[p] && t <= ts[p + 1]) {
        k.fire(j, p, t, candA[q], candB[q], candW[q], out, cache, sample, nOut);
        nAct = k.deactivate(j, nAct);
      } else if (walkFrom(k, rows, j, p, candA[q], candB[q], k1, out, cache, sample, nOut)) {
        nAct = k.deactivate(j, nAct);
      }
    }
    return nAct;
  }

  /**
   * Continues the walk of neuron j after prefix p (whose sums are a, b) up to k1 - 1, testing each
   * candidate at once.
   *
   * @return true if it fired
   */
  static boolean walkFrom(LayerScratch k, double[][] rows, int j, int p, double a, double b, int k1, double[] out,
      LayerCache cache, int sample, int nOut) {
    int[] order = k.order;
    double[] ts = k.ts;
    double[] e1 = k.e1;
    double[] e2 = k.e2;
    double screenLevel = k.screenLevel;
    double level = screenLevel;
    if (PathCounts.ON) {
      PathCounts.hit(PathCounts.Path.BLOCK_WALK_ON);
    }
    for (p++; p < k1; p++) {
      double wv = rows[order[p]][j];
      a = a + wv * e1[p];
      b = b + wv * e2[p];
      if (ts[p + 1] != ts[p] && !PrefixSteps.screenedEt(k, a, b, p, level)
          && PrefixSteps.candidateEt(k, j, p, false, a, b, out, cache, sample, nOut)) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@link PrefixSteps#screenedEt} with the prefix's constants given: em, xy and xm1 at p
   * (mp, xp, zp) and
   * at p + 1 (mq, xq, zq); the same operations, so the same decisions bit for bit.
   */
  private static boolean screened(double a, double b, double mp, double xp, double zp, double mq,
      double xq, double zq, double level) {
    double bt = b + EqualTime.EPS;
    return mp * (a * xp - bt) < level && mq * (a * xq - bt) < level
        && !(a > 0 && zp * a < bt && bt < zq * a);
  }
}
