package io.mcpai.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import io.mcpai.core.tokenizer.Tokenizer;
import io.mcpai.inference.engine.DjlLlama;
import io.mcpai.inference.engine.ReferenceLlama;
import io.mcpai.inference.generate.FinishReason;
import io.mcpai.inference.generate.Generation;
import io.mcpai.inference.generate.GenerationListener;
import io.mcpai.inference.generate.InferenceMetrics;
import io.mcpai.inference.generate.Sampler;
import io.mcpai.inference.generate.SamplingParams;
import io.mcpai.inference.generate.Scheduler;
import io.mcpai.inference.generate.SchedulerConfig;
import io.mcpai.inference.model.LlamaConfig;
import io.mcpai.inference.model.ModelWeights;
import io.mcpai.inference.model.RandomLlama;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchedulerTest {
  static final LlamaConfig CONFIG =
      new LlamaConfig(48, 80, 2, 6, 2, 259, 128, 10000, 1e-5, true, 1, 2);
  @TempDir static Path tmp;
  static ModelWeights weights;
  static DjlLlama engine;
  static final Tokenizer TOK = new ByteTokenizer();

  @BeforeAll
  static void load() {
    weights = ModelWeights.open(RandomLlama.write(tmp.resolve("m"), CONFIG, 11));
    engine = new DjlLlama(weights, Device.cpu(), DataType.FLOAT32);
  }

  @AfterAll
  static void close() {
    engine.close();
    weights.close();
  }

  record Outcome(List<Integer> ids, FinishReason finish, String text) {}

  static final class Collect implements GenerationListener {
    final List<Integer> ids = new ArrayList<>();
    final List<Float> logProbs = new ArrayList<>();
    final CompletableFuture<Outcome> done = new CompletableFuture<>();

    @Override
    public void onToken(Generation g, int id, String t, float lp, String d, FinishReason finish) {
      ids.add(id);
      logProbs.add(lp);
      if (finish != null) {
        done.complete(new Outcome(List.copyOf(ids), finish, g.text()));
      }
    }

    @Override
    public void onError(Generation g, Throwable error) {
      done.completeExceptionally(error);
    }
  }

  static List<Outcome> run(int maxBatch, List<int[]> prompts, List<SamplingParams> params)
      throws Exception {
    try (Scheduler s =
        new Scheduler(
            engine, TOK, new SchedulerConfig(maxBatch, 100000, 64), new InferenceMetrics())) {
      List<Collect> cs = new ArrayList<>();
      for (int i = 0; i < prompts.size(); i++) {
        Collect c = new Collect();
        cs.add(c);
        s.submit(prompts.get(i), params.get(i), c);
        if (maxBatch == 1) {
          c.done.get(30, TimeUnit.SECONDS); // strictly one at a time
        }
      }
      List<Outcome> out = new ArrayList<>();
      for (Collect c : cs) {
        out.add(c.done.get(30, TimeUnit.SECONDS));
      }
      return out;
    }
  }

  @Test
  void batchedDecodingGivesTheSameTokensAsOneAtATime() throws Exception {
    List<int[]> prompts = new ArrayList<>();
    List<SamplingParams> params = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      int[] p = new int[1 + i * 3];
      p[0] = 1;
      for (int j = 1; j < p.length; j++) {
        p[j] = 3 + (i * 31 + j * 7) % 250;
      }
      prompts.add(p);
      // different lengths so requests join and leave the batch at different steps
      params.add(
          i % 2 == 0
              ? SamplingParams.greedy(8 + i * 3)
              : new SamplingParams(10 + i, true, 0.8, 20, 0.9, 1.1, 100L + i, List.of(), true));
    }
    List<Outcome> alone = run(1, prompts, params);
    List<Outcome> batched = run(4, prompts, params);
    assertThat(batched).isEqualTo(alone);
    assertThat(alone.get(0).ids()).hasSize(8);
  }

  @Test
  void logProbsAreRealWhereAskedAndNaNWhereNotInTheSameBatch() throws Exception {
    int[] prompt = {1, 30, 31, 32};
    SamplingParams shown = SamplingParams.greedy(12);
    SamplingParams hidden = shown.withLogProbs(false);
    SamplingParams sampledHidden =
        new SamplingParams(12, true, 0.8, 20, 0.9, 1.0, 5L, List.of(), false);
    for (List<SamplingParams> batch :
        List.of(List.of(hidden, hidden), List.of(hidden, shown, sampledHidden))) {
      try (Scheduler s =
          new Scheduler(engine, TOK, new SchedulerConfig(4, 100000, 64), new InferenceMetrics())) {
        List<Collect> cs = new ArrayList<>();
        for (SamplingParams sp : batch) {
          Collect c = new Collect();
          cs.add(c);
          s.submit(prompt, sp, c);
        }
        Outcome first = null;
        for (int i = 0; i < batch.size(); i++) {
          Collect c = cs.get(i);
          Outcome o = c.done.get(30, TimeUnit.SECONDS);
          assertThat(c.logProbs).hasSize(o.ids().size());
          if (batch.get(i).logProbs()) {
            assertThat(c.logProbs).allMatch(lp -> Float.isFinite(lp) && lp <= 0);
          } else {
            assertThat(c.logProbs).allMatch(lp -> Float.isNaN(lp));
          }
          if (!batch.get(i).doSample()) { // greedy: the same tokens with or without log-probs
            first = first == null ? o : first;
            assertThat(o).isEqualTo(first);
          }
        }
        assertThat(first.ids()).hasSize(12);
      }
    }
  }

  @Test
  void aPromptTheEngineRejectsFailsAloneWhenAdmittedWithOthers() throws Exception {
    // Requests queued during a step are prefilled together; one whose prompt the engine refuses
    // (a token id outside the vocab) must fail alone, the others as if it had not been there.
    int[] good1 = {1, 20, 21};
    int[] good2 = {1, 30, 31, 32};
    int[] bad = {1, CONFIG.vocabSize() + 5};
    List<Outcome> alone =
        run(1, List.of(good1, good2), List.of(SamplingParams.greedy(6), SamplingParams.greedy(6)));
    try (Scheduler s =
        new Scheduler(engine, TOK, new SchedulerConfig(4, 100000, 64), new InferenceMetrics())) {
      Collect busy = new Collect();
      s.submit(new int[] {1, 5}, SamplingParams.greedy(40), busy); // the others queue meanwhile
      Collect c1 = new Collect();
      Collect cb = new Collect();
      Collect c2 = new Collect();
      s.submit(good1, SamplingParams.greedy(6), c1);
      s.submit(bad, SamplingParams.greedy(6), cb);
      s.submit(good2, SamplingParams.greedy(6), c2);
      assertThat(c1.done.get(30, TimeUnit.SECONDS)).isEqualTo(alone.get(0));
      assertThat(c2.done.get(30, TimeUnit.SECONDS)).isEqualTo(alone.get(1));
      assertThat(cb.done).failsWithin(30, TimeUnit.SECONDS);
      assertThat(busy.done.get(30, TimeUnit.SECONDS).ids()).hasSize(40);
    }
  }

  @Test
  void schedulerGreedyMatchesTheReferenceEngine() throws Exception {
    int[] prompt = {1, 50, 60, 70};
    Outcome o = run(2, List.of(prompt), List.of(SamplingParams.greedy(12))).get(0);
    List<Integer> ref = new ArrayList<>();
    try (ReferenceLlama r = new ReferenceLlama(weights);
        var s = r.newSequence()) {
      float[] logits = r.forward(List.of(s), List.<int[]>of(prompt))[0];
      for (int i = 0; i < 12; i++) {
        int t = Sampler.argmax(logits);
        ref.add(t);
        if (t == 2) {
          break;
        }
        logits = r.forward(List.of(s), List.<int[]>of(new int[] {t}))[0];
      }
    }
    assertThat(o.ids()).isEqualTo(ref);
  }

  @Test
  void stopsAtTheContextLimit() throws Exception {
    int[] prompt = new int[CONFIG.maxPositions() - 3];
    java.util.Arrays.fill(prompt, 40);
    Outcome o = run(1, List.of(prompt), List.of(SamplingParams.greedy(50))).get(0);
    assertThat(o.finish()).isIn(FinishReason.LENGTH, FinishReason.EOS_TOKEN);
    assertThat(o.ids().size()).isLessThanOrEqualTo(3);
  }

  @Test
  void fullQueueIsRefused() {
    try (Scheduler s =
        new Scheduler(engine, TOK, new SchedulerConfig(1, 1000, 1), new InferenceMetrics())) {
      assertThatThrownBy(
              () -> {
                for (int i = 0; i < 20; i++) {
                  s.submit(new int[] {1, 5}, SamplingParams.greedy(100), new Collect());
                }
              })
          .isInstanceOf(Scheduler.OverloadedException.class)
          .hasMessageContaining("capacity");
    }
  }

  @Test
  void samplingIsReproducibleWithASeedAndTopKOneIsGreedy() {
    float[] logits = new float[50];
    for (int i = 0; i < logits.length; i++) {
      logits[i] = (float) Math.sin(i * 1.3) * 3;
    }
    int[] hist = {1};
    SamplingParams sp = new SamplingParams(5, true, 1.5, 0, 0.95, 1.0, 7L, List.of(), true);
    List<Integer> a = new ArrayList<>();
    List<Integer> b = new ArrayList<>();
    Sampler sa = new Sampler(sp);
    Sampler sb = new Sampler(sp);
    for (int i = 0; i < 30; i++) {
      a.add(sa.next(logits, hist, 1).id());
      b.add(sb.next(logits, hist, 1).id());
    }
    assertThat(a).isEqualTo(b);
    assertThat(a.stream().distinct().count()).as("temperature 1.5 explores").isGreaterThan(2);
    Sampler k1 = new Sampler(new SamplingParams(5, true, 1.0, 1, 1.0, 1.0, 3L, List.of(), true));
    assertThat(k1.next(logits, hist, 1).id()).isEqualTo(Sampler.argmax(logits));
    // a tiny top_p keeps only the best token
    Sampler p = new Sampler(new SamplingParams(5, true, 1.0, 0, 1e-6, 1.0, 3L, List.of(), true));
    assertThat(p.next(logits, hist, 1).id()).isEqualTo(Sampler.argmax(logits));
    // repetition penalty pushes the greedy choice off a token already seen
    int best = Sampler.argmax(logits);
    Sampler pen =
        new Sampler(new SamplingParams(5, false, 1.0, 0, 1.0, 100.0, null, List.of(), true));
    Sampler.Choice c = pen.next(logits, new int[] {best}, 1);
    assertThat(c.id()).isNotEqualTo(best);
    assertThat(c.logProb()).isNegative();
  }

  @Test
  void topKKeepsExactlyTheKMostLikelyTokens() {
    // Negative, positive and -inf logits, and a tie at the cut: the order must follow the values.
    float[] logits = new float[40];
    for (int i = 0; i < logits.length; i++) {
      logits[i] = (float) Math.cos(i * 0.7) * 4 - 1;
    }
    logits[5] = Float.NEGATIVE_INFINITY;
    logits[17] = 6f; // best
    logits[30] = 5.5f;
    logits[3] = 5.25f;
    logits[22] = 5.25f; // tied with 3: the lower id is kept first
    java.util.Set<Integer> seen = new java.util.TreeSet<>();
    for (long seed = 0; seed < 300; seed++) {
      Sampler k3 =
          new Sampler(new SamplingParams(5, true, 2.0, 3, 1.0, 1.0, seed, List.of(), true));
      seen.add(k3.next(logits, new int[] {1}, 1).id());
    }
    assertThat(seen).containsExactly(3, 17, 30);
  }

  @Test
  void stopSequenceEndsGeneration() throws Exception {
    int[] prompt = {1, 50, 60, 70};
    Outcome free = run(1, List.of(prompt), List.of(SamplingParams.greedy(30))).get(0);
    String text = free.text();
    org.junit.jupiter.api.Assumptions.assumeTrue(text.length() >= 4, "greedy text too short");
    String stop = text.substring(2, 4);
    SamplingParams sp = new SamplingParams(30, false, 1, 0, 1, 1, null, List.of(stop), true);
    Outcome stopped = run(1, List.of(prompt), List.of(sp)).get(0);
    assertThat(stopped.finish()).isEqualTo(FinishReason.STOP_SEQUENCE);
    assertThat(stopped.text()).endsWith(stop);
    assertThat(stopped.ids().size()).isLessThan(free.ids().size());
  }
}
