package io.mcpai.core.protocol;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.mcpai.core.template.PythonWhitespace;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a raw protocol "1.0" body into a {@link ChatRequest}, reporting every problem at once.
 *
 * <p>Validation is written by hand over the JSON tree (not by data binding) so that one pass finds
 * all problems, each with its JSON path, reason and limit. The rules:
 *
 * <ul>
 *   <li>The body must be a JSON object (400 otherwise; duplicate keys and trailing data are
 *       malformed too) of at most {@link ProtocolLimits#maxRequestBytes()} bytes (413).
 *   <li><b>Unknown fields are rejected</b> (422, at every level: top, {@code parameters}, each
 *       message), naming the field and the closest known one, so a typo such as {@code max_token}
 *       surfaces instead of silently using a default. A JSON {@code null} counts as absent.
 *   <li>{@code user_input}: required string, not blank. Every content string must be non-blank
 *       (Python's notion of whitespace, as Meta strips with it) and at most {@link
 *       ProtocolLimits#maxContentChars()} characters (413).
 *   <li>{@code conversation_history}: array of {@code {role, content}}, role one of {@code
 *       system|user|assistant}. Turns alternate user/assistant starting with user and end with an
 *       assistant turn (user_input is the next user turn), because Meta's LLaMA 2 template is only
 *       defined for that shape. <b>A {@code system} entry is accepted only at index 0 and only when
 *       {@code system_prompt} is absent</b>; it then acts as the system prompt. Anywhere else it is
 *       a 422.
 *   <li>Content must not contain the target template's control markers (for LLaMA 2 {@code [INST]},
 *       {@code [/INST]}, {@code <<SYS>>}, {@code <</SYS>>}, as Meta's reference code refuses them),
 *       since they would let a user forge turns.
 *   <li>{@code model}: one the catalog knows (absent: the default). {@code provider}, {@code
 *       session_id}: strings of at most {@link ProtocolLimits#maxIdChars()} characters. {@code
 *       protocol_version}: optional, must be "1.0".
 *   <li>{@code parameters.max_tokens}: integer in [1, window - 1] (default min(512, window / 2));
 *       {@code temperature}: number in [0, 2] (default 0.6); {@code top_p}: number in (0, 1]
 *       (default 0.9); {@code stop}: a string or up to 4 strings, each non-empty; {@code seed}: a
 *       64-bit integer; {@code overflow}: {@code "error"} (default) or {@code "truncate_middle"};
 *       {@code return_token_ids}: boolean.
 * </ul>
 *
 * <p>Status: 400 malformed, 422 invalid, 413 when every problem is a size limit.
 */
public final class RequestParser {
  static final Set<String> TOP_FIELDS =
      Set.of(
          "system_prompt",
          "conversation_history",
          "user_input",
          "model",
          "provider",
          "session_id",
          "parameters",
          "protocol_version");
  static final Set<String> PARAMETER_FIELDS =
      Set.of("max_tokens", "temperature", "top_p", "stop", "seed", "overflow", "return_token_ids");
  static final Set<String> MESSAGE_FIELDS = Set.of("role", "content");

  private static final BigDecimal TWO = BigDecimal.valueOf(2);
  private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  // Exact numbers: 2.0000000000000001 must be "above 2", not rounded to 2.0 first.
  private static final ObjectReader READER =
      ProtocolJson.mapper()
          .reader()
          .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .with(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);

  private final ModelSpec.Directory models;
  private final ProtocolLimits limits;

  public RequestParser(ModelSpec.Directory models, ProtocolLimits limits) {
    this.models = models;
    this.limits = limits;
  }

  public RequestParser(ModelSpec.Directory models) {
    this(models, ProtocolLimits.defaults());
  }

  public ProtocolLimits limits() {
    return limits;
  }

  public ChatRequest parse(String json) {
    if (json == null) {
      throw ProtocolException.of(List.of(Problem.malformed("the request body is empty")));
    }
    // A char is at most 3 UTF-8 bytes: only count bytes when the body could be over the limit.
    if ((long) json.length() * 3 > limits.maxRequestBytes()) {
      checkSize(json.getBytes(StandardCharsets.UTF_8).length);
    }
    try {
      return parse(READER.readTree(json));
    } catch (JacksonException e) {
      throw malformed(e);
    }
  }

  public ChatRequest parse(byte[] json) {
    if (json == null) {
      throw ProtocolException.of(List.of(Problem.malformed("the request body is empty")));
    }
    checkSize(json.length);
    try {
      return parse(READER.readTree(json));
    } catch (JacksonException e) {
      throw malformed(e);
    } catch (IOException e) {
      throw ProtocolException.of(List.of(Problem.malformed("unreadable body: " + e.getMessage())));
    }
  }

  private void checkSize(int bytes) {
    if (bytes > limits.maxRequestBytes()) {
      throw ProtocolException.of(
          List.of(
              Problem.tooLarge(
                  null,
                  "the request body is "
                      + bytes
                      + " bytes, more than the limit of "
                      + limits.maxRequestBytes(),
                  limits.maxRequestBytes())));
    }
  }

  private static ProtocolException malformed(JacksonException e) {
    JsonLocation at = e.getLocation();
    String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    return ProtocolException.of(
        List.of(
            Problem.malformed(
                "the body is not valid JSON" + where + ": " + e.getOriginalMessage())));
  }

  /** Validates a parsed tree: every problem is collected, then thrown together. */
  public ChatRequest parse(JsonNode root) {
    if (root == null || root.isMissingNode()) {
      throw ProtocolException.of(List.of(Problem.malformed("the request body is empty")));
    }
    if (!root.isObject()) {
      throw ProtocolException.of(
          List.of(
              Problem.malformed(
                  "the body must be a JSON object, not " + kind(root) + " (see protocol 1.0)")));
    }
    List<Problem> problems = new ArrayList<>();
    unknownFields(root, "", TOP_FIELDS, problems);

    JsonNode version = present(root, "protocol_version");
    if (version != null && !(version.isTextual() && version.asText().equals("1.0"))) {
      problems.add(
          Problem.invalid(
              "protocol_version",
              "unsupported protocol version " + version + "; this service speaks \"1.0\"",
              List.of(ChatRequest.PROTOCOL_VERSION)));
    }

    String model = idString(root, "model", problems);
    ModelSpec spec = models.defaultModel();
    if (model != null) {
      ModelSpec found = models.find(model);
      if (found == null) {
        problems.add(
            Problem.invalid(
                "model",
                "unknown model '" + model + "'; known models: " + String.join(", ", models.names()),
                models.names()));
      } else {
        spec = found;
      }
    }
    String provider = idString(root, "provider", problems);
    String sessionId = idString(root, "session_id", problems);

    String system = null;
    JsonNode sysNode = present(root, "system_prompt");
    if (sysNode != null) {
      system = content(sysNode, "system_prompt", spec, problems);
    }

    List<MessageDraft> history = new ArrayList<>();
    JsonNode hist = present(root, "conversation_history");
    if (hist != null) {
      if (!hist.isArray()) {
        problems.add(
            Problem.invalid(
                "conversation_history",
                "must be an array of {role, content} objects, not " + kind(hist)));
      } else if (hist.size() > limits.maxHistoryMessages()) {
        problems.add(
            Problem.tooLarge(
                "conversation_history",
                "has "
                    + hist.size()
                    + " messages, more than the limit of "
                    + limits.maxHistoryMessages(),
                limits.maxHistoryMessages()));
      } else {
        for (int i = 0; i < hist.size(); i++) {
          history.add(message(hist.get(i), "conversation_history[" + i + "]", spec, problems));
        }
      }
    }

    String userInput = null;
    JsonNode in = present(root, "user_input");
    if (in == null) {
      problems.add(
          Problem.invalid("user_input", "is required: the new user message the model answers"));
    } else {
      userInput = content(in, "user_input", spec, problems);
    }

    conversationShape(system != null || sysNode != null, history, problems);

    Parameters params = parameters(present(root, "parameters"), spec, problems);

    if (!problems.isEmpty()) {
      throw ProtocolException.of(problems);
    }
    List<ChatMessage> messages = new ArrayList<>(history.size());
    for (MessageDraft m : history) {
      messages.add(new ChatMessage(m.role, m.content));
    }
    return new ChatRequest(system, messages, userInput, model, provider, sessionId, params);
  }

  /**
   * The semantic rules for a request built in code (batch, tests): the same checks as for JSON,
   * minus the ones the types already guarantee.
   */
  public void validate(ChatRequest r) {
    List<Problem> problems = new ArrayList<>();
    ModelSpec spec = models.defaultModel();
    if (r.model() != null) {
      ModelSpec found = models.find(r.model());
      if (found == null) {
        problems.add(
            Problem.invalid(
                "model",
                "unknown model '"
                    + r.model()
                    + "'; known models: "
                    + String.join(", ", models.names()),
                models.names()));
      } else {
        spec = found;
      }
    }
    if (r.systemPrompt() != null) {
      contentRules(r.systemPrompt(), "system_prompt", spec, problems);
    }
    List<MessageDraft> history = new ArrayList<>();
    for (int i = 0; i < r.conversationHistory().size(); i++) {
      ChatMessage m = r.conversationHistory().get(i);
      String path = "conversation_history[" + i + "]";
      contentRules(m.content(), path + ".content", spec, problems);
      history.add(new MessageDraft(path, m.role(), m.content()));
    }
    contentRules(r.userInput(), "user_input", spec, problems);
    conversationShape(r.systemPrompt() != null, history, problems);
    Parameters p = r.parameters();
    maxTokensRule(BigInteger.valueOf(p.maxTokens()), spec, problems);
    temperatureRule(BigDecimal.valueOf(p.temperature()), problems);
    topPRule(BigDecimal.valueOf(p.topP()), problems);
    if (p.stop().size() > limits.maxStopSequences()) {
      problems.add(stopCount(p.stop().size()));
    }
    if (!problems.isEmpty()) {
      throw ProtocolException.of(problems);
    }
  }

  private record MessageDraft(String path, Role role, String content) {}

  private MessageDraft message(JsonNode node, String path, ModelSpec spec, List<Problem> problems) {
    if (!node.isObject()) {
      problems.add(Problem.invalid(path, "must be an object {role, content}, not " + kind(node)));
      return new MessageDraft(path, null, null);
    }
    unknownFields(node, path + ".", MESSAGE_FIELDS, problems);
    Role role = null;
    JsonNode r = present(node, "role");
    if (r == null) {
      problems.add(Problem.invalid(path + ".role", "is required (system, user or assistant)"));
    } else if (!r.isTextual()) {
      problems.add(Problem.invalid(path + ".role", "must be a string, not " + kind(r)));
    } else {
      role = Role.fromWire(r.asText()).orElse(null);
      if (role == null) {
        problems.add(
            Problem.invalid(
                path + ".role",
                "unknown role '" + r.asText() + "'; must be one of system, user, assistant",
                List.of("system", "user", "assistant")));
      }
    }
    String content = null;
    JsonNode c = present(node, "content");
    if (c == null) {
      problems.add(Problem.invalid(path + ".content", "is required"));
    } else {
      content = content(c, path + ".content", spec, problems);
    }
    return new MessageDraft(path, role, content);
  }

  /** Alternation, system placement, and the closing assistant turn. */
  private static void conversationShape(
      boolean hasSystemPrompt, List<MessageDraft> history, List<Problem> problems) {
    Role previous = null;
    int firstTurn = 0;
    for (int i = 0; i < history.size(); i++) {
      MessageDraft m = history.get(i);
      if (m.role == null) {
        previous = null; // already reported; do not cascade
        continue;
      }
      if (m.role == Role.SYSTEM) {
        if (i != 0) {
          problems.add(
              Problem.invalid(
                  m.path + ".role",
                  "a system message is only allowed at conversation_history[0] (and only when"
                      + " system_prompt is absent); put it in system_prompt"));
        } else if (hasSystemPrompt) {
          problems.add(
              Problem.invalid(
                  m.path + ".role",
                  "system_prompt is already set; a second system message is ambiguous"));
        }
        if (i == 0) {
          firstTurn = 1;
        }
        previous = null;
        continue;
      }
      if (i == firstTurn && m.role != Role.USER) {
        problems.add(
            Problem.invalid(
                m.path + ".role",
                "the conversation must start with a user turn (turns alternate user/assistant)"));
      } else if (previous != null && m.role == previous) {
        problems.add(
            Problem.invalid(
                m.path + ".role",
                "two '"
                    + m.role.wireName()
                    + "' turns in a row; turns must alternate user/assistant"));
      }
      previous = m.role;
    }
    if (!history.isEmpty()) {
      MessageDraft last = history.get(history.size() - 1);
      if (last.role == Role.USER) {
        problems.add(
            Problem.invalid(
                last.path + ".role",
                "the history must end with an assistant turn: user_input is the next user turn"
                    + " (merge this message into user_input)"));
      }
    }
  }

  private String content(JsonNode node, String path, ModelSpec spec, List<Problem> problems) {
    if (!node.isTextual()) {
      problems.add(Problem.invalid(path, "must be a string, not " + kind(node)));
      return null;
    }
    String s = node.textValue();
    contentRules(s, path, spec, problems);
    return s;
  }

  private void contentRules(String s, String path, ModelSpec spec, List<Problem> problems) {
    if (PythonWhitespace.isBlank(s)) {
      problems.add(Problem.invalid(path, "must not be empty or only whitespace"));
      return;
    }
    if (s.length() > limits.maxContentChars()) {
      problems.add(
          Problem.tooLarge(
              path,
              "is "
                  + s.length()
                  + " characters, more than the limit of "
                  + limits.maxContentChars(),
              limits.maxContentChars()));
    }
    for (String marker : spec.reservedMarkers()) {
      if (s.contains(marker)) {
        problems.add(
            Problem.invalid(
                path,
                "contains '"
                    + marker
                    + "', a control tag of model "
                    + spec.name()
                    + " (its chat template's tags and its tokenizer's special tokens);"
                    + " text that would forge turns is not allowed",
                spec.reservedMarkers()));
      }
    }
  }

  private String idString(JsonNode root, String field, List<Problem> problems) {
    JsonNode n = present(root, field);
    if (n == null) {
      return null;
    }
    if (!n.isTextual()) {
      problems.add(Problem.invalid(field, "must be a string, not " + kind(n)));
      return null;
    }
    String s = n.textValue();
    if (s.isBlank()) {
      problems.add(Problem.invalid(field, "must not be empty (omit it instead)"));
      return null;
    }
    if (s.length() > limits.maxIdChars()) {
      problems.add(
          Problem.tooLarge(
              field,
              "is " + s.length() + " characters, more than the limit of " + limits.maxIdChars(),
              limits.maxIdChars()));
      return null;
    }
    return s;
  }

  private Parameters parameters(JsonNode node, ModelSpec spec, List<Problem> problems) {
    Parameters d = Parameters.defaults();
    int maxTokens = Math.min(Parameters.DEFAULT_MAX_TOKENS, spec.contextWindow() / 2);
    double temperature = d.temperature();
    double topP = d.topP();
    List<String> stop = List.of();
    Long seed = null;
    Overflow overflow = Overflow.ERROR;
    boolean returnIds = false;
    if (node == null) {
      return new Parameters(maxTokens, temperature, topP, stop, seed, overflow, returnIds);
    }
    if (!node.isObject()) {
      problems.add(Problem.invalid("parameters", "must be an object, not " + kind(node)));
      return null;
    }
    unknownFields(node, "parameters.", PARAMETER_FIELDS, problems);

    JsonNode n = present(node, "max_tokens");
    if (n != null) {
      if (!n.isIntegralNumber()) {
        problems.add(
            Problem.invalid("parameters.max_tokens", "must be an integer, not " + kind(n)));
      } else if (maxTokensRule(n.bigIntegerValue(), spec, problems)) {
        maxTokens = n.intValue();
      }
    }
    n = present(node, "temperature");
    if (n != null) {
      if (!n.isNumber()) {
        problems.add(Problem.invalid("parameters.temperature", "must be a number, not " + kind(n)));
      } else if (temperatureRule(n.decimalValue(), problems)) {
        temperature = n.doubleValue();
      }
    }
    n = present(node, "top_p");
    if (n != null) {
      if (!n.isNumber()) {
        problems.add(Problem.invalid("parameters.top_p", "must be a number, not " + kind(n)));
      } else if (topPRule(n.decimalValue(), problems)) {
        topP = n.doubleValue();
      }
    }
    n = present(node, "stop");
    if (n != null) {
      stop = stop(n, problems);
    }
    n = present(node, "seed");
    if (n != null) {
      if (!n.isIntegralNumber()) {
        problems.add(Problem.invalid("parameters.seed", "must be an integer, not " + kind(n)));
      } else if (n.bigIntegerValue().compareTo(LONG_MIN) < 0
          || n.bigIntegerValue().compareTo(LONG_MAX) > 0) {
        problems.add(
            Problem.invalid(
                "parameters.seed", "must fit in a signed 64-bit integer", Long.MAX_VALUE));
      } else {
        seed = n.longValue();
      }
    }
    n = present(node, "overflow");
    if (n != null) {
      Overflow o = n.isTextual() ? Overflow.fromWire(n.textValue()).orElse(null) : null;
      if (o == null) {
        problems.add(
            Problem.invalid(
                "parameters.overflow",
                "must be \"error\" or \"truncate_middle\", not " + n,
                List.of("error", "truncate_middle")));
      } else {
        overflow = o;
      }
    }
    n = present(node, "return_token_ids");
    if (n != null) {
      if (!n.isBoolean()) {
        problems.add(
            Problem.invalid(
                "parameters.return_token_ids", "must be true or false, not " + kind(n)));
      } else {
        returnIds = n.booleanValue();
      }
    }
    return new Parameters(maxTokens, temperature, topP, stop, seed, overflow, returnIds);
  }

  private static boolean maxTokensRule(BigInteger v, ModelSpec spec, List<Problem> problems) {
    int most = spec.contextWindow() - 1;
    if (v.signum() <= 0 || v.compareTo(BigInteger.valueOf(most)) > 0) {
      problems.add(
          Problem.invalid(
              "parameters.max_tokens",
              "must be between 1 and "
                  + most
                  + ": "
                  + spec.name()
                  + "'s context window is "
                  + spec.contextWindow()
                  + " tokens and the prompt needs at least one (got "
                  + v
                  + ")",
              most));
      return false;
    }
    return true;
  }

  private static boolean temperatureRule(BigDecimal v, List<Problem> problems) {
    if (v.signum() < 0 || v.compareTo(TWO) > 0) {
      problems.add(
          Problem.invalid(
              "parameters.temperature",
              "must be between 0 and 2 (got " + v.toPlainString() + ")",
              List.of(0, 2)));
      return false;
    }
    return true;
  }

  private static boolean topPRule(BigDecimal v, List<Problem> problems) {
    if (v.signum() <= 0 || v.compareTo(BigDecimal.ONE) > 0) {
      problems.add(
          Problem.invalid(
              "parameters.top_p",
              "must be greater than 0 and at most 1 (got " + v.toPlainString() + ")",
              List.of(0, 1)));
      return false;
    }
    return true;
  }

  private Problem stopCount(int n) {
    return Problem.invalid(
        "parameters.stop",
        "has " + n + " entries, more than the limit of " + limits.maxStopSequences(),
        limits.maxStopSequences());
  }

  private List<String> stop(JsonNode n, List<Problem> problems) {
    List<JsonNode> entries = new ArrayList<>();
    boolean single = n.isTextual();
    if (single) {
      entries.add(n);
    } else if (n.isArray()) {
      n.forEach(entries::add);
      if (entries.size() > limits.maxStopSequences()) {
        problems.add(stopCount(entries.size()));
        return List.of();
      }
    } else {
      problems.add(
          Problem.invalid(
              "parameters.stop", "must be a string or an array of strings, not " + kind(n)));
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      JsonNode e = entries.get(i);
      String path = single ? "parameters.stop" : "parameters.stop[" + i + "]";
      if (!e.isTextual()) {
        problems.add(Problem.invalid(path, "must be a string, not " + kind(e)));
      } else if (e.textValue().isEmpty()) {
        problems.add(Problem.invalid(path, "must not be empty"));
      } else if (e.textValue().length() > limits.maxStopChars()) {
        problems.add(
            Problem.invalid(
                path,
                "is "
                    + e.textValue().length()
                    + " characters, more than the limit of "
                    + limits.maxStopChars(),
                limits.maxStopChars()));
      } else {
        out.add(e.textValue());
      }
    }
    return out;
  }

  private static void unknownFields(
      JsonNode obj, String prefix, Set<String> known, List<Problem> problems) {
    Iterator<Map.Entry<String, JsonNode>> it = obj.fields();
    while (it.hasNext()) {
      String name = it.next().getKey();
      if (!known.contains(name)) {
        String hint = closest(name, known);
        problems.add(
            Problem.invalid(
                prefix + name,
                "unknown field '"
                    + name
                    + "'"
                    + (hint == null ? "" : "; did you mean '" + hint + "'?")
                    + " (unknown fields are rejected so that typos do not pass silently)",
                known.stream().sorted().toList()));
      }
    }
  }

  /** The known name within edit distance 2, if any. */
  static String closest(String name, Set<String> known) {
    String best = null;
    int bestD = 3;
    for (String k : known.stream().sorted().toList()) {
      int d = distance(name.toLowerCase(java.util.Locale.ROOT), k);
      if (d < bestD) {
        bestD = d;
        best = k;
      }
    }
    return best;
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /** The field's value, or null when absent or JSON null (null means "not given"). */
  private static JsonNode present(JsonNode obj, String field) {
    JsonNode n = obj.get(field);
    return n == null || n.isNull() ? null : n;
  }

  private static String kind(JsonNode n) {
    return switch (n.getNodeType()) {
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      case STRING -> "a string";
      case NUMBER -> n.isIntegralNumber() ? "an integer" : "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      default -> n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }
}
