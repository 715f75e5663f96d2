package io.firstspike.server;

import io.firstspike.runs.RunFolder;
import io.firstspike.runs.RunStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A disk that can fill up: the writes of the server ({@link StatusFiles}) and of
 * {@link FakeEngine} pass here first, and while it is full each throws the exception the run
 * folder throws on a real full disk ("cannot write <file>: No space left on device"). Works as
 * root, where file permissions would not stop a write.
 */
final class FakeDisk implements StatusFiles.Writer {
  /** One write: the run, the file name in its folder, the status (status.json) or the batch step. */
  record Write(RunFolder run, String file, RunStatus status, long step) {}

  private volatile boolean full;
  private volatile Predicate<Write> fillWhen = w -> false;
  final AtomicInteger refused = new AtomicInteger();

  /** The disk fills up at the first write matching {@code p} (that write fails already). */
  void fillWhen(Predicate<Write> p) {
    fillWhen = p;
  }

  void fill() {
    full = true;
  }

  /** Space again: every write succeeds. */
  void free() {
    fillWhen = w -> false;
    full = false;
  }

  /** Throws as a full disk does, or returns. */
  void check(Write w) {
    if (!full && fillWhen.test(w)) {
      full = true;
    }
    if (full) {
      refused.incrementAndGet();
      String target = w.run().dir().resolve(w.file()).toString();
      throw new UncheckedIOException("cannot write " + target + ": No space left on device",
          new IOException("No space left on device"));
    }
  }

  @Override
  public void write(RunFolder run, RunStatus status) {
    check(new Write(run, RunFolder.STATUS, status, -1));
    run.writeStatus(status);
  }
}
