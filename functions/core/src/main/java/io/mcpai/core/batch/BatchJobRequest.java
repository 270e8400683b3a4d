package io.mcpai.core.batch;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import io.mcpai.core.protocol.Problem;
import io.mcpai.core.protocol.ProtocolException;
import io.mcpai.core.protocol.ProtocolJson;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A queue message asking for a batch job (schema {@code "v": 1}), the contract between the
 * queue-triggered functions (SQS, Pub/Sub, Azure Queue) and the batch pipeline.
 *
 * <pre>{@code
 * {"v": 1,
 *  "job_id": "nightly-2026-11-24",            // optional: derived from input+output when absent
 *  "input": "s3://bucket/prompts/*.jsonl",     // required: a file or glob on any Beam filesystem
 *  "output": "s3://bucket/results/nightly/",   // required: results.jsonl and errors.jsonl go here
 *  "runner": "DirectRunner",                   // optional: DirectRunner (default), FlinkRunner, ...
 *  "options": {"maxBatchSize": "16"}}          // optional: extra pipeline options, string values
 * }</pre>
 *
 * <p>The derived job id is a hash of input and output, so a message delivered twice names the same
 * job; the pipeline is resumable over the same output, so a second launch only skips done ids.
 *
 * @param jobId letters, digits, '.', '_' and '-', at most 64 characters
 * @param options pipeline options by name (without {@code --}), in message order
 */
public record BatchJobRequest(
    String jobId, String input, String output, String runner, Map<String, String> options) {

  public static final int VERSION = 1;
  public static final String DEFAULT_RUNNER = "DirectRunner";
  public static final Set<String> RUNNERS =
      Set.of("DirectRunner", "FlinkRunner", "SparkRunner", "DataflowRunner");
  static final int MAX_MESSAGE_BYTES = 64 * 1024;
  private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern OPTION_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9]{0,63}");
  private static final Set<String> FIELDS =
      Set.of("v", "job_id", "input", "output", "runner", "options");
  // Options the message may not set: the launcher owns them.
  private static final Set<String> RESERVED_OPTIONS = Set.of("input", "output", "runner", "jobId");

  public BatchJobRequest {
    options = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(options));
  }

  /** Parses and validates a message body, reporting every problem at once (400/422/413). */
  public static BatchJobRequest parse(String body) {
    if (body == null || body.isBlank()) {
      throw ProtocolException.of(List.of(Problem.malformed("the message body is empty")));
    }
    if (body.getBytes(StandardCharsets.UTF_8).length > MAX_MESSAGE_BYTES) {
      throw ProtocolException.of(
          List.of(Problem.tooLarge(null, "the message is too large", MAX_MESSAGE_BYTES)));
    }
    JsonNode root;
    try {
      root = ProtocolJson.mapper().readTree(body);
    } catch (JacksonException e) {
      throw ProtocolException.of(
          List.of(Problem.malformed("the message is not valid JSON: " + e.getOriginalMessage())));
    }
    if (root == null || !root.isObject()) {
      throw ProtocolException.of(List.of(Problem.malformed("the message must be a JSON object")));
    }
    List<Problem> problems = new ArrayList<>();
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!FIELDS.contains(name)) {
        problems.add(
            Problem.invalid(name, "unknown field; allowed: " + FIELDS.stream().sorted().toList()));
      }
    }
    JsonNode v = root.get("v");
    if (v != null
        && !v.isNull()
        && !(v.canConvertToInt() && v.isIntegralNumber() && v.asInt() == VERSION)) {
      problems.add(
          Problem.invalid(
              "v", "unsupported message version " + v + "; this build reads 1", VERSION));
    }
    String input = requiredText(root, "input", problems);
    String output = requiredText(root, "output", problems);
    String runner = optionalText(root, "runner", problems);
    if (runner == null) {
      runner = DEFAULT_RUNNER;
    } else if (!RUNNERS.contains(runner)) {
      problems.add(
          Problem.invalid(
              "runner", "unknown runner '" + runner + "'", RUNNERS.stream().sorted().toList()));
    }
    String jobId = optionalText(root, "job_id", problems);
    if (jobId != null && !JOB_ID.matcher(jobId).matches()) {
      problems.add(Problem.invalid("job_id", "must be 1-64 letters, digits, '.', '_' or '-'"));
    }
    Map<String, String> options = new LinkedHashMap<>();
    JsonNode opts = root.get("options");
    if (opts != null && !opts.isNull()) {
      if (!opts.isObject()) {
        problems.add(Problem.invalid("options", "must be an object of option name to value"));
      } else {
        opts.fields()
            .forEachRemaining(
                e -> {
                  String param = "options." + e.getKey();
                  if (!OPTION_NAME.matcher(e.getKey()).matches()) {
                    problems.add(
                        Problem.invalid(param, "an option name is a camelCase identifier"));
                  } else if (RESERVED_OPTIONS.contains(e.getKey())) {
                    problems.add(
                        Problem.invalid(param, "set by the message's own field, not an option"));
                  } else if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                    problems.add(Problem.invalid(param, "must be a string, number or boolean"));
                  } else {
                    options.put(e.getKey(), e.getValue().asText());
                  }
                });
      }
    }
    if (!problems.isEmpty()) {
      throw ProtocolException.of(problems);
    }
    if (jobId == null) {
      jobId = derivedJobId(input, output);
    }
    return new BatchJobRequest(jobId, input, output, runner, options);
  }

  /** Whether {@code id} is a well-formed job id: 1-64 letters, digits, '.', '_' or '-'. */
  public static boolean isValidJobId(String id) {
    return id != null && JOB_ID.matcher(id).matches();
  }

  /** {@code job-} plus 16 hex digits of SHA-256 over input and output. */
  static String derivedJobId(String input, String output) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest((input + "\n" + output).getBytes(StandardCharsets.UTF_8));
      return "job-" + HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The batch command's arguments: {@code run --input I --output O --job-id J --runner=R ...}. */
  public List<String> commandArguments() {
    List<String> args =
        new ArrayList<>(List.of("run", "--input", input, "--output", output, "--job-id", jobId));
    args.add("--runner=" + runner);
    options.forEach((k, val) -> args.add("--" + k + "=" + val));
    return args;
  }

  /** The message as JSON, as {@link #parse} reads it. */
  public String toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("v", VERSION);
    m.put("job_id", jobId);
    m.put("input", input);
    m.put("output", output);
    m.put("runner", runner);
    if (!options.isEmpty()) {
      m.put("options", options);
    }
    return ProtocolJson.write(m);
  }

  private static String requiredText(JsonNode root, String field, List<Problem> problems) {
    JsonNode n = root.get(field);
    if (n == null || n.isNull()) {
      problems.add(Problem.invalid(field, "required"));
      return null;
    }
    return text(n, field, problems);
  }

  private static String optionalText(JsonNode root, String field, List<Problem> problems) {
    JsonNode n = root.get(field);
    return n == null || n.isNull() ? null : text(n, field, problems);
  }

  private static String text(JsonNode n, String field, List<Problem> problems) {
    if (!n.isTextual() || n.asText().isBlank()) {
      problems.add(Problem.invalid(field, "must be a non-blank string"));
      return null;
    }
    if (n.asText().length() > 2048) {
      problems.add(Problem.tooLarge(field, "at most 2048 characters", 2048));
      return null;
    }
    return n.asText();
  }
}
