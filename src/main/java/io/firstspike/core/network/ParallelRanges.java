package io.firstspike.core.network;

import io.firstspike.core.optim.RangeRunner;
import java.util.function.IntConsumer;

/**
 * A {@link RangeRunner} on a fixed number of threads (the calling thread is one of them), for
 * passes that are not tied to a {@link NetworkEngine}, such as those of
 * {@code io.firstspike.core.layer.LayerNetwork}. Which thread runs a part is left to chance; parts
 * must write their own results only. Close it to end the threads.
 */
public final class ParallelRanges implements RangeRunner, AutoCloseable {
  private final ChunkExecutor<Object> executor;

  /** @param threads >= 1 (1 runs every part on the calling thread) */
  public ParallelRanges(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    this.executor = new ChunkExecutor<>(new Object[threads]);
  }

  @Override
  public void run(int parts, IntConsumer part) {
    executor.run(parts, (scratch, p) -> part.accept(p));
  }

  @Override
  public void close() {
    executor.close();
  }
}
