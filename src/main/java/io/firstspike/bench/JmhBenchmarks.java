package io.firstspike.bench;

import io.firstspike.core.loss.Loss;
import io.firstspike.core.network.ForwardResult;
import io.firstspike.core.network.Network;
import io.firstspike.core.network.NetworkEngine;
import io.firstspike.data.DataSplits;
import io.firstspike.train.Experiments;
import io.firstspike.train.config.ExperimentConfig;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * JMH: forward + backward throughput of one batch through {@link NetworkEngine}, in samples per
 * second (one operation = one sample), on the paper's Yin-Yang network (5 -> 120, 121 -> 3, batch
 * 150) and on 16x16 MNIST (256 -> 128 -> 10, batch 50). Untrained networks from the configs'
 * seeds, real data (16x16: real MNIST if {@link BenchData} finds it), the loss's dL/dT.
 * Run with {@code firstspike bench --jmh}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class JmhBenchmarks {

  /** One network, batch and upstream error; the engine on {@code threads} threads. */
  @State(Scope.Benchmark)
  public abstract static class Case {
    @Param({"1", "2"})
    public int threads;

    NetworkEngine engine;
    double[][] inputs;
    double[][] labelDelta;

    abstract ExperimentConfig config();

    abstract DataSplits data();

    @Setup(Level.Trial)
    public void setUp() {
      ExperimentConfig cfg = config();
      DataSplits data = data();
      Network net = Experiments.initialNetwork(cfg);
      int b = cfg.trainingParams().batchSize();
      inputs = Arrays.copyOf(data.train().inputTimes(), b);
      int[] labels = Arrays.copyOf(data.train().labels(), b);
      engine = new NetworkEngine(net, Experiments.engineOptions(cfg), threads);
      double[][] out = engine.forward(inputs).labelTimes();
      labelDelta = new double[b][out[0].length];
      Loss loss = Experiments.loss(cfg);
      loss.compute(out, labels, labelDelta);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      engine.close();
    }

    /** Forward, backward, and the result handed back for reuse, as the trainer does. */
    double[][] step() {
      ForwardResult fwd = engine.forward(inputs);
      double[][] grads = engine.backward(fwd, labelDelta);
      engine.recycle(fwd);
      return grads;
    }
  }

  /** Yin-Yang 4-120-3 with one bias per layer, batch 150. */
  public static class YinYang extends Case {
    @Override
    ExperimentConfig config() {
      return BenchConfigs.yinYang();
    }

    @Override
    DataSplits data() {
      return Experiments.loadData(config());
    }
  }

  /** 16x16 MNIST 256-128-10, batch 50. */
  public static class Mnist16 extends Case {
    @Override
    ExperimentConfig config() {
      return BenchConfigs.mnist16();
    }

    @Override
    DataSplits data() {
      return BenchData.load("16x16_mnist", null, 200, 50).splits();
    }
  }

  @Benchmark
  @OperationsPerInvocation(150)
  public double[][] yinYangForwardBackward(YinYang c) {
    return c.step();
  }

  @Benchmark
  @OperationsPerInvocation(50)
  public double[][] mnist16ForwardBackward(Mnist16 c) {
    return c.step();
  }
}
