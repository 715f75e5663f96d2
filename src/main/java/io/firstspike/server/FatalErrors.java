package io.firstspike.server;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;

/**
 * What {@code serve} does with an error it cannot recover from: an {@link OutOfMemoryError} (or
 * another JVM error) on an event loop or on a thread nobody catches for. A JVM in that state may
 * keep its sockets open and answer nothing, not even SIGTERM (its shutdown hook needs memory
 * too), which is worse for the user than a process that ends: so it prints one line and halts at
 * once, without shutdown hooks. Nothing saved is lost by that: status files and snapshots are
 * written crash-safe, and the next start marks the runs that were training {@code interrupted},
 * resumable from their last snapshot (as after {@code kill -9}).
 *
 * <p>An OutOfMemoryError inside a training is not seen here: the training's worker catches it and
 * fails that run with the reason, and the server goes on once the run's arrays are released.
 */
public final class FatalErrors {
  /** Exit status after a fatal error (EX_SOFTWARE of sysexits.h). */
  public static final int EXIT_STATUS = 70;

  private final IntConsumer halt;
  private final PrintStream err;
  private final AtomicBoolean fired = new AtomicBoolean();

  FatalErrors(IntConsumer halt, PrintStream err) {
    this.halt = halt;
    this.err = err;
  }

  /**
   * Routes Vert.x's uncaught handler exceptions and every thread's uncaught exceptions through
   * {@link #handle}; the handlers installed before keep getting them.
   */
  public static FatalErrors install(Vertx vertx, IntConsumer halt) {
    return install(vertx, halt, System.err);
  }

  static FatalErrors install(Vertx vertx, IntConsumer halt, PrintStream err) {
    FatalErrors f = new FatalErrors(halt, err);
    Handler<Throwable> before = vertx.exceptionHandler();
    vertx.exceptionHandler(t -> {
      f.handle(t);
      if (before != null) {
        before.handle(t);
      }
    });
    Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler((thread, t) -> {
      f.handle(t);
      if (previous != null) {
        previous.uncaughtException(thread, t);
      } else {
        thread.getThreadGroup().uncaughtException(thread, t);
      }
    });
    return f;
  }

  /** True for an OutOfMemoryError, InternalError or UnknownError anywhere in the cause chain. */
  static boolean isFatal(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof OutOfMemoryError || c instanceof InternalError || c instanceof UnknownError) {
        return true;
      }
    }
    return false;
  }

  /** Halts the JVM (once) if {@code t} is fatal; anything else is left to the other handlers. */
  void handle(Throwable t) {
    if (isFatal(t) && fired.compareAndSet(false, true)) {
      err.println("FirstSpike workbench: " + describe(t) + "; stopping now. Runs that were training are"
          + " marked interrupted at the next start and resume from their last snapshot. More memory:"
          + " java -Xmx<size> -jar firstspike.jar serve");
      err.flush();
      halt.accept(EXIT_STATUS);
    }
  }

  private static String describe(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof OutOfMemoryError) {
        return "out of memory (" + c.getMessage() + ")";
      }
    }
    return "fatal JVM error " + t;
  }
}
