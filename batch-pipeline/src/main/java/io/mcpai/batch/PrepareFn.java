package io.mcpai.batch;

import io.mcpai.core.context.FormattedContext;
import io.mcpai.core.protocol.Problem;
import io.mcpai.core.protocol.ProtocolException;
import io.mcpai.core.routing.NoProviderException;
import io.mcpai.core.routing.RoutedProvider;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;

/**
 * After the group by {@code custom_id} (by hash bucket, then by id here): skips ids an earlier run
 * finished, reports duplicate ids (the first line wins), then validates and formats with core
 * exactly as the gateway does and picks the provider with the router's weighted plan. The main
 * output is {@code KV(provider shard, prepared prompt)}; everything refused goes to the errors with
 * its reason.
 *
 * <p>The group by key before this stage is also what makes the calls' input stable: runners
 * checkpoint a shuffle, so a retried bundle downstream replays the same prompts rather than
 * re-reading the input.
 */
final class PrepareFn extends DoFn<KV<Integer, Iterable<KV<String, String>>>, KV<String, String>> {
  static final TupleTag<KV<String, String>> PREPARED = new TupleTag<>() {};
  static final TupleTag<String> ERRORS = new TupleTag<>() {};

  private final BatchSettings settings;
  private final int shards;
  private transient Fleet fleet;
  private transient Progress progress;

  PrepareFn(BatchSettings settings, int shards) {
    this.settings = settings;
    this.shards = Math.max(1, shards);
  }

  @Setup
  public void setup() {
    fleet = Fleet.acquire(settings);
    progress = new Progress(settings.jobId());
  }

  @Teardown
  public void teardown() {
    Fleet.release(fleet);
    fleet = null;
  }

  @FinishBundle
  public void finishBundle() {
    progress.report();
  }

  @ProcessElement
  public void process(
      @Element KV<Integer, Iterable<KV<String, String>>> bucket, MultiOutputReceiver out) {
    Map<String, List<String>> byId = new LinkedHashMap<>();
    for (KV<String, String> kv : bucket.getValue()) {
      byId.computeIfAbsent(kv.getKey(), k -> new ArrayList<>(1)).add(kv.getValue());
    }
    byId.forEach((id, values) -> prepare(values, out));
  }

  private void prepare(List<String> values, MultiOutputReceiver out) {
    List<Prompt> prompts = new ArrayList<>(1);
    for (String v : values) {
      if (v.startsWith(ReadPromptsFn.DONE_MARK)) {
        // Done in an earlier run: skip every line with this id.
        progress.inc(Progress.SKIPPED);
        return;
      }
      prompts.add(Prompt.fromJson(v.substring(1)));
    }
    prompts.sort(Comparator.comparing(Prompt::source, PrepareFn::compareSources));
    Prompt first = prompts.get(0);
    for (Prompt dup : prompts.subList(1, prompts.size())) {
      progress.inc(Progress.DUPLICATES);
      out.get(ERRORS)
          .output(
              OutputLines.error(
                  dup.customId(),
                  dup.source(),
                  OutputLines.DUPLICATE,
                  ProtocolException.of(
                      List.of(
                          Problem.invalid(
                              "custom_id",
                              "duplicate custom_id; the line at "
                                  + first.source()
                                  + " is the one processed"))),
                  settings.jobId()));
    }
    try {
      FormattedContext fc = fleet.formatter.format(first.request().toString());
      PreparedPrompt p = PreparedPrompt.of(first, fc);
      String provider = choose(p);
      int shard = Math.floorMod(first.customId().hashCode(), shards);
      progress.inc(Progress.QUEUED);
      out.get(PREPARED).output(KV.of(provider + "#" + shard, p.toJson()));
    } catch (ProtocolException ex) {
      progress.inc(Progress.INVALID);
      out.get(ERRORS)
          .output(
              OutputLines.error(
                  first.customId(), first.source(), OutputLines.VALIDATE, ex, settings.jobId()));
    }
  }

  /** The router's first choice now; the call stage may still fail over. */
  private String choose(PreparedPrompt p) {
    if (p.provider() != null && fleet.router.provider(p.provider()) == null) {
      List<String> names = fleet.router.providers().stream().map(RoutedProvider::name).toList();
      throw ProtocolException.of(
          List.of(
              Problem.invalid(
                  "provider",
                  "unknown provider '" + p.provider() + "'; configured: " + names,
                  names)));
    }
    try {
      return fleet.router.plan(p.provider(), p.promptTokens()).get(0).name();
    } catch (NoProviderException none) {
      // Everything is down this instant: queue for the first provider; the call stage retries.
      return fleet.router.providers().get(0).name();
    }
  }

  /** {@code file:line} ordered by file, then by line number. */
  static int compareSources(String a, String b) {
    int ia = a.lastIndexOf(':');
    int ib = b.lastIndexOf(':');
    int c = a.substring(0, Math.max(ia, 0)).compareTo(b.substring(0, Math.max(ib, 0)));
    if (c != 0) {
      return c;
    }
    try {
      return Long.compare(Long.parseLong(a.substring(ia + 1)), Long.parseLong(b.substring(ib + 1)));
    } catch (NumberFormatException ex) {
      return a.compareTo(b);
    }
  }
}
