package io.firstspike.bench;

import java.util.Collection;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** Runs {@link JmhBenchmarks} in a forked JVM (from the fat jar or any classpath holding it). */
public final class JmhLauncher {
  private JmhLauncher() {}

  /** One fork, 3 warm-up and 5 measured iterations of 2 s, on 1 and {@code threads} threads. */
  public static Collection<RunResult> run(int threads) {
    Options opt = new OptionsBuilder()
        .include(JmhBenchmarks.class.getName() + "\\.")
        .param("threads", threads == 1 ? new String[] {"1"}
            : new String[] {"1", Integer.toString(threads)})
        .forks(1)
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
