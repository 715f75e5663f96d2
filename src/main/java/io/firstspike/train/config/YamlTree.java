package io.firstspike.train.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Config text to one YAML document as a tree, refusing what no config can mean before the keys
 * are read: files over {@link ConfigLoader#MAX_CONFIG_BYTES} (checked before reading or
 * parsing), bytes that are not UTF-8, control characters, a second document, aliases, nesting
 * deeper than {@link ConfigLoader#MAX_NESTING_DEPTH}, and YAML's {@code .nan}/{@code .inf}. Each
 * refusal is a {@link ConfigException} naming the file, and the key where there is one.
 *
 * <p>Guards against "YAML bombs": aliases are refused outright (Jackson would read {@code *x} as
 * the string "x", never expanding it, so no alias can multiply the input); the size cap bounds
 * the work; the depth is checked per opened list or mapping. SnakeYAML's own
 * {@code LoaderOptions} limits on aliases and nesting act in its composer, which Jackson does not
 * use; only its code point limit acts in the scanner, and is set to the size cap as a second guard.
 */
final class YamlTree {
  /** YAML 1.1's non-finite floats, which Jackson resolves as floats and then cannot parse. */
  private static final Pattern NON_FINITE =
      Pattern.compile("[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)");

  private YamlTree() {}

  /**
   * The text of a config file: its size is checked before it is read, and its bytes must be
   * UTF-8 (a Latin-1 or binary file is named with the first bad byte and its offset).
   */
  static String readText(Path file) {
    String name = file.toString();
    try {
      long size = Files.size(file);
      if (size > ConfigLoader.MAX_CONFIG_BYTES) {
        throw tooLarge(name, size);
      }
      byte[] bytes = Files.readAllBytes(file);
      if (bytes.length > ConfigLoader.MAX_CONFIG_BYTES) { // grew since we asked
        throw tooLarge(name, bytes.length);
      }
      return decodeUtf8(name, file.getFileName().toString(), bytes);
    } catch (NoSuchFileException e) {
      throw new ConfigException(name, "",
          "no such config file (looked for " + file.toAbsolutePath() + ")", e);
    } catch (IOException e) {
      throw new ConfigException(name, "", "cannot read config file: " + e, e);
    }
  }

  private static String decodeUtf8(String source, String fileName, byte[] bytes) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult r = decoder.decode(in, out, true);
    if (!r.isError()) {
      r = decoder.flush(out);
    }
    if (r.isError()) {
      int offset = in.position();
      throw new ConfigException(source, "", fileName + " is not UTF-8 text (byte "
          + String.format("0x%02X", bytes[offset] & 0xff) + " at offset " + offset
          + "); save it as UTF-8");
    }
    return out.flip().toString();
  }

  /**
   * The one document of {@code text} as a tree (null or a null node when it is empty).
   *
   * @throws ConfigException naming {@code source} for any refusal or YAML syntax error
   */
  static JsonNode read(String text, String source) {
    requireText(text, source);
    try (JsonParser p = new Guard((YAMLParser) ConfigMapper.MAPPER.createParser(text), source)) {
      JsonNode root = ConfigMapper.MAPPER.readTree(p);
      if (p.nextToken() != null) {
        throw new ConfigException(source, "", "a second YAML document starts at line "
            + documentStart(text, p.currentTokenLocation().getLineNr()) + "; a config is one"
            + " document: remove the second");
      }
      return root;
    } catch (JsonProcessingException e) {
      throw new ConfigException(source, "", syntaxMessage(e), e);
    } catch (IOException e) {
      throw new ConfigException(source, "", "cannot read the config text: " + e, e);
    }
  }

  /**
   * The raw tokens of {@code text}, without the checks of {@link #read} but its size and
   * characters (duplicate keys pass too): for a look at a few keys before anything else is
   * refused.
   */
  static JsonParser tokens(String text, String source) {
    requireText(text, source);
    try {
      return ConfigMapper.MAPPER.createParser(text)
          .disable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    } catch (IOException e) {
      throw new ConfigException(source, "", "cannot read the config text: " + e, e);
    }
  }

  private static void requireText(String text, String source) {
    long bytes = utf8Length(text);
    if (bytes > ConfigLoader.MAX_CONFIG_BYTES) {
      throw tooLarge(source, bytes);
    }
    requirePrintable(text, source);
  }

  /**
   * "N ('---')" for the last document marker at or before line {@code firstLine}, where the
   * parser found the second document's first value; just that line if there is none.
   */
  private static String documentStart(String text, int firstLine) {
    String[] lines = text.split("\\R", -1);
    for (int l = Math.min(firstLine, lines.length); l >= 1; l--) {
      if (DOCUMENT_MARKER.matcher(lines[l - 1]).lookingAt()) {
        return l + " ('---')";
      }
    }
    return String.valueOf(firstLine);
  }

  private static final Pattern DOCUMENT_MARKER = Pattern.compile("---(\\s|$)");

  private static ConfigException tooLarge(String source, long bytes) {
    return new ConfigException(source, "", "the config has " + bytes + " bytes; at most "
        + ConfigLoader.MAX_CONFIG_BYTES + " (1 MiB) are read (configs are a few KB)");
  }

  /** Bytes of {@code text} in UTF-8 (a lone surrogate counts 3, as the encoder's replacement). */
  private static long utf8Length(String text) {
    long n = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      n += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
    }
    return n;
  }

  /**
   * Refuses the characters YAML does not allow in a stream: C0 controls other than tab, line
   * feed and carriage return, DEL, C1 controls other than NEL, U+FFFE and U+FFFF. SnakeYAML
   * refuses them too, but reports line 1, column 1.
   */
  private static void requirePrintable(String text, String source) {
    int line = 1;
    int lineStart = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n') {
        line++;
        lineStart = i + 1;
      } else if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f
          || (c >= 0x80 && c <= 0x9f && c != 0x85) || c == 0xfffe || c == 0xffff) {
        throw new ConfigException(source, "", "contains the control character "
            + String.format("U+%04X", (int) c) + " at line " + line + ", column "
            + (i - lineStart + 1) + "; a config is YAML text");
      }
    }
  }

  /**
   * "not valid YAML: <what> (line L, column C); ..." from the parser's message. SnakeYAML writes
   * the context and the problem on unindented lines, each followed by an indented mark ("in
   * 'reader', line 12, column 3:") and an excerpt; we keep each statement with its mark and drop
   * the excerpts. Other messages (e.g. Jackson's duplicate key) get Jackson's location.
   */
  private static String syntaxMessage(JsonProcessingException e) {
    List<String> parts = new ArrayList<>();
    boolean marked = false;
    for (String line : e.getOriginalMessage().split("\\R")) {
      String t = line.trim();
      if (t.isEmpty()) {
        continue;
      }
      if (!Character.isWhitespace(line.charAt(0))) {
        parts.add(t);
      } else if (t.startsWith("in 'reader', ") && !parts.isEmpty()) {
        String mark = t.substring("in 'reader', ".length()).replaceAll(":$", "");
        parts.set(parts.size() - 1, parts.get(parts.size() - 1) + " (" + mark + ")");
        marked = true;
      }
    }
    var loc = e.getLocation();
    String text = String.join("; ", parts);
    if (!marked && loc != null) {
      text = text + " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
    }
    return "not valid YAML: " + text;
  }

  /** Checks every token as the tree is built; see the class comment for what it refuses. */
  private static final class Guard extends JsonParserDelegate {
    private final YAMLParser yaml;
    private final String source;

    Guard(YAMLParser yaml, String source) {
      super(yaml);
      this.yaml = yaml;
      this.source = source;
    }

    @Override
    public JsonToken nextToken() throws IOException {
      JsonToken t = yaml.nextToken();
      if (t == null) {
        return null;
      }
      JsonStreamContext here = yaml.getParsingContext();
      if (yaml.isCurrentAlias()) {
        throw refuse(here, "*" + yaml.getText() + " is a YAML alias; aliases are not supported"
            + " in configs: write the value out");
      }
      if ((t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY)
          && here.getNestingDepth() > ConfigLoader.MAX_NESTING_DEPTH) {
        throw refuse(here.getParent(), "nested deeper than " + ConfigLoader.MAX_NESTING_DEPTH
            + " levels; a config needs at most " + SCHEMA_DEPTH);
      }
      if (t == JsonToken.VALUE_NUMBER_FLOAT) {
        String text = yaml.getText();
        if (NON_FINITE.matcher(text).matches()) {
          boolean nan = text.toLowerCase(java.util.Locale.ROOT).endsWith("nan");
          throw refuse(here, text + (nan ? " is not a number" : " is infinite")
              + "; expected a finite number");
        }
        if (Double.isInfinite(yaml.getDoubleValue())) {
          throw refuse(here, Scalars.beyondDoubleRange(text));
        }
      }
      return t;
    }

    private ConfigException refuse(JsonStreamContext at, String detail) {
      return new ConfigException(source, keyPath(at), detail);
    }
  }

  /**
   * Deepest nesting the schemas use: root, training_params, loss, regulariser, one regulariser
   * (the 2021 schema needs 4: root, network_layout, bias_times, one layer's times).
   */
  static final int SCHEMA_DEPTH = 5;

  /** "training_params.loss.xi", "network_layout.bias_times[1][0]": where {@code at} reads. */
  static String keyPath(JsonStreamContext at) {
    Deque<JsonStreamContext> chain = new ArrayDeque<>();
    for (JsonStreamContext c = at; c != null && !c.inRoot(); c = c.getParent()) {
      chain.push(c);
    }
    StringBuilder path = new StringBuilder();
    for (JsonStreamContext c : chain) {
      if (c.inArray()) {
        path.append('[').append(Math.max(0, c.getCurrentIndex())).append(']');
      } else if (c.getCurrentName() != null) {
        path.append(path.length() == 0 ? "" : ".").append(c.getCurrentName());
      }
    }
    return path.toString();
  }
}
