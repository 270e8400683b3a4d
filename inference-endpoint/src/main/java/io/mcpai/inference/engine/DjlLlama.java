package io.mcpai.inference.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import io.mcpai.inference.model.LlamaConfig;
import io.mcpai.inference.model.ModelWeights;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * The LLaMA forward pass on DJL's PyTorch engine. Every JNI call costs microseconds, so the weights
 * are rearranged once at load to keep the op count per layer small:
 *
 * <ul>
 *   <li>RMSNorm weights are folded into the columns of the projection that follows it;
 *   <li>q, k, v and the rotate-half images of q and k are one matrix, so RoPE is one multiply by a
 *       [cos | sin | 1] row and one add; the attention scale 1/sqrt(head) is folded into q;
 *   <li>gate and up are one matrix.
 * </ul>
 *
 * Decoding steps batch every running sequence through the projections, attention and MLP: all
 * sequences share one KV cache tensor per layer, a slot each, written in place.
 */
public final class DjlLlama implements LlamaEngine {
  private final LlamaConfig c;
  private final NDManager manager;
  private final Device device;
  private final DataType dtype;
  // Projections are stored transposed, [in, out], and applied as x.matMul(w): for one row of x
  // MKL's sgemv then streams the weights as axpy over long rows, 2-2.5x faster on this AMD EPYC
  // than the dot-product form it uses for torch.nn.functional.linear's [out, in] layout.
  private final NDArray embed; // [vocab, dim]
  private final NDArray[] wqkv; // [dim, 2(dim+kv)+kv]: q, k, rot(q), rot(k), v; norm folded in
  private final NDArray[] wo; // [dim, dim]
  private final NDArray[] wgu; // [dim, 2*hidden]: gate, up; norm folded in
  private final NDArray[] wd; // [hidden, dim]
  private final NDArray lmHead; // [dim, vocab]; final norm folded in
  private final float[] cosTable; // [pos][half]
  private final float[] sinTable;
  private final float eps;

  public DjlLlama(ModelWeights w, Device device, DataType dtype) {
    this.c = w.config();
    this.device = device;
    this.dtype = dtype;
    this.manager = NDManager.newBaseManager(device);
    this.eps = (float) c.rmsNormEps();
    int d = c.hiddenSize();
    int kv = c.kvDim();
    int h = c.intermediateSize();
    int layers = c.numLayers();
    embed =
        upload(
            w.tensor("model.embed_tokens.weight", c.vocabSize(), d).toFloats(), c.vocabSize(), d);
    wqkv = new NDArray[layers];
    wo = new NDArray[layers];
    wgu = new NDArray[layers];
    wd = new NDArray[layers];
    float qScale = (float) (1.0 / Math.sqrt(c.headDim()));
    for (int l = 0; l < layers; l++) {
      String p = "model.layers." + l + ".";
      float[] n1 = w.tensor(p + "input_layernorm.weight", d).toFloats();
      float[] q = w.tensor(p + "self_attn.q_proj.weight", d, d).toFloats();
      float[] k = w.tensor(p + "self_attn.k_proj.weight", kv, d).toFloats();
      float[] v = w.tensor(p + "self_attn.v_proj.weight", kv, d).toFloats();
      scale(q, qScale);
      float[] fused =
          concat(q, k, rotateHalfRows(q, c.numHeads()), rotateHalfRows(k, c.numKvHeads()), v);
      scaleColumns(fused, n1, d);
      wqkv[l] = uploadTransposed(fused, 2 * (d + kv) + kv, d);
      wo[l] = uploadTransposed(w.tensor(p + "self_attn.o_proj.weight", d, d).toFloats(), d, d);
      float[] n2 = w.tensor(p + "post_attention_layernorm.weight", d).toFloats();
      float[] gu =
          concat(
              w.tensor(p + "mlp.gate_proj.weight", h, d).toFloats(),
              w.tensor(p + "mlp.up_proj.weight", h, d).toFloats());
      scaleColumns(gu, n2, d);
      wgu[l] = uploadTransposed(gu, 2 * h, d);
      wd[l] = uploadTransposed(w.tensor(p + "mlp.down_proj.weight", d, h).toFloats(), d, h);
    }
    float[] head = w.lmHead().toFloats();
    scaleColumns(head, w.tensor("model.norm.weight", d).toFloats(), d);
    lmHead = uploadTransposed(head, c.vocabSize(), d);

    int half = c.headDim() / 2;
    cosTable = new float[c.maxPositions() * half];
    sinTable = new float[c.maxPositions() * half];
    for (int pos = 0; pos < c.maxPositions(); pos++) {
      for (int i = 0; i < half; i++) {
        double freq = 1.0 / Math.pow(c.ropeTheta(), (2.0 * i) / c.headDim());
        cosTable[pos * half + i] = (float) Math.cos(pos * freq);
        sinTable[pos * half + i] = (float) Math.sin(pos * freq);
      }
    }
  }

