package io.mcpai.core.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.mcpai.core.protocol.ProtocolException;
import io.mcpai.core.protocol.ProtocolJson;
import io.mcpai.core.template.MetaReference;
import io.mcpai.core.template.OracleTokenizer;
import io.mcpai.core.template.TestTokenizers;
import io.mcpai.core.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pipeline end to end, from a JSON body to the serialized formatted context. */
class ContextFormatterTest {
  private static final Tokenizer EMBEDDED = TestTokenizers.embedded();
  private final ContextFormatter embedded =
      new ContextFormatter(ModelCatalog.standard(EMBEDDED, EMBEDDED));

  private static String json(String s) {
    return s.replace('\'', '"');
  }

  private static JsonNode tree(FormattedContext c) throws Exception {
    return ProtocolJson.mapper().readTree(c.toJson());
  }

  @Test
  void formatsToTheDocumentedSnakeCaseShape() throws Exception {
    FormattedContext c =
        embedded.format(
            json(
                "{'system_prompt':'Be brief.','conversation_history':[{'role':'user','content':'Hi'},"
                    + "{'role':'assistant','content':'Hello!'}],'user_input':'Bye','session_id':'s1',"
                    + "'provider':'aws','parameters':{'max_tokens':100,'temperature':0.2,'seed':7}}"));
    JsonNode j = tree(c);
    assertThat(j.fieldNames())
        .toIterable()
        .containsExactly("messages", "metadata", "prompt", "prompt_tokens", "budget", "dropped");
    assertThat(j.get("messages").toString())
        .isEqualTo(
            "[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Hi\"},"
                + "{\"role\":\"assistant\",\"content\":\"Hello!\"},{\"role\":\"user\",\"content\":\"Bye\"}]");
    JsonNode m = j.get("metadata");
    assertThat(m.get("max_tokens").asInt()).isEqualTo(100);
    assertThat(m.get("temperature").asDouble()).isEqualTo(0.2);
    assertThat(m.get("top_p").asDouble()).isEqualTo(0.9);
    assertThat(m.get("seed").asLong()).isEqualTo(7);
    assertThat(m.get("protocol_version").asText()).isEqualTo("1.0");
    assertThat(m.get("model").asText()).isEqualTo("llama-2-7b-chat");
    assertThat(m.get("template").asText()).isEqualTo("llama-2-chat");
    assertThat(m.get("tokenizer").asText()).isEqualTo(EMBEDDED.source());
    assertThat(m.get("session_id").asText()).isEqualTo("s1");
    assertThat(j.get("prompt").asText())
        .isEqualTo(
            "<s>[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi [/INST] Hello! </s><s>[INST] Bye [/INST]");
    JsonNode b = j.get("budget");
    assertThat(b.get("window").asInt()).isEqualTo(4096);
    assertThat(b.get("reserved_for_output").asInt()).isEqualTo(100);
    assertThat(b.get("available_for_prompt").asInt()).isEqualTo(3996);
    assertThat(b.get("used").asInt()).isEqualTo(j.get("prompt_tokens").asInt()).isPositive();
    assertThat(j.get("dropped")).isEmpty();
  }

  @Test
  void anyObjectMapperWritesTheSameJson() throws Exception {
    // The app may serialize with Spring's mapper: the records carry their own naming rules.
    FormattedContext c =
        embedded.format(
            json(
                "{'system_prompt':'S','user_input':'x y','parameters':{'return_token_ids':true}}"));
    var plain = new com.fasterxml.jackson.databind.ObjectMapper();
    assertThat(plain.writeValueAsString(c)).isEqualTo(c.toJson());
    ProtocolException e =
        catchThrowableOfType(
            () -> embedded.format(json("{'user_input':'','parameters':{'top_p':2}}")),
            ProtocolException.class);
    assertThat(plain.writeValueAsString(e.body())).isEqualTo(e.toJson());
  }

