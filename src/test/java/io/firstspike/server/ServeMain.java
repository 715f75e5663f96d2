package io.firstspike.server;

import java.nio.file.Path;

/**
 * {@code serve} in a child JVM for the kill tests: {@link Workbench#runServe} with the fake
 * engine over the given folders, on a free port (the URL line on stdout gives it).
 */
public final class ServeMain {
  private ServeMain() {}

  public static void main(String[] args) throws Exception {
    WorkbenchOptions o = WorkbenchOptions.defaults().withPort(0).withRunsDir(Path.of(args[0]))
        .withConfigsDir(Path.of(args[1])).withThreads(1).withEngine(new FakeEngine(), FakeEngine.PREPARER);
    Workbench.runServe(o);
  }
}
