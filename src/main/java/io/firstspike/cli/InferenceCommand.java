package io.firstspike.cli;

import io.firstspike.eval.Evaluator;
import io.firstspike.eval.SplitEvaluation;
import io.firstspike.eval.TestInference;
import io.firstspike.io.Npy;
import io.firstspike.runs.TrainedModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code inference <folder> [<epoch>]}: test-set accuracy of a trained network. */
@Command(
    name = "inference",
    mixinStandardHelpOptions = true,
    description = {"Accuracy of a trained network on its data set's test split. FOLDER is a run"
        + " folder, one of its epoch_<N>/ folders, a pretrained/ folder, or a run or epoch folder"
        + " of the original implementation, its 2021 release or its newest (DelGrad) version"
        + " (config.yaml + *_network.pt). EPOCH picks the snapshot epoch_<EPOCH>/ of a run"
        + " folder (default: the newest), as the original's 'inference <run folder> <epoch>'.",
        "A DelGrad network with hardware noise (threshold noise, jitter) draws it from a stream"
            + " seeded with the run's torch_seed (or --seed), so every result is reproducible;"
            + " the original's noise is not seeded and cannot be reproduced. --repeat N gives"
            + " the mean and sample standard deviation over N draws, as the original's"
            + " inference_repeated."})
final class InferenceCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "FOLDER")
  Path folder;

  @Parameters(index = "1", paramLabel = "EPOCH", arity = "0..1",
      description = "Snapshot epoch of the run folder FOLDER (default: its newest).")
  Integer epoch;

  @Option(names = "--json", description = "Print {\"accuracy\":..,\"samples\":..,\"dataset\":..};"
      + " with --repeat also accuracy_std, accuracies, repeats and seed (accuracy is the mean).")
  boolean json;

  @Option(names = "--save-times", paramLabel = "FILE.npy",
      description = "Write the label-layer spike times of the test set.")
  Path saveTimes;

  @Option(names = "--repeat", paramLabel = "N",
      description = "Infer N times, each with its own draw of the network's hardware noise, and"
          + " print each accuracy, their mean and sample standard deviation.")
  Integer repeat;

  @Option(names = "--seed", paramLabel = "S",
      description = "Seed of the hardware noise (default: the run's torch_seed).")
  Long seed;

  @Option(names = "--threads", description = "Worker threads (default: all cores).")
  Integer threads;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Folder of the data files.")
  Path dataDir;

  @Override
  public Integer call() throws IOException {
    if (repeat != null && repeat < 1) {
      throw new UserError("--repeat must be at least 1, got " + repeat);
    }
    if (repeat != null && saveTimes != null) {
      throw new UserError("--save-times writes the times of one inference; leave out --repeat"
          + " (the first repetition's times are those of a single inference with the same --seed)");
    }
    TrainedModel model = TrainedModel.open(folder, epoch);
    Evaluator evaluator = new Evaluator(TrainCommand.threadCount(threads), dataDir);
    int n = repeat == null ? 1 : repeat;
    TestInference result = evaluator.infer(model, n, seed);
    SplitEvaluation test = result.first();
    if (saveTimes != null) {
      Npy.writeMatrix(saveTimes, test.outputTimes());
    }
    if (n > 1 && !result.noisy()) {
      System.err.println("note: the network in " + folder + " draws no noise (no threshold"
          + " noise, no jitter): the " + n + " repetitions would be identical, so it was inferred"
          + " once");
    }
    boolean repeated = n > 1 && result.noisy();
    if (result.noisy() && !repeated) {
      System.err.println("note: the network draws hardware noise: this accuracy is one draw,"
          + " seeded from " + result.seed() + "; --repeat N gives the mean and standard deviation");
    }
    if (json) {
      System.out.println(repeated ? repeatedJson(result, test) : String.format(Locale.ROOT,
          "{\"accuracy\":%.6f,\"samples\":%d,\"dataset\":\"%s\"}", test.accuracy(),
          test.nSamples(), result.dataset()));
    } else if (repeated) {
      System.out.println("Accuracies of " + n + " inferences (noise seeded from " + result.seed()
          + "): " + Arrays.stream(result.accuracies())
              .mapToObj(a -> String.format(Locale.ROOT, "%.2f%%", 100 * a))
              .collect(Collectors.joining(", ")));
      System.out.printf(Locale.ROOT, "After %d inferences, the accuracy is %.2f%% +- %.2f%%"
          + " (mean and sample standard deviation).%n", n, 100 * result.meanAccuracy(),
          100 * result.accuracyStd());
    } else {
      System.out.printf(Locale.ROOT, "After inference, the accuracy is %.2f%%.%n",
          100 * test.accuracy());
    }
    return 0;
  }

  private static String repeatedJson(TestInference result, SplitEvaluation test) {
    String list = Arrays.stream(result.accuracies())
        .mapToObj(a -> String.format(Locale.ROOT, "%.6f", a)).collect(Collectors.joining(","));
    return String.format(Locale.ROOT, "{\"accuracy\":%.6f,\"accuracy_std\":%.6f,"
        + "\"accuracies\":[%s],\"repeats\":%d,\"seed\":%d,\"samples\":%d,\"dataset\":\"%s\"}",
        result.meanAccuracy(), result.accuracyStd(), list, result.repetitions().size(),
        result.seed(), test.nSamples(), result.dataset());
  }
}
