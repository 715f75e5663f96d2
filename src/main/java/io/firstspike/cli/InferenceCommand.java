package io.firstspike.cli;

import io.firstspike.core.network.NetworkEngine;
import io.firstspike.data.DataSplits;
import io.firstspike.data.Dataset;
import io.firstspike.io.Npy;
import io.firstspike.runs.ModelFolder;
import io.firstspike.train.EvaluationPass;
import io.firstspike.train.Experiments;
import io.firstspike.train.config.ExperimentConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code inference <folder>}: test-set accuracy of a trained network. */
@Command(
    name = "inference",
    mixinStandardHelpOptions = true,
    description = "Accuracy of a trained network on its data set's test split. FOLDER is a run"
        + " folder, one of its epoch_<N>/ folders, a pretrained/ folder, or a folder of the"
        + " original implementation (config.yaml + *_network.pt).")
final class InferenceCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "FOLDER")
  Path folder;

  @Option(names = "--json", description = "Print {\"accuracy\":..,\"samples\":..,\"dataset\":..}.")
  boolean json;

  @Option(names = "--save-times", paramLabel = "FILE.npy",
      description = "Write the label-layer spike times of the test set.")
  Path saveTimes;

  @Option(names = "--threads", description = "Worker threads (default: all cores).")
  Integer threads;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Folder of the data files.")
  Path dataDir;

  @Override
  public Integer call() throws IOException {
    ModelFolder model = ModelFolder.open(folder);
    ExperimentConfig cfg = model.config();
    if (dataDir != null) {
      cfg = cfg.withDataDir(dataDir);
    }
    DataSplits data = Experiments.loadData(cfg);
    Dataset test = data.test();
    EvaluationPass pass;
    try (NetworkEngine engine =
        new NetworkEngine(model.network(), Experiments.engineOptions(cfg),
            TrainCommand.threadCount(threads))) {
      pass = EvaluationPass.run(engine, Experiments.loss(cfg), test,
          cfg.trainingParams().batchSizeEval());
    }
    if (saveTimes != null) {
      Npy.writeMatrix(saveTimes, pass.outputs());
    }
    if (json) {
      System.out.printf(Locale.ROOT, "{\"accuracy\":%.6f,\"samples\":%d,\"dataset\":\"%s\"}%n",
          pass.accuracy(), test.size(), test.name());
    } else {
      System.out.printf(Locale.ROOT, "After inference, the accuracy is %.2f%%.%n",
          100 * pass.accuracy());
    }
    return 0;
  }
}
