package io.firstspike.train.config;

/**
 * A config value chosen from a fixed list ({@code optimizer: adam}, {@code substrate: sim}): an
 * enum whose constants are spelt {@link #yamlName()} in configs. The mapper reads and writes the
 * spelling and refuses any other with "unknown &lt;noun&gt; 'x' (did you mean 'y'?); valid are ...",
 * the noun coming from the enum's {@code @JsonClassDescription}.
 */
public interface ConfigName {

  /** The spelling in config files. */
  String yamlName();
}
