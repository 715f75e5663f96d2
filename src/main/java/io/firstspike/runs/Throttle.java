package io.firstspike.runs;

import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The one throttle of a run's events: hands at most one item per interval to its sink, always
 * the newest. An item offered when the interval since the last one has passed goes out at once;
 * otherwise it is held (replacing an older held one) until {@link #tick} finds the interval over
 * or {@link #flush} ends the series, so the last item is never lost and memory holds one item.
 * Used for the batch and epoch messages of the workbench (ticked by a timer) and for rewriting
 * activity.json (flushed when the training ends). The sink runs under this throttle's lock, so
 * items leave in the order they were offered. Thread-safe.
 */
public final class Throttle<T> {
  private final long intervalNanos;
  private final LongSupplier clockNanos;
  private final Consumer<T> sink;
  private long lastSent;
  private boolean sentAny;
  private T held;

  /** @param intervalNanos at least this long between two items given to {@code sink} */
  public Throttle(long intervalNanos, Consumer<T> sink) {
    this(intervalNanos, System::nanoTime, sink);
  }

  /** @param clockNanos the time source (tests step it by hand) */
  public Throttle(long intervalNanos, LongSupplier clockNanos, Consumer<T> sink) {
    if (intervalNanos < 0) {
      throw new IllegalArgumentException("intervalNanos must be at least 0, got " + intervalNanos);
    }
    this.intervalNanos = intervalNanos;
    this.clockNanos = clockNanos;
    this.sink = sink;
  }

  /** The newest item: given to the sink now if the interval has passed, else held. */
  public synchronized void offer(T item) {
    held = item;
    tick();
  }

  /** Gives the held item to the sink if the interval since the last one has passed. */
  public synchronized void tick() {
    if (held != null && (!sentAny || clockNanos.getAsLong() - lastSent >= intervalNanos)) {
      send();
    }
  }

  /** Gives the held item, if any, to the sink now: the series has ended. */
  public synchronized void flush() {
    if (held != null) {
      send();
    }
  }

  private void send() {
    T item = held;
    held = null;
    sentAny = true;
    lastSent = clockNanos.getAsLong();
    sink.accept(item);
  }
}