  private NDArray upload(float[] values, long rows, long cols) {
    NDArray a = manager.create(FloatBuffer.wrap(values), new Shape(rows, cols), DataType.FLOAT32);
    if (dtype != DataType.FLOAT32) {
      NDArray converted = a.toType(dtype, false);
      a.close();
      return converted;
    }
    return a;
  }

  /** A [rows, cols] row-major weight uploaded as its transpose, [cols, rows], contiguous. */
  private NDArray uploadTransposed(float[] values, int rows, int cols) {
    float[] t = new float[values.length];
    for (int r = 0; r < rows; r++) {
      for (int i = 0; i < cols; i++) {
        t[i * rows + r] = values[r * cols + i];
      }
    }
    return upload(t, cols, rows);
  }

  private static void scale(float[] w, float s) {
    for (int i = 0; i < w.length; i++) {
      w[i] *= s;
    }
  }

  /** W' = W diag(norm): RMSNorm's weight applied to the projection's input columns. */
  private static void scaleColumns(float[] w, float[] norm, int in) {
    for (int r = 0; r < w.length / in; r++) {
      for (int i = 0; i < in; i++) {
        w[r * in + i] *= norm[i];
      }
    }
  }

  /** Rows of rotate_half(W x): per head, [-second half; first half]. */
  private float[] rotateHalfRows(float[] w, int heads) {
    int hs = c.headDim();
    int half = hs / 2;
    int in = c.hiddenSize();
    float[] r = new float[w.length];
    for (int h = 0; h < heads; h++) {
      for (int j = 0; j < hs; j++) {
        int dst = (h * hs + j) * in;
        int src = (h * hs + (j < half ? j + half : j - half)) * in;
        float sign = j < half ? -1f : 1f;
        for (int i = 0; i < in; i++) {
          r[dst + i] = sign * w[src + i];
        }
      }
    }
    return r;
  }

  private static float[] concat(float[]... parts) {
    int n = 0;
    for (float[] p : parts) {
      n += p.length;
    }
    float[] out = new float[n];
    int o = 0;
    for (float[] p : parts) {
      System.arraycopy(p, 0, out, o, p.length);
      o += p.length;
    }
    return out;
  }

  @Override
  public LlamaConfig config() {
    return c;
  }

  @Override
  public String describe() {
    return "djl-pytorch " + device + " " + dtype;
  }

  /**
   * The KV cache of every sequence: per layer one K and one V tensor, [slots, kvHeads, capacity,
   * head]. A sequence owns a slot; each step writes its new keys and values in place at its
   * position, so a decode step attends for the whole batch with one padded matmul per layer instead
   * of growing and attending per sequence. Both dimensions grow by doubling (a copy) when needed.
   */
  private NDArray[] kCache = new NDArray[0];

  private NDArray[] vCache = new NDArray[0];
  private int slotCapacity;
  private int lengthCapacity;
  private final BitSet usedSlots = new BitSet();

  private void ensureCapacity(int slots, int length) {
    if (slots <= slotCapacity && length <= lengthCapacity) {
      return;
    }
    int newSlots =
        slots <= slotCapacity ? slotCapacity : Math.max(4, Math.max(slots, 2 * slotCapacity));
    int newLength =
        length <= lengthCapacity
            ? lengthCapacity
            : Math.min(c.maxPositions(), Math.max(64, Math.max(length, 2 * lengthCapacity)));
    Shape shape = new Shape(newSlots, c.numKvHeads(), newLength, c.headDim());
    NDArray[] k = new NDArray[c.numLayers()];
    NDArray[] v = new NDArray[c.numLayers()];
    for (int l = 0; l < c.numLayers(); l++) {
      k[l] = manager.zeros(shape, dtype);
      v[l] = manager.zeros(shape, dtype);
      if (slotCapacity > 0 && lengthCapacity > 0) {
        NDIndex old = new NDIndex(":{}, :, :{}, :", slotCapacity, lengthCapacity);
        k[l].set(old, kCache[l]);
        v[l].set(old, vCache[l]);
        kCache[l].close();
        vCache[l].close();
      }
    }
    kCache = k;
    vCache = v;
    slotCapacity = newSlots;
    lengthCapacity = newLength;
  }

