package io.mcpai.core.context;

import io.mcpai.core.protocol.ChatMessage;
import io.mcpai.core.protocol.ChatRequest;
import io.mcpai.core.protocol.Parameters;
import io.mcpai.core.protocol.ProtocolException;
import io.mcpai.core.protocol.ProtocolLimits;
import io.mcpai.core.protocol.RequestParser;
import io.mcpai.core.template.Dialog;
import java.util.ArrayList;
import java.util.List;

/**
 * The formatting pipeline: parse, validate, apply the model's chat template, fit the window.
 * Thread-safe; one instance serves every request (the segment caches live in the catalog's
 * profiles).
 */
public final class ContextFormatter {
  private final ModelCatalog catalog;
  private final RequestParser parser;

  public ContextFormatter(ModelCatalog catalog, ProtocolLimits limits) {
    this.catalog = catalog;
    this.parser = new RequestParser(catalog, limits);
  }

  public ContextFormatter(ModelCatalog catalog) {
    this(catalog, ProtocolLimits.defaults());
  }

  public ModelCatalog catalog() {
    return catalog;
  }

  public RequestParser parser() {
    return parser;
  }

  /**
   * Formats a raw protocol "1.0" body.
   *
   * @throws ProtocolException 400 malformed, 422 invalid, 413 too large or cannot fit
   */
  public FormattedContext format(String json) {
    return fit(parser.parse(json));
  }

  /** As {@link #format(String)}, from UTF-8 bytes. */
  public FormattedContext format(byte[] json) {
    return fit(parser.parse(json));
  }

  /** Formats a request built in code; it is validated with the same rules as JSON. */
  public FormattedContext format(ChatRequest request) {
    parser.validate(request);
    return fit(request);
  }

  /**
   * Formats a request {@link RequestParser#parse} returned, without validating it a second time
   * (the gateway parses first to see whether the request belongs to a session).
   */
  public FormattedContext formatParsed(ChatRequest parsed) {
    return fit(parsed);
  }

  private FormattedContext fit(ChatRequest r) {
    ModelProfile profile = catalog.profile(r.model());
    Parameters p = r.parameters();
    Dialog dialog = Dialog.of(r);
    Fit fit =
        ContextWindow.fit(
            profile.template(),
            dialog,
            profile.encoder(),
            profile.contextWindow(),
            p.maxTokens(),
            p.overflow());

    Dialog kept = fit.dialog();
    List<ChatMessage> messages = new ArrayList<>(2 * (kept.pairs().size() - fit.firstKept()) + 2);
    if (kept.system() != null) {
      messages.add(ChatMessage.system(kept.system()));
    }
    for (int i = fit.firstKept(); i < kept.pairs().size(); i++) {
      Dialog.Pair pair = kept.pairs().get(i);
      messages.add(ChatMessage.user(pair.user()));
      messages.add(ChatMessage.assistant(pair.assistant()));
    }
    messages.add(ChatMessage.user(kept.userInput()));

    FormattedContext.Metadata meta =
        new FormattedContext.Metadata(
            p.maxTokens(),
            p.temperature(),
            p.topP(),
            p.stop(),
            p.seed(),
            ChatRequest.PROTOCOL_VERSION,
            profile.name(),
            profile.template().name(),
            profile.tokenizer().source(),
            r.provider(),
            r.sessionId());
    return new FormattedContext(
        messages,
        meta,
        fit.rendering().prompt(),
        p.returnTokenIds() ? fit.rendering().ids() : null,
        fit.rendering().tokenCount(),
        fit.budget(),
        fit.dropped(),
        fit.truncation());
  }
}
