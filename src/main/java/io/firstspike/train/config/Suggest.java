package io.firstspike.train.config;

import java.util.Collection;

/** "Did you mean" hints by Levenshtein distance. */
final class Suggest {
  private Suggest() {}

  /**
   * {@code " (did you mean 'x'?)"} for the closest candidate if it is plausibly a typo, or for a
   * candidate that is the wrong name with a {@code _suffix} added or removed; else "".
   */
  static String didYouMean(String wrong, Collection<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : candidates) {
      int d = distance(wrong.toLowerCase(), c.toLowerCase());
      if (d < bestDistance) {
        bestDistance = d;
        best = c;
      }
    }
    int allowed = Math.max(2, wrong.length() / 3);
    if (best != null && bestDistance <= allowed) {
      return " (did you mean '" + best + "'?)";
    }
    for (String c : candidates) {
      if (wrong.startsWith(c + "_") || c.startsWith(wrong + "_")) {
        return " (did you mean '" + c + "'?)"; // std_dev for std, delay for delay_mean
      }
    }
    return "";
  }

  /** Edit distance with insertions, deletions and substitutions of single characters. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
