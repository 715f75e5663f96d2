package io.firstspike.train.config;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
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
 * <p>Whether the label layer's size fits the data set's number of classes is checked by the
 * data package, which knows the data; this record only knows names and paths.
 *
 * @param name built-in data set name, or null when {@code files} is given
 * @param files user data files, or null when {@code name} is given
 */
@JsonDeserialize(using = DatasetConfig.Reader.class)
public record DatasetConfig(String name, UserFiles files) {

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
  }

  /** A built-in data set. */
  public static DatasetConfig named(String name) {
    return new DatasetConfig(name, null);
  }

  /** The name for result files and run folders: the built-in name or the file format. */
  public String displayName() {
    return name != null ? name : files.type().yamlName();
  }

  /** As written: the name, or the files section. */
  @JsonValue
  Object yaml() {
    return name != null ? name : files;
  }

  /** A name (string) or a {@link UserFiles} mapping. */
  static final class Reader extends JsonDeserializer<DatasetConfig> {
    @Override
    public DatasetConfig deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() == JsonToken.VALUE_STRING) {
        return new DatasetConfig(p.getText(), null);
      }
      if (p.currentToken() == JsonToken.START_OBJECT) {
        return new DatasetConfig(null, ctxt.readValue(p, UserFiles.class));
      }
      throw new Scalars.Refusal("expected a data set name (one of " + KNOWN_NAMES + ") or a map"
          + " {type: csv|npy, train, validation, test}, got " + Scalars.describe(p, ctxt));
    }
  }
}
