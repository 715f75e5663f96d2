package io.firstspike.io;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The header dictionary of a {@code .npy} file, e.g. {@code {'descr': '<f8', 'fortran_order':
 * False, 'shape': (5000, 4), }}: a Python literal with exactly these three keys. This class parses
 * the small subset of Python literal syntax that NumPy writes (strings, True/False, tuples of
 * integers) and formats headers the way NumPy does, so our files diff cleanly against NumPy's.
 *
 * @param descr the dtype string, e.g. {@code <f8}
 * @param fortranOrder true if the data is stored column-major
 * @param shape the dimensions; empty for a 0-d array
 */
record NpyHeader(String descr, boolean fortranOrder, int[] shape) {

  /** Number of elements: the product of the shape (1 for a 0-d array). */
  long count() {
    long n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }

  /** The dictionary text NumPy would write (before padding). */
  String format() {
    StringBuilder s = new StringBuilder("{'descr': '").append(descr).append("', 'fortran_order': ");
    s.append(fortranOrder ? "True" : "False").append(", 'shape': (");
    for (int i = 0; i < shape.length; i++) {
      s.append(i == 0 ? "" : ", ").append(shape[i]);
    }
    if (shape.length == 1) {
      s.append(',');
    }
    return s.append("), }").toString();
  }

  /**
   * Parses the header dictionary.
   *
   * @throws FileFormatException naming {@code file} when the text is not such a dictionary
   */
  static NpyHeader parse(String text, Path file) throws FileFormatException {
    return new Parser(text, file).dictionary();
  }

  /** A recursive-descent reader over the header text; every failure names the position. */
  private static final class Parser {
    private final String text;
    private final Path file;
    private int pos;

    Parser(String text, Path file) {
      this.text = text;
      this.file = file;
    }

    NpyHeader dictionary() throws FileFormatException {
      String descr = null;
      Boolean fortran = null;
      int[] shape = null;
      expect('{');
      while (true) {
        skipSpace();
        if (peek() == '}') {
          pos++;
          break;
        }
        String key = string();
        expect(':');
        skipSpace();
        switch (key) {
          case "descr" -> {
            if (peek() == '[') {
              throw error("structured dtypes (a list in 'descr') are not supported; store plain"
                  + " numeric arrays (float64, int64, bool)");
            }
            descr = string();
          }
          case "fortran_order" -> fortran = bool();
          case "shape" -> shape = tuple();
          default -> throw error("unexpected header key '" + key
              + "'; a .npy header has exactly 'descr', 'fortran_order' and 'shape'");
        }
        skipSpace();
        if (peek() == ',') {
          pos++;
        } else if (peek() != '}') {
          throw error("expected ',' or '}'");
        }
      }
      skipSpace();
      if (pos != text.length()) {
        throw error("unexpected text after the header dictionary");
      }
      if (descr == null || fortran == null || shape == null) {
        throw new FileFormatException(file, "the .npy header '" + text.strip()
            + "' lacks one of the keys 'descr', 'fortran_order', 'shape'");
      }
      return new NpyHeader(descr, fortran, shape);
    }

    private String string() throws FileFormatException {
      skipSpace();
      char quote = peek();
      if (quote != '\'' && quote != '"') {
        throw error("expected a quoted string");
      }
      int end = text.indexOf(quote, pos + 1);
      if (end < 0) {
        throw error("unterminated string");
      }
      String s = text.substring(pos + 1, end);
      pos = end + 1;
      return s;
    }

    private boolean bool() throws FileFormatException {
      if (text.startsWith("True", pos)) {
        pos += 4;
        return true;
      }
      if (text.startsWith("False", pos)) {
        pos += 5;
        return false;
      }
      throw error("expected True or False");
    }

    private int[] tuple() throws FileFormatException {
      expect('(');
      List<Integer> dims = new ArrayList<>();
      while (true) {
        skipSpace();
        if (peek() == ')') {
          pos++;
          break;
        }
        int start = pos;
        while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
          pos++;
        }
        if (start == pos) {
          throw error("expected a non-negative integer dimension");
        }
        long d;
        try {
          d = Long.parseLong(text.substring(start, pos));
        } catch (NumberFormatException e) {
          d = Long.MAX_VALUE;
        }
        if (d > Integer.MAX_VALUE) {
          throw error("dimension " + text.substring(start, pos) + " is larger than a Java array"
              + " allows (" + Integer.MAX_VALUE + ")");
        }
        dims.add((int) d);
        if (peek() == 'L') {
          pos++; // Python 2 long suffix
        }
        skipSpace();
        if (peek() == ',') {
          pos++;
        } else if (peek() != ')') {
          throw error("expected ',' or ')' in the shape");
        }
      }
      int[] shape = dims.stream().mapToInt(Integer::intValue).toArray();
      long n = 1;
      for (int d : shape) {
        n *= d;
        if (n > Integer.MAX_VALUE) {
          throw error("shape " + Arrays.toString(shape) + " has more elements than a Java array"
              + " holds (" + Integer.MAX_VALUE + ")");
        }
      }
      return shape;
    }

    private void expect(char c) throws FileFormatException {
      skipSpace();
      if (peek() != c) {
        throw error("expected '" + c + "'");
      }
      pos++;
    }

    private char peek() {
      return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private void skipSpace() {
      while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
        pos++;
      }
    }

    private FileFormatException error(String what) {
      return new FileFormatException(file, "bad .npy header at character " + pos + ": " + what
          + " (header: " + text.strip() + ")");
    }
  }
}
