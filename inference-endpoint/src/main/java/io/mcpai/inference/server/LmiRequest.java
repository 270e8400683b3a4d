package io.mcpai.inference.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.mcpai.inference.generate.SamplingParams;
import java.util.List;
import java.util.Set;

/**
 * An LMI ({@code POST /invocations} with {@code inputs}) request, validated: every field typed and
 * in range, unknown fields refused, each problem an {@link ApiError} naming the field. Pure, so it
 * can be fuzzed without a model.
 */
record LmiRequest(
    String inputs,
    SamplingParams sampling,
    boolean details,
    boolean fullText,
    boolean prefill,
    boolean stream) {

  private static final Set<String> LMI_KEYS = Set.of("inputs", "parameters", "stream");
  private static final Set<String> LMI_PARAMS =
      Set.of(
          "max_new_tokens",
          "temperature",
          "top_p",
          "top_k",
          "do_sample",
          "seed",
          "repetition_penalty",
          "stop_sequences",
          "details",
          "decoder_input_details",
          "return_full_text");
  static final int DEFAULT_MAX_NEW_TOKENS = 64;

  /**
   * @param ctx the model's context length (the most new tokens one may ask for)
   * @param vocab the vocabulary size (the largest top_k)
   */
  static LmiRequest parse(JsonNode body, int ctx, int vocab) {
    Json.onlyKnown(body, LMI_KEYS, "");
    JsonNode inputs = body.get("inputs");
    if (inputs == null || !inputs.isTextual()) {
      throw ApiError.invalid("inputs", "inputs must be a string");
    }
    JsonNode p = body.path("parameters");
    if (body.has("parameters") && !p.isObject()) {
      throw ApiError.invalid("parameters", "parameters must be an object");
    }
    if (p.isMissingNode()) {
      p = InferenceHandler.JSON.createObjectNode();
    }
    Json.onlyKnown(p, LMI_PARAMS, "parameters.");
    int maxNew =
        Json.integer(
            p, "max_new_tokens", DEFAULT_MAX_NEW_TOKENS, 1, ctx, "parameters.max_new_tokens");
    double temperature =
        Json.number(p, "temperature", 1.0, 0, 100, false, "parameters.temperature");
    double topP = Json.number(p, "top_p", 1.0, 0, 1, true, "parameters.top_p");
    int topK = Json.integer(p, "top_k", 0, 0, vocab, "parameters.top_k");
    boolean impliesSampling =
        Json.present(p, "temperature") || Json.present(p, "top_p") || Json.present(p, "top_k");
    boolean doSample = Json.bool(p, "do_sample", impliesSampling, "parameters.do_sample");
    Long seed = Json.seed(p, "seed", "parameters.seed");
    double penalty =
        Json.number(p, "repetition_penalty", 1.0, 0, 10, true, "parameters.repetition_penalty");
    List<String> stops = Json.strings(p, "stop_sequences", "parameters.stop_sequences");
    boolean details = Json.bool(p, "details", false, "parameters.details");
    boolean fullText = Json.bool(p, "return_full_text", false, "parameters.return_full_text");
    // TGI's switch for echoing the prompt's tokens in details.prefill: how a caller checks exactly
    // which ids its text became.
    boolean prefill =
        Json.bool(p, "decoder_input_details", false, "parameters.decoder_input_details");
    boolean stream = Json.bool(body, "stream", false, "stream");
    return new LmiRequest(
        inputs.asText(),
        // log-probs only where the answer shows them: details.tokens and every streamed token line
        new SamplingParams(
            maxNew, doSample, temperature, topK, topP, penalty, seed, stops, details || stream),
        details,
        fullText,
        prefill,
        stream);
  }
}