  @Test
  void tokenIdsOnlyWhenAskedAndThenExactlyMetasAlgorithm() throws Exception {
    String body =
        "{'system_prompt':'Sys','conversation_history':[{'role':'user','content':'a b'},"
            + "{'role':'assistant','content':'c'}],'user_input':'d e f'%s}";
    assertThat(tree(embedded.format(json(body.formatted("")))).has("token_ids")).isFalse();
    FormattedContext c =
        embedded.format(json(body.formatted(",'parameters':{'return_token_ids':true}")));
    List<Integer> meta =
        MetaReference.chatCompletionTokens(
            List.of(
                new MetaReference.Msg("system", "Sys"),
                new MetaReference.Msg("user", "a b"),
                new MetaReference.Msg("assistant", "c"),
                new MetaReference.Msg("user", "d e f")),
            EMBEDDED::encode);
    assertThat(c.tokenIds()).containsExactly(meta.stream().mapToInt(Integer::intValue).toArray());
    assertThat(c.promptTokens()).isEqualTo(meta.size());
    assertThat(tree(c).get("token_ids")).hasSize(meta.size());
  }

  @Test
  void systemInHistoryActsAsTheSystemPrompt() {
    FormattedContext c =
        embedded.format(
            json(
                "{'conversation_history':[{'role':'system','content':'Sys'},{'role':'user','content':'a'},"
                    + "{'role':'assistant','content':'b'}],'user_input':'c'}"));
    assertThat(c.prompt()).startsWith("<s>[INST] <<SYS>>\nSys\n<</SYS>>\n\na [/INST] b </s>");
    assertThat(c.messages().get(0).content()).isEqualTo("Sys");
  }

