package io.mcpai.core.tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of a SentencePiece {@code ModelProto} ({@code tokenizer.model}) that BPE encoding and
 * decoding depend on. Field numbers are those of sentencepiece_model.proto; unknown fields are
 * skipped, as protobuf readers do, so newer model files still load.
 *
 * @param name {@code trainer_spec.model_prefix}: the name the model was trained under
 * @param pieces the vocabulary; a piece's index is its id
 */
public record SentencePieceModel(
    String name,
    List<Piece> pieces,
    ModelType modelType,
    boolean byteFallback,
    int unkId,
    int bosId,
    int eosId,
    int padId,
    String unkSurface,
    boolean treatWhitespaceAsSuffix,
    Normalizer normalizer) {

  /** SentencePiece's default surface for {@code <unk>} when decoding: " ⁇ ". */
  public static final String DEFAULT_UNK_SURFACE = " \u2047 ";

  public SentencePieceModel {
    pieces = List.copyOf(pieces);
  }

  /** One vocabulary entry. */
  public record Piece(String text, float score, Type type) {}

  /** {@code ModelProto.SentencePiece.Type}; the numbers are the proto enum values. */
  public enum Type {
    NORMAL(1),
    UNKNOWN(2),
    CONTROL(3),
    USER_DEFINED(4),
    UNUSED(5),
    BYTE(6);

    final int number;

    Type(int number) {
      this.number = number;
    }

    static Type of(long number) {
      for (Type t : values()) {
        if (t.number == number) {
          return t;
        }
      }
      return null;
    }
  }

  /** {@code TrainerSpec.ModelType}. */
  public enum ModelType {
    UNIGRAM(1),
    BPE(2),
    WORD(3),
    CHAR(4);

    final int number;

    ModelType(int number) {
      this.number = number;
    }

    static ModelType of(long number) {
      for (ModelType t : values()) {
        if (t.number == number) {
          return t;
        }
      }
      return null;
    }
  }

  /**
   * {@code NormalizerSpec}. Only normalization without a precompiled character map (LLaMA's
   * "identity") is supported: the defaults below are protobuf's, which is why a missing field means
   * {@code true}.
   */
  public record Normalizer(
      String name,
      int precompiledCharsmapBytes,
      boolean addDummyPrefix,
      boolean removeExtraWhitespaces,
      boolean escapeWhitespaces) {}

  /** Reads and validates {@code file}; every failure names the file and the reason. */
  public static SentencePieceModel read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new TokenizerLoadException(file, "file not found");
    } catch (IOException e) {
      throw new TokenizerLoadException(file.toString(), "cannot read: " + e.getMessage(), e);
    }
    return parse(bytes, file.toString());
  }

  /** Parses a serialized {@code ModelProto}; {@code source} names it in errors. */
  public static SentencePieceModel parse(byte[] bytes, String source) {
    if (bytes.length > 0 && (bytes[0] == '{' || bytes[0] == '[')) {
      throw new TokenizerLoadException(
          source, "not a SentencePiece model: it looks like JSON (a tokenizer.json?)");
    }
    try {
      return parseProto(bytes, source);
    } catch (ProtoWire.MalformedException e) {
      throw new TokenizerLoadException(source, "not a SentencePiece model: " + e.getMessage(), e);
    }
  }

  private static SentencePieceModel parseProto(byte[] bytes, String source)
      throws ProtoWire.MalformedException {
    List<Piece> pieces = new ArrayList<>();
    String name = "";
    ModelType modelType = ModelType.UNIGRAM; // proto default
    boolean byteFallback = false;
    boolean suffix = false;
    int unkId = 0;
    int bosId = 1;
    int eosId = 2;
    int padId = -1;
    String unkSurface = DEFAULT_UNK_SURFACE;
    String normName = "";
    int charsmap = 0;
    boolean dummyPrefix = true;
    boolean removeExtra = true;
    boolean escape = true;
    boolean sawTrainerSpec = false;
    int denormalizerCharsmap = 0;

    var model = new ProtoWire.Reader(bytes, 0, bytes.length);
    while (model.hasMore()) {
      int tag = model.tag();
      int field = tag >>> 3;
      int wire = tag & 7;
      if (field == 1 && wire == ProtoWire.LENGTH_DELIMITED) {
        pieces.add(readPiece(model.message(), pieces.size()));
      } else if (field == 2 && wire == ProtoWire.LENGTH_DELIMITED) {
        sawTrainerSpec = true;
        var spec = model.message();
        while (spec.hasMore()) {
          int t = spec.tag();
          int f = t >>> 3;
          int w = t & 7;
          if (w == ProtoWire.VARINT) {
            long v = spec.varint();
            switch (f) {
              case 3 -> {
                modelType = ModelType.of(v);
                if (modelType == null) {
                  throw new ProtoWire.MalformedException("unknown trainer_spec.model_type " + v);
                }
              }
              case 24 -> suffix = v != 0;
              case 35 -> byteFallback = v != 0;
              case 40 -> unkId = (int) v;
              case 41 -> bosId = (int) v;
              case 42 -> eosId = (int) v;
              case 43 -> padId = (int) v;
              default -> {}
            }
          } else if (w == ProtoWire.LENGTH_DELIMITED && f == 2) {
            name = spec.string();
          } else if (w == ProtoWire.LENGTH_DELIMITED && f == 44) {
            unkSurface = spec.string();
          } else {
            spec.skip(w);
          }
        }
      } else if ((field == 3 || field == 5) && wire == ProtoWire.LENGTH_DELIMITED) {
        var spec = model.message();
        while (spec.hasMore()) {
          int t = spec.tag();
          int f = t >>> 3;
          int w = t & 7;
          if (field == 5) {
            if (f == 2 && w == ProtoWire.LENGTH_DELIMITED) {
              denormalizerCharsmap = spec.bytes().length;
            } else {
              spec.skip(w);
            }
            continue;
          }
          if (w == ProtoWire.LENGTH_DELIMITED && f == 1) {
            normName = spec.string();
          } else if (w == ProtoWire.LENGTH_DELIMITED && f == 2) {
            charsmap = spec.bytes().length;
          } else if (w == ProtoWire.VARINT && f == 3) {
            dummyPrefix = spec.varint() != 0;
          } else if (w == ProtoWire.VARINT && f == 4) {
            removeExtra = spec.varint() != 0;
          } else if (w == ProtoWire.VARINT && f == 5) {
            escape = spec.varint() != 0;
          } else {
            spec.skip(w);
          }
        }
      } else {
        model.skip(wire);
      }
    }
    if (pieces.isEmpty() || !sawTrainerSpec) {
      throw new TokenizerLoadException(
          source, "not a SentencePiece model: no pieces or no trainer_spec found");
    }
    if (modelType != ModelType.BPE) {
      throw new TokenizerLoadException(
          source,
          "unsupported model type "
              + modelType
              + ": only BPE SentencePiece models are supported (Unigram is not implemented)");
    }
    if (charsmap > 0 || denormalizerCharsmap > 0) {
      throw new TokenizerLoadException(
          source,
          "unsupported normalizer '"
              + normName
              + "': it uses a precompiled character map ("
              + Math.max(charsmap, denormalizerCharsmap)
              + " bytes), which is not implemented; only normalization without one (LLaMA's"
              + " 'identity') is supported");
    }
    if (suffix) {
      throw new TokenizerLoadException(
          source, "unsupported trainer_spec.treat_whitespace_as_suffix = true");
    }
    validatePieces(pieces, byteFallback, source);
    var normalizer = new Normalizer(normName, charsmap, dummyPrefix, removeExtra, escape);
    return new SentencePieceModel(
        name,
        pieces,
        modelType,
        byteFallback,
        unkId,
        bosId,
        eosId,
        padId,
        unkSurface,
        suffix,
        normalizer);
  }

  private static Piece readPiece(ProtoWire.Reader r, int id) throws ProtoWire.MalformedException {
    String text = null;
    float score = 0f;
    Type type = Type.NORMAL;
    while (r.hasMore()) {
      int t = r.tag();
      int f = t >>> 3;
      int w = t & 7;
      if (f == 1 && w == ProtoWire.LENGTH_DELIMITED) {
        text = r.string();
      } else if (f == 2 && w == ProtoWire.FIXED32) {
        score = r.fixed32Float();
      } else if (f == 3 && w == ProtoWire.VARINT) {
        long v = r.varint();
        type = Type.of(v);
        if (type == null) {
          throw new ProtoWire.MalformedException("piece " + id + " has unknown type " + v);
        }
      } else {
        r.skip(w);
      }
    }
    if (text == null || text.isEmpty()) {
      throw new ProtoWire.MalformedException("piece " + id + " is empty");
    }
    return new Piece(text, score, type);
  }

  // Mirrors ModelInterface::InitializePieces: the checks SentencePiece itself refuses a model for.
  private static void validatePieces(List<Piece> pieces, boolean byteFallback, String source) {
    int unknown = 0;
    int bytes = 0;
    for (Piece p : pieces) {
      if (p.type() == Type.UNKNOWN) {
        unknown++;
      } else if (p.type() == Type.BYTE) {
        bytes++;
      }
    }
    if (unknown != 1) {
      throw new TokenizerLoadException(
          source, "expected exactly one UNKNOWN piece, found " + unknown);
    }
    if (bytes > 0 && !byteFallback) {
      throw new TokenizerLoadException(
          source, "the model has BYTE pieces but trainer_spec.byte_fallback is false");
    }
    if (byteFallback && bytes != 256) {
      throw new TokenizerLoadException(
          source, "byte_fallback needs all 256 <0xXX> pieces, found " + bytes);
    }
  }

  /** Serializes this model as a {@code ModelProto} (the fields this record holds). */
  public byte[] toBytes() {
    var model = new ProtoWire.Writer();
    for (Piece p : pieces) {
      var piece = new ProtoWire.Writer().stringField(1, p.text()).floatField(2, p.score());
      if (p.type() != Type.NORMAL) {
        piece.varintField(3, p.type().number);
      }
      model.messageField(1, piece);
    }
    var trainer =
        new ProtoWire.Writer()
            .stringField(2, name)
            .varintField(3, modelType.number)
            .varintField(4, pieces.size())
            .boolField(35, byteFallback)
            .varintField(40, unkId)
            .varintField(41, bosId)
            .varintField(42, eosId)
            .varintField(43, padId);
    model.messageField(2, trainer);
    var norm =
        new ProtoWire.Writer()
            .stringField(1, normalizer.name())
            .boolField(3, normalizer.addDummyPrefix())
            .boolField(4, normalizer.removeExtraWhitespaces())
            .boolField(5, normalizer.escapeWhitespaces());
    model.messageField(3, norm);
    return model.toByteArray();
  }
}
