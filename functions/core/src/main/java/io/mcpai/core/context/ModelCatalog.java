package io.mcpai.core.context;

import io.mcpai.core.protocol.ModelSpec;
import io.mcpai.core.template.ChatMlTemplate;
import io.mcpai.core.template.ChatTemplate;
import io.mcpai.core.template.Llama2ChatTemplate;
import io.mcpai.core.template.SegmentEncoder;
import io.mcpai.core.tokenizer.Tokenizer;
import io.mcpai.core.tokenizer.TokenizerLoader;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The models requests may name, with the one used when they name none. */
public final class ModelCatalog implements ModelSpec.Directory {
  public static final String LLAMA_2_7B_CHAT = "llama-2-7b-chat";
  public static final String CHATML = "chatml-tiny";

  private final Map<String, ModelProfile> profiles = new LinkedHashMap<>();
  // Validation asks for a spec on every request; built once, as it scans the tokenizer's
  // vocabulary.
  private final Map<String, ModelSpec> specs = new LinkedHashMap<>();
  private final ModelProfile defaultProfile;

  public ModelCatalog(List<ModelProfile> profiles, String defaultModel) {
    for (ModelProfile p : profiles) {
      if (this.profiles.put(p.name(), p) != null) {
        throw new IllegalArgumentException("duplicate model name " + p.name());
      }
      specs.put(p.name(), p.spec());
    }
    this.defaultProfile = this.profiles.get(defaultModel);
    if (defaultProfile == null) {
      throw new IllegalArgumentException(
          "default model " + defaultModel + " is not in the catalog");
    }
  }

  /**
   * The standard catalog: {@code llama-2-7b-chat} (window 4096, LLaMA 2 chat template) counted with
   * {@code llamaTokenizer}, and, when {@code chatMlTokenizer} has the ChatML control pieces, {@code
   * chatml-tiny} (window 2048, ChatML). Profiles sharing a tokenizer share one segment cache.
   */
  public static ModelCatalog standard(Tokenizer llamaTokenizer, Tokenizer chatMlTokenizer) {
    Builder b = builder();
    b.add(LLAMA_2_7B_CHAT, 4096, new Llama2ChatTemplate(), llamaTokenizer);
    ChatMlTemplate chatMl = new ChatMlTemplate();
    if (chatMlTokenizer != null && supports(chatMl, chatMlTokenizer)) {
      b.add(CHATML, 2048, chatMl, chatMlTokenizer);
    }
    return b.build(LLAMA_2_7B_CHAT);
  }

  /**
   * The catalog a deployment starts with: {@code llama-2-7b-chat} counted with {@link
   * TokenizerLoader#fromEnvironment()} (the real LLaMA 2 tokenizer when {@code MCP_MODEL_DIR}
   * points at it, else the embedded {@value TokenizerLoader#EMBEDDED_NAME}, named as such in every
   * response's {@code metadata.tokenizer}), and {@code chatml-tiny} on the embedded tokenizer,
   * which has the ChatML control pieces.
   */
  public static ModelCatalog defaults() {
    return standard(TokenizerLoader.fromEnvironment(), TokenizerLoader.embedded());
  }

  private static boolean supports(ChatTemplate template, Tokenizer tokenizer) {
    try {
      template.requireSupport(tokenizer);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Collects profiles, giving each distinct tokenizer instance one shared segment cache. */
  public static final class Builder {
    private final List<ModelProfile> profiles = new ArrayList<>();
    private final Map<Tokenizer, SegmentEncoder> encoders = new IdentityHashMap<>();
    private long cacheBytes = SegmentEncoder.DEFAULT_MAX_BYTES;

    public Builder cacheBytes(long bytes) {
      this.cacheBytes = bytes;
      return this;
    }

    public Builder add(String name, int window, ChatTemplate template, Tokenizer tokenizer) {
      SegmentEncoder enc =
          encoders.computeIfAbsent(tokenizer, t -> new SegmentEncoder(t, cacheBytes));
      profiles.add(new ModelProfile(name, window, template, enc));
      return this;
    }

    public Builder add(ModelProfile profile) {
      profiles.add(profile);
      return this;
    }

    public ModelCatalog build(String defaultModel) {
      return new ModelCatalog(profiles, defaultModel);
    }
  }

  /** The profile called {@code name}, or null. */
  public ModelProfile profile(String name) {
    return name == null ? defaultProfile : profiles.get(name);
  }

  public ModelProfile defaultProfile() {
    return defaultProfile;
  }

  public List<ModelProfile> profiles() {
    return List.copyOf(profiles.values());
  }

  @Override
  public ModelSpec defaultModel() {
    return specs.get(defaultProfile.name());
  }

  @Override
  public ModelSpec find(String name) {
    return specs.get(name);
  }

  @Override
  public List<String> names() {
    return List.copyOf(profiles.keySet());
  }
}
