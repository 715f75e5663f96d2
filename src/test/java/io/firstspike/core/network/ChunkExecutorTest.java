package io.firstspike.core.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ChunkExecutorTest {
  /** Per-thread scratch that notices being used by two threads at once. */
  static final class Scratch {
    final AtomicInteger inUse = new AtomicInteger();
    int chunksRun;
  }

  private static Scratch[] scratch(int n) {
    Scratch[] s = new Scratch[n];
    for (int i = 0; i < n; i++) {
      s[i] = new Scratch();
    }
    return s;
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  @DisplayName("runs every chunk exactly once, each scratch on one thread at a time, 5000 calls")
  void everyChunkOnce() {
    Scratch[] s = scratch(3);
    Random rnd = new Random(3);
    try (ChunkExecutor<Scratch> ex = new ChunkExecutor<>(s)) {
      for (int call = 0; call < 5000; call++) {
        int n = 1 + rnd.nextInt(40);
        AtomicIntegerArray runs = new AtomicIntegerArray(n);
        // now and then a slow chunk, so that the caller also waits parked, not only polling
        int slow = call % 500 == 0 ? rnd.nextInt(n) : -1;
        ex.run(n, (sc, c) -> {
          assertThat(sc.inUse.incrementAndGet()).as("scratch used by two threads").isEqualTo(1);
          if (c == slow) {
            sleep(3);
          }
          sc.chunksRun++;
          runs.incrementAndGet(c);
          sc.inUse.decrementAndGet();
        });
        for (int c = 0; c < n; c++) {
          assertThat(runs.get(c)).as("call %d, chunk %d", call, c).isEqualTo(1);
        }
      }
    }
    int total = 0;
    for (Scratch sc : s) {
      total += sc.chunksRun;
    }
    assertThat(total).isGreaterThan(5000);
    // chance decides who runs what, but over 5000 calls every thread takes part
    for (Scratch sc : s) {
      assertThat(sc.chunksRun).isPositive();
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  @DisplayName("rethrows a chunk's exception after all threads stopped, and keeps working")
  void rethrowsFailures() {
    try (ChunkExecutor<Scratch> ex = new ChunkExecutor<>(scratch(2))) {
      for (int rep = 0; rep < 200; rep++) {
        int bad = rep % 16;
        AtomicInteger active = new AtomicInteger();
        assertThatThrownBy(() -> ex.run(16, (sc, c) -> {
          active.incrementAndGet();
          try {
            if (c == bad) {
              throw new ArithmeticException("chunk " + c);
            }
            sleep(c % 3 == 0 ? 1 : 0);
          } finally {
            active.decrementAndGet();
          }
        })).isInstanceOf(ArithmeticException.class).hasMessage("chunk " + bad);
        assertThat(active.get()).as("chunks still running after run() threw").isZero();
      }
      AtomicInteger sum = new AtomicInteger();
      ex.run(10, (sc, c) -> sum.addAndGet(c));
      assertThat(sum.get()).isEqualTo(45);
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  @DisplayName("an Error in a chunk comes back as itself or as the cause of IllegalStateException")
  void rethrowsErrors() {
    try (ChunkExecutor<Scratch> ex = new ChunkExecutor<>(scratch(2))) {
      for (int rep = 0; rep < 100; rep++) {
        int bad = rep % 8;
        Throwable thrown = null;
        try {
          ex.run(8, (sc, c) -> {
            if (c == bad) {
              throw new StackOverflowError("chunk " + c);
            }
          });
        } catch (StackOverflowError | IllegalStateException e) {
          thrown = e;
        }
        Throwable error = thrown instanceof IllegalStateException ? thrown.getCause() : thrown;
        assertThat(error).isInstanceOf(StackOverflowError.class).hasMessage("chunk " + bad);
      }
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  @DisplayName("one thread runs inline; after close() run() refuses and the workers end")
  void inlineAndClose() throws InterruptedException {
    Scratch[] one = scratch(1);
    try (ChunkExecutor<Scratch> ex = new ChunkExecutor<>(one)) {
      Thread caller = Thread.currentThread();
      ex.run(5, (sc, c) -> assertThat(Thread.currentThread()).isSameAs(caller));
      assertThat(one[0].chunksRun).isZero(); // the task above does not count
    }
    ChunkExecutor<Scratch> ex = new ChunkExecutor<>(scratch(3));
    ex.run(6, (sc, c) -> { });
    ex.close();
    assertThatThrownBy(() -> ex.run(6, (sc, c) -> { })).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    for (Thread t : ex.workerThreads()) {
      t.join(5000);
      assertThat(t.isAlive()).as(t.getName()).isFalse();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
