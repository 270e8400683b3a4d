package io.mcpai.inference.engine;

import io.mcpai.inference.model.LlamaConfig;
import io.mcpai.inference.model.ModelWeights;
import java.util.List;

/**
 * The LLaMA forward pass on plain float arrays, written to be read top to bottom like llama2.c's
 * {@code run.c}, but with Hugging Face's conventions: rotate-half RoPE (the first and second half
 * of each head form the pairs), grouped-query attention, SwiGLU, RMSNorm, tied embeddings. It is
 * the oracle the DJL engine is tested against, not a serving path.
 */
public final class ReferenceLlama implements LlamaEngine {
  private final LlamaConfig c;
  private final float[] embed; // [vocab, dim]
  private final float[][] attnNorm; // [layer][dim]
  private final float[][] wq; // [layer][dim * dim]      (out, in)
  private final float[][] wk; // [layer][kvDim * dim]
  private final float[][] wv; // [layer][kvDim * dim]
  private final float[][] wo; // [layer][dim * dim]
  private final float[][] mlpNorm; // [layer][dim]
  private final float[][] w1; // gate [layer][hidden * dim]
  private final float[][] w3; // up   [layer][hidden * dim]
  private final float[][] w2; // down [layer][dim * hidden]
  private final float[] finalNorm; // [dim]
  private final float[] lmHead; // [vocab, dim]

  public ReferenceLlama(ModelWeights w) {
    this.c = w.config();
    int d = c.hiddenSize();
    int kv = c.kvDim();
    int h = c.intermediateSize();
    int layers = c.numLayers();
    embed = w.tensor("model.embed_tokens.weight", c.vocabSize(), d).toFloats();
    attnNorm = new float[layers][];
    wq = new float[layers][];
    wk = new float[layers][];
    wv = new float[layers][];
    wo = new float[layers][];
    mlpNorm = new float[layers][];
    w1 = new float[layers][];
    w3 = new float[layers][];
    w2 = new float[layers][];
    for (int l = 0; l < layers; l++) {
      String p = "model.layers." + l + ".";
      attnNorm[l] = w.tensor(p + "input_layernorm.weight", d).toFloats();
      wq[l] = w.tensor(p + "self_attn.q_proj.weight", d, d).toFloats();
      wk[l] = w.tensor(p + "self_attn.k_proj.weight", kv, d).toFloats();
      wv[l] = w.tensor(p + "self_attn.v_proj.weight", kv, d).toFloats();
      wo[l] = w.tensor(p + "self_attn.o_proj.weight", d, d).toFloats();
      mlpNorm[l] = w.tensor(p + "post_attention_layernorm.weight", d).toFloats();
      w1[l] = w.tensor(p + "mlp.gate_proj.weight", h, d).toFloats();
      w3[l] = w.tensor(p + "mlp.up_proj.weight", h, d).toFloats();
      w2[l] = w.tensor(p + "mlp.down_proj.weight", d, h).toFloats();
    }
    finalNorm = w.tensor("model.norm.weight", d).toFloats();
    lmHead = w.lmHead().toFloats();
  }

  @Override
  public LlamaConfig config() {
    return c;
  }

  @Override
  public String describe() {
    return "reference (plain Java)";
  }

  /** The KV cache of one sequence: [layer][position * kvDim + i]. */
  public final class Seq implements Sequence {
    final float[][] keyCache = new float[c.numLayers()][c.maxPositions() * c.kvDim()];
    final float[][] valueCache = new float[c.numLayers()][c.maxPositions() * c.kvDim()];
    int pos;

    @Override
    public int length() {
      return pos;
    }

    @Override
    public void close() {}
  }

  @Override
  public Seq newSequence() {
    return new Seq();
  }

  @Override
  public float[][] forward(List<? extends Sequence> seqs, List<int[]> tokens) {
    LlamaEngine.checkFits(c, seqs, tokens);
    float[][] out = new float[seqs.size()][];
    for (int i = 0; i < seqs.size(); i++) {
      Seq s = (Seq) seqs.get(i);
      for (int token : tokens.get(i)) {
        out[i] = step(s, token);
      }
    }
    return out;
  }

