package io.firstspike.core.layer;

/**
 * Where the closed forms add EPS = 1e-6 to their sums (DELGRAD-MODEL.md section 0).
 *
 * <p>The sums of a causal set are, for et, a = sum_k w_k exp(t_k / tau) and
 * b = sum_k w_k t_k exp(t_k / tau) / tau, and for dt, a1 = sum_k w_k exp(t_k / tau_s) and
 * a2 = sum_k w_k exp(t_k / tau_m). The two codes place EPS differently:
 *
 * <pre>
 *   rule          et forward  et backward  dt forward  dt backward
 *   RELEASE_2021  b           b            a1          a1, a2
 *   DELGRAD       a, b        a, b         a1, a2      a1, a2
 * </pre>
 *
 * <p>The placement moves spike times by up to 3e-6, so the config's schema selects the rule:
 * old-schema (2021) configs {@link #RELEASE_2021}, new-schema (DelGrad) configs {@link #DELGRAD}.
 */
public enum EpsRule {
  /** The 2021 release (ttfs-golden.json): et on b only; dt on a1 forward, on a1 and a2 backward. */
  RELEASE_2021(0.0, EpsRule.EPS, EpsRule.EPS, 0.0),
  /** DelGrad's HEAD (delgrad-golden.json): on both sums of both variants, forward and backward. */
  DELGRAD(EpsRule.EPS, EpsRule.EPS, EpsRule.EPS, EpsRule.EPS);

  /** The constant both codes add. */
  public static final double EPS = 1e-6;

  private final double etA;
  private final double etB;
  private final double dtA1Forward;
  private final double dtA2Forward;

  EpsRule(double etA, double etB, double dtA1Forward, double dtA2Forward) {
    this.etA = etA;
    this.etB = etB;
    this.dtA1Forward = dtA1Forward;
    this.dtA2Forward = dtA2Forward;
  }

  /** Added to the et sum a (forward and backward). */
  public double etA() {
    return etA;
  }

  /** Added to the et sum b (forward and backward). */
  public double etB() {
    return etB;
  }

  /** Added to the dt sum a1 in the forward pass. */
  public double dtA1Forward() {
    return dtA1Forward;
  }

  /** Added to the dt sum a2 in the forward pass. */
  public double dtA2Forward() {
    return dtA2Forward;
  }

  /** Added to the dt sums a1 and a2 in the backward pass (both rules: EPS). */
  public double dtBackward() {
    return EPS;
  }
}
