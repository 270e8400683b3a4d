package io.mcpai.core.session;

import io.mcpai.core.context.ContextFormatter;
import io.mcpai.core.context.FormattedContext;
import io.mcpai.core.context.ModelProfile;
import io.mcpai.core.protocol.ChatRequest;
import io.mcpai.core.protocol.Problem;
import io.mcpai.core.protocol.ProtocolException;
import io.mcpai.core.template.SegmentEncoder;
import io.mcpai.core.template.SegmentEncoder.EncodedSegment;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * A request that continues a stored conversation: load the session, format and fit the request with
 * the session's history exactly as if the client had sent that history, and once answered, append
 * the turn. The token ids stored with earlier turns are offered to the model's segment encoder, so
 * a turn tokenizes only what is new (the previous answer's pair and the new input), on whichever
 * instance it lands.
 *
 * <p>Concurrency: the append is a compare-and-set on the version the request was formatted at. If
 * another turn of the same session was appended meanwhile, this turn is appended after it (its
 * answer did not see that turn, as with two messages sent at once in a chat): no turn is lost.
 */
public final class SessionFormatter {
  private static final int MAX_APPEND_TRIES = 16;

  private final ContextFormatter formatter;
  private final ConversationStore store;
  private final LongSupplier clock;
  private final LongAdder conflicts = new LongAdder();

  public SessionFormatter(ContextFormatter formatter, ConversationStore store, LongSupplier clock) {
    this.formatter = formatter;
    this.store = store;
    this.clock = clock;
  }

  public SessionFormatter(ContextFormatter formatter, ConversationStore store) {
    this(formatter, store, System::currentTimeMillis);
  }

  public ConversationStore store() {
    return store;
  }

  /** Appends that found their session moved on (another turn landed first) and went after it. */
  public long conflicts() {
    return conflicts.sum();
  }

  /**
   * A formatted session request, waiting for its answer.
   *
   * @param version the session's version it was formatted at
   * @param request the client's request (its own input and system prompt, no history)
   * @param context the request formatted with the session's history
   * @param fresh segments this request encoded that the session does not hold yet
   */
  public record Prepared(
      SessionKey key,
      long version,
      ChatRequest request,
      FormattedContext context,
      ModelProfile profile,
      List<EncodedSegment> fresh) {}

  /**
   * Loads the session of {@code request} (which carries a {@code session_id}) in {@code scope} and
   * formats the request with its history.
   *
   * @throws ProtocolException 422 when the request carries its own history
   */
  public CompletableFuture<Prepared> prepare(String scope, ChatRequest request) {
    if (!request.conversationHistory().isEmpty()) {
      throw new ProtocolException(
          422,
          ProtocolException.INVALID,
          List.of(
              Problem.invalid(
                  "conversation_history",
                  "a request with a session_id takes its history from the session: send only the"
                      + " new user_input (and optionally system_prompt)")));
    }
    SessionKey key = new SessionKey(scope, request.sessionId());
    return store.load(key).thenApply(s -> format(s, request));
  }

  /** The request formatted with {@code session}'s history: same rules, same counts as stateless. */
  public Prepared format(Session session, ChatRequest request) {
    ChatRequest merged =
        new ChatRequest(
            request.systemPrompt() != null ? request.systemPrompt() : session.system(),
            session.history(),
            request.userInput(),
            request.model(),
            request.provider(),
            request.sessionId(),
            request.parameters());
    ModelProfile profile = formatter.catalog().profile(request.model());
    List<EncodedSegment> known = session.segments(profile.tokenizer().source());
    FormattedContext fc;
    List<EncodedSegment> fresh;
    try (SegmentEncoder.Scope scope = profile.encoder().open(known)) {
      // Validated again: the stored turns pass the same checks as a client's history would.
      fc = formatter.format(merged);
      fresh = scope.fresh();
    }
    return new Prepared(session.key(), session.version(), request, fc, profile, fresh);
  }

  /**
   * Appends the answered turn; completes with the session's new version. The answer is stored with
   * the template's control tags removed: history containing them would be refused next turn.
   */
  public CompletableFuture<Long> commit(Prepared p, String answer) {
    String clean = answer;
    for (String tag : p.profile().spec().reservedMarkers()) {
      clean = clean.replace(tag, "");
    }
    Turn turn =
        new Turn(
            p.request().userInput(),
            clean,
            p.profile().tokenizer().source(),
            p.fresh(),
            clock.getAsLong());
    return append(p.key(), p.version(), p.request().systemPrompt(), turn, 1);
  }

  private CompletableFuture<Long> append(
      SessionKey key, long version, String system, Turn turn, int attempt) {
    return store
        .append(key, version, system, turn)
        .thenCompose(
            a -> {
              if (a.applied()) {
                return CompletableFuture.completedFuture(a.version());
              }
              if (attempt >= MAX_APPEND_TRIES) {
                throw new StoreUnavailableException(
                    "session " + key.id() + " changed " + attempt + " times during one append",
                    1,
                    null);
              }
              // Someone else's turn landed first: ours goes after it.
              conflicts.increment();
              return append(key, a.version(), system, turn, attempt + 1);
            });
  }
}
