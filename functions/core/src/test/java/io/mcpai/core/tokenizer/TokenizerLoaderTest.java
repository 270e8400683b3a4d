package io.mcpai.core.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcpai.core.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding and loading tokenizer files, and the errors a misconfigured deployment gets. */
class TokenizerLoaderTest {
  @TempDir Path tmp;

  @Test
  void missingDirectoryIsNamed() {
    Path dir = tmp.resolve("nope");
    assertThatThrownBy(() -> TokenizerLoader.fromDirectory(dir))
        .isInstanceOfSatisfying(
            TokenizerLoadException.class,
            e -> {
              assertThat(e.file()).isEqualTo(dir.toString());
              assertThat(e.reason()).contains("not found");
            });
  }

  @Test
  void emptyDirectoryListsWhatWasLookedFor() {
    assertThatThrownBy(() -> TokenizerLoader.fromDirectory(tmp))
        .isInstanceOf(TokenizerLoadException.class)
        .hasMessageContaining(tmp.toString())
        .hasMessageContaining("tokenizer.model")
        .hasMessageContaining("tokenizer.json");
  }

  @Test
  void missingFileIsNamed() {
    Path file = tmp.resolve("tokenizer.model");
    assertThatThrownBy(() -> TokenizerLoader.fromFile(file))
        .isInstanceOf(TokenizerLoadException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("not found");
  }

  @Test
  void garbageIsNotASentencePieceModel() throws Exception {
    Path file = Files.write(tmp.resolve("tokenizer.model"), new byte[] {(byte) 0xFF, 1, 2, 3});
    assertThatThrownBy(() -> TokenizerLoader.fromFile(file))
        .isInstanceOfSatisfying(
            TokenizerLoadException.class,
            e -> {
              assertThat(e.file()).isEqualTo(file.toString());
              assertThat(e.reason()).startsWith("not a SentencePiece model");
            });
  }

  @Test
  void textFileIsNotASentencePieceModel() throws Exception {
    Path file = Files.writeString(tmp.resolve("tokenizer.model"), "hello, I am text\n");
    assertThatThrownBy(() -> TokenizerLoader.fromFile(file))
        .isInstanceOf(TokenizerLoadException.class)
        .hasMessageContaining("not a SentencePiece model");
  }

  @Test
  void unigramModelsAreRejectedByName() throws Exception {
    byte[] bytes = tinyModel(SentencePieceModel.ModelType.UNIGRAM).toBytes();
    Path file = Files.write(tmp.resolve("tokenizer.model"), bytes);
    assertThatThrownBy(() -> TokenizerLoader.fromFile(file))
        .isInstanceOf(TokenizerLoadException.class)
        .hasMessageContaining("UNIGRAM")
        .hasMessageContaining("Unigram is not implemented");
  }

  @Test
  void precompiledCharsmapNormalizersAreRejectedByName() throws Exception {
    byte[] model = tinyModel(SentencePieceModel.ModelType.BPE).toBytes();
    var normalizer =
        new ProtoWire.Writer().stringField(1, "nmt_nfkc").bytesField(2, new byte[] {1, 2, 3, 4});
    byte[] extra = new ProtoWire.Writer().messageField(3, normalizer).toByteArray();
    byte[] bytes = new byte[model.length + extra.length];
    System.arraycopy(model, 0, bytes, 0, model.length);
    System.arraycopy(extra, 0, bytes, model.length, extra.length);
    Path file = Files.write(tmp.resolve("tokenizer.model"), bytes);
    assertThatThrownBy(() -> TokenizerLoader.fromFile(file))
        .isInstanceOf(TokenizerLoadException.class)
        .hasMessageContaining("unsupported normalizer 'nmt_nfkc'");
  }

  @Test
  void aModelWrittenByUsLoadsBackEqual() throws Exception {
    SentencePieceModel model = tinyModel(SentencePieceModel.ModelType.BPE);
    assertThat(SentencePieceModel.parse(model.toBytes(), "mem")).isEqualTo(model);
    Path file = Files.write(tmp.resolve("tokenizer.model"), model.toBytes());
    Tokenizer t = TokenizerLoader.fromDirectory(tmp);
    assertThat(t.encode("ab")).containsExactly(3);
    assertThat(t.source()).isEqualTo(file.toString());
  }

  @Test
  void prefersTokenizerModelInARealModelDirectory() {
    Path dir = SharedData.llama2TokenizerModel().getParent();
    Tokenizer t = TokenizerLoader.fromDirectory(dir);
    assertThat(t.source()).endsWith("tokenizer.model");
    assertThat(t.encode("Hello world")).containsExactly(15043, 3186);
  }

  @Test
  void environmentNamesTheDirectoryAndThePropertyWins() {
    Path dir = SharedData.llama2TokenizerModel().getParent();
    assertThat(
            TokenizerLoader.fromEnvironment(Map.of("MCP_MODEL_DIR", dir.toString()), null)
                .vocabSize())
        .isEqualTo(32000);
    assertThatThrownBy(
            () ->
                TokenizerLoader.fromEnvironment(
                    Map.of("MCP_MODEL_DIR", dir.toString()), tmp.toString()))
        .isInstanceOf(TokenizerLoadException.class)
        .hasMessageContaining(tmp.toString());
  }

  /** "▁ab" is formed from "▁a" + "b"; the dummy prefix is on. */
  static SentencePieceModel tinyModel(SentencePieceModel.ModelType type) {
    var pieces =
        List.of(
            new SentencePieceModel.Piece("<unk>", 0, SentencePieceModel.Type.UNKNOWN),
            new SentencePieceModel.Piece("<s>", 0, SentencePieceModel.Type.CONTROL),
            new SentencePieceModel.Piece("</s>", 0, SentencePieceModel.Type.CONTROL),
            new SentencePieceModel.Piece("▁ab", -1, SentencePieceModel.Type.NORMAL),
            new SentencePieceModel.Piece("▁a", -2, SentencePieceModel.Type.NORMAL),
            new SentencePieceModel.Piece("▁", -3, SentencePieceModel.Type.NORMAL),
            new SentencePieceModel.Piece("a", -4, SentencePieceModel.Type.NORMAL),
            new SentencePieceModel.Piece("b", -5, SentencePieceModel.Type.NORMAL));
    return new SentencePieceModel(
        "tiny",
        pieces,
        type,
        false,
        0,
        1,
        2,
        -1,
        SentencePieceModel.DEFAULT_UNK_SURFACE,
        false,
        new SentencePieceModel.Normalizer("identity", 0, true, false, true));
  }
}
