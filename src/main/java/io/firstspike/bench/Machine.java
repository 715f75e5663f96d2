package io.firstspike.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the benchmarks ran on, and how much memory they used (Linux /proc; "unknown" elsewhere). */
public final class Machine {
  private Machine() {}

  /** CPU model name and core count, e.g. {@code "AMD EPYC, 2 cores"}. */
  public static String describe() {
    return cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores";
  }

  /** The first {@code model name} of /proc/cpuinfo, or the OS architecture. */
  public static String cpuModel() {
    for (String line : lines(Path.of("/proc/cpuinfo"))) {
      if (line.startsWith("model name")) {
        return line.substring(line.indexOf(':') + 1).trim();
      }
    }
    return System.getProperty("os.arch");
  }

  /** Peak resident set size of this process in MiB (VmHWM of /proc/self/status), NaN if unknown. */
  public static double peakRssMb() {
    return statusKb("VmHWM:") / 1024.0;
  }

  /** Current resident set size in MiB (VmRSS), NaN if unknown. */
  public static double rssMb() {
    return statusKb("VmRSS:") / 1024.0;
  }

  /** The 1-minute load average, NaN if unknown. */
  public static double loadAverage() {
    List<String> l = lines(Path.of("/proc/loadavg"));
    if (l.isEmpty()) {
      return Double.NaN;
    }
    return Double.parseDouble(l.get(0).split("\\s+")[0]);
  }

  private static double statusKb(String key) {
    for (String line : lines(Path.of("/proc/self/status"))) {
      if (line.startsWith(key)) {
        String[] parts = line.substring(key.length()).trim().split("\\s+");
        return Double.parseDouble(parts[0]);
      }
    }
    return Double.NaN;
  }

  private static List<String> lines(Path p) {
    try {
      return Files.readAllLines(p);
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }
}
