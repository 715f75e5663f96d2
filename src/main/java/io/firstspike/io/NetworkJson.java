package io.firstspike.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The opening of a network folder's {@code network.json}, shared by {@link NetworkFile} (2021
 * networks) and {@link LayerNetworkFile} (layer networks): the file exists, is a JSON object, and
 * has the expected {@code format} and a supported {@code version}; a file of the other kind is
 * named as such.
 */
record NetworkJson(JsonNode root, JsonReader reader) {
  /**
   * @param what the kind in the "no ... here" message ("FirstSpike network")
   * @param otherFormat the other kind's format name, and {@code otherHint} what to say then
   */
  static NetworkJson open(Path folder, ObjectMapper json, String what, String format, int maxVersion,
      String otherFormat, String otherHint) throws IOException {
    Path jsonFile = folder.resolve(NetworkFile.JSON_NAME);
    if (!Files.isRegularFile(jsonFile)) {
      throw new NoSuchFileException(jsonFile.toString(), null,
          "no " + what + " here (expected " + NetworkFile.JSON_NAME + " in " + folder + ")");
    }
    JsonNode root;
    try {
      root = json.readTree(jsonFile.toFile());
    } catch (JsonProcessingException e) {
      throw new FileFormatException(jsonFile, "not valid JSON: " + e.getOriginalMessage(), e);
    }
    JsonReader r = new JsonReader(jsonFile);
    if (root == null || !root.isObject()) {
      throw r.bad("the top level must be a JSON object");
    }
    String found = r.text(root, "format");
    if (!found.equals(format)) {
      throw r.bad("'format' is \"" + found + "\"; expected \"" + format + "\""
          + (found.equals(otherFormat) ? " (" + otherHint + ")" : ""));
    }
    int version = r.integer(root, "version");
    if (version > maxVersion || version < 1) {
      throw r.bad("format version " + version + " is not supported; this FirstSpike reads versions"
          + " 1 to " + maxVersion + (version > maxVersion ? " (the file was written by a newer FirstSpike)" : ""));
    }
    return new NetworkJson(root, r);
  }
}
