package io.firstspike.train.config;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.firstspike.data.DatasetFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The 2021 schema's {@code dataset} key: either the name of a built-in data set ({@code dataset:
 * yin_yang}) or user files ({@code dataset: {type: csv|npy, train: ..., validation: ...,
 * test: ...}}, validation optional). The folder they are read from is the top-level {@code
 * data_dir} ({@link ExperimentConfig#dataDir}).
 *
 * <p>A FirstSpike extension for the data sets read from IDX files ({@link
 * DatasetFactory#IMAGE_FILES}): {@code dataset: {name: fashion_mnist, validation: test}} trains on
 * the whole training file (60,000 images) and reports the test set as the validation set, the
 * usual protocol of Fashion-MNIST results; {@code validation: carve} (the default, and the
 * original's only way) keeps the last sixth of the training file for validation.
 *
 * <p>Whether the label layer's size fits the data set's number of classes is checked by the
 * data package, which knows the data; this record only knows names and paths.
 *
 * @param name built-in data set name, or null when {@code files} is given
 * @param files user data files, or null when {@code name} is given
 * @param validation where a built-in data set's validation set comes from; null = carved
 */
@JsonDeserialize(using = DatasetConfig.Reader.class)
public record DatasetConfig(String name, UserFiles files, Validation validation) {

  /** Names of the built-in data sets: the data layer's list, so the two cannot drift apart. */
  public static final List<String> KNOWN_NAMES = DatasetFactory.BUILT_IN;

  /** File formats for user data. */
  @JsonClassDescription("file type")
  public enum Format implements ConfigName {
    CSV("csv"),
    NPY("npy");

    private final String yamlName;

    Format(String yamlName) {
      this.yamlName = yamlName;
    }

    @Override
    public String yamlName() {
      return yamlName;
    }
  }

  /** Where the validation set of a data set read from IDX files comes from. */
  @JsonClassDescription("validation set")
  public enum Validation implements ConfigName {
    /** The last sixth of the training file (the original's split). */
    CARVE("carve"),
    /** The test set; every training image is trained on. */
    TEST("test");

    private final String yamlName;

    Validation(String yamlName) {
      this.yamlName = yamlName;
    }

    @Override
    public String yamlName() {
      return yamlName;
    }
  }

  /** The map form of a built-in data set: {@code {name: ..., validation: carve|test}}. */
  record BuiltIn(@JsonProperty(required = true) String name, Validation validation) {
    BuiltIn {
      Checks.required("name", name);
    }
  }

  /**
   * User data: one file per split, in the format the data package defines for {@code type}.
   * Paths are kept as written; relative ones are resolved against {@code data_dir} by whoever
   * loads the data.
   *
   * @param validation may be null: the data package then carves the validation set out of train
   */
  public record UserFiles(@JsonProperty(required = true) Format type,
      @JsonProperty(required = true) Path train, Path validation,
      @JsonProperty(required = true) Path test) {
    public UserFiles {
      Checks.required("type", type);
      Checks.required("train", train);
      Checks.required("test", test);
    }
  }

  public DatasetConfig {
    if (validation == Validation.CARVE) {
      validation = null;
    }
    if ((name == null) == (files == null)) {
      throw ConfigException.at("",
          "give either a data set name (one of " + KNOWN_NAMES + ") or a map {type: csv|npy,"
              + " train, validation, test}, not both or neither");
    }
    if (name != null && !KNOWN_NAMES.contains(name)) {
      throw ConfigException.at("", "unknown data set '" + Checks.shown(name) + "'"
          + Suggest.didYouMean(name, KNOWN_NAMES) + "; valid names are " + KNOWN_NAMES
          + ", or a map {type: csv|npy, train, validation, test}");
    }
    if (validation != null && !DatasetFactory.IMAGE_FILES.contains(name)) {
      throw ConfigException.at("validation", "'test' (the test set as validation set) is for the"
          + " data sets read from IDX files only (" + String.join(", ", DatasetFactory.IMAGE_FILES)
          + "), not " + (name != null ? "'" + name + "'" : "user files, which name their"
          + " validation file") + "; remove the key or set it to carve");
    }
  }

  /** Built-in data set or user files, the validation set carved or as the files give it. */
  public DatasetConfig(String name, UserFiles files) {
    this(name, files, null);
  }

  /** A built-in data set. */
  public static DatasetConfig named(String name) {
    return new DatasetConfig(name, null);
  }

  /** Whether the test set doubles as the validation set ({@code validation: test}). */
  public boolean testAsValidation() {
    return validation == Validation.TEST;
  }

  /** The name for result files and run folders: the built-in name or the file format. */
  public String displayName() {
    return name != null ? name : files.type().yamlName();
  }

  /** As written: the name, the name with its validation source, or the files section. */
  @JsonValue
  Object yaml() {
    if (name == null) {
      return files;
    }
    return validation == null ? name : new BuiltIn(name, validation);
  }

  /** A name (string), a {@link BuiltIn} mapping (with the key name) or a {@link UserFiles} one. */
  static final class Reader extends JsonDeserializer<DatasetConfig> {
    @Override
    public DatasetConfig deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() == JsonToken.VALUE_STRING) {
        return new DatasetConfig(p.getText(), null);
      }
      if (p.currentToken() == JsonToken.START_OBJECT) {
        JsonNode map = ctxt.readTree(p);
        if (map.has("name")) {
          BuiltIn b = ctxt.readTreeAsValue(map, BuiltIn.class);
          return new DatasetConfig(b.name(), null, b.validation());
        }
        return new DatasetConfig(null, ctxt.readTreeAsValue(map, UserFiles.class));
      }
      throw new Scalars.Refusal("expected a data set name (one of " + KNOWN_NAMES + "), a map"
          + " {name, validation: carve|test} or a map {type: csv|npy, train, validation, test},"
          + " got " + Scalars.describe(p, ctxt));
    }
  }
}
