package io.firstspike.cli;

/** Entry point of the fat jar; the picocli command tree is added by the CLI issue. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.out.println("FirstSpike");
  }
}
