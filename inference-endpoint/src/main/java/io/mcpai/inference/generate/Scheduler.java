package io.mcpai.inference.generate;

import io.mcpai.core.tokenizer.Tokenizer;
import io.mcpai.inference.engine.LlamaEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Continuous batching: one thread owns the engine. Before every decode step it drops cancelled
 * requests, admits waiting ones while the batch has room (size and token budget), prefills them,
 * then decodes one token for every running sequence in a single forward pass and retires the
 * finished. A request therefore joins and leaves the batch at token granularity.
 */
public final class Scheduler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Scheduler.class);

  /** The queue is full; the caller should answer 503 with Retry-After. */
  public static final class OverloadedException extends RuntimeException {
    public OverloadedException(String message) {
      super(message);
    }
  }

  private final LlamaEngine engine;
  private final Tokenizer tokenizer;
  private final SchedulerConfig limits;
  private final InferenceMetrics metrics;
  private final BlockingQueue<Generation> queue;
  private final List<Generation> running = new ArrayList<>();
  private final Thread thread;
  private volatile boolean stopping;
  private int runningTokens;

  public Scheduler(
      LlamaEngine engine, Tokenizer tokenizer, SchedulerConfig limits, InferenceMetrics metrics) {
    this.engine = engine;
    this.tokenizer = tokenizer;
    this.limits = limits;
    this.metrics = metrics;
    this.queue = new ArrayBlockingQueue<>(Math.max(1, limits.maxQueue()));
    this.thread = new Thread(this::loop, "mcp-scheduler");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  public LlamaEngine engine() {
    return engine;
  }

  public Tokenizer tokenizer() {
    return tokenizer;
  }

  public SchedulerConfig limits() {
    return limits;
  }

  /** Queues a request; throws {@link OverloadedException} when the queue is full. */
  public Generation submit(int[] prompt, SamplingParams params, GenerationListener listener) {
    Generation g =
        new Generation(prompt, params, tokenizer, engine.config().maxPositions(), listener);
    if (stopping || !queue.offer(g)) {
      metrics.rejected();
      throw new OverloadedException(
          "the endpoint is at capacity (" + limits.maxQueue() + " requests queued); retry shortly");
    }
    metrics.queueDepth.set(queue.size());
    return g;
  }

  private int budget(Generation g) {
    return Math.min(engine.config().maxPositions(), g.prompt().length + g.params().maxNewTokens());
  }

  private void loop() {
    while (!stopping) {
      try {
        List<Generation> joining = new ArrayList<>();
        if (running.isEmpty()) {
          Generation g = queue.poll(100, TimeUnit.MILLISECONDS);
          if (g == null) {
            continue;
          }
          joining.add(g);
        }
        admit(waiting(joining));
        retireCancelled();
        if (!running.isEmpty()) {
          decode();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        log.error("decode step failed; failing the running batch", e);
        for (Generation g : running) {
          g.fail(e);
          closeSequence(g);
        }
        running.clear();
        runningTokens = 0;
      }
      metrics.batchSize.set(running.size());
      metrics.queueDepth.set(queue.size());
    }
  }

  /** Adds to {@code joining} the queued requests the batch has room for (size, token budget). */
  private List<Generation> waiting(List<Generation> joining) {
    int tokens = runningTokens;
    for (Generation g : joining) {
      tokens += budget(g);
    }
    while (running.size() + joining.size() < limits.maxBatchSize()) {
      Generation next = queue.peek();
      boolean empty = running.isEmpty() && joining.isEmpty();
      if (next == null || (!empty && tokens + budget(next) > limits.maxBatchTokens())) {
        break;
      }
      joining.add(queue.poll());
      tokens += budget(next);
    }
    return joining;
  }

  /**
   * Prefills the prompts of the joining requests and samples their first tokens, all in one engine
   * step: the prompts run one by one, but the head (a vocab-sized projection, as costly for one row
   * as for 16) runs once for all of them.
   */
  private void admit(List<Generation> joining) {
    joining.removeIf(Generation::isCancelled);
    if (joining.isEmpty()) {
      return;
    }
    List<LlamaEngine.Sequence> seqs = new ArrayList<>(joining.size());
    List<int[]> prompts = new ArrayList<>(joining.size());
    boolean[] wantLogits = new boolean[joining.size()];
    boolean wantLogProbs = false;
    LlamaEngine.Step first;
    try {
      for (int i = 0; i < joining.size(); i++) {
        Generation g = joining.get(i);
        g.sequence = engine.newSequence();
        seqs.add(g.sequence);
        prompts.add(g.pendingInput());
        wantLogits[i] = g.needsLogits();
        wantLogProbs |= g.needsGreedyLogProb();
      }
      first = engine.step(seqs, prompts, wantLogits, wantLogProbs);
    } catch (RuntimeException e) {
      for (Generation g : joining) {
        closeSequence(g);
      }
      if (joining.size() > 1) { // one bad request must not fail the others: retry one by one
        for (Generation g : joining) {
          admit(new ArrayList<>(List.of(g)));
        }
      } else {
        joining.get(0).fail(e);
      }
      return;
    }
    long now = System.nanoTime();
    for (int i = 0; i < joining.size(); i++) {
      Generation g = joining.get(i);
      metrics.prompt(g.prompt().length);
      g.firstTokenNanos = now;
      g.lastTokenNanos = now;
      metrics.firstToken(now - g.submittedNanos());
      metrics.prefilledToken();
      try {
        if (g.accept(first, i)) {
          closeSequence(g);
          continue;
        }
      } catch (RuntimeException e) {
        g.fail(e);
        closeSequence(g);
        continue;
      }
      running.add(g);
      runningTokens += budget(g);
    }
  }

  private void retireCancelled() {
    running.removeIf(
        g -> {
          if (g.isCancelled()) {
            g.cancelledBy(FinishReason.CANCELLED);
            retire(g);
            return true;
          }
          return false;
        });
  }

  private void decode() {
    List<LlamaEngine.Sequence> seqs = new ArrayList<>(running.size());
    List<int[]> inputs = new ArrayList<>(running.size());
    boolean[] wantLogits = new boolean[running.size()];
    // one switch for the whole step: the log-softmax runs for every row or none, and most batches
    // are all one kind (chat clients never show log-probs)
    boolean wantLogProbs = false;
    for (int i = 0; i < running.size(); i++) {
      Generation g = running.get(i);
      seqs.add(g.sequence);
      inputs.add(g.pendingInput());
      wantLogits[i] = g.needsLogits();
      wantLogProbs |= g.needsGreedyLogProb();
    }
    long start = System.nanoTime();
    LlamaEngine.Step step = engine.step(seqs, inputs, wantLogits, wantLogProbs);
    long now = System.nanoTime();
    metrics.step(running.size(), now - start);
    List<Generation> done = new ArrayList<>();
    for (int i = 0; i < running.size(); i++) {
      Generation g = running.get(i);
      metrics.interToken(now - g.lastTokenNanos);
      g.lastTokenNanos = now;
      if (g.accept(step, i)) {
        done.add(g);
      }
    }
    for (Generation g : done) {
      running.remove(g);
      retire(g);
    }
  }

  private void retire(Generation g) {
    runningTokens -= budget(g);
    closeSequence(g);
  }

  private static void closeSequence(Generation g) {
    if (g.sequence != null) {
      g.sequence.close();
      g.sequence = null;
    }
  }

  /** Requests waiting plus running. */
  public int load() {
    return queue.size() + running.size();
  }

  @Override
  public void close() {
    stopping = true;
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
