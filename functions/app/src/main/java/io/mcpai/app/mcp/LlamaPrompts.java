package io.mcpai.app.mcp;

import io.mcpai.core.context.ContextFormatter;
import io.mcpai.core.context.FormattedContext;
import io.mcpai.core.protocol.ChatRequest;
import io.mcpai.core.protocol.Problem;
import io.mcpai.core.protocol.ProtocolException;
import io.modelcontextprotocol.server.McpStatelessServerFeatures.AsyncPromptSpecification;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.GetPromptResult;
import io.modelcontextprotocol.spec.McpSchema.Prompt;
import io.modelcontextprotocol.spec.McpSchema.PromptArgument;
import io.modelcontextprotocol.spec.McpSchema.PromptMessage;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * LLaMA-2-chat system prompt templates. Each fills its system prompt from the arguments and renders
 * it with the user's text through the gateway's own formatter, so the message is the exact prompt
 * LLaMA 2 is sent ({@code <s>[INST] <<SYS>> ... <</SYS>> ... [/INST]}); its {@code _meta} carries
 * {@code system_prompt} and {@code user_input} for a {@code generate} call, and the prompt's token
 * count.
 */
final class LlamaPrompts {
  /** Meta's default LLaMA 2 chat system prompt, from its reference code. */
  static final String META_DEFAULT_SYSTEM_PROMPT =
      "You are a helpful, respectful and honest assistant. Always answer as helpfully as possible,"
          + " while being safe. Your answers should not include any harmful, unethical, racist,"
          + " sexist, toxic, dangerous, or illegal content. Please ensure that your responses are"
          + " socially unbiased and positive in nature.\n\n"
          + "If a question does not make any sense, or is not factually coherent, explain why"
          + " instead of answering something not correct. If you don't know the answer to a"
          + " question, please don't share false information.";

  private final ContextFormatter formatter;

  LlamaPrompts(ContextFormatter formatter) {
    this.formatter = formatter;
  }

  /** One template: its arguments, the argument holding the user's text, and how it fills in. */
  private record Template(
      String name,
      String title,
      String description,
      List<PromptArgument> arguments,
      String userArgument,
      Function<Map<String, String>, String> systemPrompt) {}

  List<AsyncPromptSpecification> all() {
    PromptArgument model =
        new PromptArgument(
            "model", "Model", "Whose chat template renders it; default llama-2-7b-chat.", false);
    return List.of(
            new Template(
                "llama2_chat",
                "LLaMA 2 chat",
                "A LLaMA 2 chat turn under a system prompt (Meta's default unless given).",
                List.of(
                    new PromptArgument("user_input", "User input", "What the user asks.", true),
                    new PromptArgument(
                        "system_prompt",
                        "System prompt",
                        "Instructions for the model; Meta's default when absent.",
                        false),
                    model),
                "user_input",
                a -> a.getOrDefault("system_prompt", META_DEFAULT_SYSTEM_PROMPT)),
            new Template(
                "summarize",
                "Summarize",
                "Summarize a text in at most a given number of words.",
                List.of(
                    new PromptArgument("text", "Text", "The text to summarize.", true),
                    new PromptArgument(
                        "max_words", "Maximum words", "Upper bound; default 100.", false),
                    model),
                "text",
                a ->
                    "You are a precise summarizer. Summarize the user's text in at most "
                        + positive(a, "max_words", 100)
                        + " words. Keep facts, names and numbers exact; add nothing that is not"
                        + " in the text. Answer with the summary only."),
            new Template(
                "translate",
                "Translate",
                "Translate a text into a target language, keeping its meaning and tone.",
                List.of(
                    new PromptArgument("text", "Text", "The text to translate.", true),
                    new PromptArgument(
                        "target_language", "Target language", "e.g. French, German.", true),
                    model),
                "text",
                a ->
                    "You are a professional translator. Translate the user's text into "
                        + a.get("target_language")
                        + ". Keep its meaning, tone and formatting; translate nothing else and"
                        + " answer with the translation only."))
        .stream()
        .map(this::spec)
        .toList();
  }

  private AsyncPromptSpecification spec(Template t) {
    Prompt prompt = new Prompt(t.name(), t.title(), t.description(), t.arguments());
    return new AsyncPromptSpecification(
        prompt, (ctx, request) -> Mono.fromCallable(() -> render(t, request)));
  }

  private GetPromptResult render(Template t, McpSchema.GetPromptRequest request) {
    Map<String, String> args = new LinkedHashMap<>();
    if (request.arguments() != null) {
      request.arguments().forEach((k, v) -> args.put(k, v == null ? null : v.toString()));
    }
    for (PromptArgument a : t.arguments()) {
      if (Boolean.TRUE.equals(a.required())
          && (args.get(a.name()) == null || args.get(a.name()).isBlank())) {
        throw invalid(t.name(), a.name(), "is required");
      }
    }
    String system = t.systemPrompt().apply(args);
    String user = args.get(t.userArgument());
    FormattedContext fc;
    try {
      fc =
          formatter.format(
              new ChatRequest(system, List.of(), user, args.get("model"), null, null, null));
    } catch (ProtocolException e) {
      Problem p = e.problems().get(0);
      String param =
          "user_input".equals(p.param())
              ? t.userArgument()
              : "system_prompt".equals(p.param()) && !t.name().equals("llama2_chat")
                  ? "(the arguments filling the system prompt)"
                  : p.param();
      throw invalid(t.name(), param, p.message());
    }
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("system_prompt", system);
    meta.put("user_input", user);
    meta.put("model", fc.metadata().model());
    meta.put("template", fc.metadata().template());
    meta.put("prompt_tokens", fc.promptTokens());
    return new GetPromptResult(
        t.description(),
        List.of(new PromptMessage(McpSchema.Role.USER, new TextContent(fc.prompt()))),
        meta);
  }

  private static int positive(Map<String, String> args, String name, int fallback) {
    String v = args.get(name);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw invalid("summarize", name, "must be a positive whole number, got '" + v + "'");
  }

  /** Prompt arguments are checked by the server: the spec answers a bad one with -32602. */
  private static McpError invalid(String prompt, String argument, String message) {
    return McpError.builder(McpSchema.ErrorCodes.INVALID_PARAMS)
        .message("prompt " + prompt + ": argument " + argument + ": " + message)
        .data(Map.of("argument", argument))
        .build();
  }
}
