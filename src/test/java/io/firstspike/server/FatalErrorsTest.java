package io.firstspike.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The serve process ends, with one line, on an OutOfMemoryError that nobody catches, instead of
 * staying up deaf (the issue: after an OOM the server answered nothing, not even SIGTERM). The
 * halt is recorded instead of carried out.
 */
class FatalErrorsTest {
  private final List<Integer> halts = new CopyOnWriteArrayList<>();
  private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
  private Thread.UncaughtExceptionHandler savedDefault;
  private Vertx vertx;

  @BeforeEach
  void setUp() {
    savedDefault = Thread.getDefaultUncaughtExceptionHandler();
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    Thread.setDefaultUncaughtExceptionHandler(savedDefault);
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private FatalErrors install() {
    return FatalErrors.install(vertx, halts::add, new PrintStream(errBytes, true, StandardCharsets.UTF_8));
  }

  private String err() {
    return errBytes.toString(StandardCharsets.UTF_8);
  }

  private void awaitHalts(int n) throws InterruptedException {
    for (int i = 0; i < 500 && halts.size() < n; i++) {
      Thread.sleep(10);
    }
  }

  @Test
  @DisplayName("An OutOfMemoryError thrown on an event loop halts the process with status 70 and one line")
  void outOfMemoryOnEventLoop() throws Exception {
    install();
    vertx.runOnContext(v -> {
      throw new OutOfMemoryError("Java heap space");
    });
    awaitHalts(1);
    assertThat(halts).containsExactly(FatalErrors.EXIT_STATUS);
    assertThat(err()).contains("out of memory (Java heap space)").contains("interrupted").contains("-Xmx")
        .hasLineCount(1);
  }

  @Test
  @DisplayName("An OutOfMemoryError that ends a plain thread halts too, and only once")
  void outOfMemoryOnAnyThread() throws Exception {
    install();
    Thread t = new Thread(() -> {
      throw new IllegalStateException("wrapped", new OutOfMemoryError("Direct buffer memory"));
    });
    t.start();
    t.join();
    Thread u = new Thread(() -> {
      throw new OutOfMemoryError("again");
    });
    u.start();
    u.join();
    awaitHalts(1);
    assertThat(halts).containsExactly(FatalErrors.EXIT_STATUS);
  }

  @Test
  @DisplayName("Ordinary exceptions in handlers and threads do not stop the server")
  void ordinaryExceptionsDoNot() throws Exception {
    install();
    vertx.runOnContext(v -> {
      throw new IllegalArgumentException("a bad request");
    });
    Thread t = new Thread(() -> {
      throw new StackOverflowError();
    });
    t.start();
    t.join();
    Thread.sleep(200);
    assertThat(halts).isEmpty();
    assertThat(err()).isEmpty();
    assertThat(FatalErrors.isFatal(new RuntimeException(new InternalError("x")))).isTrue();
    assertThat(FatalErrors.isFatal(new RuntimeException("x"))).isFalse();
  }
}
