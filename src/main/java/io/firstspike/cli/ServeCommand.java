package io.firstspike.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code serve}: the workbench (wired when the server lands). */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Start the browser workbench.")
final class ServeCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("serve is not available yet: the workbench server lands with issue 5.");
    return Main.BAD_INPUT;
  }
}
