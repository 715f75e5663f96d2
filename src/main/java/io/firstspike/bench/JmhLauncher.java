package io.firstspike.bench;

import java.util.Collection;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** Runs {@link JmhBenchmarks} in forked JVMs (from the fat jar or any classpath holding it). */
public final class JmhLauncher {
  private JmhLauncher() {}

  static final int FORKS = 3;

  /**
   * Three forks, each with 3 warm-up and 5 measured iterations of 2 s, on 1 and {@code threads}
   * threads. Three forks, not one: on a shared host a whole fork can sit in a slow or a fast
   * phase (Yin-Yang on two threads: forks near 88,000 and near 125,000 samples/s), so one fork's
   * figure says more about the moment than about the code.
   */
  public static Collection<RunResult> run(int threads) {
    Options opt = new OptionsBuilder()
        .include(JmhBenchmarks.class.getName() + "\\.")
        .param("threads", threads == 1 ? new String[] {"1"}
            : new String[] {"1", Integer.toString(threads)})
        .forks(FORKS)
        .warmupIterations(3)
        .warmupTime(TimeValue.seconds(2))
        .measurementIterations(5)
        .measurementTime(TimeValue.seconds(2))
        .build();
    try {
      return new Runner(opt).run();
    } catch (RunnerException e) {
      throw new IllegalStateException("JMH failed: " + e.getMessage(), e);
    }
  }
}
