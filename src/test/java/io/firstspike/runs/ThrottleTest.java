package io.firstspike.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reactivex.rxjava3.schedulers.Schedulers;
import io.reactivex.rxjava3.schedulers.TestScheduler;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The one throttle: at most one item per interval, always the newest, the last never lost. */
class ThrottleTest {
  /** Time stepped by hand: the throttle's interval runs on this scheduler's clock. */
  private final TestScheduler clock = new TestScheduler();
  private final List<Integer> sent = new ArrayList<>();
  private final Throttle<Integer> t = new Throttle<>(100, TimeUnit.MILLISECONDS, clock, sent::add);

  private void at(long millis) {
    clock.advanceTimeTo(millis, TimeUnit.MILLISECONDS);
  }

  @Test
  @DisplayName("the first item goes at once; items within the interval are held, the newest replacing older ones")
  void newestPerInterval() {
    t.offer(1);
    at(10);
    t.offer(2);
    at(50);
    t.offer(3);
    assertThat(sent).containsExactly(1);
    at(99);
    assertThat(sent).containsExactly(1);
    at(100); // the interval is over: the held newest goes
    assertThat(sent).containsExactly(1, 3);
    at(150);
    t.offer(4);
    at(180);
    t.offer(5);
    at(200); // due again: 5 goes, 4 was superseded
    assertThat(sent).containsExactly(1, 3, 5);
    at(1000); // nothing held: an item after a quiet interval goes at once
    t.offer(6);
    assertThat(sent).containsExactly(1, 3, 5, 6);
  }

  @Test
  @DisplayName("flush hands over the held item whatever the time, and nothing when none is held; later offers are ignored")
  void flush() {
    t.offer(1);
    t.offer(2);
    t.flush();
    assertThat(sent).containsExactly(1, 2);
    t.flush();
    t.offer(3);
    at(10_000);
    assertThat(sent).containsExactly(1, 2);
    assertThat(t.ended()).isTrue();
  }

  @Test
  @DisplayName("however many items, at most one per interval leaves, in order, the last one included")
  void bound() {
    for (int i = 0; i < 10_000; i++) {
      at(i); // one item per millisecond over 10 s
      t.offer(i);
    }
    t.flush();
    assertThat(sent).hasSize(100 + 1).isSorted();
    assertThat(sent.get(sent.size() - 1)).isEqualTo(9_999);
    assertThatThrownBy(() -> new Throttle<Integer>(-1, TimeUnit.MILLISECONDS, clock, x -> { }))
        .hasMessageContaining("got -1");
  }

  @Test
  @DisplayName("no timer outlives the series: flush cancels the one waiting to send the held item")
  void noTimerLeft() {
    ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1);
    timers.setRemoveOnCancelPolicy(true);
    try {
      List<Integer> out = new CopyOnWriteArrayList<>();
      Throttle<Integer> th = new Throttle<>(1, TimeUnit.HOURS, Schedulers.from(timers), out::add);
      th.offer(1);
      th.offer(2); // held for an hour
      assertThat(timers.getQueue()).as("the interval's timer").hasSize(1);
      th.flush();
      assertThat(out).containsExactly(1, 2);
      assertThat(timers.getQueue()).as("timers left after the end").isEmpty();
      assertThat(th.ended()).isTrue();
    } finally {
      timers.shutdownNow();
    }
  }

  @Test
  @DisplayName("flush returns only after the last item was delivered, even while the timer's thread is delivering one")
  void flushWaitsForTheTimersDelivery() throws Exception {
    CountDownLatch inSink = new CountDownLatch(1);
    List<Integer> out = new CopyOnWriteArrayList<>();
    Throttle<Integer> th = new Throttle<>(5, TimeUnit.MILLISECONDS, Schedulers.single(), i -> {
      if (i == 2) {
        inSink.countDown();
        sleep(300); // the timer's delivery is slow
      }
      out.add(i);
    });
    th.offer(1);
    th.offer(2); // delivered by the timer in 5 ms
    assertThat(inSink.await(5, TimeUnit.SECONDS)).isTrue();
    th.offer(3); // held while 2 is being delivered
    Thread.currentThread().interrupt(); // a stop interrupts the training thread
    th.flush();
    assertThat(Thread.interrupted()).as("the interrupt is kept").isTrue();
    assertThat(out).containsExactly(1, 2, 3);
  }

  @Test
  @DisplayName("a sink that throws does not end the series; its failure is thrown to the offering thread")
  void sinkFailure() {
    List<Integer> out = new ArrayList<>();
    Throttle<Integer> th = new Throttle<>(100, TimeUnit.MILLISECONDS, clock, i -> {
      if (i == 1) {
        throw new UncheckedIOException("disk full", new java.io.IOException("No space left on device"));
      }
      out.add(i);
    });
    assertThatThrownBy(() -> th.offer(1)).isInstanceOf(UncheckedIOException.class).hasMessage("disk full");
    th.offer(2);
    at(100);
    th.flush();
    assertThat(out).containsExactly(2);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
