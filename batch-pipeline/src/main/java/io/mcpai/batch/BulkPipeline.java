package io.mcpai.batch;

import java.util.Locale;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.GroupIntoBatches;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;

/**
 * The bulk prompt pipeline:
 *
 * <pre>
 * input files ─ ReadPrompts ─┬─ KV(custom_id, prompt) ─┐
 *                            └─ errors                 ├─ GroupByKey(custom_id) ─ Prepare ─┬─ KV(provider#shard, prompt)
 * output/parts ─ DoneIds ──── KV(custom_id, done) ─────┘  (resume, dedupe, stable input)    │   ─ GroupIntoBatches ─ Call ─ parts
 *                                                                                          └─ errors ─ parts
 * </pre>
 *
 * On runners without {@code GroupIntoBatches}' timers (Spark, Beam issue 22524) the prompts go to
 * {@link CallFn} one by one and are batched inside it: it keeps the whole bundle in flight.
 */
public final class BulkPipeline {
  private BulkPipeline() {}

  /** Whether prompts are batched with {@code GroupIntoBatches} (else inside the call function). */
  static boolean useGroupIntoBatches(BatchOptions o) {
    String b = o.getBatching() == null ? "auto" : o.getBatching().toLowerCase(Locale.ROOT);
    return switch (b) {
      case "groupintobatches" -> true;
      case "bundle" -> false;
      case "auto" -> !o.getRunner().getSimpleName().startsWith("Spark");
      default ->
          throw new IllegalArgumentException(
              "--batching must be auto, groupIntoBatches or bundle, got '" + o.getBatching() + "'");
    };
  }

  public static void build(Pipeline p, BatchOptions o) {
    BatchSettings s = BatchSettings.from(o);
    PCollectionTuple read =
        p.apply("MatchInput", FileIO.match().filepattern(o.getInput()))
            .apply("OpenInput", FileIO.readMatches())
            .apply(
                "ReadPrompts",
                ParDo.of(new ReadPromptsFn(s.jobId(), o.getIdBuckets()))
                    .withOutputTags(ReadPromptsFn.PROMPTS, TupleTagList.of(ReadPromptsFn.ERRORS)));

    PCollection<KV<Integer, KV<String, String>>> done =
        p.apply(
                "MatchDoneParts",
                FileIO.match()
                    .filepattern(PartFiles.glob(o.getOutput(), "*"))
                    .withEmptyMatchTreatment(EmptyMatchTreatment.ALLOW))
            .apply("OpenDoneParts", FileIO.readMatches())
            .apply("DoneIds", ParDo.of(new DoneIdsFn(o.getIdBuckets())));

    PCollectionTuple prepared =
        PCollectionList.of(read.get(ReadPromptsFn.PROMPTS))
            .and(done)
            .apply("PromptsAndDone", Flatten.pCollections())
            .apply("ByCustomIdBucket", GroupByKey.create())
            .apply(
                "Prepare",
                ParDo.of(new PrepareFn(s, o.getShardsPerProvider()))
                    .withOutputTags(PrepareFn.PREPARED, TupleTagList.of(PrepareFn.ERRORS)));

    PCollection<KV<String, Iterable<String>>> batches;
    if (useGroupIntoBatches(o)) {
      GroupIntoBatches<String, String> gib =
          GroupIntoBatches.<String, String>ofSize(Math.max(1, o.getMaxBatchSize()))
              .withByteSize(Math.max(1, o.getMaxBatchBytes()));
      if (o.getMaxBufferingMs() > 0) {
        gib = gib.withMaxBufferingDuration(Duration.millis(o.getMaxBufferingMs()));
      }
      batches = prepared.get(PrepareFn.PREPARED).apply("BatchPerProvider", gib);
    } else {
      batches =
          prepared
              .get(PrepareFn.PREPARED)
              .apply(
                  "OneByOne",
                  MapElements.into(
                          TypeDescriptors.kvs(
                              TypeDescriptors.strings(),
                              TypeDescriptors.iterables(TypeDescriptors.strings())))
                      .via(
                          kv ->
                              KV.of(
                                  kv.getKey(),
                                  (Iterable<String>) java.util.List.of(kv.getValue()))));
    }
    batches.apply("CallProviders", ParDo.of(new CallFn(s)));

    PCollectionList.of(read.get(ReadPromptsFn.ERRORS))
        .and(prepared.get(PrepareFn.ERRORS))
        .apply("RefusedLines", Flatten.pCollections())
        .apply("WriteRefused", ParDo.of(new WritePartsFn(o.getOutput(), PartFiles.ERRORS)));
  }
}
