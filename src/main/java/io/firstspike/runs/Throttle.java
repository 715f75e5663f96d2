package io.firstspike.runs;

import io.reactivex.rxjava3.core.Scheduler;
import io.reactivex.rxjava3.disposables.Disposable;
import io.reactivex.rxjava3.subjects.PublishSubject;
import io.reactivex.rxjava3.subjects.Subject;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The one throttle of a run's events, on RxJava 3: a subject per series, sampled with
 * {@code throttleLatest(interval, scheduler, emitLast = true)}. The first item goes to the sink at
 * once (on the offering thread); items offered within the interval after one was sent are held,
 * the newest replacing older ones, and the newest goes out when the interval is over (on the
 * scheduler: the workbench binds it to the training verticle's Vert.x context, the CLI uses
 * RxJava's single thread). {@link #flush} ends the series: the held item, if any, is delivered
 * before it returns, so the last item is never lost, and the scheduler's timer is disposed, so
 * no timer outlives the run. Memory holds one item.
 *
 * <p>Used for the batch and epoch messages of the workbench (at most {@code r} and 4 a second)
 * and for rewriting activity.json (at most once a second). Items leave in the order they were
 * offered, one at a time (RxJava serializes the sink's calls). A sink that throws does not end
 * the series: its first failure is thrown from the next {@link #offer} or {@link #flush} on the
 * offering thread (a full disk stops the training that writes activity.json, as a direct write
 * would). {@code offer} may be called from several threads.
 */
public final class Throttle<T> {
  private final Subject<T> items = PublishSubject.<T>create().toSerialized();
  private final CountDownLatch ended = new CountDownLatch(1);
  private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
  private final Disposable subscription;

  /**
   * @param interval at least this long between two items given to {@code sink}
   * @param scheduler whose clock and timer the interval runs on
   */
  public Throttle(long interval, TimeUnit unit, Scheduler scheduler, Consumer<T> sink) {
    if (interval < 0) {
      throw new IllegalArgumentException("interval must be at least 0, got " + interval);
    }
    subscription = items.throttleLatest(interval, unit, scheduler, true)
        .subscribe(item -> deliver(sink, item), this::failed, ended::countDown);
  }

  /** The newest item: given to the sink now if no interval is running, else held. */
  public void offer(T item) {
    items.onNext(item);
    rethrow();
  }

  /**
   * Ends the series: gives the held item, if any, to the sink and returns once it has been
   * delivered (also when an interval's item is being delivered on the scheduler meanwhile).
   * Later offers are ignored.
   */
  public void flush() {
    items.onComplete();
    boolean interrupted = false;
    while (true) {
      try {
        ended.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true; // a stop interrupts the training thread: deliver the last item anyway
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    rethrow();
  }

  /** True once {@link #flush} ended the series and its timer is gone. */
  public boolean ended() {
    return ended.getCount() == 0 && subscription.isDisposed();
  }

  private void deliver(Consumer<T> sink, T item) {
    try {
      sink.accept(item);
    } catch (RuntimeException e) {
      failure.compareAndSet(null, e);
    }
  }

  /** Not reached (deliver catches the sink's failures); ends the series so flush returns. */
  private void failed(Throwable e) {
    failure.compareAndSet(null, e instanceof RuntimeException r ? r : new IllegalStateException(e));
    ended.countDown();
  }

  private void rethrow() {
    RuntimeException e = failure.getAndSet(null);
    if (e != null) {
      throw e;
    }
  }
}
