package io.firstspike.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The one throttle: at most one item per interval, always the newest, the last never lost. */
class ThrottleTest {
  private long now;
  private final List<Integer> sent = new ArrayList<>();
  private final Throttle<Integer> t = new Throttle<>(100, () -> now, sent::add);

  @Test
  @DisplayName("the first item goes at once; items within the interval are held, the newest replacing older ones")
  void newestPerInterval() {
    t.offer(1);
    now = 10;
    t.offer(2);
    now = 50;
    t.offer(3);
    assertThat(sent).containsExactly(1);
    now = 99;
    t.tick();
    assertThat(sent).containsExactly(1);
    now = 100;
    t.tick(); // the interval is over: the held newest goes
    assertThat(sent).containsExactly(1, 3);
    now = 150;
    t.offer(4);
    now = 200;
    t.offer(5); // due again: 5 goes, 4 was superseded
    assertThat(sent).containsExactly(1, 3, 5);
  }

  @Test
  @DisplayName("flush hands over the held item whatever the time, and nothing when none is held")
  void flush() {
    t.offer(1);
    t.offer(2);
    t.flush();
    t.flush();
    assertThat(sent).containsExactly(1, 2);
    t.tick();
    assertThat(sent).hasSize(2);
  }

  @Test
  @DisplayName("however many items, at most one per interval leaves, in order")
  void bound() {
    for (int i = 0; i < 10_000; i++) {
      now = i; // one item per time unit over 10,000 units
      t.offer(i);
    }
    t.flush();
    assertThat(sent).hasSize(100 + 1).isSorted();
    assertThat(sent.get(sent.size() - 1)).isEqualTo(9_999);
    assertThatThrownBy(() -> new Throttle<Integer>(-1, x -> { })).isInstanceOf(IllegalArgumentException.class);
  }
}
