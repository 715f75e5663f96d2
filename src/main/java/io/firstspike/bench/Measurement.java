package io.firstspike.bench;

/**
 * One benchmark figure.
 *
 * @param key the report key, e.g. {@code yin_yang_epoch_seconds}
 * @param value the median over the measured repetitions
 * @param unit e.g. {@code s} or {@code samples/s}
 * @param threads worker threads used
 * @param method how it was measured (warm-up, repetitions, data)
 * @param check what was verified about the result
 */
public record Measurement(String key, double value, String unit, int threads, String method,
    String check) {}
