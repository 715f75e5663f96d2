package io.firstspike.core.network;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs numbered chunks of work on a fixed number of threads, each thread with its own scratch
 * object. Which thread runs a chunk is left to chance; results stay deterministic because callers
 * write each chunk's results into that chunk's own slot and combine the slots in chunk order.
 *
 * @param <S> per-thread scratch
 */
final class ChunkExecutor<S> implements AutoCloseable {
  /** The work for chunk {@code chunk}, done with the calling thread's scratch. */
  interface ChunkTask<S> {
    void run(S scratch, int chunk);
  }

  private final Object[] scratch;
  private final ExecutorService pool;

  /** @param scratch one scratch object per thread; its length is the number of threads */
  ChunkExecutor(S[] scratch) {
    this.scratch = scratch.clone();
    if (scratch.length > 1) {
      AtomicInteger n = new AtomicInteger();
      ThreadFactory factory = r -> {
        Thread t = new Thread(r, "firstspike-engine-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      };
      pool = Executors.newFixedThreadPool(scratch.length - 1, factory); // plus the caller
    } else {
      pool = null;
    }
  }

  @SuppressWarnings("unchecked")
  private S scratch(int t) {
    return (S) scratch[t];
  }

  /** Runs chunks 0..nChunks-1 and returns when all are done; rethrows the first failure. */
  void run(int nChunks, ChunkTask<S> task) {
    if (pool == null || nChunks <= 1) {
      for (int c = 0; c < nChunks; c++) {
        task.run(scratch(0), c);
      }
      return;
    }
    AtomicInteger next = new AtomicInteger();
    int nTasks = Math.min(scratch.length, nChunks);
    // The calling thread is one of the workers (with the last scratch): one hand-off fewer per
    // call, which matters for small batches (Yin-Yang: 150 samples, two passes per step).
    Future<?>[] futures = new Future<?>[nTasks - 1];
    for (int t = 0; t < nTasks - 1; t++) {
      S s = scratch(t);
      futures[t] = pool.submit(() -> drain(next, nChunks, task, s));
    }
    Throwable own = null;
    try {
      drain(next, nChunks, task, scratch(nTasks - 1));
    } catch (RuntimeException | Error e) {
      own = e; // rethrown after the workers have stopped touching their scratch
      next.set(nChunks);
    }
    if (own instanceof Error e) {
      awaitQuietly(futures);
      throw e;
    }
    RuntimeException failure = (RuntimeException) own;
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (ExecutionException e) {
        if (failure == null) {
          failure = e.getCause() instanceof RuntimeException r ? r
              : new IllegalStateException("engine worker failed", e.getCause());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for engine workers", e);
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private static void awaitQuietly(Future<?>[] futures) {
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (ExecutionException | InterruptedException ignored) {
        // the caller's own Error is the one to report
      }
    }
  }

  private static <S> void drain(AtomicInteger next, int nChunks, ChunkTask<S> task, S s) {
    for (int c = next.getAndIncrement(); c < nChunks; c = next.getAndIncrement()) {
      task.run(s, c);
    }
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}
