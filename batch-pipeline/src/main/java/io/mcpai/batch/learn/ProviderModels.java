package io.mcpai.batch.learn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.sgd.linear.LinearSGDTrainer;
import org.tribuo.regression.sgd.objectives.SquaredLoss;

/**
 * One provider's two Tribuo models: latency of a successful try (linear regression, SGD with
 * squared loss, in seconds) and the probability that a try fails (logistic regression, softmax over
 * ok/fail). They read {@link Observation#features()}: hour of day, prompt and completion tokens
 * (latency only), the provider's recent error rate. Linear on purpose: an LLM call's time is close
 * to linear in its tokens, and the coefficients can be read.
 */
public final class ProviderModels {
  static final String FAIL = "fail";
  static final String OK = "ok";
  static final String LATENCY = "latency_s";

  final String provider;
  final Model<Regressor> latency;
  final Model<Label> failure;
  final double meanLatencyMs;
  final double failureRate;

  private ProviderModels(
      String provider,
      Model<Regressor> latency,
      Model<Label> failure,
      double meanLatencyMs,
      double failureRate) {
    this.provider = provider;
    this.latency = latency;
    this.failure = failure;
    this.meanLatencyMs = meanLatencyMs;
    this.failureRate = failureRate;
  }

  /** Trains both models on one provider's training observations. */
  static ProviderModels train(String provider, List<Observation> train, long seed) {
    RegressionFactory rf = new RegressionFactory();
    MutableDataset<Regressor> lat =
        new MutableDataset<>(new SimpleDataSourceProvenance(provider + " latency", rf), rf);
    LabelFactory lf = new LabelFactory();
    MutableDataset<Label> fail =
        new MutableDataset<>(new SimpleDataSourceProvenance(provider + " failures", lf), lf);
    double sumMs = 0;
    int ok = 0;
    for (Observation o : train) {
      if (o.ok()) {
        lat.add(
            new ArrayExample<>(
                new Regressor(LATENCY, o.ms() / 1000.0), Observation.FEATURES, o.features()));
        sumMs += o.ms();
        ok++;
      }
      fail.add(
          new ArrayExample<>(
              new Label(o.ok() ? OK : FAIL), Observation.FAILURE_FEATURES, o.failureFeatures()));
    }
    if (ok == 0) {
      throw new IllegalArgumentException(
          "provider " + provider + " has no successful tries in the training rows");
    }
    Model<Regressor> latency =
        new LinearSGDTrainer(new SquaredLoss(), new AdaGrad(0.1, 0.1), 20, seed).train(lat);
    Model<Label> failure = null;
    if (fail.getOutputInfo().size() > 1) {
      // Logistic regression (softmax over ok/fail); more epochs than the default trainer's, as
      // failures are rare and the base rate must be learned well.
      failure =
          new org.tribuo.classification.sgd.linear.LinearSGDTrainer(
                  new LogMulticlass(), new AdaGrad(0.5, 0.1), 30, seed)
              .train(fail);
    }
    long failures = train.stream().filter(o -> !o.ok()).count();
    return new ProviderModels(
        provider, latency, failure, sumMs / ok, failures / (double) train.size());
  }

  /** Expected latency of a successful try, in ms. */
  double latencyMs(Observation o) {
    Prediction<Regressor> p =
        latency.predict(
            new ArrayExample<>(
                new Regressor(LATENCY, Double.NaN), Observation.FEATURES, o.features()));
    return Math.max(0, p.getOutput().getValues()[0] * 1000.0);
  }

  /** Probability the try fails. */
  double failureProbability(Observation o) {
    if (failure == null) {
      return failureRate; // one class only in training: all ok (0) or all failed (1)
    }
    Prediction<Label> p =
        failure.predict(
            new ArrayExample<>(new Label(OK), Observation.FAILURE_FEATURES, o.failureFeatures()));
    Label f = p.getOutputScores().get(FAIL);
    return f == null ? 0 : f.getScore();
  }

  /** Writes the models as Tribuo protobufs: {@code <provider>-latency.tribuo}, {@code -failure}. */
  void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    latency.serializeToFile(dir.resolve(provider + "-latency.tribuo"));
    if (failure != null) {
      failure.serializeToFile(dir.resolve(provider + "-failure.tribuo"));
    }
  }
}