  /** A sequence: its slot in the shared KV cache and the positions it has used. */
  final class Seq implements Sequence {
    final int slot;
    int pos;
    boolean closed;

    Seq(int slot) {
      this.slot = slot;
    }

    @Override
    public int length() {
      return pos;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        usedSlots.clear(slot); // stale keys stay behind; the next owner masks them out
      }
    }
  }

  @Override
  public Sequence newSequence() {
    int slot = usedSlots.nextClearBit(0);
    ensureCapacity(slot + 1, 0);
    usedSlots.set(slot);
    return new Seq(slot);
  }

  @Override
  public float[][] forward(List<? extends Sequence> seqs, List<int[]> tokens) {
    boolean[] all = new boolean[seqs.size()];
    Arrays.fill(all, true);
    return step(seqs, tokens, all).logits();
  }

  @Override
  public Step step(List<? extends Sequence> seqs, List<int[]> tokens, boolean[] wantLogits) {
    LlamaEngine.checkFits(c, seqs, tokens);
    int longest = 0;
    for (int i = 0; i < seqs.size(); i++) {
      longest = Math.max(longest, seqs.get(i).length() + tokens.get(i).length);
    }
    ensureCapacity(slotCapacity, longest);
    try (NDManager step = manager.newSubManager()) {
      NDArray x;
      if (tokens.stream().allMatch(t -> t.length == 1)) {
        x = decode(step, seqs, tokens);
      } else {
        // Prompts run one sequence at a time (each its own causal matrix); their last rows join.
        NDList last = new NDList(seqs.size());
        for (int i = 0; i < seqs.size(); i++) {
          last.add(prefill(step, (Seq) seqs.get(i), tokens.get(i)));
        }
        x = last.size() == 1 ? last.get(0) : NDArrays.concat(last, 0);
      }
      return head(x, wantLogits);
    }
  }

  /** The [cos | sin | 1] multiplier row for each position (see the fused qkv layout). */
  private NDArray ropeRows(NDManager m, int[] positions) {
    int hs = c.headDim();
    int half = hs / 2;
    int qk = c.hiddenSize() + c.kvDim();
    int width = 2 * qk + c.kvDim();
    float[] rows = new float[positions.length * width];
    for (int r = 0; r < positions.length; r++) {
      int base = r * width;
      int t = positions[r] * half;
      for (int j = 0; j < qk; j++) {
        int i = (j % hs) % half;
        rows[base + j] = cosTable[t + i];
        rows[base + qk + j] = sinTable[t + i];
      }
      for (int j = 2 * qk; j < width; j++) {
        rows[base + j] = 1f;
      }
    }
    NDArray a =
        m.create(FloatBuffer.wrap(rows), new Shape(positions.length, width), DataType.FLOAT32);
    return dtype == DataType.FLOAT32 ? a : a.toType(dtype, false);
  }

  private NDArray rmsScale(NDArray x) {
    return x.mul(x.square().mean(new int[] {-1}, true).add(eps).pow(-0.5));
  }

  private NDArray embedRows(NDManager m, int[] ids) {
    NDArray idx = m.create(ids).toType(DataType.INT64, false);
    return idx.getNDArrayInternal().embedding(idx, embed, SparseFormat.DENSE).singletonOrThrow();
  }

  /** x W for x [rows, in] and W stored [in, out]. */
  private static NDArray linear(NDArray x, NDArray w) {
    return x.matMul(w);
  }

  /** q, k, v rows after RoPE: [rows, dim], [rows, kv], [rows, kv]. */
  private NDList qkv(NDArray x, int layer, NDArray rope) {
    int d = c.hiddenSize();
    int qk = d + c.kvDim();
    NDList parts = linear(rmsScale(x), wqkv[layer]).mul(rope).split(new long[] {qk, 2L * qk}, 1);
    NDList qkRot = parts.get(0).add(parts.get(1)).split(new long[] {d}, 1);
    return new NDList(qkRot.get(0), qkRot.get(1), parts.get(2));
  }

  private NDArray mlp(NDArray x, int layer) {
    NDList gu = linear(rmsScale(x), wgu[layer]).split(2, 1);
    NDArray g = gu.get(0);
    NDArray act = g.mul(g.getNDArrayInternal().sigmoid()).mul(gu.get(1));
    return x.add(linear(act, wd[layer]));
  }

  /**
   * Logits for the rows of x, with the greedy token and its log-probability computed on the native
   * side ([batch] numbers cross JNI); full rows are copied only when a sampler needs them.
   *
   * <p>The head is the one projection too big for the caches (32000 x dim), and MKL's sgemm on it
   * depends on the form: below 12 rows x W [rows, vocab] is best; from 12 rows on W^T x^T [vocab,
   * rows] (W^T a transposed view), with the rows padded to a multiple of 16, is 1.2x faster on one
   * thread and 1.8x on two (AMD EPYC, 15M head at 16 rows: 6.1 vs 7.3 ms, 3.0-3.4 vs 5.5-6.1 ms),
   * while odd row counts in that form are 4-8x slower. The reductions then run down the vocab axis
   * of whichever layout came out, never on a transposed view (log_softmax on one is 10x slower).
   */
  private Step head(NDArray x, boolean[] wantLogits) {
    int rows = wantLogits.length;
    int v = c.vocabSize();
    NDArray xn = rmsScale(x);
    boolean wide = rows >= 12;
    int cols = wide ? (rows + 15) / 16 * 16 : rows;
    int vocabAxis = wide ? 0 : 1;
    NDArray out;
    if (wide) {
      NDArray xs =
          cols == rows
              ? xn
              : xn.concat(xn.getManager().zeros(new Shape(cols - rows, c.hiddenSize()), dtype), 0);
      out = inStep(lmHead.transpose(), xn.getManager()).matMul(xs.transpose()); // [vocab, cols]
    } else {
      out = xn.matMul(lmHead); // [rows, vocab]
    }
    if (out.getDataType() != DataType.FLOAT32) {
      out = out.toType(DataType.FLOAT32, false);
    }
    // The greedy token's log-prob is its row's largest log-softmax value.
    float[] logProb = out.logSoftmax(vocabAxis).max(new int[] {vocabAxis}).toFloatArray();
    long[] best = out.argMax(vocabAxis).toLongArray(); // on the raw logits, as the reference
    int[] greedy = new int[rows];
    for (int i = 0; i < rows; i++) {
      greedy[i] = (int) best[i];
    }
    float[][] logits = new float[rows][];
    boolean any = false;
    for (boolean w : wantLogits) {
      any |= w;
    }
    if (any) {
      float[] flat = out.toFloatArray();
      for (int r = 0; r < rows; r++) {
        if (!wantLogits[r]) {
          continue;
        }
        if (wide) {
          float[] row = new float[v];
          for (int j = 0; j < v; j++) {
            row[j] = flat[j * cols + r];
          }
          logits[r] = row;
        } else {
          logits[r] = Arrays.copyOfRange(flat, r * v, (r + 1) * v);
        }
      }
    }
    return new Step(greedy, logProb, logits);
  }

  /**
   * An op on a weight or the cache attaches its result to the engine's manager, which lives as long
   * as the engine: hand it to the step's instead, or every step would leak it (a view holds a
   * handle; a matmul result a vocab x batch buffer). Closing a view leaves the cache intact.
   */
  private static NDArray inStep(NDArray a, NDManager step) {
    a.attach(step);
    return a;
  }

  /** One token for each sequence: the projections and attention run once for the whole batch. */
  private NDArray decode(NDManager step, List<? extends Sequence> seqs, List<int[]> tokens) {
    int b = seqs.size();
    int kvh = c.numKvHeads();
    int g = c.numHeads() / kvh;
    int hs = c.headDim();
    int[] ids = new int[b];
    int[] pos = new int[b];
    long[] slots = new long[b];
    long[] writeAt = new long[b];
    int span = 0; // keys attended: up to the furthest sequence's new token
    boolean contiguous = true; // slots s0, s0+1, ...: the cache slice is a view, no gather
    for (int i = 0; i < b; i++) {
      Seq s = (Seq) seqs.get(i);
      ids[i] = tokens.get(i)[0];
      pos[i] = s.pos;
      slots[i] = s.slot;
      writeAt[i] = s.pos;
      span = Math.max(span, s.pos + 1);
      contiguous &= s.slot == slots[0] + i;
    }
    NDArray slotIdx = step.create(slots);
    NDArray posIdx = step.create(writeAt);
    NDIndex write = new NDIndex("{}, :, {}, :", slotIdx, posIdx);
    NDIndex read =
        contiguous
            ? new NDIndex("{}:{}, :, :{}, :", (int) slots[0], (int) slots[0] + b, span)
            : new NDIndex("{}, :, :{}, :", slotIdx, span);
    // Keys past a sequence's own position are padding (or a previous owner's): -inf before softmax.
    NDArray mask = null;
    if (b > 1) {
      float[] m = new float[b * span];
      for (int i = 0; i < b; i++) {
        Arrays.fill(m, i * span + pos[i] + 1, (i + 1) * span, Float.NEGATIVE_INFINITY);
      }
      mask = step.create(FloatBuffer.wrap(m), new Shape(b, 1, 1, span), DataType.FLOAT32);
      if (dtype != DataType.FLOAT32) {
        mask = mask.toType(dtype, false);
      }
    }
    NDArray rope = ropeRows(step, pos);
    NDArray x = embedRows(step, ids);
    for (int l = 0; l < c.numLayers(); l++) {
      NDList qkv = qkv(x, l, rope);
      kCache[l].set(write, qkv.get(1).reshape(b, kvh, hs));
      vCache[l].set(write, qkv.get(2).reshape(b, kvh, hs));
      NDArray keys = inStep(kCache[l].get(read), step); // [b, kvh, span, hs]
      NDArray values = inStep(vCache[l].get(read), step);
      NDArray scores = qkv.get(0).reshape(b, kvh, g, hs).matMul(keys.transpose(0, 1, 3, 2));
      if (mask != null) {
        scores = scores.add(mask);
      }
      NDArray o = scores.softmax(-1).matMul(values).reshape(b, c.hiddenSize());
      x = mlp(x.add(linear(o, wo[l])), l);
    }
    for (Sequence s : seqs) {
      ((Seq) s).pos++;
    }
    return x;
  }

  /**
   * A prompt (or its continuation) for one sequence; returns the hidden state of its last token.
   */
  private NDArray prefill(NDManager step, Seq s, int[] ids) {
    int t = ids.length;
    int past = s.pos;
    int kvh = c.numKvHeads();
    int g = c.numHeads() / kvh;
    int hs = c.headDim();
    int[] pos = new int[t];
    for (int i = 0; i < t; i++) {
      pos[i] = past + i;
    }
    int total = past + t;
    // causal mask for the query rows (g, t) against keys 0..total-1
    float[] mask = new float[g * t * total];
    for (int gi = 0; gi < g; gi++) {
      for (int ti = 0; ti < t; ti++) {
        int row = (gi * t + ti) * total;
        Arrays.fill(mask, row + past + ti + 1, row + total, Float.NEGATIVE_INFINITY);
      }
    }
    NDArray rope = ropeRows(step, pos);
    NDArray maskArr =
        step.create(FloatBuffer.wrap(mask), new Shape(g * t, total), DataType.FLOAT32);
    if (dtype != DataType.FLOAT32) {
      maskArr = maskArr.toType(dtype, false);
    }
    NDIndex write = new NDIndex("{}, :, {}:{}, :", s.slot, past, total);
    NDIndex read = new NDIndex("{}, :, :{}, :", s.slot, total);
    NDArray x = embedRows(step, ids);
    for (int l = 0; l < c.numLayers(); l++) {
      NDList qkv = qkv(x, l, rope);
      NDArray q = qkv.get(0).reshape(t, kvh, g, hs).transpose(1, 2, 0, 3).reshape(kvh, g * t, hs);
      kCache[l].set(write, qkv.get(1).reshape(t, kvh, hs).transpose(1, 0, 2));
      vCache[l].set(write, qkv.get(2).reshape(t, kvh, hs).transpose(1, 0, 2));
      NDArray keys = inStep(kCache[l].get(read), step); // [kvh, total, hs]
      NDArray values = inStep(vCache[l].get(read), step);
      NDArray att = q.matMul(keys.transpose(0, 2, 1)).add(maskArr).softmax(-1);
      NDArray o =
          att.matMul(values)
              .reshape(kvh, g, t, hs)
              .transpose(2, 0, 1, 3)
              .reshape(t, c.hiddenSize());
      x = mlp(x.add(linear(o, wo[l])), l);
    }
    s.pos += t;
    return t == 1 ? x : x.get("{}:", t - 1);
  }

  @Override
  public void close() {
    manager.close();
  }
}