  /** One token through the network (run.c's forward()). */
  private float[] step(Seq s, int token) {
    int dim = c.hiddenSize();
    int kvDim = c.kvDim();
    int headSize = c.headDim();
    int kvMul = c.numHeads() / c.numKvHeads(); // query heads per KV head
    int hidden = c.intermediateSize();
    int pos = s.pos;

    float[] x = new float[dim];
    System.arraycopy(embed, token * dim, x, 0, dim);
    float[] xb = new float[dim];
    float[] q = new float[dim];
    float[] k = new float[kvDim];
    float[] v = new float[kvDim];
    float[] att = new float[pos + 1];
    float[] hb = new float[hidden];
    float[] hb2 = new float[hidden];

    for (int l = 0; l < c.numLayers(); l++) {
      // attention rmsnorm
      rmsnorm(xb, x, attnNorm[l]);
      // q, k, v projections
      matmul(q, xb, wq[l], dim, dim);
      matmul(k, xb, wk[l], dim, kvDim);
      matmul(v, xb, wv[l], dim, kvDim);
      // RoPE, HF rotate-half: element i pairs with i + headSize/2 within each head
      rope(q, c.numHeads(), pos);
      rope(k, c.numKvHeads(), pos);
      // save k, v into the cache at this position
      System.arraycopy(k, 0, s.keyCache[l], pos * kvDim, kvDim);
      System.arraycopy(v, 0, s.valueCache[l], pos * kvDim, kvDim);
      // multi-head attention; query head h reads KV head h / kvMul
      for (int h = 0; h < c.numHeads(); h++) {
        int qo = h * headSize;
        int kvo = (h / kvMul) * headSize;
        for (int t = 0; t <= pos; t++) {
          float score = 0f;
          for (int i = 0; i < headSize; i++) {
            score += q[qo + i] * s.keyCache[l][t * kvDim + kvo + i];
          }
          att[t] = score / (float) Math.sqrt(headSize);
        }
        softmax(att, pos + 1);
        for (int i = 0; i < headSize; i++) {
          float acc = 0f;
          for (int t = 0; t <= pos; t++) {
            acc += att[t] * s.valueCache[l][t * kvDim + kvo + i];
          }
          xb[qo + i] = acc;
        }
      }
      // output projection and residual
      float[] xb2 = new float[dim];
      matmul(xb2, xb, wo[l], dim, dim);
      for (int i = 0; i < dim; i++) {
        x[i] += xb2[i];
      }
      // ffn rmsnorm, then SwiGLU: w2(silu(w1(x)) * w3(x))
      rmsnorm(xb, x, mlpNorm[l]);
      matmul(hb, xb, w1[l], dim, hidden);
      matmul(hb2, xb, w3[l], dim, hidden);
      for (int i = 0; i < hidden; i++) {
        float g = hb[i];
        hb[i] = g / (1f + (float) Math.exp(-g)) * hb2[i];
      }
      matmul(xb2, hb, w2[l], hidden, dim);
      for (int i = 0; i < dim; i++) {
        x[i] += xb2[i];
      }
    }
    rmsnorm(x, x, finalNorm);
    float[] logits = new float[c.vocabSize()];
    matmul(logits, x, lmHead, dim, c.vocabSize());
    s.pos++;
    return logits;
  }

  private void rmsnorm(float[] out, float[] x, float[] weight) {
    float ss = 0f;
    for (float xi : x) {
      ss += xi * xi;
    }
    ss /= x.length;
    float inv = (float) (1.0 / Math.sqrt(ss + c.rmsNormEps()));
    for (int i = 0; i < x.length; i++) {
      out[i] = weight[i] * (x[i] * inv);
    }
  }

  /** out[n] = sum_i w[o * n + i] * x[i]: W is (out, in) as HF stores it. */
  private static void matmul(float[] out, float[] x, float[] w, int n, int d) {
    for (int o = 0; o < d; o++) {
      float acc = 0f;
      int base = o * n;
      for (int i = 0; i < n; i++) {
        acc += w[base + i] * x[i];
      }
      out[o] = acc;
    }
  }

  private void rope(float[] vec, int heads, int pos) {
    int headSize = c.headDim();
    int half = headSize / 2;
    for (int h = 0; h < heads; h++) {
      int o = h * headSize;
      for (int i = 0; i < half; i++) {
        double freq = 1.0 / Math.pow(c.ropeTheta(), (2.0 * i) / headSize);
        double angle = pos * freq;
        float cos = (float) Math.cos(angle);
        float sin = (float) Math.sin(angle);
        float x1 = vec[o + i];
        float x2 = vec[o + i + half];
        vec[o + i] = x1 * cos - x2 * sin;
        vec[o + i + half] = x2 * cos + x1 * sin;
      }
    }
  }

  private static void softmax(float[] x, int size) {
    float max = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < size; i++) {
      max = Math.max(max, x[i]);
    }
    float sum = 0f;
    for (int i = 0; i < size; i++) {
      x[i] = (float) Math.exp(x[i] - max);
      sum += x[i];
    }
    for (int i = 0; i < size; i++) {
      x[i] /= sum;
    }
  }

  @Override
  public void close() {}
}