  @Test
  void chatMlProfileUsesItsTemplate() {
    FormattedContext c = embedded.format(json("{'model':'chatml-tiny','user_input':'Hi'}"));
    assertThat(c.prompt()).isEqualTo("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
    assertThat(c.metadata().template()).isEqualTo("chatml");
    assertThat(c.budget().window()).isEqualTo(2048);
  }

  private static String history(int pairs) {
    List<String> turns = new ArrayList<>();
    for (int i = 0; i < pairs; i++) {
      turns.add("{'role':'user','content':'question number " + i + " about the weather today'}");
      turns.add("{'role':'assistant','content':'answer number " + i + ": sunny and warm'}");
    }
    return "[" + String.join(",", turns) + "]";
  }

  @Test
  void dropsOldestPairsAndReportsThem() throws Exception {
    // max_tokens leaves 4096 - 3900 = 196 prompt tokens: not enough for 20 pairs.
    FormattedContext c =
        embedded.format(
            json(
                "{'system_prompt':'Be brief.','conversation_history':"
                    + history(20)
                    + ",'user_input':'and tomorrow?','parameters':{'max_tokens':3900}}"));
    assertThat(c.budget().used()).isLessThanOrEqualTo(196);
    assertThat(c.dropped()).isNotEmpty();
    assertThat(c.dropped().get(0).index()).isZero();
    for (int i = 0; i < c.dropped().size(); i++) {
      assertThat(c.dropped().get(i).index()).isEqualTo(2 * i);
    }
    int kept = 20 - c.dropped().size();
    assertThat(c.messages()).hasSize(1 + 2 * kept + 1);
    assertThat(c.messages().get(1).content())
        .isEqualTo("question number " + c.dropped().size() + " about the weather today");
    assertThat(c.prompt()).startsWith("<s>[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nquestion number");
    JsonNode d = tree(c).get("dropped").get(0);
    assertThat(d.get("roles").toString()).isEqualTo("[\"user\",\"assistant\"]");
    assertThat(d.get("reason").asText()).isEqualTo("context_window");
    assertThat(d.get("tokens").asInt()).isPositive();
  }

  @Test
  void inputThatCannotFitIs413WithTheNumbers() throws Exception {
    String big = "word ".repeat(3000);
    ProtocolException e =
        catchThrowableOfType(
            () ->
                embedded.format(
                    json(
                        "{'conversation_history':"
                            + history(2)
                            + ",'user_input':'"
                            + big
                            + "','parameters':{'max_tokens':1000}}")),
            ProtocolException.class);
    assertThat(e.status()).isEqualTo(413);
    assertThat(e.type()).isEqualTo("context_length_exceeded");
    assertThat(e.problems().get(0).param()).isEqualTo("user_input");
    assertThat(e.problems().get(0).limit()).isEqualTo(3096);
    assertThat(e.getMessage())
        .contains("context window is 4096 tokens with 1000 reserved")
        .contains("leaving 3096")
        .contains("all 2 history pairs already left out")
        .contains("truncate_middle");
    JsonNode err = ProtocolJson.mapper().readTree(e.toJson()).get("error");
    assertThat(err.get("type").asText()).isEqualTo("context_length_exceeded");
    assertThat(err.get("param").asText()).isEqualTo("user_input");
  }

  @Test
  void truncateMiddleCutsTheInputAndSaysSo() throws Exception {
    String big = "start " + "word ".repeat(3000) + "finish";
    FormattedContext c =
        embedded.format(
            json(
                "{'system_prompt':'Sys','user_input':'"
                    + big
                    + "','parameters':{'max_tokens':1000,'overflow':'truncate_middle'}}"));
    assertThat(c.budget().used()).isLessThanOrEqualTo(3096);
    String input = c.messages().get(c.messages().size() - 1).content();
    assertThat(input).startsWith("start word").endsWith("word finish");
    assertThat(input).contains(c.truncated().marker());
    assertThat(c.prompt()).contains(c.truncated().marker());
    JsonNode t = tree(c).get("truncated");
    assertThat(t.get("param").asText()).isEqualTo("user_input");
    assertThat(t.get("removed_tokens").asInt()).isPositive();
    assertThat(t.get("original_tokens").asInt()).isEqualTo(EMBEDDED.encode(big).length);
    assertThat(t.get("marker").asText())
        .contains("truncated " + t.get("removed_tokens").asInt() + " tokens");
  }

  @Test
  void systemPromptTooBigForTheWindowIs413EvenWhenTruncating() {
    String sys = "rule ".repeat(4000);
    ProtocolException e =
        catchThrowableOfType(
            () ->
                embedded.format(
                    json(
                        "{'system_prompt':'"
                            + sys
                            + "','user_input':'hello there friend','parameters':{'overflow':'truncate_middle'}}")),
            ProtocolException.class);
    assertThat(e.status()).isEqualTo(413);
    assertThat(e.problems().get(0).param()).isEqualTo("system_prompt");
  }

  @Test
  void realLlama2TokenizerGivesMetasExactIds() {
    Tokenizer llama = TestTokenizers.llama2();
    OracleTokenizer google = OracleTokenizer.llama2();
    ContextFormatter f = new ContextFormatter(ModelCatalog.standard(llama, EMBEDDED));
    FormattedContext c =
        f.format(
            json(
                "{'system_prompt':'You are a helpful, respectful assistant. 🦙','conversation_history':"
                    + history(5)
                    + ",'user_input':'Résumé: naïve café — 日本語?','parameters':{'return_token_ids':true}}"));
    List<MetaReference.Msg> msgs = new ArrayList<>();
    msgs.add(new MetaReference.Msg("system", "You are a helpful, respectful assistant. 🦙"));
    for (int i = 0; i < 5; i++) {
      msgs.add(new MetaReference.Msg("user", "question number " + i + " about the weather today"));
      msgs.add(new MetaReference.Msg("assistant", "answer number " + i + ": sunny and warm"));
    }
    msgs.add(new MetaReference.Msg("user", "Résumé: naïve café — 日本語?"));
    List<Integer> meta = MetaReference.chatCompletionTokens(msgs, google::encode);
    assertThat(c.tokenIds()).containsExactly(meta.stream().mapToInt(Integer::intValue).toArray());
    assertThat(c.metadata().tokenizer()).isEqualTo(llama.source());
  }
}
