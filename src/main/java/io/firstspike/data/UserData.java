package io.firstspike.data;

import io.firstspike.io.Npy;
import io.firstspike.io.NpyArray;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Data sets the user brings as files, already encoded as spike times: {@code dataset: {type: csv |
 * npy, train: path, validation: path, test: path}}.
 *
 * <p>One row per sample: the input spike times, then the integer class label as the last column.
 * Times may be {@code inf}, {@code +inf}, {@code Infinity} (any case) for "never spikes"; NaN and
 * negative infinity are refused. Labels are whole numbers >= 0; the class names are "0" .. "K-1"
 * with K = 1 + the largest label of all splits. All rows of all splits must have the same number
 * of columns.
 *
 * <ul>
 *   <li>CSV: comma separated; blank lines and lines starting with {@code #} are skipped; a first
 *       line whose fields are all non-numeric is a header and skipped. Bad rows are reported with
 *       the file and line number.
 *   <li>NPY: a 2-d array (float or integer dtype) of shape samples x (inputs + 1). Bad rows are
 *       reported with the file and row index. Alternatively the path may be a stem {@code s} with
 *       the two files {@code s_samples.npy} (samples x inputs) and {@code s_labels.npy} (one
 *       label per sample), the layout of the published Yin-Yang files.
 * </ul>
 *
 * <p>Error messages name the file, line (or row) and column, never the offending text: the
 * server may load files on behalf of a network client.
 *
 * <p>Without a validation file the last floor(N/6) training rows become the validation split (as
 * for MNIST); the test file is required. Relative paths are resolved against {@code data_dir}
 * when the config gives one (see {@link DatasetFactory}).
 */
public final class UserData {
  /** Largest class label accepted. */
  static final int MAX_LABEL = 1_000_000;

  private UserData() {}

  /** Rows read from one file, before the class names are known. */
  private record Table(Path file, double[][] times, int[] labels) {}

  /** Loads the splits; {@code format} is {@code csv} or {@code npy}, validation may be null. */
  public static DataSplits load(String format, Path train, Path validation, Path test) {
    if (train == null || test == null) {
      throw new DataException("dataset of type " + format + ": needs the keys train and test"
          + " (validation is optional), got train=" + train + ", test=" + test);
    }
    Table tr = read(format, train);
    Table te = read(format, test);
    Table va = validation == null ? null : read(format, validation);
    int width = tr.times().length > 0 ? tr.times()[0].length : -1;
    int maxLabel = -1;
    for (Table t : new Table[] {tr, va, te}) {
      if (t == null) {
        continue;
      }
      if (t.times().length > 0 && width >= 0 && t.times()[0].length != width) {
        throw new DataException(t.file() + ": rows have " + (t.times()[0].length + 1)
            + " columns but the rows of " + train + " have " + (width + 1)
            + "; every split needs the same inputs");
      }
      for (int l : t.labels()) {
        maxLabel = Math.max(maxLabel, l);
      }
    }
    if (tr.labels().length == 0) {
      throw new DataException(train + ": no samples");
    }
    List<String> names = new ArrayList<>();
    for (int k = 0; k <= maxLabel; k++) {
      names.add(Integer.toString(k));
    }
    Dataset trainSet = new Dataset(format, tr.times(), tr.labels(), names);
    Dataset testSet = new Dataset(format, te.times(), te.labels(), names);
    if (va == null) {
      return Splits.carveValidation(trainSet, testSet);
    }
    return new DataSplits(trainSet, new Dataset(format, va.times(), va.labels(), names), testSet);
  }

  /**
   * Every path {@link #load} may open for one split's {@code file}: the file itself, and for
   * {@code npy} also its stem pair, whether they exist or not.
   */
  public static List<Path> candidates(String format, Path file) {
    if (!format.equals("npy")) {
      return List.of(file);
    }
    return List.of(file, samplesOf(file), labelsOf(file));
  }

  private static Path samplesOf(Path stem) {
    return stem.resolveSibling(stem.getFileName() + "_samples.npy");
  }

  private static Path labelsOf(Path stem) {
    return stem.resolveSibling(stem.getFileName() + "_labels.npy");
  }

  private static Table read(String format, Path file) {
    if (format.equals("npy") && !Files.isRegularFile(file)) {
      Path samples = samplesOf(file);
      Path labels = labelsOf(file);
      if (Files.isRegularFile(samples) && Files.isRegularFile(labels)) {
        return readNpyPair(samples, labels);
      }
      throw new DataException(file.toAbsolutePath() + ": npy data not found: expected that file"
          + " (samples x (inputs + label)) or the pair " + samples.getFileName() + " + "
          + labels.getFileName());
    }
    if (!Files.isRegularFile(file)) {
      throw new DataException(file.toAbsolutePath() + ": " + format + " data file not found");
    }
    return switch (format) {
      case "csv" -> readCsv(file);
      case "npy" -> readNpy(file);
      default -> throw new DataException("unknown user data format '" + format
          + "', valid: csv, npy");
    };
  }

  /** Reads a CSV file (rules in the class doc). */
  private static Table readCsv(Path file) {
    List<double[]> rows = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    int width = -1;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int lineNo = 0;
      boolean first = true;
      while ((line = in.readLine()) != null) {
        lineNo++;
        String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) {
          continue;
        }
        String[] fields = trimmed.split(",", -1);
        if (first && isHeader(fields)) {
          first = false;
          continue;
        }
        first = false;
        String where = file + " line " + lineNo;
        if (width < 0) {
          width = fields.length;
          if (width < 2) {
            throw new DataException(where + ": needs at least one spike time and a label,"
                + " got " + fields.length + " column");
          }
        } else if (fields.length != width) {
          throw new DataException(where + ": has " + fields.length + " columns, the first row has "
              + width);
        }
        double[] t = new double[width - 1];
        for (int k = 0; k < width - 1; k++) {
          t[k] = parseTime(fields[k].strip(), where, k);
        }
        rows.add(t);
        labels.add(parseLabel(fields[width - 1].strip(), where));
      }
    } catch (IOException e) {
      throw new DataException(file + ": cannot read: " + e.getMessage(), e);
    }
    return new Table(file, rows.toArray(new double[0][]),
        labels.stream().mapToInt(Integer::intValue).toArray());
  }

  /** Reads a 2-d .npy array (rules in the class doc). */
  private static Table readNpy(Path file) {
    NpyArray a;
    try {
      a = Npy.read(file);
    } catch (IOException e) {
      throw new DataException(file + ": cannot read .npy data: " + e.getMessage(), e);
    }
    int[] shape = a.shape();
    if (shape.length != 2 || shape[1] < 2) {
      throw new DataException(file + ": expected a 2-d array samples x (inputs + 1 label column),"
          + " got shape " + java.util.Arrays.toString(shape));
    }
    if (a.kind() == NpyArray.Kind.BOOL) {
      throw new DataException(file + ": dtype " + a.dtype() + " holds no spike times; use float64");
    }
    double[] flat = a.kind() == NpyArray.Kind.FLOAT ? a.asDoubles() : toDoubles(a.asLongs());
    int n = shape[0];
    int w = shape[1];
    double[][] times = new double[n][w - 1];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      String where = file + " row " + i;
      for (int k = 0; k < w - 1; k++) {
        times[i][k] = checkTime(flat[i * w + k], where, k);
      }
      labels[i] = checkLabel(flat[i * w + w - 1], where);
    }
    return new Table(file, times, labels);
  }

  /** Reads a stem's pair: {@code <stem>_samples.npy} (2-d times) and {@code <stem>_labels.npy}. */
  private static Table readNpyPair(Path samplesFile, Path labelsFile) {
    NpyArray samples;
    NpyArray labelArray;
    try {
      samples = Npy.read(samplesFile);
      labelArray = Npy.read(labelsFile);
    } catch (IOException e) {
      throw new DataException("cannot read .npy data: " + e.getMessage(), e);
    }
    int[] shape = samples.shape();
    if (shape.length != 2 || shape[1] < 1 || samples.kind() == NpyArray.Kind.BOOL) {
      throw new DataException(samplesFile + ": expected a 2-d numeric array samples x inputs, got "
          + samples.dtype() + " of shape " + java.util.Arrays.toString(shape));
    }
    if (labelArray.ndim() != 1 || labelArray.size() != shape[0]) {
      throw new DataException(labelsFile + ": expected a 1-d array of " + shape[0]
          + " labels (one per row of " + samplesFile.getFileName() + "), got shape "
          + java.util.Arrays.toString(labelArray.shape()));
    }
    double[] flat = samples.kind() == NpyArray.Kind.FLOAT ? samples.asDoubles()
        : toDoubles(samples.asLongs());
    double[] rawLabels = labelArray.kind() == NpyArray.Kind.FLOAT ? labelArray.asDoubles()
        : toDoubles(labelArray.asLongs());
    int w = shape[1];
    double[][] times = new double[shape[0]][w];
    int[] labels = new int[shape[0]];
    for (int i = 0; i < shape[0]; i++) {
      for (int k = 0; k < w; k++) {
        times[i][k] = checkTime(flat[i * w + k], samplesFile + " row " + i, k);
      }
      labels[i] = checkLabel(rawLabels[i], labelsFile + " index " + i);
    }
    return new Table(samplesFile, times, labels);
  }

  private static double[] toDoubles(long[] v) {
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      d[i] = v[i];
    }
    return d;
  }

  private static boolean isHeader(String[] fields) {
    for (String f : fields) {
      if (isNumber(f.strip())) {
        return false;
      }
    }
    return true;
  }

  private static boolean isNumber(String s) {
    try {
      parseNumber(s);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** A number, accepting inf, +inf, -inf, infinity in any case besides Java's syntax. */
  private static double parseNumber(String s) {
    String lower = s.toLowerCase(java.util.Locale.ROOT);
    String body = lower.startsWith("+") || lower.startsWith("-") ? lower.substring(1) : lower;
    if (body.equals("inf") || body.equals("infinity")) {
      return lower.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    if (body.equals("nan")) {
      return Double.NaN;
    }
    if (s.isEmpty() || s.endsWith("d") || s.endsWith("D") || s.endsWith("f") || s.endsWith("F")) {
      throw new NumberFormatException(s);
    }
    return Double.parseDouble(s);
  }

  private static double parseTime(String s, String where, int column) {
    double v;
    try {
      v = parseNumber(s);
    } catch (NumberFormatException e) {
      // the field itself is not quoted: error messages never repeat a file's content
      throw new DataException(where + ", column " + (column + 1)
          + ": not a spike time (a number, or inf / Infinity for no spike)");
    }
    return checkTime(v, where, column);
  }

  private static double checkTime(double v, String where, int column) {
    if (Double.isNaN(v) || v == Double.NEGATIVE_INFINITY) {
      throw new DataException(where + ", column " + (column + 1) + ": spike time " + v
          + " is not allowed; use a finite time or +inf for no spike");
    }
    return v;
  }

  private static int parseLabel(String s, String where) {
    double v;
    try {
      v = parseNumber(s);
    } catch (NumberFormatException e) {
      throw new DataException(where + ", last column: the label is not a number; labels are"
          + " whole class indices 0.." + MAX_LABEL);
    }
    return checkLabel(v, where);
  }

  private static int checkLabel(double v, String where) {
    String problem = Double.isNaN(v) ? "NaN" : v < 0 ? "negative" : v != Math.rint(v) ? "not a whole number"
        : v > MAX_LABEL ? "over " + MAX_LABEL : null;
    if (problem != null) {
      throw new DataException(where + ", last column: the label is " + problem + "; labels are whole"
          + " class indices 0.." + MAX_LABEL);
    }
    return (int) v;
  }
}
